-- Every live staged order adds up as Shopify adds it up (totalPriceSet, before returns):
-- total price = line items at their original price, less every discount allocated to them
-- (line-level and order-level), + shipping less its discounts (totalShippingPriceSet is before
-- them) + tax. Original quantities, not currentQuantity: refunds and cancellations leave
-- totalPriceSet as it was, so cancelled and refunded orders add up too. Tolerance: one cent.
-- This checks what was staged, for every order, imported into core or not; sales_order_totals
-- checks what core made of it. Orders whose prices include tax (taxesIncluded) are not read yet.
with line_items as (
    select
        li._parent_id as shopify_order_id,
        sum(coalesce(li.quantity, 0) * coalesce(li.unit_price, 0)) as original_lines
    from staging.shopify_order_line_items as li
    where li._shop = %(shop)s and li._deleted_at is null
    group by li._parent_id
),

allocations as (
    select
        da._parent_id as shopify_order_id,
        sum(coalesce(da.amount, 0)) as allocated
    from staging.shopify_order_line_discount_allocations as da
    where da._shop = %(shop)s and da._deleted_at is null
    group by da._parent_id
),

shipping_discounts as (
    select
        sl._parent_id as shopify_order_id,
        sum(coalesce(sl.price, 0) - coalesce(sl.discounted_price, sl.price, 0)) as discounted
    from staging.shopify_order_shipping_lines as sl
    where sl._shop = %(shop)s and sl._deleted_at is null and not coalesce(sl.is_removed, false)
    group by sl._parent_id
),

expected as (
    select
        o.id as shopify_order_id,
        o.name as web_order_number,
        o.total_price,
        coalesce(li.original_lines, 0) as original_lines,
        coalesce(a.allocated, 0) as discounts,
        coalesce(o.total_shipping, 0) - coalesce(sd.discounted, 0) as shipping,
        coalesce(o.total_tax, 0) as tax
    from staging.shopify_orders as o
    left join line_items as li on li.shopify_order_id = o.id
    left join allocations as a on a.shopify_order_id = o.id
    left join shipping_discounts as sd on sd.shopify_order_id = o.id
    where o._shop = %(shop)s and o._deleted_at is null and o.total_price is not null
)

select
    e.shopify_order_id,
    e.web_order_number,
    e.total_price,
    e.original_lines - e.discounts + e.shipping + e.tax as expected_total,
    'total price ' || e.total_price::numeric(18, 2) || ' <> lines ' || e.original_lines::numeric(18, 2)
    || ' - discounts ' || e.discounts::numeric(18, 2) || ' + shipping ' || e.shipping::numeric(18, 2)
    || ' + tax ' || e.tax::numeric(18, 2) as problem
from expected as e
where abs(e.total_price - (e.original_lines - e.discounts + e.shipping + e.tax)) > 0.01
order by e.shopify_order_id;
