drop view if exists core.sales_order_candidates;

-- One candidate sales order per Shopify order, with why it is not imported:
--   skip_reason   the order-import rules leave it out on purpose (archived orders are never
--                 imported; test orders, other sales channels and financial statuses as
--                 configured). Rules decide which orders are imported: an order already imported
--                 is kept up to date whatever happens to it afterwards.
--   reject_reason it should be imported but cannot be (missing data, an unknown item, no status
--                 mapping); it goes to ops.rejects and is retried every run.
-- An order is imported whole or not at all. Orders Shopify deleted are no candidates.
create or replace view core.sales_order_candidates as
with unmapped_lines as (
    select
        li._shop as shop,
        li._parent_id as shopify_order_id,
        min(coalesce(li.sku, li.title, li.id)) as first_unmapped
    from staging.shopify_order_line_items as li
    left join core.items as i on i.shop = li._shop and i.shopify_variant_id = li.variant_id
    where i.item_id is null and li._deleted_at is null
    group by li._shop, li._parent_id
),

orders as (
    select
        o.*,
        o._raw ->> 'sourceName' as sales_channel,
        so.sales_order_id is not null as imported
    from staging.shopify_orders as o
    left join core.sales_orders as so on so.shop = o._shop and so.shopify_order_id = o.id
    where o._deleted_at is null
)

select
    o._shop as shop,
    o.id as shopify_order_id,
    o.name as web_order_number,
    o.customer_id as shopify_customer_id,
    case
        when o.cancelled_at is not null then 'cancelled'
        when o.closed_at is not null then 'closed'
        else 'open'
    end as status,
    o.processed_at as order_date,
    o.currency_code,
    o.total_price as total,
    coalesce(o.total_tax, 0) as tax,
    coalesce(o.total_shipping, 0) as freight,
    o._raw -> 'shippingAddress' ->> 'provinceCode' as ship_to_state,
    o._raw -> 'shippingAddress' ->> 'countryCodeV2' as ship_to_country,
    o.sales_channel,
    o.financial_status,
    o.fulfillment_status,
    st.order_status,
    st.secondary_status,
    case
        when s.paid_orders_as = 'ship_doc' and o.financial_status = 'PAID'
            and coalesce(o.fulfillment_status, '') <> 'FULFILLED' then 'ship_doc'
        else 'sales_order'
    end as transaction_type,
    coalesce(o.total_price > s.hold_above_total, false) as on_hold,
    case
        when o.total_price > s.hold_above_total
            then 'total ' || o.total_price || ' exceeds the hold limit ' || s.hold_above_total
    end as hold_reason,
    case
        when o.imported then null
        when o.closed_at is not null then 'archived (closed) in Shopify: archived orders are never imported'
        when o.is_test and not s.import_test_orders then 'test order (import_test_orders is false)'
        when s.sales_channels <> '*' and not coalesce(
            o.sales_channel = any(string_to_array(replace(s.sales_channels, ' ', ''), ',')), false
        ) then 'sales channel ' || coalesce(o.sales_channel, '(none)') || ' is not imported'
        when s.financial_statuses <> '*' and not coalesce(
            o.financial_status = any(string_to_array(replace(s.financial_statuses, ' ', ''), ',')), false
        ) then 'financial status ' || coalesce(o.financial_status, '(none)') || ' is not imported'
    end as skip_reason,
    case
        when o.name is null then 'order has no name (web order number)'
        when o.processed_at is null then 'order has no processedAt date'
        when o.currency_code is null then 'order has no currency'
        when o.total_price is null then 'order has no total price'
        when u.first_unmapped is not null then 'line item ' || u.first_unmapped || ' is not a known item'
        when st.order_status is null
            then 'no order status mapping for financial status ' || coalesce(o.financial_status, '(none)')
            || ', fulfillment status ' || coalesce(o.fulfillment_status, '(none)')
    end as reject_reason
from orders as o
cross join core.import_settings as s
left join unmapped_lines as u on u.shop = o._shop and u.shopify_order_id = o.id
left join lateral (
    select r.order_status, r.secondary_status
    from core.order_status_rules as r
    where
        r.financial_status in ('*', coalesce(o.financial_status, ''))
        and r.fulfillment_status in ('*', coalesce(o.fulfillment_status, ''))
        and (r.cancelled = '*' or r.cancelled::boolean = (o.cancelled_at is not null))
    order by r.priority
    limit 1
) as st on true;
