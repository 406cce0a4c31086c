-- The back office's customers to send to Shopify (when push_customers is on): every live one
-- with an email (Shopify's upsert key) whose details differ from what Shopify was last sent,
-- including the ones never sent. The email identifies a customer not yet in Shopify; its
-- Shopify id identifies it afterwards (so a changed email changes that customer).
with back_office as (
    select
        c.shop,
        c.customer_id,
        c.shopify_customer_id,
        jsonb_strip_nulls(jsonb_build_object(
            'email', c.email,
            'firstName', c.first_name,
            'lastName', c.last_name,
            'addresses', case when c.zip is not null then jsonb_build_array(jsonb_build_object('zip', c.zip)) end
        )) as details
    from core.customers as c
    cross join core.push_settings as s
    where
        c.shop = %(shop)s and c.origin = 'back_office' and c.deleted_at is null and c.email is not null
        and s.push_customers
)

select b.customer_id, b.shopify_customer_id, b.details
from back_office as b
where b.details is distinct from (
    select w.payload -> 'input'
    from ops.shopify_writes as w
    where
        w.shop = b.shop and w.kind = 'customer_upsert' and w.subject = 'customer:' || b.customer_id
        and w.state = 'applied'
    order by w.settled_at desc, w.write_id desc
    limit 1
)
order by b.customer_id;
