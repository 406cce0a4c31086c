-- core.items: one item per variant that passes core.item_candidates.
insert into core.items (
    shop, sku, name, item_group, price, shopify_product_id, shopify_variant_id, shopify_inventory_item_id
)
select
    c.shop,
    c.sku,
    c.name,
    c.item_group,
    c.price,
    c.shopify_product_id,
    c.shopify_variant_id,
    c.shopify_inventory_item_id
from core.item_candidates as c
where c.shop = %(shop)s and c.reject_reason is null
on conflict (shop, shopify_variant_id) do update
set
    sku = excluded.sku,
    name = excluded.name,
    item_group = excluded.item_group,
    price = excluded.price,
    shopify_product_id = excluded.shopify_product_id,
    shopify_inventory_item_id = excluded.shopify_inventory_item_id
where (core.items.sku, core.items.name, core.items.item_group, core.items.price,
       core.items.shopify_product_id, core.items.shopify_inventory_item_id)
    is distinct from (excluded.sku, excluded.name, excluded.item_group, excluded.price,
                      excluded.shopify_product_id, excluded.shopify_inventory_item_id);
