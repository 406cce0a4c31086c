-- Lines and their orders point at each other: every live staged line item belongs to a staged
-- order that is live too (a destroyed order marks its lines with it), and every line of a live
-- sales order is a line item Shopify lists for that order. Per order: a scoped run looks only at the
-- orders of ops.check_queue.
with staged_orphans as (
    select
        li.id as shopify_line_item_id,
        li._parent_id as shopify_order_id,
        case
            when o.id is null then 'staged line item has no staged order'
            else 'staged line item is live but its order is marked deleted'
        end as problem
    from staging.shopify_order_line_items as li
    left join staging.shopify_orders as o on o._shop = li._shop and o.id = li._parent_id
    where
        li._shop = %(shop)s
        and li._deleted_at is null
        and (o.id is null or o._deleted_at is not null)
        and (
            not %(scoped)s
            or li._parent_id = any(array(select q.shopify_order_id from ops.check_queue as q where q.shop = %(shop)s))
        )
),

core_orphans as (
    select
        sol.shopify_line_item_id,
        so.shopify_order_id,
        'sales order line is not a line item of its order in staging' as problem
    from core.sales_order_lines as sol
    inner join core.sales_orders as so on so.sales_order_id = sol.sales_order_id
    where
        so.shop = %(shop)s
        and so.deleted_at is null
        and (
            not %(scoped)s
            or so.shopify_order_id = any(array(select q.shopify_order_id from ops.check_queue as q where q.shop = %(shop)s))
        )
        and not exists (
            select 1
            from staging.shopify_order_line_items as li
            where li._shop = so.shop and li._parent_id = so.shopify_order_id and li.id = sol.shopify_line_item_id
        )
)

select
    s.shopify_line_item_id,
    s.shopify_order_id,
    s.problem
from staged_orphans as s
union all
select
    c.shopify_line_item_id,
    c.shopify_order_id,
    c.problem
from core_orphans as c
order by shopify_order_id, shopify_line_item_id;
