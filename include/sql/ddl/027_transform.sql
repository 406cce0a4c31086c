-- What the incremental core build needs: which orders changed since it last ran, what it decided
-- about each order it did not import, and the version of the rules it last ran with.

-- Orders whose staged rows changed since the last core build. Triggers on the staging tables of
-- orders and their children fill it (every writer: extraction, backfills, deletion events, a
-- hand-made fix), so no writer can forget to. The build takes the rows it sees with
-- DELETE … RETURNING in its own transaction: a change committed while it runs stays queued for
-- the next build, and a failed build puts back what it took.
create table if not exists ops.order_changes (
    change_id bigserial primary key,
    shop text not null,
    shopify_order_id text not null,
    queued_at timestamptz not null default now()
);
create index if not exists order_changes_order on ops.order_changes (shop, shopify_order_id);

-- The orders one build rebuilds; filled and emptied inside the build's transaction (so other
-- sessions never see rows of it). The rule views of include/sql/rules read only these orders.
create table if not exists ops.transform_scope (
    shop text not null,
    shopify_order_id text not null,
    primary key (shop, shopify_order_id)
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

-- Statement-level trigger of the staging tables of orders (TG_ARGV[0] = 'id') and of their
-- children (TG_ARGV[0] = '_parent_id'): queues each changed order once per statement, and not
-- again while it is still queued. `changed_rows` is the statement's transition table (new rows
-- for inserts and updates, old rows for deletes).
create or replace function ops.queue_order_changes() returns trigger
language plpgsql as $$
begin
    if tg_argv[0] = 'id' then
        insert into ops.order_changes (shop, shopify_order_id)
        select distinct r._shop, r.id
        from changed_rows as r
        where not exists (
            select 1 from ops.order_changes as q where q.shop = r._shop and q.shopify_order_id = r.id
        );
    else
        insert into ops.order_changes (shop, shopify_order_id)
        select distinct r._shop, r._parent_id
        from changed_rows as r
        where not exists (
            select 1 from ops.order_changes as q where q.shop = r._shop and q.shopify_order_id = r._parent_id
        );
    end if;
    return null;
end
$$;
