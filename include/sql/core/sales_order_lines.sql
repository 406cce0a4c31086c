-- core.sales_order_lines: the lines of every imported order of the build's scope, replaced as a
-- set: lines Shopify no longer lists are deleted. Lines marked deleted in staging (their order
-- was deleted) add nothing new but still count as listed: a deleted order keeps its lines as
-- history. With freight_as = line_item, shipping is a line of its own (`<order id>#freight`).
insert into core.sales_order_lines (sales_order_id, shopify_line_item_id, item_id, quantity, unit_price)
select
    so.sales_order_id,
    li.id,
    i.item_id,
    li.quantity,
    coalesce(li.discounted_unit_price, li.unit_price, 0)
from ops.transform_scope as ts
inner join staging.shopify_order_line_items as li on li._shop = ts.shop and li._parent_id = ts.shopify_order_id
inner join core.sales_orders as so on so.shop = li._shop and so.shopify_order_id = li._parent_id
inner join core.items as i on i.shop = li._shop and i.shopify_variant_id = li.variant_id
where ts.shop = %(shop)s and li._deleted_at is null
on conflict (sales_order_id, shopify_line_item_id) do update
set item_id = excluded.item_id, quantity = excluded.quantity, unit_price = excluded.unit_price
where (core.sales_order_lines.item_id, core.sales_order_lines.quantity, core.sales_order_lines.unit_price)
    is distinct from (excluded.item_id, excluded.quantity, excluded.unit_price);

-- Shipping as a line of the freight item (freight_as = line_item), one per order with shipping.
insert into core.sales_order_lines (sales_order_id, shopify_line_item_id, item_id, quantity, unit_price)
select so.sales_order_id, c.shopify_order_id || '#freight', fi.item_id, 1, c.freight_line
from pg_temp.order_candidates as c
inner join core.sales_orders as so on so.shop = c.shop and so.shopify_order_id = c.shopify_order_id
cross join core.import_settings as s
inner join core.items as fi on fi.shop = c.shop and fi.sku = s.freight_item_sku and fi.deleted_at is null
where c.freight_line > 0 and so.deleted_at is null
on conflict (sales_order_id, shopify_line_item_id) do update
set item_id = excluded.item_id, quantity = excluded.quantity, unit_price = excluded.unit_price
where (core.sales_order_lines.item_id, core.sales_order_lines.quantity, core.sales_order_lines.unit_price)
    is distinct from (excluded.item_id, excluded.quantity, excluded.unit_price);

delete from core.sales_order_lines as sol
using ops.transform_scope as ts, core.sales_orders as so
where
    ts.shop = %(shop)s
    and so.shop = ts.shop
    and so.shopify_order_id = ts.shopify_order_id
    and sol.sales_order_id = so.sales_order_id
    and not exists (
        select 1
        from staging.shopify_order_line_items as li
        where li._shop = so.shop and li._parent_id = so.shopify_order_id and li.id = sol.shopify_line_item_id
    )
    and not (so.deleted_at is not null and sol.shopify_line_item_id = so.shopify_order_id || '#freight')
    and not exists (  -- the freight line of an order that still carries shipping as a line
        select 1
        from pg_temp.order_candidates as c
        where
            c.shopify_order_id = so.shopify_order_id and c.freight_line > 0
            and sol.shopify_line_item_id = c.shopify_order_id || '#freight'
    );
