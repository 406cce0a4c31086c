-- core.locations: every Shopify location of the shop, active or not. A location Shopify deleted
-- is never created anew; one already in core stays (stock points at it), inactive and marked.
insert into core.locations (shop, shopify_location_id, name, is_active)
select
    l._shop,
    l.id,
    l.name,
    l.is_active
from staging.shopify_locations as l
where l._shop = %(shop)s and l._deleted_at is null
on conflict (shop, shopify_location_id) do update
set name = excluded.name, is_active = excluded.is_active, deleted_at = excluded.deleted_at
where (core.locations.name, core.locations.is_active, core.locations.deleted_at)
    is distinct from (excluded.name, excluded.is_active, excluded.deleted_at);

update core.locations as cl
set is_active = false, deleted_at = l._deleted_at
from staging.shopify_locations as l
where
    l._shop = %(shop)s
    and l._deleted_at is not null
    and cl.shop = l._shop
    and cl.shopify_location_id = l.id
    and (cl.is_active, cl.deleted_at) is distinct from (false, l._deleted_at);
