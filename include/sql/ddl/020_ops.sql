-- Watermark per shop and stream: advanced in the transaction that commits the rows, never before.
create table if not exists ops.stream_state (
    shop text not null,
    stream text not null,
    watermark timestamptz,
    last_run_id text not null,
    rows_seen bigint not null default 0,
    updated_at timestamptz not null default now(),
    primary key (shop, stream)
);

-- Records that could not be loaded, with the reason; one row per run, shop, stage, object and
-- record so that a retried run does not count a reject twice.
create table if not exists ops.rejects (
    reject_id bigserial primary key,
    run_id text not null,
    shop text not null,
    stage text not null check (stage in ('extract', 'core', 'reverse')),
    object_name text not null,
    record_key text not null,
    reason text not null,
    record jsonb,
    rejected_at timestamptz not null default now()
);
-- The key once left out the shop: two shops' runs scheduled for the same time share Airflow's
-- run id, and one shop's reject of a record key (a kit's SKUs) would have hidden the other's.
alter table ops.rejects drop constraint if exists rejects_run_id_stage_object_name_record_key_key;
create unique index if not exists rejects_once on ops.rejects (run_id, shop, stage, object_name, record_key);

-- One report per DAG run (and shop): what moved, what was rejected, what was pushed.
create table if not exists ops.sync_runs (
    run_id text not null,
    shop text not null,
    dag_id text not null,
    started_at timestamptz not null default now(),
    finished_at timestamptz,
    report jsonb not null default '{}'::jsonb,
    constraint sync_runs_key primary key (dag_id, run_id, shop)
);
-- The key was (run_id, shop) until the reverse sync got a DAG of its own: Airflow's run ids are
-- unique per DAG only, and the sync and the reverse sync scheduled for the same minute share one.
do $$
begin
    if not exists (select from pg_constraint where conname = 'sync_runs_key') then
        alter table ops.sync_runs drop constraint if exists sync_runs_pkey;
        alter table ops.sync_runs add constraint sync_runs_key primary key (dag_id, run_id, shop);
    end if;
end
$$;

-- Reverse sync of available quantities: the plan (status planned) is visible before anything
-- is written; a batch is sent once under its idempotency key, with compare-and-set on the
-- quantity Shopify last had.
create table if not exists ops.inventory_pushes (
    push_id bigserial primary key,
    run_id text not null,
    shop text not null,
    inventory_item_id text not null,
    location_id text not null,
    sku text,
    shopify_quantity integer not null,
    target_quantity integer not null,
    delta integer generated always as (target_quantity - shopify_quantity) stored,
    status text not null default 'planned'
        check (status in ('planned', 'applied', 'conflict', 'failed', 'quarantined')),
    reason text,
    batch_key text,
    planned_at timestamptz not null default now(),
    sent_at timestamptz,
    unique (run_id, shop, inventory_item_id, location_id)
);
create index if not exists inventory_pushes_applied
    on ops.inventory_pushes (shop, inventory_item_id, location_id, sent_at)
    where status = 'applied';

-- Ids-only deletion sweeps, per shop and stream: when the last complete sweep read Shopify's ids
-- (a sweep of a big store costs API points, so it runs at most every `sweep_every_hours`), how
-- many ids Shopify had and how many staged rows that sweep marked deleted.
create table if not exists ops.deletion_sweeps (
    shop text not null,
    stream text not null,
    swept_at timestamptz not null,
    last_run_id text not null,
    ids_seen bigint not null,
    rows_marked bigint not null,
    primary key (shop, stream)
);
