-- What the inventory push tells Shopify is available, per live item and active location that
-- push_locations covers (core.push_settings): available to sell (on hand - committed - safety
-- stock, at least 0), plus, each behind its switch of settings.csv, what is incoming on purchase
-- orders, what the vendor can drop-ship and, for a kit, how many its components build there
-- (core.kit_buildable). A part whose switch is off is null. `formula` spells the sum out: it is
-- the plan's reason. Capped at Shopify's largest quantity (a tiny quantity per kit builds a lot).
drop view if exists core.stock_to_push;
create view core.stock_to_push as
with pushed_locations as (
    select
        l.shop,
        l.location_id,
        l.shopify_location_id,
        l.name
    from core.locations as l
    cross join core.push_settings as ps
    where
        l.is_active
        and l.deleted_at is null
        and (
            '*' = any(ps.locations)
            or l.name = any(ps.locations)
            or l.shopify_location_id = any(ps.locations)
            or split_part(l.shopify_location_id, '/', 5) = any(ps.locations)  -- the number alone
        )
),

parts as (
    select
        i.shop,
        i.item_id,
        l.location_id,
        i.sku,
        i.shopify_variant_id,
        i.shopify_inventory_item_id,
        l.shopify_location_id,
        l.name as location_name,
        s.on_hand,
        s.committed,
        s.safety_stock,
        s.available_to_sell,
        case when ps.include_incoming then s.incoming end as incoming,
        case when ps.include_vendor then s.vendor_quantity end as vendor_quantity,
        case when ps.include_kits then kb.buildable end as kit_buildable,
        case when ps.include_kits then kb.limiting_sku end as limiting_sku
    from core.stock as s
    inner join core.items as i on i.item_id = s.item_id
    inner join pushed_locations as l on l.location_id = s.location_id
    cross join core.push_settings as ps
    left join core.kit_buildable as kb on kb.kit_item_id = s.item_id and kb.location_id = s.location_id
    where i.deleted_at is null
),

summed as (
    select
        parts.*,
        parts.available_to_sell::bigint + coalesce(parts.incoming, 0) + coalesce(parts.vendor_quantity, 0)
        + coalesce(parts.kit_buildable, 0) as total
    from parts
)

select
    summed.shop,
    summed.item_id,
    summed.location_id,
    summed.sku,
    summed.shopify_variant_id,
    summed.shopify_inventory_item_id,
    summed.shopify_location_id,
    summed.location_name,
    summed.on_hand,
    summed.committed,
    summed.safety_stock,
    summed.available_to_sell,
    summed.incoming,
    summed.vendor_quantity,
    summed.kit_buildable,
    summed.limiting_sku,
    least(summed.total, 1000000000)::integer as quantity,
    concat_ws(
        ' + ',
        summed.available_to_sell || ' available to sell (on hand ' || summed.on_hand || ' - committed '
        || summed.committed || ' - safety stock ' || summed.safety_stock
        || case when summed.on_hand - summed.committed - summed.safety_stock < 0 then ', not below 0' else '' end
        || ')',
        summed.incoming || ' incoming on purchase orders',
        summed.vendor_quantity || ' from the vendor',
        summed.kit_buildable || ' buildable from kit components (limited by ' || summed.limiting_sku || ')'
    )
    || case when summed.total > 1000000000 then ', capped at 1000000000 (Shopify''s largest quantity)' else '' end
    as formula
from summed;
