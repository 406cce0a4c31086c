-- The fields the core build keys on are present on every live staged record: an order's name,
-- date, currency and total; a line item's quantity and price; a variant's product and
-- inventory item. The core build rejects such records; this check names them. Orders and their
-- lines per order: a scoped run looks only at the orders of ops.check_queue (variants: always all).
select
    'orders' as stream,
    o.id,
    o.id as shopify_order_id,
    'order has no ' || concat_ws(
        ', ',
        case when o.name is null then 'name' end,
        case when o.processed_at is null then 'processedAt' end,
        case when o.currency_code is null then 'currency' end,
        case when o.total_price is null then 'total price' end
    ) as problem
from staging.shopify_orders as o
where
    o._shop = %(shop)s
    and o._deleted_at is null
    and (o.name is null or o.processed_at is null or o.currency_code is null or o.total_price is null)
    and (
        not %(scoped)s
        or o.id = any(array(select q.shopify_order_id from ops.check_queue as q where q.shop = %(shop)s))
    )
union all
select
    'order_line_items' as stream,
    li.id,
    li._parent_id as shopify_order_id,
    'line item has no ' || concat_ws(
        ', ',
        case when li.quantity is null then 'quantity' end,
        case when li.unit_price is null then 'unit price' end
    ) as problem
from staging.shopify_order_line_items as li
where
    li._shop = %(shop)s
    and li._deleted_at is null
    and (li.quantity is null or li.unit_price is null)
    and (
        not %(scoped)s
        or li._parent_id = any(array(select q.shopify_order_id from ops.check_queue as q where q.shop = %(shop)s))
    )
union all
select
    'product_variants' as stream,
    v.id,
    null as shopify_order_id,
    'variant has no ' || concat_ws(
        ', ',
        case when v.product_id is null then 'product' end,
        case when v.inventory_item_id is null then 'inventory item' end
    ) as problem
from staging.shopify_product_variants as v
where v._shop = %(shop)s and v._deleted_at is null and (v.product_id is null or v.inventory_item_id is null)
order by stream, id;
