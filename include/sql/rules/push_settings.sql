-- The inventory push settings of include/mappings/settings.csv as one typed row (defaults where a
-- setting is absent): what is added to available to sell (Order Time's switches, each off by
-- default) and which locations are pushed (`locations`: names or Shopify ids, '*' = every active
-- location; an empty value means no filter, as '*'), and whether the back office's customers are
-- sent to Shopify (push_customers, off by default).
drop view if exists core.push_settings cascade;  -- core.stock_to_push reads it: made again after
create view core.push_settings as
with raw as (
    select
        max(value) filter (where setting = 'push_include_incoming') as include_incoming,
        max(value) filter (where setting = 'push_include_vendor') as include_vendor,
        max(value) filter (where setting = 'push_include_kits') as include_kits,
        max(value) filter (where setting = 'push_locations') as locations,
        max(value) filter (where setting = 'push_customers') as push_customers
    from core.settings
)

select
    coalesce(nullif(raw.include_incoming, ''), 'false')::boolean as include_incoming,
    coalesce(nullif(raw.include_vendor, ''), 'false')::boolean as include_vendor,
    coalesce(nullif(raw.include_kits, ''), 'false')::boolean as include_kits,
    array(
        select btrim(part.name)
        from unnest(string_to_array(coalesce(nullif(btrim(raw.locations), ''), '*'), ',')) as part (name)
        where btrim(part.name) <> ''
    ) as locations,
    coalesce(nullif(raw.push_customers, ''), 'false')::boolean as push_customers
from raw;
