-- One candidate sales order per Shopify order, with the reason it cannot be imported (null = ok).
-- An order is imported whole or not at all: a line whose variant is not a known item holds the
-- order back (it is retried every run, so it arrives once the item exists). Orders Shopify
-- deleted are no candidates.
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
    case
        when o.name is null then 'order has no name (web order number)'
        when o.processed_at is null then 'order has no processedAt date'
        when o.currency_code is null then 'order has no currency'
        when o.total_price is null then 'order has no total price'
        when u.first_unmapped is not null then 'line item ' || u.first_unmapped || ' is not a known item'
    end as reject_reason
from staging.shopify_orders as o
left join unmapped_lines as u on u.shop = o._shop and u.shopify_order_id = o.id
where o._deleted_at is null;
