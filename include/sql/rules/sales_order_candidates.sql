drop view if exists core.sales_order_candidates;

-- One candidate sales order per Shopify order, with why it is not imported:
--   skip_reason   the order-import rules leave it out on purpose (archived orders are never
--                 imported; test orders, other sales channels and financial statuses as
--                 configured). Rules decide which orders are imported: an order already imported
--                 is kept up to date whatever happens to it afterwards.
--   reject_reason it should be imported but cannot be (missing data, an unknown item, no status
--                 mapping); it goes to ops.rejects and is retried every run.
-- An order is imported whole or not at all. Orders Shopify deleted are no candidates.
-- Only the orders of the build's scope (ops.transform_scope) are candidates: an hourly build
-- evaluates the orders that changed, not the store.
create or replace view core.sales_order_candidates as
with scoped_lines as (
    select li.*
    from ops.transform_scope as ts
    inner join staging.shopify_order_line_items as li on li._shop = ts.shop and li._parent_id = ts.shopify_order_id
    where li._deleted_at is null
),

unmapped_lines as (
    select
        li._shop as shop,
        li._parent_id as shopify_order_id,
        min(coalesce(li.sku, li.title, li.id)) as first_unmapped
    from scoped_lines as li
    left join core.items as i on i.shop = li._shop and i.shopify_variant_id = li.variant_id
    where i.item_id is null
    group by li._shop, li._parent_id
),

lines_without_sku as (
    select li._shop as shop, li._parent_id as shopify_order_id, min(coalesce(li.title, li.id)) as first_line
    from scoped_lines as li
    where nullif(trim(li.sku), '') is null
    group by li._shop, li._parent_id
),

orders as (
    select
        o.*,
        o._raw ->> 'sourceName' as sales_channel,
        o._raw -> 'shippingAddress' as ship_to,
        case when s.sales_tax_state_from = 'shipping' then o._raw -> 'shippingAddress'
             else o._raw -> 'billingAddress' end as tax_address,
        so.sales_order_id is not null as imported
    from ops.transform_scope as ts
    inner join staging.shopify_orders as o on o._shop = ts.shop and o.id = ts.shopify_order_id
    cross join core.import_settings as s
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
    case when s.freight_as = 'line_item' then 0 else coalesce(o.total_shipping, 0) end as freight,
    case when s.freight_as = 'line_item' then coalesce(o.total_shipping, 0) else 0 end as freight_line,
    o._raw -> 'shippingAddress' ->> 'provinceCode' as ship_to_state,
    o._raw -> 'shippingAddress' ->> 'countryCodeV2' as ship_to_country,
    o.sales_channel,
    o._raw ->> 'cancelReason' as cancel_reason,
    case
        when o.cancelled_at is null then null
        when o._raw ->> 'cancelReason' = 'CUSTOMER' then 'customer'
        else 'seller'
    end as cancelled_by,
    o.financial_status,
    o.fulfillment_status,
    st.order_status,
    st.secondary_status,
    case
        when s.paid_orders_as = 'ship_doc' and o.financial_status = 'PAID'
            and coalesce(o.fulfillment_status, '') <> 'FULFILLED' then 'ship_doc'
        else 'sales_order'
    end as transaction_type,
    case
        when s.customer_matching = 'proxy' then px.customer_id
        else coalesce(cl.customer_id, px.customer_id)
    end as customer_id,
    case when o.ship_to is not null and o.ship_to <> 'null'::jsonb then md5(lower(concat_ws('|',
        o.ship_to ->> 'firstName', o.ship_to ->> 'lastName', o.ship_to ->> 'company', o.ship_to ->> 'address1',
        o.ship_to ->> 'address2', o.ship_to ->> 'city', o.ship_to ->> 'provinceCode', o.ship_to ->> 'zip',
        o.ship_to ->> 'countryCodeV2'))) end as ship_to_key,
    nullif(concat_ws(' ', o.ship_to ->> 'firstName', o.ship_to ->> 'lastName'), '') as ship_to_name,
    o.ship_to ->> 'company' as ship_to_company,
    o.ship_to ->> 'address1' as ship_to_address1,
    o.ship_to ->> 'address2' as ship_to_address2,
    o.ship_to ->> 'city' as ship_to_city,
    o.ship_to ->> 'zip' as ship_to_zip,
    coalesce(o.total_tax, 0) > 0 as taxable,
    coalesce(tx.sales_tax_code, s.default_sales_tax_code) as sales_tax_code,
    -- a customer outside the US gets the sales tax code only
    case when o.tax_address ->> 'countryCodeV2' = 'US' then tx.item_sales_tax end as item_sales_tax,
    coalesce(sm.ship_method, s.default_ship_method) as ship_method,
    case when pm.gateway is not null then pm.payment_method else s.default_payment_method end as payment_method,
    case when pm.gateway is not null then pm.payment_term else s.default_payment_term end as payment_term,
    dc.discount as discount_code,
    case when dc.discount is not null then coalesce(dr.discount_item, s.default_discount_item) end as discount_item,
    coalesce(da.allocated, 0) as discount_total,
    -- What the cart called it, and which mappings had no row of their own for it (a default or a
    -- wildcard was used): the run report lists these values so that they can be mapped.
    cart.ship_method as cart_ship_method,
    o._raw -> 'paymentGatewayNames' ->> 0 as payment_gateway,
    nullif(concat_ws('-', o.tax_address ->> 'countryCodeV2', o.tax_address ->> 'provinceCode'), '') as tax_region,
    array_remove(array[
        case when cart.ship_method is not null and sm.ship_method is null then 'ship_method' end,
        case when o._raw -> 'paymentGatewayNames' ->> 0 is not null and pm.gateway is null then 'payment_method' end,
        case when coalesce(o.tax_address, 'null') <> 'null' and (tx.country_code is null or '*' in (tx.country_code, tx.province_code))
            then 'sales_tax' end,
        case when dc.discount is not null and dr.discount is null then 'discount' end
    ], null) as unmapped,
    (
        select l.location_id from core.locations as l
        where l.shop = o._shop and s.default_location in (l.name, l.shopify_location_id)
        order by l.location_id
        limit 1
    ) as location_id,
    s.default_class as class,
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
        when 'billing_address' = any(s.mandatory_fields) and coalesce(o._raw -> 'billingAddress', 'null') = 'null'
            then 'mandatory field missing: billing address'
        when 'shipping_address' = any(s.mandatory_fields) and coalesce(o.ship_to, 'null') = 'null'
            then 'mandatory field missing: shipping address'
        when 'line_sku' = any(s.mandatory_fields) and ns.first_line is not null
            then 'mandatory field missing: line item ' || ns.first_line || ' has no SKU'
        when u.first_unmapped is not null then 'line item ' || u.first_unmapped || ' is not a known item'
        when s.freight_as = 'line_item' and coalesce(o.total_shipping, 0) > 0 and not exists (
            select 1 from core.items as fi where fi.shop = o._shop and fi.sku = s.freight_item_sku and fi.deleted_at is null
        ) then 'freight item ' || coalesce(s.freight_item_sku, '(freight_item_sku is not set)') || ' is not a known item'
        when st.order_status is null
            then 'no order status mapping for financial status ' || coalesce(o.financial_status, '(none)')
            || ', fulfillment status ' || coalesce(o.fulfillment_status, '(none)')
    end as reject_reason
from orders as o
cross join core.import_settings as s
left join unmapped_lines as u on u.shop = o._shop and u.shopify_order_id = o.id
left join lines_without_sku as ns on ns.shop = o._shop and ns.shopify_order_id = o.id
left join core.customer_links as cl on cl.shop = o._shop and cl.shopify_customer_id = o.customer_id
left join core.customers as px
    on px.shop = o._shop and px.customer_key = 'proxy:' || coalesce(o.sales_channel, 'none')
left join core.payment_method_rules as pm on lower(pm.gateway) = lower(o._raw -> 'paymentGatewayNames' ->> 0)
left join lateral (  -- the order's first discount: its code, else its title (automatic discounts)
    select coalesce(a.code, a.title) as discount
    from staging.shopify_order_discount_applications as a
    where a._shop = o._shop and a._parent_id = o.id and a._deleted_at is null
    order by a.index
    limit 1
) as dc on true
left join core.discount_rules as dr on lower(dr.discount) = lower(dc.discount)
left join core.order_discounts as da on da.shop = o._shop and da.shopify_order_id = o.id
left join lateral (
    select r.country_code, r.province_code, r.sales_tax_code, r.item_sales_tax
    from core.sales_tax_rules as r
    where
        r.country_code in ('*', coalesce(o.tax_address ->> 'countryCodeV2', ''))
        and r.province_code in ('*', coalesce(o.tax_address ->> 'provinceCode', ''))
    order by r.country_code = '*', r.province_code = '*'
    limit 1
) as tx on true
left join lateral (  -- the cart's ship method: its first shipping line's title
    select sl.title as ship_method
    from staging.shopify_order_shipping_lines as sl
    where sl._shop = o._shop and sl._parent_id = o.id and sl._deleted_at is null and not coalesce(sl.is_removed, false)
    order by sl.id
    limit 1
) as cart on true
left join lateral (
    select m.ship_method
    from staging.shopify_order_shipping_lines as sl
    join core.ship_method_rules as m on lower(m.cart_ship_method) in (lower(sl.title), lower(sl.code))
    where sl._shop = o._shop and sl._parent_id = o.id and sl._deleted_at is null and not coalesce(sl.is_removed, false)
    order by sl.id, m.cart_ship_method
    limit 1
) as sm on true
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
