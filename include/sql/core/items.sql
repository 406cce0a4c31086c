-- core.items: one item per variant that passes core.item_candidates (live variants only). An
-- item whose variant Shopify deleted stays (order lines and stock point at it), marked with the
-- deletion time; its SKU may then go to a new variant.
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
    shopify_inventory_item_id = excluded.shopify_inventory_item_id,
    deleted_at = excluded.deleted_at
where (core.items.sku, core.items.name, core.items.item_group, core.items.price,
       core.items.shopify_product_id, core.items.shopify_inventory_item_id, core.items.deleted_at)
    is distinct from (excluded.sku, excluded.name, excluded.item_group, excluded.price,
                      excluded.shopify_product_id, excluded.shopify_inventory_item_id, excluded.deleted_at);

update core.items as i
set deleted_at = v._deleted_at
from staging.shopify_product_variants as v
where
    v._shop = %(shop)s
    and v._deleted_at is not null
    and i.shop = v._shop
    and i.shopify_variant_id = v.id
    and i.deleted_at is distinct from v._deleted_at;

-- Items are written in the build's own transaction, before stock and orders join them: without
-- fresh statistics the planner takes the table for a handful of rows and joins it in a nested
-- loop over every inventory level (quadratic in the catalogue).
analyze core.items;
