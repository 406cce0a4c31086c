-- Shipments the back office pushed whose tracking numbers changed since Shopify last got them
-- (from the fulfillment, or from the last tracking update): each gets a tracking update.
with current_tracking as (
    select sh.shipment_id, sh.shopify_fulfillment_id, sh.notify_customer, st.tracking
    from core.shipments as sh
    inner join core.sales_orders as so on so.sales_order_id = sh.sales_order_id
    left join core.shipment_tracking as st on st.shipment_id = sh.shipment_id
    where
        so.shop = %(shop)s and sh.origin = 'back_office' and sh.shopify_fulfillment_id is not null
        and sh.status <> 'cancelled' and so.deleted_at is null
)

select c.shipment_id, c.shopify_fulfillment_id, c.notify_customer, c.tracking
from current_tracking as c
cross join lateral (
    select w.payload -> 'tracking' as tracking
    from ops.shopify_writes as w
    where
        w.shop = %(shop)s and w.subject = 'shipment:' || c.shipment_id and w.state = 'applied'
        and w.kind in ('fulfillment_create', 'tracking_update')
    order by w.settled_at desc, w.write_id desc
    limit 1
) as sent
where c.tracking is not null and c.tracking is distinct from sent.tracking;
