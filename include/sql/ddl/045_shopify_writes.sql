-- The outbox of every write to Shopify except the inventory pushes (which keep their own plan,
-- ops.inventory_pushes): fulfillments, tracking updates, order tags and cancellations. A write
-- is planned here first, with what it means to do (payload) and a key derived from it; it is
-- marked `sending` (attempts + 1, committed) before the request leaves, and settled with
-- Shopify's answer in the transaction that records its result in core. A write still `sending`
-- when a run starts was interrupted after it left: its outcome is unknown, so Shopify's state is
-- read before it is sent again. Failed writes stay with their errors until someone retries them.
create table if not exists ops.shopify_writes (
    write_id bigserial primary key,
    shop text not null,
    kind text not null,
    subject text not null,
    idempotency_key text not null unique,
    payload jsonb not null,
    state text not null default 'pending'
        check (state in ('pending', 'sending', 'applied', 'failed', 'superseded')),
    attempts integer not null default 0 check (attempts >= 0),
    request_id text,
    user_errors jsonb,
    result jsonb,
    last_error text,
    run_id text not null,
    planned_at timestamptz not null default now(),
    first_sent_at timestamptz,
    sent_at timestamptz,
    settled_at timestamptz
);
-- One open write per subject (a shipment, an order's tags): a changed intent replaces the pending
-- one, and never races one that is being sent.
create unique index if not exists shopify_writes_open
    on ops.shopify_writes (shop, kind, subject) where state in ('pending', 'sending');
create index if not exists shopify_writes_state on ops.shopify_writes (shop, state);

-- Who owns a shipment's tracking numbers and lines: Shopify for the fulfillments it made (the
-- core build copies them), the back office for the shipments it records (the push sends them,
-- and later changes to their tracking numbers, to Shopify).
alter table core.shipments add column if not exists origin text not null default 'back_office'
    check (origin in ('shopify', 'back_office'));

-- Who owns a customer: Shopify for the customers the core build makes from its web customers,
-- the back office for the ones it creates (sent to Shopify when push_customers is on; the build
-- never overwrites them, and the Shopify customer they become stays linked to them).
alter table core.customers add column if not exists origin text not null default 'shopify'
    check (origin in ('shopify', 'back_office'));
