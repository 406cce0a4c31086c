-- The build is done: remember the version of the rules it ran with (a new version rebuilds every
-- order), queue the orders it rebuilt for the checks, and empty its scopes.
insert into ops.transform_state (shop, version, run_id, built_at)
values (%(shop)s, %(version)s, %(run_id)s, now())
on conflict (shop) do update
set version = excluded.version, run_id = excluded.run_id, built_at = excluded.built_at;

-- The orders rebuilt wait for the per-order data-quality checks (ops.check_queue).
insert into ops.check_queue (shop, shopify_order_id)
select ts.shop, ts.shopify_order_id
from ops.transform_scope as ts
where ts.shop = %(shop)s
on conflict (shop, shopify_order_id) do update set seq = nextval('ops.check_queue_seq');

delete from ops.transform_scope where shop = %(shop)s;

delete from ops.customer_scope where shop = %(shop)s;
