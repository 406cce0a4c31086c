-- core.customers: every Shopify customer of the shop (matching rules come with the mapping rules).
insert into core.customers (shop, shopify_customer_id, email, first_name, last_name, zip)
select
    c._shop,
    c.id,
    lower(c.email),
    c.first_name,
    c.last_name,
    c.zip
from staging.shopify_customers as c
where c._shop = %(shop)s
on conflict (shop, shopify_customer_id) do update
set email = excluded.email, first_name = excluded.first_name, last_name = excluded.last_name, zip = excluded.zip
where (core.customers.email, core.customers.first_name, core.customers.last_name, core.customers.zip)
    is distinct from (excluded.email, excluded.first_name, excluded.last_name, excluded.zip);
