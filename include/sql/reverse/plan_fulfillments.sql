-- The back office's shipments to send to Shopify as fulfillments: shipped, not yet in Shopify
-- (no fulfillment id), of live sales orders not cancelled, with what each ships (Shopify line
-- item and quantity; a freight line is not a Shopify line) and its tracking numbers in order.
select
    sh.shipment_id,
    so.shopify_order_id,
    (
        select count(*) from core.sales_order_lines as sol
        where sol.sales_order_id = so.sales_order_id and sol.shopify_line_item_id like 'gid://shopify/LineItem/%%'
    ) as line_count,
    sh.notify_customer,
    coalesce(
        (
            select jsonb_agg(jsonb_build_object('lineItemId', sol.shopify_line_item_id, 'quantity', sl.quantity)
                             order by sol.shopify_line_item_id)
            from core.shipment_lines as sl
            inner join core.sales_order_lines as sol on sol.sales_order_line_id = sl.sales_order_line_id
            where sl.shipment_id = sh.shipment_id and sol.shopify_line_item_id like 'gid://shopify/LineItem/%%'
        ),
        '[]'::jsonb
    ) as lines,
    st.tracking
from core.shipments as sh
inner join core.sales_orders as so on so.sales_order_id = sh.sales_order_id
left join core.shipment_tracking as st on st.shipment_id = sh.shipment_id
where
    so.shop = %(shop)s
    and sh.origin = 'back_office'
    and sh.shopify_fulfillment_id is null
    and sh.status = 'shipped'
    and so.deleted_at is null
    and so.status <> 'cancelled'
order by sh.shipment_id;
