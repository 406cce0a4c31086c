-- Shopify's webhook deliveries, as the receiver (shopify_elt.webhooks.receiver) stored them: one
-- row per delivery, keyed by X-Shopify-Webhook-Id, which Shopify keeps on every retry, so retries
-- and duplicate sends are stored once and only counted (`deliveries`). The body is kept as
-- received (text, not jsonb): the signature can be checked again from it, and a payload jsonb
-- would refuse (a "\u0000" escape) can never make the receiver fail, and Shopify retry, forever.
-- The merge (shopify_elt.webhooks.merge, DAG shopify_webhooks) sets `processed_at` in the
-- transaction that commits what the delivery brought to staging.
create table if not exists ops.webhook_inbox (
    shop text not null,
    webhook_id text not null,
    topic text not null,
    event_id text,
    api_version text,
    triggered_at timestamptz,
    received_at timestamptz not null default clock_timestamp(),
    last_received_at timestamptz not null default clock_timestamp(),
    deliveries integer not null default 1,
    body text not null,
    attempts integer not null default 0,
    processed_at timestamptz,
    outcome text check (outcome in ('merged', 'ignored', 'not_found')),
    outcome_reason text,
    run_id text,
    primary key (shop, webhook_id)
);
-- What the merge takes next: the pending deliveries of a shop, oldest first.
create index if not exists webhook_inbox_pending
    on ops.webhook_inbox (shop, received_at, webhook_id) where processed_at is null;
-- What the retention purge deletes: processed deliveries, oldest first.
create index if not exists webhook_inbox_processed
    on ops.webhook_inbox (shop, processed_at) where processed_at is not null;
