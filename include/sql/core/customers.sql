-- core.customers and core.customer_links, by the customer_matching rule of settings.csv:
--   shopify_id  one customer per Shopify customer;
--   email       Shopify customers sharing an email are one customer;
--   name_zip    ... sharing first and last name and billing zip are one customer;
--   proxy       no web customer is saved: each sales channel's orders go to its proxy customer.
-- A Shopify customer without what its rule needs (no email, say) is matched by its id. Orders
-- without a customer (guest checkouts) go to their channel's proxy customer in every mode.
-- Customers sharing a key become one customer with the details of the one updated last (so a
-- build of the customers that changed gives what a build of all of them gives).
-- Customer type and sales rep are defaults given at creation; the back office owns them after.
-- A customer Shopify deleted is never created anew; one already in core stays (sales orders
-- point at it), marked with its deletion time.
insert into core.customers (shop, customer_key, shopify_customer_id, email, first_name, last_name, zip,
                            customer_type, sales_rep)
select distinct on (k.shop, k.customer_key)
    k.shop, k.customer_key, k.shopify_customer_id, k.email, k.first_name, k.last_name, k.zip,
    s.default_customer_type, s.default_sales_rep
from core.customer_keys as k
cross join core.import_settings as s
where k.shop = %(shop)s
order by k.shop, k.customer_key, k.updated_at desc nulls last, k.shopify_customer_id desc
on conflict (shop, customer_key) do update
set
    email = excluded.email,
    first_name = excluded.first_name,
    last_name = excluded.last_name,
    zip = excluded.zip,
    deleted_at = excluded.deleted_at
where (core.customers.email, core.customers.first_name, core.customers.last_name, core.customers.zip,
       core.customers.deleted_at)
    is distinct from (excluded.email, excluded.first_name, excluded.last_name, excluded.zip, excluded.deleted_at);

-- The proxy customer of every sales channel that needs one (for the orders of the build's scope).
insert into core.customers (shop, customer_key, first_name, last_name, customer_type, sales_rep, is_proxy)
select distinct
    o._shop,
    'proxy:' || coalesce(o._raw ->> 'sourceName', 'none'),
    'Web customers',
    coalesce(o._raw ->> 'sourceName', 'none'),
    s.default_customer_type,
    s.default_sales_rep,
    true
from ops.transform_scope as ts
inner join staging.shopify_orders as o on o._shop = ts.shop and o.id = ts.shopify_order_id
cross join core.import_settings as s
where ts.shop = %(shop)s and o._deleted_at is null and (s.customer_matching = 'proxy' or o.customer_id is null)
on conflict (shop, customer_key) do nothing;

-- A Shopify customer about to be linked to another customer than before (a new email merges it
-- with another, say): its orders join the build's scope, so they follow it.
insert into ops.transform_scope (shop, shopify_order_id)
select o._shop, o.id
from core.customer_keys as k
inner join core.customers as cu on cu.shop = k.shop and cu.customer_key = k.customer_key
inner join core.customer_links as cl on cl.shop = k.shop and cl.shopify_customer_id = k.shopify_customer_id
inner join staging.shopify_orders as o on o._shop = k.shop and o.customer_id = k.shopify_customer_id
where k.shop = %(shop)s and cl.customer_id <> cu.customer_id
on conflict do nothing;

-- Which customer each Shopify customer became (none in proxy mode: its orders go to the proxy).
insert into core.customer_links (shop, shopify_customer_id, customer_id)
select k.shop, k.shopify_customer_id, cu.customer_id
from core.customer_keys as k
join core.customers as cu on cu.shop = k.shop and cu.customer_key = k.customer_key
where k.shop = %(shop)s
on conflict (shop, shopify_customer_id) do update
set customer_id = excluded.customer_id
where core.customer_links.customer_id is distinct from excluded.customer_id;

update core.customers as cc
set deleted_at = c._deleted_at
from ops.customer_scope as cs
inner join staging.shopify_customers as c on c._shop = cs.shop and c.id = cs.shopify_customer_id
where
    cs.shop = %(shop)s
    and c._deleted_at is not null
    and cc.shop = c._shop
    and cc.shopify_customer_id = c.id
    and cc.deleted_at is distinct from c._deleted_at;
