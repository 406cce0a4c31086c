-- The key each live Shopify customer is matched by (see core/customers.sql): by the
-- customer_matching rule, falling back to Shopify's id when the record lacks what the rule needs.
-- Empty in proxy mode, where no web customer is saved. Only the customers of the build's scope
-- (ops.customer_scope): an hourly build matches the customers that changed, not all of them.
drop view if exists core.customer_keys;
create view core.customer_keys as
select
    c._shop as shop,
    c.id as shopify_customer_id,
    lower(c.email) as email,
    c.first_name,
    c.last_name,
    c.zip,
    c.updated_at,
    coalesce(
        case s.customer_matching
            when 'email' then 'email:' || lower(c.email)
            when 'name_zip' then 'name_zip:' || lower(c.first_name || ' ' || c.last_name) || '|'
                || upper(replace(c.zip, ' ', ''))
        end,
        'shopify:' || c.id
    ) as customer_key
from ops.customer_scope as cs
inner join staging.shopify_customers as c on c._shop = cs.shop and c.id = cs.shopify_customer_id
cross join core.import_settings as s
where
    c._deleted_at is null and s.customer_matching <> 'proxy'
    and not exists (  -- a customer the back office created and sent to Shopify stays the back office's
        select 1
        from core.customer_links as l
        inner join core.customers as own on own.customer_id = l.customer_id
        where l.shop = c._shop and l.shopify_customer_id = c.id and own.origin = 'back_office'
    );
