-- core.sales_order_taxes: the tax lines of every imported order of the build's scope, replaced
-- as a set (a tax line Shopify no longer lists is deleted). A deleted order keeps its taxes.
insert into core.sales_order_taxes (sales_order_id, shopify_tax_line_id, title, rate, amount, currency_code)
select so.sales_order_id, t.id, coalesce(t.title, 'Tax'), t.rate, t.amount, coalesce(t.currency_code, so.currency_code)
from ops.transform_scope as ts
inner join staging.shopify_order_tax_lines as t on t._shop = ts.shop and t._parent_id = ts.shopify_order_id
inner join core.sales_orders as so on so.shop = t._shop and so.shopify_order_id = t._parent_id
where ts.shop = %(shop)s and t._deleted_at is null and t.amount is not null
on conflict (sales_order_id, shopify_tax_line_id) do update
set title = excluded.title, rate = excluded.rate, amount = excluded.amount, currency_code = excluded.currency_code
where (core.sales_order_taxes.title, core.sales_order_taxes.rate, core.sales_order_taxes.amount,
       core.sales_order_taxes.currency_code)
    is distinct from (excluded.title, excluded.rate, excluded.amount, excluded.currency_code);

delete from core.sales_order_taxes as sot
using ops.transform_scope as ts, core.sales_orders as so
where
    ts.shop = %(shop)s
    and so.shop = ts.shop
    and so.shopify_order_id = ts.shopify_order_id
    and so.deleted_at is null
    and sot.sales_order_id = so.sales_order_id
    and not exists (
        select 1
        from staging.shopify_order_tax_lines as t
        where t._shop = so.shop and t._parent_id = so.shopify_order_id and t.id = sot.shopify_tax_line_id
          and t._deleted_at is null
    );
