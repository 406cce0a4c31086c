-- Bulk backfills of history, one row per shop, stream and window of creation dates. Kept apart
-- from ops.stream_state: a backfill never moves the hourly run's watermark. `loaded_until`
-- advances in the transaction that commits each bulk job's rows, so a re-run resumes there.
create table if not exists ops.backfill_windows (
    shop text not null,
    stream text not null,
    window_start timestamptz not null,
    window_end timestamptz not null,
    status text not null check (status in ('running', 'done')),
    loaded_until timestamptz not null,
    jobs integer not null default 0,
    failed_jobs integer not null default 0,
    rows jsonb not null default '{}'::jsonb,
    run_id text not null,
    started_at timestamptz not null default now(),
    finished_at timestamptz,
    primary key (shop, stream, window_start, window_end),
    check (window_start < window_end and loaded_until between window_start and window_end)
);
