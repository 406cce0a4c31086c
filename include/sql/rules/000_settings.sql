-- Rule views are dropped and made again at every run: a new column in the middle is not a change
-- "create or replace" accepts.
-- The order-import settings of include/mappings/settings.csv as one typed row (defaults where a
-- setting is absent): which web orders are imported, and as what.
drop view if exists core.import_settings cascade;  -- the rule views reading it are made again after
create view core.import_settings as
select
    coalesce(max(value) filter (where setting = 'sales_channels'), '*') as sales_channels,
    coalesce(max(value) filter (where setting = 'financial_statuses'), '*') as financial_statuses,
    coalesce(max(value) filter (where setting = 'import_test_orders'), 'false')::boolean as import_test_orders,
    nullif(max(value) filter (where setting = 'hold_above_total'), '')::numeric as hold_above_total,
    coalesce(nullif(max(value) filter (where setting = 'paid_orders_as'), ''), 'sales_order') as paid_orders_as,
    coalesce(nullif(max(value) filter (where setting = 'customer_matching'), ''), 'shopify_id') as customer_matching,
    nullif(max(value) filter (where setting = 'default_customer_type'), '') as default_customer_type,
    nullif(max(value) filter (where setting = 'default_sales_rep'), '') as default_sales_rep
from core.settings;
