-- core.shipments, with their tracking numbers and lines: the fulfillments Shopify already has of
-- the imported orders in the build's scope (ops.transform_scope), so that the push of the back
-- office's shipments never sends them again. Only shipments with a Shopify fulfillment id are
-- written; the back office's, not yet in Shopify, are never changed or deleted. A shipment is
-- never deleted either: Shopify keeps a cancelled fulfillment (with its status), so one missing
-- from staging is one not read yet, such as a shipment just pushed. Fulfillments marked deleted
-- in staging and orders deleted in Shopify add and change nothing: their shipments stay as history.

-- The staged fulfillments of the scope's imported orders.
create or replace temporary view scoped_fulfillments as
select
    ts.shop,
    so.sales_order_id,
    f.id as shopify_fulfillment_id,
    f.status,
    f.location_id,
    f.created_at,
    f._raw
from ops.transform_scope as ts
inner join staging.shopify_order_fulfillments as f on f._shop = ts.shop and f._parent_id = ts.shopify_order_id
inner join core.sales_orders as so on so.shop = ts.shop and so.shopify_order_id = ts.shopify_order_id
where f._deleted_at is null and so.deleted_at is null;

-- The Shopify-sourced shipments of those fulfillments (once the upsert below has made them), and
-- what each carries according to Shopify: its tracking numbers in Shopify's order, without entries
-- that have no number (a carrier alone), and its fulfillment line items on the order's lines of
-- the same line item id, summed per line.
create or replace temporary view scoped_shipments as
select f.shop, sh.shipment_id, sh.sales_order_id, f._raw
from pg_temp.scoped_fulfillments as f
inner join core.shipments as sh
    on sh.sales_order_id = f.sales_order_id and sh.shopify_fulfillment_id = f.shopify_fulfillment_id
where sh.origin = 'shopify';  -- a pushed shipment's tracking numbers and lines are the back office's

create or replace temporary view scoped_trackings as
select
    s.shop,
    s.shipment_id,
    row_number() over (partition by s.shop, s.shipment_id order by t.ordinality)::integer as position,
    t.info ->> 'number' as tracking_number,
    nullif(t.info ->> 'company', '') as carrier,
    nullif(t.info ->> 'url', '') as url
from pg_temp.scoped_shipments as s
cross join lateral jsonb_array_elements(s._raw -> 'trackingInfo') with ordinality as t (info, ordinality)
where coalesce(t.info ->> 'number', '') <> '';

create or replace temporary view scoped_shipment_lines as
select s.shop, s.shipment_id, s.sales_order_id, sol.sales_order_line_id, sum((n.node ->> 'quantity')::integer) as quantity
from pg_temp.scoped_shipments as s
cross join lateral jsonb_array_elements(s._raw -> 'fulfillmentLineItems' -> 'nodes') as n (node)
inner join core.sales_order_lines as sol
    on sol.sales_order_id = s.sales_order_id and sol.shopify_line_item_id = n.node -> 'lineItem' ->> 'id'
group by s.shop, s.shipment_id, s.sales_order_id, sol.sales_order_line_id
having sum((n.node ->> 'quantity')::integer) > 0;

-- Shopify's FulfillmentStatus as ours (anything not yet shipped, cancelled or failed is pending).
-- A fulfillment's createdAt never changes; a shipment pushed from the back office keeps the
-- shipping time recorded there.
insert into core.shipments (sales_order_id, shopify_fulfillment_id, origin, status, location_id, shipped_at)
select
    f.sales_order_id,
    f.shopify_fulfillment_id,
    'shopify',
    case
        when f.status = 'SUCCESS' then 'shipped'
        when f.status = 'CANCELLED' then 'cancelled'
        when f.status in ('ERROR', 'FAILURE') then 'failed'
        else 'pending'
    end,
    l.location_id,
    f.created_at
from pg_temp.scoped_fulfillments as f
left join core.locations as l on l.shop = f.shop and l.shopify_location_id = f.location_id
where f.shop = %(shop)s
on conflict (sales_order_id, shopify_fulfillment_id) do update
set
    status = excluded.status,
    location_id = excluded.location_id,
    shipped_at = coalesce(core.shipments.shipped_at, excluded.shipped_at),
    updated_at = now()
where (core.shipments.status, core.shipments.location_id, core.shipments.shipped_at)
    is distinct from (excluded.status, excluded.location_id, coalesce(core.shipments.shipped_at, excluded.shipped_at));

-- Tracking numbers and lines, replaced as a set per shipment.
delete from core.shipment_trackings as st
using pg_temp.scoped_shipments as s
where
    s.shop = %(shop)s and st.shipment_id = s.shipment_id
    and not exists (
        select 1 from pg_temp.scoped_trackings as t where t.shipment_id = st.shipment_id and t.position = st.position
    );

insert into core.shipment_trackings (shipment_id, position, tracking_number, carrier, url)
select t.shipment_id, t.position, t.tracking_number, t.carrier, t.url
from pg_temp.scoped_trackings as t
where t.shop = %(shop)s
on conflict (shipment_id, position) do update
set tracking_number = excluded.tracking_number, carrier = excluded.carrier, url = excluded.url
where (core.shipment_trackings.tracking_number, core.shipment_trackings.carrier, core.shipment_trackings.url)
    is distinct from (excluded.tracking_number, excluded.carrier, excluded.url);

delete from core.shipment_lines as sl
using pg_temp.scoped_shipments as s
where
    s.shop = %(shop)s and sl.shipment_id = s.shipment_id
    and not exists (
        select 1
        from pg_temp.scoped_shipment_lines as l
        where l.shipment_id = sl.shipment_id and l.sales_order_line_id = sl.sales_order_line_id
    );

insert into core.shipment_lines (shipment_id, sales_order_id, sales_order_line_id, quantity)
select l.shipment_id, l.sales_order_id, l.sales_order_line_id, l.quantity
from pg_temp.scoped_shipment_lines as l
where l.shop = %(shop)s
on conflict (shipment_id, sales_order_line_id) do update
set quantity = excluded.quantity
where core.shipment_lines.quantity is distinct from excluded.quantity;
