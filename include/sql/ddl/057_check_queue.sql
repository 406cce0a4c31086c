-- The orders the per-order data-quality checks have still to look at (shopify_elt.checks). Each
-- core build adds the orders it rebuilt (in its own transaction); a check run removes those it
-- looked at and found in order, and keeps those that offend, so a problem is reported every run
-- until it is fixed. A whole-shop pass (once a day by default) adds whatever offends anywhere.
-- `seq` grows with each queuing: an order queued again while the checks run is not removed by
-- them.
create sequence if not exists ops.check_queue_seq;

create table if not exists ops.check_queue (
    shop text not null,
    shopify_order_id text not null,
    seq bigint not null default nextval('ops.check_queue_seq'),
    primary key (shop, shopify_order_id)
);

-- When each shop's checks last looked at the whole shop.
create table if not exists ops.check_passes (
    shop text primary key,
    whole_shop_at timestamptz not null,
    run_id text not null
);
