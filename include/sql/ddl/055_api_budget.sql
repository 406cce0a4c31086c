-- The shop's GraphQL bucket as every task of the shop sees it (shopify_elt.shared_budget).
-- Shopify keeps one leaky bucket per app and shop; the extract tasks of a sync run at once, each
-- with its own client. Each client takes a query's requested cost from this row before sending
-- it, so together they never ask for more than the bucket holds. Times are the database's
-- clock_timestamp(), the one clock all workers share.
create table if not exists ops.api_budget (
    shop text primary key,
    maximum double precision not null check (maximum > 0),
    restore_rate double precision not null check (restore_rate > 0),
    available double precision not null,  -- points at observed_at, after every reservation taken
    observed_at timestamptz not null
);
