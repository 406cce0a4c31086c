-- What the build decided about each order in scope that it did not import: skipped on purpose
-- (archived, test, channel, financial status) or rejected (retried at the next build). Orders
-- imported, or no longer staged, have no row. Then the order rejects of this run, with reasons.
delete from ops.order_outcomes as oc
using ops.transform_scope as ts
where ts.shop = %(shop)s and oc.shop = ts.shop and oc.shopify_order_id = ts.shopify_order_id;

insert into ops.order_outcomes (shop, shopify_order_id, skip_reason, reject_reason, run_id)
select
    c.shop,
    c.shopify_order_id,
    c.skip_reason,
    case when c.skip_reason is null then c.reject_reason end,
    %(run_id)s
from pg_temp.order_candidates as c
where c.skip_reason is not null or c.reject_reason is not null;

insert into ops.rejects (run_id, shop, stage, object_name, record_key, reason)
select %(run_id)s, c.shop, 'core', 'sales_orders', c.shopify_order_id, c.reject_reason
from pg_temp.order_candidates as c
where c.skip_reason is null and c.reject_reason is not null
on conflict (run_id, shop, stage, object_name, record_key) do nothing;
