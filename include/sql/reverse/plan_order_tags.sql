-- Order status to Shopify as tags (setting status_tag_prefix; empty sends none). Every live
-- imported sales order should carry <prefix><order status> and, when set, <prefix><secondary
-- status>, and no other tag of ours: none with the prefix (matched as Shopify matches tags,
-- ignoring case), none that our last applied write added (whatever the prefix was then).
-- What Shopify has is the staged order's tags if they were read after that write settled, else
-- the staged tags as that write changed them. An order whose tags are right gets no row; the
-- others get the tags to add and to remove, and the last applied write (`previous`), which makes
-- every change a new intent, even one back to an earlier status.
with settings as (
    select s.status_tag_prefix as prefix
    from core.import_settings as s
    where s.status_tag_prefix <> ''
),

wanted as (
    select
        so.shopify_order_id,
        st.prefix,
        array(
            -- a comma would split the tag in two (tagsAdd takes comma-separated lists)
            select distinct st.prefix || btrim(replace(v.status, ',', ' '))
            from unnest(array[so.order_status, so.secondary_status]) as v (status)
            where btrim(coalesce(v.status, '')) <> ''
            order by 1
        ) as tags
    from core.sales_orders as so
    cross join settings as st
    where so.shop = %(shop)s and so.deleted_at is null
),

told as (  -- what Shopify was last told, per order
    select distinct on (w.subject)
        w.subject,
        w.write_id,
        w.settled_at,
        array(select jsonb_array_elements_text(w.payload -> 'add')) as added,
        array(select jsonb_array_elements_text(w.payload -> 'remove')) as removed
    from ops.shopify_writes as w
    where w.shop = %(shop)s and w.kind = 'order_tags' and w.state = 'applied'
    order by w.subject, w.settled_at desc, w.write_id desc
),

present as (
    select
        wt.shopify_order_id,
        wt.tags as wanted,
        t.write_id as previous,
        array(
            select tag.name
            from jsonb_array_elements_text(coalesce(o._raw -> 'tags', '[]'::jsonb)) as tag (name)
            where
                (starts_with(lower(tag.name), lower(wt.prefix)) or tag.name = any(coalesce(t.added, '{}')))
                and (f.fresh or not tag.name = any(t.removed))
            union
            select a.name from unnest(t.added) as a (name) where not f.fresh
            order by 1
        ) as tags
    from wanted as wt
    left join staging.shopify_orders as o on o._shop = %(shop)s and o.id = wt.shopify_order_id
    left join told as t on t.subject = 'order:' || wt.shopify_order_id
    cross join lateral (
        select t.write_id is null or coalesce(o._extracted_at > t.settled_at, false) as fresh
    ) as f
)

select
    p.shopify_order_id,
    to_jsonb(p.wanted) as add,
    to_jsonb(array(select r.name from unnest(p.tags) as r (name) where not r.name = any(p.wanted) order by 1)) as remove,
    p.previous
from present as p
where p.tags is distinct from p.wanted
order by p.shopify_order_id;
