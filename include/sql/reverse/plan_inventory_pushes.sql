-- The inventory push plan of one run: every active, mapped item x location whose available to
-- sell differs from what Shopify last had. "What Shopify last had" is the extracted level, or
-- the quantity we set ourselves if that push is newer than the extraction. Nothing is pushed
-- for a level, item or location Shopify deleted.
insert into ops.inventory_pushes (
    run_id, shop, inventory_item_id, location_id, sku, shopify_quantity, target_quantity
)
with shopify_known as (
    select
        lv._shop as shop,
        lv.inventory_item_id,
        lv.location_id,
        coalesce(pushed.target_quantity, lv.available) as available
    from staging.shopify_inventory_levels as lv
    left join lateral (
        select p.target_quantity
        from ops.inventory_pushes as p
        where
            p.shop = lv._shop
            and p.inventory_item_id = lv.inventory_item_id
            and p.location_id = lv.location_id
            and p.status = 'applied'
            and p.sent_at > lv._extracted_at
        order by p.sent_at desc
        limit 1
    ) as pushed on true
    where lv._shop = %(shop)s and lv._deleted_at is null
)

select
    %(run_id)s,
    i.shop,
    i.shopify_inventory_item_id,
    l.shopify_location_id,
    i.sku,
    k.available,
    s.available_to_sell
from core.stock as s
inner join core.items as i on i.item_id = s.item_id
inner join core.locations as l on l.location_id = s.location_id
inner join shopify_known as k
    on k.shop = i.shop and k.inventory_item_id = i.shopify_inventory_item_id and k.location_id = l.shopify_location_id
where
    i.shop = %(shop)s
    and i.deleted_at is null
    and l.is_active
    and l.deleted_at is null
    and k.available is not null
    and k.available <> s.available_to_sell
on conflict (run_id, shop, inventory_item_id, location_id) do nothing;
