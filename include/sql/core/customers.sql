-- core.customers: every Shopify customer of the shop (matching rules come with the mapping rules).
-- A customer Shopify deleted is never created anew; one already in core stays (sales orders
-- point at it), marked with its deletion time.
insert into core.customers (shop, shopify_customer_id, email, first_name, last_name, zip)
select
    c._shop,
    c.id,
    lower(c.email),
    c.first_name,
    c.last_name,
    c.zip
from staging.shopify_customers as c
where c._shop = %(shop)s and c._deleted_at is null
on conflict (shop, shopify_customer_id) do update
set
    email = excluded.email,
    first_name = excluded.first_name,
    last_name = excluded.last_name,
    zip = excluded.zip,
    deleted_at = excluded.deleted_at
where (core.customers.email, core.customers.first_name, core.customers.last_name, core.customers.zip,
       core.customers.deleted_at)
    is distinct from (excluded.email, excluded.first_name, excluded.last_name, excluded.zip, excluded.deleted_at);

update core.customers as cc
set deleted_at = c._deleted_at
from staging.shopify_customers as c
where
    c._shop = %(shop)s
    and c._deleted_at is not null
    and cc.shop = c._shop
    and cc.shopify_customer_id = c.id
    and cc.deleted_at is distinct from c._deleted_at;
