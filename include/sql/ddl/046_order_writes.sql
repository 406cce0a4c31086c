-- Seller cancellations: the back office asks for an order to be cancelled in Shopify by setting
-- these columns, and the push sends orderCancel through the write ledger (ops.shopify_writes).
-- They are the back office's: the core build never writes them (core/sales_orders.sql does not
-- list them). The order's status becomes 'cancelled' (cancelled_by 'seller', or 'customer' for
-- the reason CUSTOMER) when the next extraction brings Shopify's cancelled order back.
alter table core.sales_orders add column if not exists cancel_requested_at timestamptz;
-- Shopify's OrderCancelReason: orderCancel requires one.
alter table core.sales_orders add column if not exists cancel_request_reason text
    check (cancel_request_reason in ('CUSTOMER', 'DECLINED', 'FRAUD', 'INVENTORY', 'STAFF', 'OTHER'));
-- orderCancel's restock and notifyCustomer; refund gives back what was paid, to the original
-- payment methods (an authorized payment is voided either way), as Shopify's admin does by default.
alter table core.sales_orders add column if not exists cancel_restock boolean not null default true;
alter table core.sales_orders add column if not exists cancel_notify_customer boolean not null default false;
alter table core.sales_orders add column if not exists cancel_refund boolean not null default true;
do $$
begin
    if not exists (select from pg_constraint where conname = 'sales_orders_cancel_request_has_reason') then
        alter table core.sales_orders add constraint sales_orders_cancel_request_has_reason
            check (cancel_requested_at is null or cancel_request_reason is not null);
    end if;
end
$$;
-- The orders the push looks at for cancellations: few among many.
create index if not exists sales_orders_cancel_requested on core.sales_orders (shop)
    where cancel_requested_at is not null;
