-- core.ship_to_addresses: the shipping address of every order of the build's scope about to be
-- imported, as a ship-to address of its customer, created when the customer does not have it yet (matched on every
-- field of the address, case-insensitively). Existing ship-tos are the back office's: never changed.
insert into core.ship_to_addresses (
    customer_id, address_key, name, company, address1, address2, city, province_code, zip, country_code
)
select distinct on (c.customer_id, c.ship_to_key)
    c.customer_id,
    c.ship_to_key,
    c.ship_to_name,
    c.ship_to_company,
    c.ship_to_address1,
    c.ship_to_address2,
    c.ship_to_city,
    c.ship_to_state,
    c.ship_to_zip,
    c.ship_to_country
from pg_temp.order_candidates as c
where
    c.shop = %(shop)s and c.skip_reason is null and c.reject_reason is null
    and c.customer_id is not null and c.ship_to_key is not null
order by c.customer_id, c.ship_to_key, c.shopify_order_id
on conflict (customer_id, address_key) do nothing;
