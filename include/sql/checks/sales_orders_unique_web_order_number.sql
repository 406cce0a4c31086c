-- A web order number (Shopify's order name, e.g. #1001) names one live sales order of the shop.
with numbered as (
    select
        so.sales_order_id,
        so.shopify_order_id,
        so.web_order_number,
        count(*) over (partition by so.web_order_number) as orders_with_number
    from core.sales_orders as so
    where so.shop = %(shop)s and so.deleted_at is null
)

select
    n.sales_order_id,
    n.shopify_order_id,
    n.web_order_number,
    'web order number ' || n.web_order_number || ' is on ' || n.orders_with_number || ' sales orders' as problem
from numbered as n
where n.orders_with_number > 1
order by n.web_order_number, n.sales_order_id;
