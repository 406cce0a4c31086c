-- The inventory push plan of one run. Every level core.stock_to_push covers (live items, active
-- locations of push_locations) whose quantity differs from what Shopify last had is planned, with
-- the formula as its reason. "What Shopify last had" is the extracted level, or the quantity we
-- set ourselves if that push is newer than the extraction. Nothing is pushed for a level, item or
-- location Shopify deleted.
--
-- Quarantined (planned, never sent, with the reason): an inventory item several live variants
-- share (whose stock would it hold?), a level Shopify does not stock while we have a quantity for
-- it, and a variant with no inventory item at all. Both last come from staging: such variants
-- never become items (core.item_candidates rejects all but the first).
--
-- A re-run of the run plans nothing twice (one row per run, level and re-plan).
--
-- What the plan joins is evaluated once into temp tables the planner knows the size of: right
-- after a load, the statistics of the tables below would have it join level by level. They go
-- at the end of the file (or with the transaction, if it fails).
drop table if exists pg_temp.push_targets;
create temp table push_targets as
select * from core.stock_to_push
where shop = %(shop)s;
analyze pg_temp.push_targets;

-- What Shopify last had of each live level: the extracted quantity, or ours if we pushed it later.
drop table if exists pg_temp.push_shopify_levels;
create temp table push_shopify_levels as
select
    lv.inventory_item_id,
    lv.location_id,
    pushed.target_quantity as pushed,
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
where lv._shop = %(shop)s and lv._deleted_at is null;
analyze pg_temp.push_shopify_levels;

-- Inventory items several live variants point at.
drop table if exists pg_temp.push_shared_items;
create temp table push_shared_items as
select
    c.shopify_inventory_item_id,
    string_agg(c.shopify_variant_id || coalesce(' (SKU ' || c.sku || ')', ''), ', ' order by c.shopify_variant_id)
        as variants
from core.item_candidates as c
where c.shop = %(shop)s and c.shopify_inventory_item_id is not null
group by c.shopify_inventory_item_id
having count(*) > 1;
analyze pg_temp.push_shared_items;

insert into ops.inventory_pushes (
    run_id, shop, inventory_item_id, location_id, variant_id, sku, shopify_quantity, target_quantity, status, reason
)
with levels as (
    select
        t.*,
        k.available as shopify_quantity,
        k.pushed,
        k.inventory_item_id is not null as is_stocked,
        si.variants as sharing_variants
    from pg_temp.push_targets as t
    left join pg_temp.push_shopify_levels as k
        on k.inventory_item_id = t.shopify_inventory_item_id and k.location_id = t.shopify_location_id
    left join pg_temp.push_shared_items as si on si.shopify_inventory_item_id = t.shopify_inventory_item_id
),

decided as (
    select
        levels.*,
        case
            when levels.sharing_variants is not null then 'quarantined'
            when not levels.is_stocked and levels.quantity <> 0 then 'quarantined'
            when levels.shopify_quantity <> levels.quantity then 'planned'
        end as status,
        case
            when levels.sharing_variants is not null
                then 'inventory item ' || levels.shopify_inventory_item_id || ' is shared by variants '
                || levels.sharing_variants || ': whose stock it holds is ambiguous, so nothing is pushed to it'
            when not levels.is_stocked
                then 'Shopify does not stock SKU ' || levels.sku || ' at ' || levels.location_name
                || ' (no inventory level there): activate it there to push ' || levels.quantity
            else 'Shopify has ' || levels.shopify_quantity
                || case when levels.pushed is not null then ' (as we last set it)' else '' end
                || '; push ' || levels.quantity || ' = ' || levels.formula
        end as reason
    from levels
)

select
    %(run_id)s,
    decided.shop,
    decided.shopify_inventory_item_id,
    decided.shopify_location_id,
    decided.shopify_variant_id,
    decided.sku,
    decided.shopify_quantity,
    decided.quantity,
    decided.status,
    decided.reason
from decided
where decided.status is not null

union all

select
    %(run_id)s,
    c.shop,
    null,
    null,
    c.shopify_variant_id,
    c.sku,
    null,
    null,
    'quarantined',
    'variant ' || c.shopify_variant_id || ' (SKU ' || c.sku || ') has no inventory item: its stock cannot be pushed'
from core.item_candidates as c
where c.shop = %(shop)s and c.shopify_inventory_item_id is null and c.sku is not null
on conflict do nothing;

drop table pg_temp.push_targets;
drop table pg_temp.push_shopify_levels;
drop table pg_temp.push_shared_items;
