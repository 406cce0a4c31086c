-- Values the shop's live sales orders carry that no mapping file names: cart ship methods
-- (ship_methods.csv), payment gateways (payment_methods.csv), tax regions matched only by a
-- wildcard row (sales_tax.csv) and discounts (discounts.csv), with how many orders carry each,
-- an example order, and what was used instead. Add a row to the file to map one.
select
    u.mapping,
    u.value,
    count(*) as orders,
    min(u.web_order_number) as example,
    min(u.used) as used_instead
from (
    select
        kind as mapping,
        case kind
            when 'ship_method' then so.cart_ship_method
            when 'payment_method' then so.payment_gateway
            when 'sales_tax' then so.tax_region
            when 'discount' then so.discount_code
        end as value,
        case kind
            when 'ship_method' then so.ship_method
            when 'payment_method' then so.payment_method
            when 'sales_tax' then so.sales_tax_code
            when 'discount' then so.discount_item
        end as used,
        so.web_order_number
    from core.sales_orders as so
    cross join lateral unnest(so.unmapped) as kind
    where so.shop = %(shop)s and so.unmapped <> '{}' and so.deleted_at is null
) as u
group by u.mapping, u.value
order by u.mapping, count(*) desc, u.value;
