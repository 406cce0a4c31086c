-- What this build rebuilds. Orders (ops.transform_scope): those queued since the last build
-- (ops.staging_changes, taken here: a failed build puts them back), every staged order of the
-- shop when the rules changed or on the first build (%(full)s), and the orders the last build
-- rejected, retried every time (a missing item or mapping may have arrived since). Customers
-- (ops.customer_scope): those queued, or all of them when the rules changed, with the customers
-- matched to the same customer as one of them (its details may have come from the one that
-- changed).
delete from ops.transform_scope where shop = %(shop)s;

delete from ops.customer_scope where shop = %(shop)s;

with taken as (
    delete from ops.staging_changes where shop = %(shop)s and root = 'orders'
    returning record_id
)
insert into ops.transform_scope (shop, shopify_order_id)
select distinct %(shop)s, record_id from taken;

insert into ops.transform_scope (shop, shopify_order_id)
select o._shop, o.id
from staging.shopify_orders as o
where o._shop = %(shop)s and %(full)s
on conflict do nothing;

insert into ops.transform_scope (shop, shopify_order_id)
select oc.shop, oc.shopify_order_id
from ops.order_outcomes as oc
where oc.shop = %(shop)s and oc.reject_reason is not null
on conflict do nothing;

with taken as (
    delete from ops.staging_changes where shop = %(shop)s and root = 'customers'
    returning record_id
)
insert into ops.customer_scope (shop, shopify_customer_id)
select distinct %(shop)s, record_id from taken;

insert into ops.customer_scope (shop, shopify_customer_id)
select c._shop, c.id
from staging.shopify_customers as c
where c._shop = %(shop)s and %(full)s
on conflict do nothing;

insert into ops.customer_scope (shop, shopify_customer_id)
select other.shop, other.shopify_customer_id
from ops.customer_scope as cs
inner join core.customer_links as mine on mine.shop = cs.shop and mine.shopify_customer_id = cs.shopify_customer_id
inner join core.customer_links as other on other.customer_id = mine.customer_id
where cs.shop = %(shop)s
on conflict do nothing;

-- Fresh statistics of the scopes: the plans of the files that join them depend on how many rows
-- they hold (a thousand changed orders, or every order of the shop).
analyze ops.transform_scope;

analyze ops.customer_scope;
