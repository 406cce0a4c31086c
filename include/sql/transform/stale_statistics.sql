-- The pipeline's tables whose planner statistics are missing or stale by autovacuum's own rule
-- (changed rows since the last ANALYZE above autovacuum_analyze_threshold +
-- autovacuum_analyze_scale_factor × rows). A backfill or a first extraction loads hundreds of
-- thousands of rows at once; planned without statistics, the build's joins take minutes instead
-- of seconds, and autovacuum may come by late or, where it is switched off, never.
select format('%I.%I', s.schemaname, s.relname)
from pg_stat_user_tables as s
join pg_class as c on c.oid = s.relid
where s.schemaname in ('staging', 'core', 'ops')
  and s.n_mod_since_analyze > current_setting('autovacuum_analyze_threshold')::float8
        + current_setting('autovacuum_analyze_scale_factor')::float8 * greatest(c.reltuples, 0)
order by 1
