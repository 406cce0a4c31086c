-- Every live sales order adds up, as Shopify adds up an order (totalPriceSet, before returns):
-- total = line items after all their discounts + shipping after its discounts + tax.
-- Core lines carry the unit price after line-level discounts only (discountedUnitPriceSet), so
-- the discounts they do not carry (order-level ones allocated onto the lines) are the staged
-- discount allocations minus what the discounted unit prices already took off; the staged
-- shipping lines give the shipping discounts (totalShippingPriceSet is before them).
-- Original quantities, not currentQuantity: refunds and cancellations leave totalPriceSet as it
-- was. Tolerance: one cent. Orders whose prices include tax (taxesIncluded) are not read yet.
-- Per order: a scoped run looks only at the orders of ops.check_queue.
with orders as (
    select
        so.sales_order_id,
        so.shop,
        so.shopify_order_id,
        so.web_order_number,
        so.total,
        so.freight,
        so.tax
    from core.sales_orders as so
    where
        so.shop = %(shop)s
        and so.deleted_at is null
        and (
            not %(scoped)s
            or so.shopify_order_id = any(array(select q.shopify_order_id from ops.check_queue as q where q.shop = %(shop)s))
        )
),

line_totals as (
    select
        sol.sales_order_id,
        sum(sol.quantity * sol.unit_price) as lines,
        count(*) as line_count
    from core.sales_order_lines as sol
    where sol.sales_order_id in (select o.sales_order_id from orders as o)
    group by sol.sales_order_id
),

expected as (
    select
        so.sales_order_id,
        so.shopify_order_id,
        so.web_order_number,
        so.total,
        coalesce(lt.lines, 0) as lines,
        so.freight,
        so.tax,
        coalesce(d.allocated - d.line_level + d.shipping_discounts, 0) as other_discounts
    from orders as so
    left join line_totals as lt on lt.sales_order_id = so.sales_order_id
    left join core.order_discounts as d on d.shop = so.shop and d.shopify_order_id = so.shopify_order_id
)

select
    e.sales_order_id,
    e.shopify_order_id,
    e.web_order_number,
    e.total,
    e.lines + e.freight + e.tax - e.other_discounts as expected_total,
    'total ' || e.total::numeric(18, 2) || ' <> lines ' || e.lines::numeric(18, 2)
    || ' + freight ' || e.freight::numeric(18, 2) || ' + tax ' || e.tax::numeric(18, 2)
    || ' - other discounts ' || e.other_discounts::numeric(18, 2) as problem
from expected as e
where abs(e.total - (e.lines + e.freight + e.tax - e.other_discounts)) > 0.01
order by e.sales_order_id;
