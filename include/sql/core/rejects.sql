-- Items and kit rules the core build could not import, with their reasons (one row per run and
-- record); the orders' rejects are written with their outcomes (include/sql/transform/outcomes.sql).
insert into ops.rejects (run_id, shop, stage, object_name, record_key, reason)
select %(run_id)s, c.shop, 'core', 'items', c.shopify_variant_id, c.reject_reason
from core.item_candidates as c
where c.shop = %(shop)s and c.reject_reason is not null
on conflict (run_id, shop, stage, object_name, record_key) do nothing;

insert into ops.rejects (run_id, shop, stage, object_name, record_key, reason)
select %(run_id)s, c.shop, 'core', 'kit_components', c.kit_sku || '>' || c.component_sku, c.reject_reason
from core.kit_component_candidates as c
where c.shop = %(shop)s and c.reject_reason is not null
on conflict (run_id, shop, stage, object_name, record_key) do nothing;
