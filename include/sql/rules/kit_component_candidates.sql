-- One candidate kit component per shop and rule of core.kit_rules, its SKUs resolved to the live
-- items of the shop, with the reason it cannot be loaded (null = ok). A kit loads whole or not
-- at all: without one of its components its buildable quantity would be overstated, so the
-- other rules of that kit are rejected too, naming the unknown components, and the kit keeps
-- the components it had.
drop view if exists core.kit_component_candidates;
create view core.kit_component_candidates as
with shops as (
    select distinct i.shop from core.items as i
),

resolved as (
    select
        s.shop,
        r.kit_sku,
        r.component_sku,
        r.quantity,
        kit.item_id as kit_item_id,
        component.item_id as component_item_id
    from shops as s
    cross join core.kit_rules as r
    left join core.items as kit on kit.shop = s.shop and kit.sku = r.kit_sku and kit.deleted_at is null
    left join core.items as component
        on component.shop = s.shop and component.sku = r.component_sku and component.deleted_at is null
),

unknown_components as (
    select
        resolved.shop,
        resolved.kit_sku,
        string_agg(resolved.component_sku, ', ' order by resolved.component_sku) as component_skus
    from resolved
    where resolved.component_item_id is null
    group by resolved.shop, resolved.kit_sku
)

select
    resolved.*,
    case
        when resolved.kit_item_id is null and resolved.component_item_id is null
            then 'kit SKU ' || resolved.kit_sku || ' and component SKU ' || resolved.component_sku
            || ' are not known items'
        when resolved.kit_item_id is null then 'kit SKU ' || resolved.kit_sku || ' is not a known item'
        when resolved.component_item_id is null
            then 'component SKU ' || resolved.component_sku || ' of kit ' || resolved.kit_sku || ' is not a known item'
        when u.kit_sku is not null
            then 'kit ' || resolved.kit_sku || ' is left as it was (a kit loads whole or not at all):'
            || ' unknown component SKU ' || u.component_skus
    end as reject_reason
from resolved
left join unknown_components as u on u.shop = resolved.shop and u.kit_sku = resolved.kit_sku;
