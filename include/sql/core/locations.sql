-- core.locations: every Shopify location of the shop, active or not.
insert into core.locations (shop, shopify_location_id, name, is_active)
select
    l._shop,
    l.id,
    l.name,
    l.is_active
from staging.shopify_locations as l
where l._shop = %(shop)s
on conflict (shop, shopify_location_id) do update
set name = excluded.name, is_active = excluded.is_active
where (core.locations.name, core.locations.is_active) is distinct from (excluded.name, excluded.is_active);
