-- Records the core build could not import, with their reasons (one row per run and record).
insert into ops.rejects (run_id, shop, stage, object_name, record_key, reason)
select %(run_id)s, c.shop, 'core', 'items', c.shopify_variant_id, c.reject_reason
from core.item_candidates as c
where c.shop = %(shop)s and c.reject_reason is not null
on conflict (run_id, stage, object_name, record_key) do nothing;

insert into ops.rejects (run_id, shop, stage, object_name, record_key, reason)
select %(run_id)s, c.shop, 'core', 'sales_orders', c.shopify_order_id, c.reject_reason
from core.sales_order_candidates as c
where c.shop = %(shop)s and c.skip_reason is null and c.reject_reason is not null
on conflict (run_id, stage, object_name, record_key) do nothing;
