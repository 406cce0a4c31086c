-- How many of each live kit item can be built at each active location from its components'
-- stock there: the least, over its components, of floor(available / quantity per kit), with
-- available as core.stock's available_to_sell (on hand - committed - safety stock, at least 0).
-- A component with no stock row at the location, or that Shopify deleted, has 0 available, so
-- the kit can build 0 there. `limiting_sku` names the component that sets the number.
drop view if exists core.kit_buildable cascade;  -- core.stock_to_push reads it: made again after
create view core.kit_buildable as
with kit_locations as (
    select
        kit.shop,
        kit.item_id as kit_item_id,
        kit.sku as kit_sku,
        l.location_id
    from core.items as kit
    inner join core.locations as l on l.shop = kit.shop
    where
        kit.deleted_at is null
        and l.is_active
        and l.deleted_at is null
        and exists (select from core.kit_components as kc where kc.kit_item_id = kit.item_id)
),

per_component as (
    select
        kl.shop,
        kl.kit_item_id,
        kl.kit_sku,
        kl.location_id,
        component.sku as component_sku,
        -- bigint: a tiny quantity per kit divides into a lot
        floor(coalesce(s.available_to_sell, 0) / kc.quantity)::bigint as buildable
    from kit_locations as kl
    inner join core.kit_components as kc on kc.kit_item_id = kl.kit_item_id
    inner join core.items as component on component.item_id = kc.component_item_id
    left join core.stock as s
        on
            s.item_id = component.item_id
            and s.location_id = kl.location_id
            and component.deleted_at is null
)

select
    per_component.shop,
    per_component.kit_item_id,
    per_component.kit_sku,
    per_component.location_id,
    min(per_component.buildable) as buildable,
    (array_agg(per_component.component_sku order by per_component.buildable, per_component.component_sku))[1]
        as limiting_sku
from per_component
group by per_component.shop, per_component.kit_item_id, per_component.kit_sku, per_component.location_id;
