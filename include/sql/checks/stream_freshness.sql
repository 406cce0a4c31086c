-- Every stream the shop extracts has advanced within `freshness_hours` (settings.csv, default 3):
-- its watermark (the end of the last window read and committed), or for a stream read whole
-- every run (locations, the shop) the time of its last commit. A stream that stopped advancing
-- (a scope taken away, a task skipped, a paused DAG just resumed) is named with how long ago it
-- last did. Streams of a shop never extracted have no state and are not checked.
with threshold as (
    select coalesce(
        (select nullif(btrim(s.value), '')::numeric from core.settings as s where s.setting = 'freshness_hours'), 3
    ) as hours
),

streams as (
    select st.stream, st.last_run_id, coalesce(st.watermark, st.updated_at) as advanced_to
    from ops.stream_state as st
    where st.shop = %(shop)s
)

select
    s.stream,
    s.advanced_to,
    s.last_run_id,
    s.stream || ' has not advanced for ' || round(extract(epoch from now() - s.advanced_to) / 3600, 1)
    || ' h (freshness_hours is ' || t.hours || ')' as problem
from streams as s
cross join threshold as t
where now() - s.advanced_to > make_interval(secs => 3600 * t.hours)
order by s.stream;
