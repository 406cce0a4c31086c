-- The orders this build rebuilds (ops.transform_scope): the orders queued since the last build
-- (ops.order_changes, taken here: a failed build puts them back), every staged order of the shop
-- when the rules changed or on the first build (%(full)s), and the orders the last build
-- rejected, retried every time (a missing item or mapping may have arrived since).
delete from ops.transform_scope where shop = %(shop)s;

with taken as (
    delete from ops.order_changes where shop = %(shop)s
    returning shopify_order_id
)
insert into ops.transform_scope (shop, shopify_order_id)
select distinct %(shop)s, shopify_order_id from taken;

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
