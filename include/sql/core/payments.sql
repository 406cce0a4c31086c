-- core.payments, only when import_payments is true: every successful sale and capture of an
-- imported order of the build's scope as a payment, every successful refund as a negative one,
-- with the payment method its gateway maps to (payment_methods.csv, else default_payment_method). Test
-- transactions, authorizations and voids move no money and are left out. Idempotent: a
-- payment is written again only when Shopify's transaction changed.
insert into core.payments (
    sales_order_id, shopify_transaction_id, kind, gateway, payment_method, amount, currency_code, processed_at
)
select
    so.sales_order_id,
    t.id,
    case when t.kind = 'REFUND' then 'refund' else 'payment' end,
    t.gateway,
    coalesce(pm.payment_method, s.default_payment_method),
    case when t.kind = 'REFUND' then -t.amount else t.amount end,
    t.currency_code,
    t.processed_at
from ops.transform_scope as ts
inner join staging.shopify_order_transactions as t on t._shop = ts.shop and t._parent_id = ts.shopify_order_id
inner join core.sales_orders as so on so.shop = t._shop and so.shopify_order_id = t._parent_id
cross join core.import_settings as s
left join core.payment_method_rules as pm on lower(pm.gateway) = lower(t.gateway)
where
    ts.shop = %(shop)s and s.import_payments and t._deleted_at is null
    and t.status = 'SUCCESS' and t.kind in ('SALE', 'CAPTURE', 'REFUND') and not coalesce(t.is_test, false)
    and t.amount is not null and t.currency_code is not null
on conflict (sales_order_id, shopify_transaction_id) do update
set
    kind = excluded.kind,
    gateway = excluded.gateway,
    payment_method = excluded.payment_method,
    amount = excluded.amount,
    currency_code = excluded.currency_code,
    processed_at = excluded.processed_at
where (core.payments.kind, core.payments.gateway, core.payments.payment_method, core.payments.amount,
       core.payments.currency_code, core.payments.processed_at)
    is distinct from (excluded.kind, excluded.gateway, excluded.payment_method, excluded.amount,
                      excluded.currency_code, excluded.processed_at);
