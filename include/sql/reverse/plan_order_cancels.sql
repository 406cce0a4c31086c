-- Seller cancellations to send: live sales orders the back office asked to cancel that are not
-- cancelled yet (as last built from Shopify), with what orderCancel needs. An order Shopify
-- accepted a cancellation for is not asked again while the next reads catch up; orderCancel
-- runs as a job, though, which can fail after it was accepted, so an order read well after
-- that (10 minutes, clocks apart) and still not cancelled is asked again, naming the accepted
-- write (`previous`): a new intent.
select
    so.shopify_order_id,
    so.cancel_request_reason,
    so.cancel_restock,
    so.cancel_notify_customer,
    so.cancel_refund,
    accepted.write_id as previous
from core.sales_orders as so
left join staging.shopify_orders as o on o._shop = so.shop and o.id = so.shopify_order_id
left join lateral (
    select
        w.write_id,
        w.settled_at
    from ops.shopify_writes as w
    where
        w.shop = so.shop and w.kind = 'order_cancel' and w.subject = 'order:' || so.shopify_order_id
        and w.state = 'applied'
    order by w.settled_at desc, w.write_id desc
    limit 1
) as accepted on true
where
    so.shop = %(shop)s
    and so.cancel_requested_at is not null
    and so.deleted_at is null
    and so.status <> 'cancelled'
    and (
        accepted.write_id is null
        or (o._extracted_at > accepted.settled_at + interval '10 minutes' and o.cancelled_at is null)
    )
order by so.shopify_order_id;
