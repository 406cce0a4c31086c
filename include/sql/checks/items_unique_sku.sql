-- A SKU names one item: no two live variants of the shop share a (non-blank) SKU. The core
-- build keeps the SKU on the first variant by id and rejects the others; this check says so
-- for every variant that shares it, until the catalogue is fixed in Shopify.
with live_variants as (
    select
        v.id as shopify_variant_id,
        v.product_id as shopify_product_id,
        btrim(v.sku) as sku,
        count(*) over (partition by btrim(v.sku)) as variants_with_sku
    from staging.shopify_product_variants as v
    where v._shop = %(shop)s and v._deleted_at is null and nullif(btrim(v.sku), '') is not null
)

select
    lv.sku,
    lv.shopify_variant_id,
    lv.shopify_product_id,
    'SKU ' || lv.sku || ' is on ' || lv.variants_with_sku || ' live variants' as problem
from live_variants as lv
where lv.variants_with_sku > 1
order by lv.sku, lv.shopify_variant_id;
