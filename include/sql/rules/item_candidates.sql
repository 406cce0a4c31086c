-- One candidate item per Shopify variant, with the reason it cannot become an item (null = ok).
-- Mandatory: a SKU (the item's key), unique per shop (the first variant by id keeps it), a price
-- and an inventory item of its own (stock and pushes are per inventory item). Variants (and products) Shopify deleted are no candidates.
drop view if exists core.item_candidates;
create view core.item_candidates as
with variants as (
    select
        v._shop as shop,
        v.id as shopify_variant_id,
        nullif(btrim(v.sku), '') as sku,
        v.price,
        v.inventory_item_id as shopify_inventory_item_id,
        v.product_id as shopify_product_id,
        concat_ws(' - ', p.title, nullif(v.title, 'Default Title')) as name,
        nullif(p.product_type, '') as item_group,
        p.id is not null as has_product,
        row_number() over (partition by v._shop, nullif(btrim(v.sku), '') order by v.id) as sku_rank,
        row_number() over (partition by v._shop, v.inventory_item_id order by v.id) as inventory_item_rank
    from staging.shopify_product_variants as v
    left join staging.shopify_products as p on p._shop = v._shop and p.id = v.product_id and p._deleted_at is null
    where v._deleted_at is null
)

select
    variants.*,
    case
        when sku is null then 'variant has no SKU (mandatory for an item)'
        when sku_rank > 1 then 'duplicate SKU ' || sku || ' (kept on the first variant by id)'
        when price is null then 'variant has no price'
        when shopify_inventory_item_id is null then 'variant has no inventory item'
        when inventory_item_rank > 1
            then 'duplicate inventory item ' || shopify_inventory_item_id || ' (kept on the first variant by id)'
        when not has_product then 'variant''s product has not been extracted'
    end as reject_reason
from variants;
