-- What the incremental core build needs: which orders changed since it last ran, what it decided
-- about each order it did not import, and the version of the rules it last ran with.

-- Records whose staged rows changed since the last core build, by the stream the core build
-- rebuilds them from (`root`: an order with all its children, a customer). Triggers on the
-- staging tables fill it (every writer: extraction, backfills, deletion events, a hand-made fix),
-- so no writer can forget to. The build takes the rows it sees with DELETE … RETURNING in its
-- own transaction: a change committed while it runs stays queued for the next build, and a
-- failed build puts back what it took.
create table if not exists ops.staging_changes (
    change_id bigserial primary key,
    shop text not null,
    root text not null,
    record_id text not null,
    queued_at timestamptz not null default now()
);
create index if not exists staging_changes_record on ops.staging_changes (shop, root, record_id);

-- The orders and customers one build rebuilds; filled and emptied inside the build's transaction
-- (so other sessions never see rows of them). The rule views of include/sql/rules read only these.
create table if not exists ops.transform_scope (
    shop text not null,
    shopify_order_id text not null,
    primary key (shop, shopify_order_id)
);

create table if not exists ops.customer_scope (
    shop text not null,
    shopify_customer_id text not null,
    primary key (shop, shopify_customer_id)
);

-- Per shop: the version (hash of the mapping files and of the rule and core SQL) the last build
-- ran with. Another version means every order of the shop is rebuilt, so a changed mapping
-- reaches exactly the orders it affects (the upserts write only rows that differ).
create table if not exists ops.transform_state (
    shop text primary key,
    version text not null,
    run_id text not null,
    built_at timestamptz not null default now()
);

-- Every staged order the last build that saw it did not import, and why: skipped on purpose by
-- the import rules, or rejected (retried at every build). An imported order has no row.
create table if not exists ops.order_outcomes (
    shop text not null,
    shopify_order_id text not null,
    skip_reason text,
    reject_reason text,
    run_id text not null,
    decided_at timestamptz not null default now(),
    primary key (shop, shopify_order_id),
    check ((skip_reason is null) <> (reject_reason is null))
);
create index if not exists order_outcomes_rejected on ops.order_outcomes (shop) where reject_reason is not null;

-- Statement-level trigger of the staging tables the core build reads: TG_ARGV[0] is the root
-- stream, TG_ARGV[1] the column holding its id ('id' on the root's own table, '_parent_id' on its
-- children's). Queues each changed record once per statement, and not again while it is still
-- queued. `changed_rows` is the statement's transition table (new rows for inserts and updates,
-- old rows for deletes).
create or replace function ops.queue_staging_changes() returns trigger
language plpgsql as $$
begin
    if tg_argv[1] = 'id' then
        insert into ops.staging_changes (shop, root, record_id)
        select distinct r._shop, tg_argv[0], r.id
        from changed_rows as r
        where not exists (
            select 1 from ops.staging_changes as q
            where q.shop = r._shop and q.root = tg_argv[0] and q.record_id = r.id
        );
    else
        insert into ops.staging_changes (shop, root, record_id)
        select distinct r._shop, tg_argv[0], r._parent_id
        from changed_rows as r
        where not exists (
            select 1 from ops.staging_changes as q
            where q.shop = r._shop and q.root = tg_argv[0] and q.record_id = r._parent_id
        );
    end if;
    return null;
end
$$;
