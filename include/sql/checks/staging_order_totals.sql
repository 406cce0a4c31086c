-- Every live staged order adds up as Shopify adds it up (totalPriceSet, before returns):
-- total price = line items at their original price, less every discount allocated to them
-- (line-level and order-level), + shipping less its discounts (totalShippingPriceSet is before
-- them) + tax. Original quantities, not currentQuantity: refunds and cancellations leave
-- totalPriceSet as it was, so cancelled and refunded orders add up too. Tolerance: one cent.
-- This checks what was staged, for every order, imported into core or not; sales_order_totals
-- checks what core made of it. Orders whose prices include tax (taxesIncluded) are not read yet.
-- Per order: a scoped run looks only at the orders of ops.check_queue.
with expected as (
    select
        o.id as shopify_order_id,
        o.name as web_order_number,
        o.total_price,
        d.original_lines,
        d.allocated as discounts,
        coalesce(o.total_shipping, 0) - d.shipping_discounts as shipping,
        coalesce(o.total_tax, 0) as tax
    from staging.shopify_orders as o
    join core.order_discounts as d on d.shop = o._shop and d.shopify_order_id = o.id
    where
        o._shop = %(shop)s
        and o._deleted_at is null
        and o.total_price is not null
        and (
            not %(scoped)s
            or o.id = any(array(select q.shopify_order_id from ops.check_queue as q where q.shop = %(shop)s))
        )
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
