-- core.stock: one row per item and location Shopify stocks it at. on_hand is taken from
-- Shopify only when the row is created (the back office owns it afterwards); committed follows
-- Shopify's reservations; safety stock comes from core.safety_stock_rules ('*' = default).
-- Levels, items and locations Shopify deleted neither create nor update stock rows.
insert into core.stock (item_id, location_id, on_hand, committed, safety_stock)
select
    i.item_id,
    l.location_id,
    coalesce(lv.on_hand, 0),
    greatest(coalesce(lv.committed, 0), 0),
    coalesce(by_sku.quantity, by_default.quantity, 0)
from staging.shopify_inventory_levels as lv
inner join core.items as i on i.shop = lv._shop and i.shopify_inventory_item_id = lv.inventory_item_id
inner join core.locations as l on l.shop = lv._shop and l.shopify_location_id = lv.location_id
left join core.safety_stock_rules as by_sku on by_sku.sku = i.sku
left join core.safety_stock_rules as by_default on by_default.sku = '*'
where lv._shop = %(shop)s and lv._deleted_at is null and i.deleted_at is null and l.deleted_at is null
on conflict (item_id, location_id) do update
set committed = excluded.committed, safety_stock = excluded.safety_stock
where (core.stock.committed, core.stock.safety_stock)
    is distinct from (excluded.committed, excluded.safety_stock);
