-- Per staged order, the discounts Shopify's totals are made with (read by the sales order
-- candidates and the totals checks): every discount allocated to its lines (line-level and
-- order-level), the part of it the discounted unit prices already took off (line-level), and the
-- discounts on its shipping lines (totalShippingPriceSet is before them).
drop view if exists core.order_discounts;
create view core.order_discounts as
with allocations as (
    select da._shop as shop, da._parent_id as shopify_order_id, sum(coalesce(da.amount, 0)) as allocated
    from staging.shopify_order_line_discount_allocations as da
    where da._deleted_at is null
    group by da._shop, da._parent_id
),

line_levels as (
    select
        li._shop as shop,
        li._parent_id as shopify_order_id,
        sum(coalesce(li.quantity, 0) * coalesce(li.unit_price, 0)) as original_lines,
        sum(
            coalesce(li.quantity, 0) * (coalesce(li.unit_price, 0) - coalesce(li.discounted_unit_price, li.unit_price, 0))
        ) as line_level
    from staging.shopify_order_line_items as li
    where li._deleted_at is null
    group by li._shop, li._parent_id
),

shipping as (
    select
        sl._shop as shop,
        sl._parent_id as shopify_order_id,
        sum(coalesce(sl.price, 0) - coalesce(sl.discounted_price, sl.price, 0)) as shipping_discounts
    from staging.shopify_order_shipping_lines as sl
    where sl._deleted_at is null and not coalesce(sl.is_removed, false)
    group by sl._shop, sl._parent_id
)

select
    o._shop as shop,
    o.id as shopify_order_id,
    coalesce(l.original_lines, 0) as original_lines,
    coalesce(a.allocated, 0) as allocated,
    coalesce(l.line_level, 0) as line_level,
    coalesce(s.shipping_discounts, 0) as shipping_discounts
from staging.shopify_orders as o
left join allocations as a on a.shop = o._shop and a.shopify_order_id = o.id
left join line_levels as l on l.shop = o._shop and l.shopify_order_id = o.id
left join shipping as s on s.shop = o._shop and s.shopify_order_id = o.id
where o._deleted_at is null;
