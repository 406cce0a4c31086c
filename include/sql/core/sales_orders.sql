-- core.sales_orders: every order of the build's scope that passes core.sales_order_candidates
-- (neither skipped by the import rules nor rejected); the web order number (Shopify's order name, e.g. #1001) is kept in
-- its own column. Its customer is the one its Shopify customer became (core/customers.sql), or
-- its channel's proxy customer (proxy mode, guest checkouts). The transaction type, default
-- location and class and the hold are decided once, at import: afterwards the
-- back office owns them (it releases holds), while Shopify's statuses and the mapped order
-- status follow the web order. An order Shopify deleted is history: its sales order and lines
-- stay, marked with the deletion time, and are not updated.
insert into core.sales_orders (
    shop, shopify_order_id, web_order_number, customer_id, status, order_date,
    currency_code, total, tax, freight, ship_to_state, ship_to_country,
    sales_channel, financial_status, fulfillment_status, order_status, secondary_status,
    transaction_type, on_hold, hold_reason, ship_to_id, taxable, sales_tax_code, item_sales_tax,
    ship_method, payment_method, payment_term, discount_code, discount_item, discount_total, location_id, class,
    cart_ship_method, payment_gateway, tax_region, unmapped, cancel_reason, cancelled_by
)
select
    c.shop,
    c.shopify_order_id,
    c.web_order_number,
    c.customer_id,
    c.status,
    c.order_date,
    c.currency_code,
    c.total,
    c.tax,
    c.freight,
    c.ship_to_state,
    c.ship_to_country,
    c.sales_channel,
    c.financial_status,
    c.fulfillment_status,
    c.order_status,
    c.secondary_status,
    c.transaction_type,
    c.on_hold,
    c.hold_reason,
    st.ship_to_id,
    c.taxable,
    c.sales_tax_code,
    c.item_sales_tax,
    c.ship_method,
    c.payment_method,
    c.payment_term,
    c.discount_code,
    c.discount_item,
    c.discount_total,
    c.location_id,
    c.class,
    c.cart_ship_method,
    c.payment_gateway,
    c.tax_region,
    c.unmapped,
    c.cancel_reason,
    c.cancelled_by
from pg_temp.order_candidates as c
left join core.ship_to_addresses as st on st.customer_id = c.customer_id and st.address_key = c.ship_to_key
where c.shop = %(shop)s and c.skip_reason is null and c.reject_reason is null
on conflict (shop, shopify_order_id) do update
set
    web_order_number = excluded.web_order_number,
    customer_id = excluded.customer_id,
    status = excluded.status,
    order_date = excluded.order_date,
    currency_code = excluded.currency_code,
    total = excluded.total,
    tax = excluded.tax,
    freight = excluded.freight,
    ship_to_state = excluded.ship_to_state,
    ship_to_country = excluded.ship_to_country,
    sales_channel = excluded.sales_channel,
    financial_status = excluded.financial_status,
    fulfillment_status = excluded.fulfillment_status,
    order_status = excluded.order_status,
    secondary_status = excluded.secondary_status,
    ship_to_id = excluded.ship_to_id,
    taxable = excluded.taxable,
    sales_tax_code = excluded.sales_tax_code,
    item_sales_tax = excluded.item_sales_tax,
    ship_method = excluded.ship_method,
    payment_method = excluded.payment_method,
    payment_term = excluded.payment_term,
    discount_code = excluded.discount_code,
    discount_item = excluded.discount_item,
    discount_total = excluded.discount_total,
    cart_ship_method = excluded.cart_ship_method,
    payment_gateway = excluded.payment_gateway,
    tax_region = excluded.tax_region,
    unmapped = excluded.unmapped,
    cancel_reason = excluded.cancel_reason,
    cancelled_by = excluded.cancelled_by,
    deleted_at = excluded.deleted_at
where (core.sales_orders.web_order_number, core.sales_orders.customer_id, core.sales_orders.status,
       core.sales_orders.order_date, core.sales_orders.currency_code, core.sales_orders.total,
       core.sales_orders.tax, core.sales_orders.freight, core.sales_orders.ship_to_state,
       core.sales_orders.ship_to_country, core.sales_orders.sales_channel,
       core.sales_orders.financial_status, core.sales_orders.fulfillment_status,
       core.sales_orders.order_status, core.sales_orders.secondary_status, core.sales_orders.ship_to_id,
       core.sales_orders.taxable, core.sales_orders.sales_tax_code, core.sales_orders.item_sales_tax,
       core.sales_orders.ship_method, core.sales_orders.payment_method, core.sales_orders.payment_term,
       core.sales_orders.discount_code, core.sales_orders.discount_item, core.sales_orders.discount_total,
       core.sales_orders.cart_ship_method, core.sales_orders.payment_gateway, core.sales_orders.tax_region,
       core.sales_orders.unmapped, core.sales_orders.cancel_reason, core.sales_orders.cancelled_by,
       core.sales_orders.deleted_at)
    is distinct from (excluded.web_order_number, excluded.customer_id, excluded.status,
                      excluded.order_date, excluded.currency_code, excluded.total, excluded.tax,
                      excluded.freight, excluded.ship_to_state, excluded.ship_to_country,
                      excluded.sales_channel, excluded.financial_status, excluded.fulfillment_status,
                      excluded.order_status, excluded.secondary_status, excluded.ship_to_id,
                      excluded.taxable, excluded.sales_tax_code, excluded.item_sales_tax,
                      excluded.ship_method, excluded.payment_method, excluded.payment_term,
                      excluded.discount_code, excluded.discount_item, excluded.discount_total,
                      excluded.cart_ship_method, excluded.payment_gateway, excluded.tax_region,
                      excluded.unmapped, excluded.cancel_reason, excluded.cancelled_by,
                      excluded.deleted_at);

update core.sales_orders as so
set deleted_at = o._deleted_at
from ops.transform_scope as ts
inner join staging.shopify_orders as o on o._shop = ts.shop and o.id = ts.shopify_order_id
where
    ts.shop = %(shop)s
    and o._deleted_at is not null
    and so.shop = o._shop
    and so.shopify_order_id = o.id
    and so.deleted_at is distinct from o._deleted_at;
