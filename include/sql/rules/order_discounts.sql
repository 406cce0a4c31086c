-- Per staged order, the discounts Shopify's totals are made with (read by the sales order
-- candidates and the totals checks): every discount allocated to its lines (line-level and
-- order-level), the part of it the discounted unit prices already took off (line-level), and the
-- discounts on its shipping lines (totalShippingPriceSet is before them).
-- Written with one lateral sum per order rather than grouped subqueries, so that a query for a
-- few orders (an incremental build) reads only their rows.
drop view if exists core.order_discounts;
create view core.order_discounts as
select
    o._shop as shop,
    o.id as shopify_order_id,
    coalesce(l.original_lines, 0) as original_lines,
    coalesce(a.allocated, 0) as allocated,
    coalesce(l.line_level, 0) as line_level,
    coalesce(s.shipping_discounts, 0) as shipping_discounts
from staging.shopify_orders as o
left join lateral (
    select sum(coalesce(da.amount, 0)) as allocated
    from staging.shopify_order_line_discount_allocations as da
    where da._shop = o._shop and da._parent_id = o.id and da._deleted_at is null
) as a on true
left join lateral (
    select
        sum(coalesce(li.quantity, 0) * coalesce(li.unit_price, 0)) as original_lines,
        sum(
            coalesce(li.quantity, 0) * (coalesce(li.unit_price, 0) - coalesce(li.discounted_unit_price, li.unit_price, 0))
        ) as line_level
    from staging.shopify_order_line_items as li
    where li._shop = o._shop and li._parent_id = o.id and li._deleted_at is null
) as l on true
left join lateral (
    select sum(coalesce(sl.price, 0) - coalesce(sl.discounted_price, sl.price, 0)) as shipping_discounts
    from staging.shopify_order_shipping_lines as sl
    where sl._shop = o._shop and sl._parent_id = o.id and sl._deleted_at is null and not coalesce(sl.is_removed, false)
) as s on true
where o._deleted_at is null;
