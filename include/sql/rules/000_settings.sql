-- Rule views are dropped and made again at every run: a new column in the middle is not a change
-- "create or replace" accepts.
-- The order-import settings of include/mappings/settings.csv as one typed row (defaults where a
-- setting is absent): which web orders are imported, and as what (and the prefix of the tags that
-- carry their status back to Shopify, empty = none sent).
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
    nullif(max(value) filter (where setting = 'default_sales_rep'), '') as default_sales_rep,
    coalesce(nullif(max(value) filter (where setting = 'sales_tax_state_from'), ''), 'billing') as sales_tax_state_from,
    nullif(max(value) filter (where setting = 'default_sales_tax_code'), '') as default_sales_tax_code,
    nullif(max(value) filter (where setting = 'default_ship_method'), '') as default_ship_method,
    nullif(max(value) filter (where setting = 'default_payment_method'), '') as default_payment_method,
    nullif(max(value) filter (where setting = 'default_payment_term'), '') as default_payment_term,
    nullif(max(value) filter (where setting = 'default_discount_item'), '') as default_discount_item,
    coalesce(nullif(max(value) filter (where setting = 'import_payments'), ''), 'false')::boolean as import_payments,
    nullif(max(value) filter (where setting = 'default_location'), '') as default_location,
    nullif(max(value) filter (where setting = 'default_class'), '') as default_class,
    coalesce(nullif(max(value) filter (where setting = 'freight_as'), ''), 'freight') as freight_as,
    nullif(max(value) filter (where setting = 'freight_item_sku'), '') as freight_item_sku,
    coalesce(max(value) filter (where setting = 'status_tag_prefix'), '') as status_tag_prefix,
    string_to_array(
        replace(coalesce(max(value) filter (where setting = 'mandatory_fields'), 'line_sku'), ' ', ''), ','
    ) as mandatory_fields
from core.settings;
