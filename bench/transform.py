"""Core build benchmark (run by hand, not a test): ``build_core`` over N staged orders.

    .venv/bin/python bench/transform.py --orders 100000 [--changed 1000] [--keep]   # or 1000000

Creates its own database, stages one shop directly in SQL (set-based: a catalogue of N/100
products with 3 variants each, their inventory items and levels at two locations, N/3
customers, N orders with ~2.5 line items, a shipping line, a tax line, transactions, a
fulfillment of the fulfilled ones and, on one order in five, a discount application allocated
to a line), with
every column the core build reads (promoted columns and the ``_raw`` fields of the rule and core
SQL: sourceName, paymentGatewayNames, billingAddress, shippingAddress, trackingInfo, …), and
analyzes staging as autovacuum would after such a load. Then it times, for the pipeline process:

- the first ``build_core`` (rows/s, peak RSS, database size delta, seconds per SQL file);
- the physical baseline: a bare ``INSERT … SELECT`` of the same orders and their lines into
  plain tables with core's column types, defaults and keys (no rules, no joins but order -> lines);
- a ``VACUUM (ANALYZE)``, standing in for autovacuum between two hourly runs (``--no-vacuum``
  leaves it out: the next builds then plan with the statistics of empty core tables and step
  over the dead rows of the first build's scope);
- ``build_core`` again with nothing changed;
- the data-quality checks' first run, over the whole shop (then daily in the sync);
- ``--changed`` K open, unfulfilled orders changed in staging as the loader changes them (an
  order's totals and statuses in the promoted columns and ``_raw``, a line's quantity, a new
  transaction, a new fulfillment), then the next ``build_core``: the hourly incremental case,
  goal a cost proportional to K, a few seconds; the bench checks that core has the changes;
  then the hourly run's checks (the per-order ones on the orders that build rebuilt) and its
  report queries.

Fails loudly when most orders are not imported (the generated data would be wrong). Figures
are appended to ``bench/RESULTS.md``; ``--explain PATH`` runs the statements of one build
(``--explain-build``: first, again, incremental) under ``EXPLAIN (ANALYZE, BUFFERS)`` and writes
the plans to PATH (a profile, not recorded; that build's rows-written counts are 0).
"""

from __future__ import annotations

import argparse
import atexit
import os
import re
import resource
import shutil
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins")]
AIRFLOW_HOME = f"/tmp/shopify-elt-bench-{os.getpid()}"
if os.environ.setdefault("AIRFLOW_HOME", AIRFLOW_HOME) == AIRFLOW_HOME:
    atexit.register(shutil.rmtree, AIRFLOW_HOME, True)  # the private home Airflow's import makes

from bench.figures import print_figures, record  # noqa: E402
from shopify_elt import transform  # noqa: E402
from shopify_elt.checks import run_checks  # noqa: E402
from shopify_elt.ddl import ensure_schema  # noqa: E402
from shopify_elt.report import core_totals, rejects_by_stage, skipped_orders, unmapped_values  # noqa: E402
from shopify_elt.streams import STREAMS  # noqa: E402
from shopify_elt.transform import build_core  # noqa: E402
from shopify_elt.warehouse import sql_file, statements  # noqa: E402

SERVER = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
DATABASE = "shopify_elt_bench_transform"
SHOP = "bench.myshopify.com"
STAGE_RUN = "bench-stage"

# Helpers of the generator (the bench's own schema, in the bench's own database).
HELPERS = """
create schema bench;
create function bench.money(amount numeric) returns jsonb language sql immutable as $$
    select jsonb_build_object('shopMoney', jsonb_build_object('amount', amount::text, 'currencyCode', 'USD'))
$$;
-- The address of customer (or guest) number cn; variant > 0 is another street of the same person.
create function bench.address(cn bigint, variant bigint) returns jsonb language sql immutable as $$
    select jsonb_build_object(
        'firstName',
            (array['Ava', 'Ben', 'Chloe', 'Dan', 'Emma', 'Finn', 'Grace', 'Hugo', 'Isla', 'Jack'])[cn % 10 + 1],
        'lastName', 'Lastname' || cn % 5003,
        'company', case when cn % 7 = 0 then 'Company ' || cn end,
        'address1', (cn * 13 % 9000 + 100 + variant) || ' '
            || (array['Main St', 'Oak Ave', 'Pine Rd', 'Maple Dr', 'Cedar Ln'])[(cn + variant) % 5 + 1],
        'address2', case when cn % 4 = 0 then 'Apt ' || cn % 300 end,
        'city', (array['Springfield', 'Riverside', 'Franklin', 'Greenville', 'Bristol', 'Clinton'])[cn % 6 + 1],
        'provinceCode',
            case when cn % 25 = 0 then 'ON' else (array['CA', 'NY', 'TX', 'WA', 'FL', 'IL'])[cn % 6 + 1] end,
        'zip', lpad((cn * 97 % 99999)::text, 5, '0'),
        'countryCodeV2', case when cn % 25 = 0 then 'CA' else 'US' end,
        'phone', '+1555' || lpad((cn % 10000000)::text, 7, '0'))
$$;
create table bench.changed (id text primary key, line_id text not null, price numeric not null);
"""

# One fulfillment of every line of each order matched by {orders}, with a tracking number, as the
# loader stages Shopify's fulfillments (generation, and the change of an order fulfilled since).
FULFILLMENTS = """
insert into staging.shopify_order_fulfillments (_shop, id, _parent_id, name, status, display_status, location_id,
                                                total_quantity, created_at, updated_at, _raw, _extracted_at, _run_id)
select o._shop, g.id, o.id, o.name || '.1', 'SUCCESS', 'FULFILLED', 'gid://shopify/Location/70000001', l.quantity,
       g.at, g.at,
       jsonb_build_object('id', g.id, 'name', o.name || '.1', 'status', 'SUCCESS', 'displayStatus', 'FULFILLED',
                          'createdAt', g.at, 'updatedAt', g.at, 'totalQuantity', l.quantity,
                          'location', jsonb_build_object('id', 'gid://shopify/Location/70000001'),
                          'trackingInfo', jsonb_build_array(jsonb_build_object(
                              'company', 'UPS', 'number', g.tracking,
                              'url', 'https://www.ups.com/track?tracknum=' || g.tracking)),
                          'fulfillmentLineItems', jsonb_build_object(
                              'pageInfo', jsonb_build_object('hasNextPage', false), 'nodes', l.nodes)),
       now(), o._run_id
from staging.shopify_orders as o
cross join lateral (select split_part(o.id, '/', 5)::bigint - 5000000000 as n) as k
cross join lateral (
    select 'gid://shopify/Fulfillment/' || (15000000000 + k.n) as id,
           '1Z999AA1' || lpad(k.n::text, 10, '0') as tracking,
           greatest(o.processed_at + interval '1 day', o.updated_at) as at
) as g
cross join lateral (
    select sum(li.quantity)::integer as quantity,
           jsonb_agg(jsonb_build_object(
               'id', 'gid://shopify/FulfillmentLineItem/' || (split_part(li.id, '/', 5)::bigint + 10000000000),
               'quantity', li.quantity, 'lineItem', jsonb_build_object('id', li.id)) order by li.id) as nodes
    from staging.shopify_order_line_items as li
    where li._shop = o._shop and li._parent_id = o.id
) as l
where {orders}
"""

# One shop, generated set-based. Placeholders: {shop} {now} {run} {n} orders, {p} products, {c} customers.
# Orders: n % 50 = 7 archived (skipped), n % 200 = 3 test (skipped), n % 1000 = 999 has a line whose
# variant is gone (rejected), n % 100 = 11 cancelled (imported), n % 20 = 0 guest checkout, n % 5 = 1
# discounted, n % 10 = 5 ships to a second address of its customer.
GENERATE: tuple[tuple[str, str], ...] = (
    (
        "shop",
        """insert into staging.shopify_shop (_shop, id, name, myshopify_domain, currency_code, iana_timezone,
                                             updated_at, _raw, _extracted_at, _run_id)
           select {shop}, 'gid://shopify/Shop/1', 'Bench store', {shop}, 'USD', 'America/New_York', {now},
                  jsonb_build_object('id', 'gid://shopify/Shop/1', 'name', 'Bench store', 'myshopifyDomain', {shop},
                                     'currencyCode', 'USD', 'ianaTimezone', 'America/New_York', 'updatedAt', {now}),
                  {now}, {run}""",
    ),
    (
        "locations",
        """insert into staging.shopify_locations (_shop, id, name, is_active, fulfills_online_orders, province_code,
                                                  country_code, updated_at, _raw, _extracted_at, _run_id)
           select {shop}, 'gid://shopify/Location/' || (70000000 + l), name, true, l = 1, 'NJ', 'US', {now},
                  jsonb_build_object('id', 'gid://shopify/Location/' || (70000000 + l), 'name', name, 'isActive', true,
                                     'fulfillsOnlineOrders', l = 1, 'updatedAt', {now},
                                     'address', jsonb_build_object('provinceCode', 'NJ', 'countryCode', 'US')),
                  {now}, {run}
           from (values (1, 'Main warehouse'), (2, 'Retail store')) as v (l, name)""",
    ),
    (
        "products",
        """insert into staging.shopify_products (_shop, id, title, handle, status, vendor, product_type, created_at,
                                                 updated_at, _raw, _extracted_at, _run_id)
           select {shop}, g.id, g.title, g.handle, 'ACTIVE', g.vendor, g.product_type, g.ts, g.ts,
                  jsonb_build_object('id', g.id, 'title', g.title, 'handle', g.handle, 'status', 'ACTIVE',
                                     'vendor', g.vendor, 'productType', g.product_type, 'createdAt', g.ts,
                                     'updatedAt', g.ts),
                  {now}, {run}
           from generate_series(1, {p}) as p
           cross join lateral (
               select 'gid://shopify/Product/' || (8000000000 + p) as id, 'Product ' || p as title,
                      'product-' || p as handle, 'Vendor ' || p % 40 as vendor, 'Type ' || p % 12 as product_type,
                      {now} - interval '900 days' + p * interval '1 second' as ts
           ) as g""",
    ),
    (
        "product_variants",
        """insert into staging.shopify_product_variants (_shop, id, product_id, inventory_item_id, sku, title, barcode,
                                                         price, updated_at, _raw, _extracted_at, _run_id)
           select {shop}, g.id, g.product_id, g.item_id, g.sku, g.size, g.barcode, g.price, g.ts,
                  jsonb_build_object('id', g.id, 'title', g.size, 'sku', g.sku, 'barcode', g.barcode,
                                     'price', g.price::text, 'updatedAt', g.ts,
                                     'product', jsonb_build_object('id', g.product_id),
                                     'inventoryItem', jsonb_build_object('id', g.item_id)),
                  {now}, {run}
           from generate_series(1, 3 * {p}) as v
           cross join lateral (
               select 'gid://shopify/ProductVariant/' || (9000000000 + v) as id,
                      'gid://shopify/Product/' || (8000000000 + (v + 2) / 3) as product_id,
                      'gid://shopify/InventoryItem/' || (7000000000 + v) as item_id,
                      'SKU-' || lpad(v::text, 7, '0') as sku,
                      (array['S', 'M', 'L'])[(v - 1) % 3 + 1] as size,
                      lpad((400000000000 + v)::text, 12, '0') as barcode,
                      (5 + (v * 7919 % 19000) / 100.0)::numeric(12, 2) as price,
                      {now} - interval '900 days' + v * interval '1 second' as ts
           ) as g""",
    ),
    (
        "inventory_items",
        """insert into staging.shopify_inventory_items (_shop, id, sku, tracked, unit_cost, updated_at, _raw,
                                                        _extracted_at, _run_id)
           select {shop}, v.inventory_item_id, v.sku, true, round(v.price * 0.4, 2), v.updated_at,
                  jsonb_build_object('id', v.inventory_item_id, 'sku', v.sku, 'tracked', true,
                                     'unitCost', jsonb_build_object('amount', round(v.price * 0.4, 2)::text,
                                                                    'currencyCode', 'USD'),
                                     'updatedAt', v.updated_at),
                  {now}, {run}
           from staging.shopify_product_variants as v
           where v._shop = {shop}""",
    ),
    (
        "inventory_levels",
        """insert into staging.shopify_inventory_levels (_shop, id, _parent_id, inventory_item_id, location_id,
                                                         available, on_hand, committed, incoming, reserved,
                                                         updated_at, _raw, _extracted_at, _run_id)
           select {shop}, g.id, l.id, v.inventory_item_id, l.id, g.on_hand - g.committed, g.on_hand, g.committed, 0, 0,
                  {now},
                  jsonb_build_object(
                      'id', g.id, 'updatedAt', {now},
                      'item', jsonb_build_object('id', v.inventory_item_id),
                      'location', jsonb_build_object('id', l.id),
                      'quantities', jsonb_build_array(
                          jsonb_build_object('name', 'available', 'quantity', g.on_hand - g.committed),
                          jsonb_build_object('name', 'on_hand', 'quantity', g.on_hand),
                          jsonb_build_object('name', 'committed', 'quantity', g.committed),
                          jsonb_build_object('name', 'incoming', 'quantity', 0),
                          jsonb_build_object('name', 'reserved', 'quantity', 0))),
                  {now}, {run}
           from staging.shopify_product_variants as v
           cross join staging.shopify_locations as l
           cross join lateral (
               select split_part(v.inventory_item_id, '/', 5)::bigint as item, split_part(l.id, '/', 5)::bigint as loc
           ) as k
           cross join lateral (
               select 'gid://shopify/InventoryLevel/' || k.loc || '?inventory_item_id=' || k.item as id,
                      (k.item * 31 + k.loc * 17) % 200 + 5 as on_hand, (k.item * 7) % 5 as committed
           ) as g
           where v._shop = {shop} and l._shop = {shop}""",
    ),
    (
        "customers",
        """insert into staging.shopify_customers (_shop, id, email, first_name, last_name, zip, created_at, updated_at,
                                                  _raw, _extracted_at, _run_id)
           select {shop}, g.id, g.email, a.address ->> 'firstName', a.address ->> 'lastName', a.address ->> 'zip',
                  g.ts, g.ts,
                  jsonb_build_object('id', g.id, 'firstName', a.address ->> 'firstName',
                                     'lastName', a.address ->> 'lastName', 'createdAt', g.ts, 'updatedAt', g.ts,
                                     'defaultEmailAddress', jsonb_build_object('emailAddress', g.email),
                                     'defaultAddress', jsonb_build_object('zip', a.address ->> 'zip')),
                  {now}, {run}
           from generate_series(1, {c}) as c
           cross join lateral (
               select 'gid://shopify/Customer/' || (6000000000 + c) as id, 'customer' || c || '@example.com' as email,
                      {now} - interval '800 days' + c * interval '1 second' as ts
           ) as g
           cross join lateral (select bench.address(c, 0) as address) as a""",
    ),
    (
        "order_line_items",
        """insert into staging.shopify_order_line_items (_shop, id, _parent_id, variant_id, sku, title, quantity,
                                                         current_quantity, unit_price, discounted_unit_price, _raw,
                                                         _extracted_at, _run_id)
           select {shop}, g.id, g.order_id, v.id, coalesce(v.sku, 'DISCONTINUED-' || n), t.title, g.qty, g.qty,
                  t.price, t.price,
                  jsonb_build_object('id', g.id, 'sku', coalesce(v.sku, 'DISCONTINUED-' || n), 'title', t.title,
                                     'quantity', g.qty, 'currentQuantity', g.qty,
                                     'variant', case when v.id is not null then jsonb_build_object('id', v.id) end,
                                     'originalUnitPriceSet', bench.money(t.price),
                                     'discountedUnitPriceSet', bench.money(t.price)),
                  {now}, {run}
           from generate_series(1, {n}) as n
           cross join lateral generate_series(1, 1 + n % 4) as k
           cross join lateral (
               select 'gid://shopify/LineItem/' || (12000000000 + n * 10 + k) as id,
                      'gid://shopify/Order/' || (5000000000 + n) as order_id,
                      case when n % 1000 <> 999 or k > 1 then 'gid://shopify/ProductVariant/'
                           || (9000000000 + 1 + (n * 10 + k) * 2654435761 % (3 * {p})) end as variant_id,
                      1 + (n + k) % 3 as qty
           ) as g
           left join staging.shopify_product_variants as v on v._shop = {shop} and v.id = g.variant_id
           left join staging.shopify_products as p on p._shop = {shop} and p.id = v.product_id
           cross join lateral (
               select coalesce(p.title || ' - ' || v.title, 'Discontinued item') as title,
                      coalesce(v.price, 10.00) as price
           ) as t""",
    ),
    (
        "order_discount_applications",
        """insert into staging.shopify_order_discount_applications (
               _shop, id, _parent_id, "index", application_type, allocation_method, target_selection, target_type,
               code, title, value_percentage, _raw, _extracted_at, _run_id)
           select {shop}, g.order_id || '#discountApplications[0]', g.order_id, 0, g.kind, 'ACROSS', 'ALL',
                  'LINE_ITEM', g.code, g.title, 10,
                  jsonb_build_object('__typename', g.kind, 'index', 0, 'allocationMethod', 'ACROSS',
                                     'targetSelection', 'ALL', 'targetType', 'LINE_ITEM', 'code', g.code,
                                     'title', g.title, 'value', jsonb_build_object('percentage', 10)),
                  {now}, {run}
           from generate_series(1, {n}) as n
           cross join lateral (
               select 'gid://shopify/Order/' || (5000000000 + n) as order_id,
                      case when n % 3 = 2 then 'AutomaticDiscountApplication'
                           else 'DiscountCodeApplication' end as kind,
                      (array['SAVE10', 'WELCOME15', null])[n % 3 + 1] as code,
                      case when n % 3 = 2 then 'Summer sale' end as title
           ) as g
           where n % 5 = 1""",
    ),
    (
        "order_line_discount_allocations",
        """insert into staging.shopify_order_line_discount_allocations (
               _shop, id, _parent_id, line_item_id, discount_application_index, amount, currency_code, _raw,
               _extracted_at, _run_id)
           select {shop}, li.id || '#discountAllocations[0]', li._parent_id, li.id, 0, d.amount, 'USD',
                  jsonb_build_object('__parentId', li.id, '__index', 0,
                                     'discountApplication', jsonb_build_object('index', 0),
                                     'allocatedAmountSet', bench.money(d.amount)),
                  {now}, {run}
           from staging.shopify_order_line_items as li
           cross join lateral (select round(li.quantity * li.unit_price * 0.10, 2) as amount) as d
           where li._shop = {shop} and (split_part(li.id, '/', 5)::bigint - 12000000000) % 50 = 11""",
    ),
    (
        "order_shipping_lines",
        """insert into staging.shopify_order_shipping_lines (_shop, id, _parent_id, title, code, source, is_removed,
                                                             price, discounted_price, _raw, _extracted_at, _run_id)
           select {shop}, g.id, 'gid://shopify/Order/' || (5000000000 + n), g.title, g.code, 'shopify', false,
                  g.price, g.price,
                  jsonb_build_object('id', g.id, 'title', g.title, 'code', g.code, 'source', 'shopify',
                                     'carrierIdentifier', null, 'isRemoved', false,
                                     'originalPriceSet', bench.money(g.price),
                                     'discountedPriceSet', bench.money(g.price)),
                  {now}, {run}
           from generate_series(1, {n}) as n
           cross join lateral (
               select 'gid://shopify/ShippingLine/' || (13000000000 + n) as id,
                      (array['Standard', 'Standard', 'Express', 'Free Shipping'])[n % 4 + 1] as title,
                      (array['standard', 'standard', 'express', 'free'])[n % 4 + 1] as code,
                      (array[5.00, 5.00, 15.00, 0.00]::numeric[])[n % 4 + 1] as price
           ) as g""",
    ),
    (
        "orders",
        """insert into staging.shopify_orders (_shop, id, name, email, customer_id, processed_at, cancelled_at,
                                               closed_at, is_test, financial_status, fulfillment_status,
                                               currency_code, total_price, total_tax, total_shipping, created_at,
                                               updated_at, _raw, _extracted_at, _run_id)
           with lines as (
               select _parent_id, sum(quantity * unit_price) as subtotal
               from staging.shopify_order_line_items where _shop = {shop} group by _parent_id
           ),
           discounts as (
               select _parent_id, sum(amount) as discount
               from staging.shopify_order_line_discount_allocations where _shop = {shop} group by _parent_id
           ),
           shipping as (
               select _parent_id, sum(discounted_price) as shipping
               from staging.shopify_order_shipping_lines where _shop = {shop} group by _parent_id
           )
           select {shop}, a.id, a.name, a.email, a.customer_id, a.ts, a.cancelled_at, a.closed_at, a.is_test,
                  a.financial, a.fulfillment, 'USD', m.total, m.tax, s.shipping, a.ts, a.updated,
                  jsonb_build_object(
                      'id', a.id, 'legacyResourceId', (5000000000 + n)::text, 'name', a.name, 'email', a.email,
                      'createdAt', a.ts, 'updatedAt', a.updated, 'processedAt', a.ts,
                      'cancelledAt', a.cancelled_at,
                      'cancelReason', case when a.cancelled_at is not null
                                           then (array['CUSTOMER', 'INVENTORY'])[n % 2 + 1] end,
                      'closed', a.closed_at is not null, 'closedAt', a.closed_at, 'test', a.is_test,
                      'displayFinancialStatus', a.financial, 'displayFulfillmentStatus', a.fulfillment,
                      'currencyCode', 'USD', 'sourceName', a.channel, 'tags', jsonb_build_array(),
                      'paymentGatewayNames', jsonb_build_array(a.gateway),
                      'customer', case when a.customer_id is not null then jsonb_build_object('id', a.customer_id) end,
                      'totalPriceSet', bench.money(m.total),
                      'subtotalPriceSet', bench.money(l.subtotal - coalesce(d.discount, 0)),
                      'totalTaxSet', bench.money(m.tax), 'totalShippingPriceSet', bench.money(s.shipping),
                      'billingAddress', bench.address(a.person, 0),
                      'shippingAddress', bench.address(a.person, case when n % 10 = 5 then 1 + n % 3 else 0 end)),
                  {now}, {run}
           from generate_series(1, {n}) as n
           cross join lateral (
               select n % 20 <> 0 as has_customer,
                      1 + n * 2654435761 % {c} as customer_number,
                      {now} - interval '730 days' + n * (interval '730 days' / {n}) as ts,
                      n % 100 = 11 as cancelled
           ) as r
           cross join lateral (
               select 'gid://shopify/Order/' || (5000000000 + n) as id, '#' || (1000 + n) as name,
                      case when r.has_customer then 'customer' || r.customer_number || '@example.com'
                           else 'guest' || n || '@example.com' end as email,
                      case when r.has_customer then 'gid://shopify/Customer/' || (6000000000 + r.customer_number)
                      end as customer_id,
                      case when r.has_customer then r.customer_number else 10000000 + n end as person,
                      r.ts, r.ts + interval '1 hour' as updated,
                      case when r.cancelled then r.ts + interval '2 hours' end as cancelled_at,
                      case when n % 50 = 7 then r.ts + interval '30 days' end as closed_at,
                      n % 200 = 3 as is_test,
                      case when r.cancelled then 'VOIDED'
                           else (array['PAID', 'PAID', 'PAID', 'PAID', 'PAID', 'PAID', 'PAID', 'PENDING',
                                       'AUTHORIZED', 'PARTIALLY_REFUNDED'])[n % 10 + 1] end as financial,
                      case when not r.cancelled and n % 3 < 2 then 'FULFILLED' else 'UNFULFILLED' end as fulfillment,
                      case when n % 20 < 17 then 'web' when n % 20 < 19 then 'pos'
                           else 'shopify_draft_order' end as channel,
                      case when n / 20 % 20 < 16 then 'shopify_payments' when n / 20 % 20 < 19 then 'paypal'
                           else 'manual' end as gateway
           ) as a
           join lines as l on l._parent_id = a.id
           join shipping as s on s._parent_id = a.id
           left join discounts as d on d._parent_id = a.id
           cross join lateral (select round((l.subtotal - coalesce(d.discount, 0)) * 0.08, 2) as tax) as x
           cross join lateral (
               select l.subtotal - coalesce(d.discount, 0) + s.shipping + x.tax as total, x.tax
           ) as m""",
    ),
    (
        "order_transactions",
        """insert into staging.shopify_order_transactions (_shop, id, _parent_id, kind, status, gateway, amount,
                                                           currency_code, is_test, processed_at, _raw, _extracted_at,
                                                           _run_id)
           select {shop}, g.id, o.id, t.kind, t.status, o._raw -> 'paymentGatewayNames' ->> 0, t.amount, 'USD',
                  o.is_test, g.at,
                  jsonb_build_object('id', g.id, 'kind', t.kind, 'status', t.status,
                                     'gateway', o._raw -> 'paymentGatewayNames' ->> 0,
                                     'amountSet', bench.money(t.amount), 'parentTransaction', null,
                                     'test', o.is_test, 'processedAt', g.at),
                  {now}, {run}
           from staging.shopify_orders as o
           cross join lateral (
               values
                   (1, case when o.financial_status in ('AUTHORIZED', 'VOIDED') then 'AUTHORIZATION' else 'SALE' end,
                    case when o.financial_status = 'PENDING' then 'PENDING' else 'SUCCESS' end, o.total_price),
                   (2, 'REFUND', 'SUCCESS', round(o.total_price * 0.1, 2))
           ) as t (seq, kind, status, amount)
           cross join lateral (
               select 'gid://shopify/OrderTransaction/' || (14000000000 + (split_part(o.id, '/', 5)::bigint
                      - 5000000000) * 10 + t.seq) as id,
                      o.processed_at + t.seq * interval '1 minute' as at
           ) as g
           where o._shop = {shop} and (t.seq = 1 or o.financial_status = 'PARTIALLY_REFUNDED')""",
    ),
    (
        "order_tax_lines",
        """insert into staging.shopify_order_tax_lines (_shop, id, _parent_id, title, rate, rate_percentage, amount,
                                                        currency_code, is_channel_liable, source, _raw, _extracted_at,
                                                        _run_id)
           select o._shop, o.id || '#taxLines[0]', o.id, 'State tax', 0.08, 8, o.total_tax, 'USD', false, 'Shopify',
                  jsonb_build_object('__index', 0, 'title', 'State tax', 'rate', 0.08, 'ratePercentage', 8,
                                     'priceSet', bench.money(o.total_tax), 'channelLiable', false, 'source', 'Shopify'),
                  {now}, {run}
           from staging.shopify_orders as o
           where o._shop = {shop} and o.total_tax > 0""",
    ),
    ("order_fulfillments", FULFILLMENTS.replace("{orders}", "o._shop = {shop} and o.fulfillment_status = 'FULFILLED'")),
)

# The physical baseline: the same orders and lines, straight from the promoted columns (and the
# _raw fields core reads) into plain tables with core's column types, defaults, primary and unique
# keys (no checks, no foreign keys; a NOT NULL column without default the insert does not set,
# such as one core gains later, is made nullable).
BARE = (
    "create schema bare",
    "create table bare.sales_orders (like core.sales_orders including defaults)",
    "create table bare.sales_order_lines (like core.sales_order_lines including defaults)",
    """do $$
       declare c record;
       begin
           for c in select table_name, column_name from information_schema.columns
                    where table_schema = 'bare' and is_nullable = 'NO' and column_default is null loop
               execute format('alter table bare.%I alter column %I drop not null', c.table_name, c.column_name);
           end loop;
       end
       $$""",
    "alter table bare.sales_orders add primary key (sales_order_id), add unique (shop, shopify_order_id)",
    "alter table bare.sales_order_lines add primary key (sales_order_line_id),"
    " add unique (sales_order_id, shopify_line_item_id)",
)
BARE_INSERTS = (
    """insert into bare.sales_orders (
           sales_order_id, shop, shopify_order_id, web_order_number, customer_id, status, order_date, currency_code,
           total, tax, freight, ship_to_state, ship_to_country, sales_channel, financial_status, fulfillment_status,
           order_status, transaction_type, on_hold, taxable, discount_total)
       select row_number() over (), o._shop, o.id, o.name, split_part(o.customer_id, '/', 5)::bigint,
              case when o.cancelled_at is not null then 'cancelled' when o.closed_at is not null then 'closed'
                   else 'open' end,
              o.processed_at, o.currency_code, o.total_price, coalesce(o.total_tax, 0), coalesce(o.total_shipping, 0),
              o._raw -> 'shippingAddress' ->> 'provinceCode', o._raw -> 'shippingAddress' ->> 'countryCodeV2',
              o._raw ->> 'sourceName', o.financial_status, o.fulfillment_status, 'Processing', 'sales_order', false,
              coalesce(o.total_tax, 0) > 0, 0
       from staging.shopify_orders as o
       where o._shop = %(shop)s and o._deleted_at is null""",
    """insert into bare.sales_order_lines (
           sales_order_line_id, sales_order_id, shopify_line_item_id, item_id, quantity, unit_price)
       select row_number() over (), so.sales_order_id, li.id, coalesce(split_part(li.variant_id, '/', 5)::bigint, 0),
              li.quantity, coalesce(li.discounted_unit_price, li.unit_price, 0)
       from staging.shopify_order_line_items as li
       join bare.sales_orders as so on so.shop = li._shop and so.shopify_order_id = li._parent_id
       where li._shop = %(shop)s and li._deleted_at is null""",
)

# Which change Shopify made (picked before the clock starts): an open, unfulfilled imported
# order, edited (its first line's quantity + 1), paid and fulfilled.
PICK = """
insert into bench.changed (id, line_id, price)
select distinct on (o.id) o.id, li.id, coalesce(li.discounted_unit_price, li.unit_price)
from (
    select shopify_order_id as id, row_number() over (order by shopify_order_id) as r
    from core.sales_orders
    where shop = %(shop)s and status = 'open' and fulfillment_status = 'UNFULFILLED' and deleted_at is null
) as o
join staging.shopify_order_line_items as li on li._shop = %(shop)s and li._parent_id = o.id
where o.r %% %(step)s = 0
order by o.id, li.id
limit %(k)s
"""

# The change as the loader stages it, stream by stream: each picked order's raw record and
# promoted columns change together (totals, statuses), its re-read line items change one quantity,
# its transactions bring a sale for the difference, its tax line the new tax, its fulfillments a new one.
CHANGE = (
    """update staging.shopify_order_line_items as li
       set quantity = li.quantity + 1,
           current_quantity = li.current_quantity + 1,
           _raw = li._raw
               || jsonb_build_object('quantity', li.quantity + 1, 'currentQuantity', li.current_quantity + 1),
           _extracted_at = now(),
           _run_id = 'bench-change'
       from bench.changed as c
       where li._shop = %(shop)s and li.id = c.line_id""",
    """update staging.shopify_orders as o
       set total_price = o.total_price + d.added,
           total_tax = o.total_tax + d.tax,
           financial_status = 'PAID',
           fulfillment_status = 'FULFILLED',
           updated_at = now(),
           _raw = o._raw || jsonb_build_object(
               'totalPriceSet', bench.money(o.total_price + d.added),
               'totalTaxSet', bench.money(o.total_tax + d.tax),
               'subtotalPriceSet', bench.money((o._raw -> 'subtotalPriceSet' -> 'shopMoney' ->> 'amount')::numeric
                                               + c.price),
               'displayFinancialStatus', 'PAID',
               'displayFulfillmentStatus', 'FULFILLED',
               'updatedAt', now()),
           _extracted_at = now(),
           _run_id = 'bench-change'
       from bench.changed as c
       cross join lateral (select round(c.price * 0.08, 2) as tax, c.price + round(c.price * 0.08, 2) as added) as d
       where o._shop = %(shop)s and o.id = c.id""",
    """insert into staging.shopify_order_transactions (_shop, id, _parent_id, kind, status, gateway, amount,
                                                       currency_code, is_test, processed_at, _raw, _extracted_at,
                                                       _run_id)
       select o._shop, g.id, o.id, 'SALE', 'SUCCESS', g.gateway, g.added, 'USD', o.is_test, now(),
              jsonb_build_object('id', g.id, 'kind', 'SALE', 'status', 'SUCCESS', 'gateway', g.gateway,
                                 'amountSet', bench.money(g.added), 'parentTransaction', null, 'test', o.is_test,
                                 'processedAt', now()),
              now(), 'bench-change'
       from bench.changed as c
       join staging.shopify_orders as o on o._shop = %(shop)s and o.id = c.id
       cross join lateral (
           select 'gid://shopify/OrderTransaction/'
                  || (14000000000 + (split_part(o.id, '/', 5)::bigint - 5000000000) * 10 + 5) as id,
                  o._raw -> 'paymentGatewayNames' ->> 0 as gateway,
                  c.price + round(c.price * 0.08, 2) as added
       ) as g""",
    """update staging.shopify_order_tax_lines as t
       set amount = o.total_tax,
           _raw = t._raw || jsonb_build_object('priceSet', bench.money(o.total_tax)),
           _extracted_at = now(),
           _run_id = 'bench-change'
       from bench.changed as c
       join staging.shopify_orders as o on o._shop = %(shop)s and o.id = c.id
       where t._shop = %(shop)s and t._parent_id = c.id""",
    FULFILLMENTS.replace("{shop}", "%(shop)s").replace(
        "{orders}", "o._shop = %(shop)s and o.id in (select id from bench.changed)"
    ),
)


CHANGE_QUEUES = ("ops.staging_changes", "ops.order_changes")
"""The incremental build's queue of changed records (named one way, then the other), if any."""


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def db_size_mb(conn: psycopg.Connection) -> float:
    return conn.execute("select pg_database_size(current_database())").fetchone()[0] / 2**20


def scalar(conn: psycopg.Connection, query: str, params: dict | tuple | None = None):
    return conn.execute(query, params or {}).fetchone()[0]


EXPLAINABLE = re.compile(
    r"(?is)^\s*(--[^\n]*\n\s*)*(insert|update|delete|select|with|create\s+(temp\w*\s+)?table\s.*\sas\s)"
)
"""A statement EXPLAIN ANALYZE runs (DML, CREATE TABLE … AS); others are run as they are."""


class FileTimer:
    """Stands in for ``transform.run_file``: times each SQL file of a build (the bench's wrapper,
    the product code is untouched). With ``explain`` set, runs every DML and CREATE TABLE … AS
    statement of the file under ``EXPLAIN (ANALYZE, BUFFERS)`` (which executes it) and writes the
    plans there."""

    def __init__(self, original: Callable[..., int]) -> None:
        self.original = original
        self.seconds: dict[str, float] = {}
        self.statements: list[tuple[float, str, int, str]] = []
        self.explain: TextIO | None = None

    def reset(self) -> None:
        self.seconds = {}

    def __call__(self, conn: psycopg.Connection, relative: str, params: dict | None = None) -> int:
        started = time.monotonic()
        try:
            if self.explain is None:
                return self.original(conn, relative, params)
            return self._explained(conn, relative, params or {})
        finally:
            self.seconds[relative] = self.seconds.get(relative, 0.0) + time.monotonic() - started

    def _explained(self, conn: psycopg.Connection, relative: str, params: dict) -> int:
        assert self.explain is not None
        with conn.cursor() as cur:
            for number, statement in enumerate(statements(sql_file(relative)), 1):
                if not EXPLAINABLE.match(statement):
                    cur.execute(statement, params)
                    continue
                started = time.monotonic()
                cur.execute("explain (analyze, buffers) " + statement, params)
                plan = "\n".join(row[0] for row in cur.fetchall())
                seconds = time.monotonic() - started
                self.statements.append((seconds, relative, number, statement.splitlines()[0][:100]))
                self.explain.write(f"\n==== {relative} statement {number}: {seconds:.2f}s\n{statement}\n\n{plan}\n")
                self.explain.flush()
        return 0


def timed_build(
    conn: psycopg.Connection, timer: FileTimer, run_id: str, explain: str | None = None
) -> tuple[float, dict[str, int]]:
    """``build_core`` timed per SQL file; with ``explain``, its statements' plans go to that file."""
    timer.reset()
    timer.statements = []
    timer.explain = open(explain, "w") if explain else None
    started = time.monotonic()
    try:
        changed = build_core(conn, SHOP, run_id)
    finally:
        if timer.explain:
            timer.explain.close()
        timer.explain = None
    seconds = time.monotonic() - started
    if explain:
        print(f"  slowest statements under EXPLAIN ANALYZE (plans in {explain}):")
        for statement_seconds, relative, number, head in sorted(timer.statements, reverse=True)[:8]:
            print(f"    {statement_seconds:8.2f}s {relative} #{number}: {head}")
    return seconds, changed


def print_files(title: str, timer: FileTimer, total: float) -> None:
    print(f"  {title}: seconds per SQL file (build {total:.2f}s)")
    for relative, seconds in sorted(timer.seconds.items(), key=lambda item: -item[1]):
        print(f"    {relative:<32}{seconds:>9.2f}s {100 * seconds / max(total, 1e-9):5.1f}%")
    print(f"    {'(mappings, commit)':<32}{total - sum(timer.seconds.values()):>9.2f}s")


def import_summary(conn: psycopg.Connection, run_id: str) -> tuple[int, int, int, dict[str, int]]:
    """Orders imported, skipped by the rules, rejected (by this run) and the skip reasons."""
    imported = scalar(conn, "select count(*) from core.sales_orders where shop = %(shop)s", {"shop": SHOP})
    skips = skipped_orders(conn, SHOP)
    rejected = scalar(
        conn,
        "select count(*) from ops.rejects where run_id = %(run)s and object_name = 'sales_orders'",
        {"run": run_id},
    )
    return imported, sum(skips.values()), rejected, skips


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--changed", type=int, default=1000, help="orders changed before the incremental build")
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DATABASE}")
    parser.add_argument("--explain", metavar="PATH", help="EXPLAIN ANALYZE one build's statements into PATH")
    parser.add_argument(
        "--explain-build",
        choices=("first", "again", "incremental"),
        default="first",
        help="the build --explain profiles",
    )
    parser.add_argument(
        "--no-vacuum",
        action="store_true",
        help="no VACUUM (ANALYZE) between the first build and the next ones (as if autovacuum had not run since)",
    )
    parser.add_argument("--no-record", action="store_true", help="do not append to bench/RESULTS.md")
    args = parser.parse_args()
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f"drop database if exists {DATABASE} with (force)")
        admin.execute(f"create database {DATABASE}")
    try:
        figures = run(args, SERVER.rsplit("/", 1)[0] + f"/{DATABASE}")
    finally:
        if not args.keep:
            with psycopg.connect(SERVER, autocommit=True) as admin:
                admin.execute(f"drop database if exists {DATABASE} with (force)")
    if not args.no_record and not args.explain:
        command = f"transform --orders {args.orders} --changed {args.changed}"
        record(command + " --no-vacuum" * args.no_vacuum, figures)
    return 0


def run(args: argparse.Namespace, url: str) -> list[tuple]:
    n = args.orders
    params = {"shop": SHOP, "now": datetime.now(UTC).replace(microsecond=0), "run": STAGE_RUN}
    params |= {"n": n, "p": max(n // 100, 10), "c": max(n // 3, 1)}
    literals = {k: sql.Literal(v) for k, v in params.items()}
    timer = FileTimer(transform.run_file)

    def explain(build: str) -> str | None:
        return args.explain if args.explain and args.explain_build == build else None

    transform.run_file = timer  # build_core calls run_file by this module's name
    with psycopg.connect(url, autocommit=True) as conn:
        ensure_schema(conn)
        queue = next((q for q in CHANGE_QUEUES if scalar(conn, "select to_regclass(%s) is not null", (q,))), None)
        conn.execute(HELPERS)
        server = scalar(
            conn,
            "select 'PostgreSQL ' || split_part(current_setting('server_version'), ' ', 1) || ', shared_buffers '"
            " || current_setting('shared_buffers') || ', work_mem ' || current_setting('work_mem')"
            " || ', autovacuum ' || current_setting('autovacuum')",
        )

        print(f"staging {n} orders for {SHOP} ({server}) …", flush=True)
        started = time.monotonic()
        with conn.transaction():
            for name, text in GENERATE:
                step = time.monotonic()
                count = conn.execute(sql.SQL(text).format(**literals)).rowcount
                print(f"  {name:<34}{count:>10} rows {time.monotonic() - step:7.1f}s", flush=True)
        generated = time.monotonic() - started
        started = time.monotonic()
        for stream in STREAMS:  # what autovacuum does after a load this size (core stays as a new warehouse has it)
            conn.execute(f"analyze staging.{stream.table}")
        analyzed = time.monotonic() - started
        staged = {s.table: scalar(conn, f"select count(*) from staging.{s.table}") for s in STREAMS}
        staged_rows = sum(staged.values())
        staging_mb = (
            scalar(
                conn,
                "select sum(pg_total_relation_size(oid)) from pg_class"
                " where relnamespace = 'staging'::regnamespace and relkind = 'r'",
            )
            / 2**20
        )
        print(f"staged {staged_rows} rows ({staging_mb:.0f} MB) in {generated:.1f}s, analyze {analyzed:.1f}s")

        # 1. The first build.
        size_before, rss_before = db_size_mb(conn), rss_mb()
        print("first build_core …", flush=True)
        full, changed = timed_build(conn, timer, "bench-full", explain("first"))
        peak = rss_mb()
        size_delta = db_size_mb(conn) - size_before
        full_files = dict(timer.seconds)
        print_files("first build", timer, full)
        written = sum(changed.values())
        imported, skipped, rejected, skips = import_summary(conn, "bench-full")
        totals = core_totals(conn, SHOP)
        print(f"  rows written per file: {changed}")
        print(f"  core totals: {totals}")
        print(f"  orders: {imported} imported, {skipped} skipped, {rejected} rejected; skipped: {skips}")
        if imported < 0.9 * n:
            reasons = conn.execute(
                "select reason, count(*) from ops.rejects where run_id = 'bench-full'"
                " group by 1 order by 2 desc limit 5"
            ).fetchall()
            raise SystemExit(
                f"FAILED: only {imported} of {n} staged orders were imported — the generated staging data is wrong."
                f" Rejects: {reasons}; skipped: {skips}"
            )

        # 2. The physical baseline.
        for statement in BARE:
            conn.execute(statement)
        started = time.monotonic()
        with conn.transaction():
            bare_rows = sum(conn.execute(s, {"shop": SHOP}).rowcount for s in BARE_INSERTS)
        bare = time.monotonic() - started
        print(f"bare INSERT … SELECT of {bare_rows} orders and lines: {bare:.2f}s (build / bare {full / bare:.1f})")

        # Between two hourly runs autovacuum has vacuumed and analyzed what the first build wrote
        # (the server may have it off: this stands in for it). Without it the next builds plan on
        # the stats of empty core tables and step over the first build's dead rows (--no-vacuum).
        between = 0.0
        if not args.no_vacuum:
            started = time.monotonic()
            conn.execute("vacuum (analyze)")
            between = time.monotonic() - started
            print(f"vacuum (analyze) between the runs (autovacuum's part): {between:.1f}s")

        # 3. Nothing changed.
        again, again_changed = timed_build(conn, timer, "bench-again", explain("again"))
        print(f"build_core again, nothing changed: {again:.2f}s, rows written {sum(again_changed.values())}")
        print_files("nothing changed", timer, again)

        # The checks' first run looks at the whole shop (and empties their queue of the first
        # build's orders); the hourly runs after it look at the orders their build rebuilt.
        started = time.monotonic()
        whole_failing = sum(1 for result in run_checks(conn, SHOP).values() if result["offending"])
        whole_checks_seconds = time.monotonic() - started
        print(f"data-quality checks over the whole shop: {whole_checks_seconds:.2f}s ({whole_failing} failing)")

        # 4. K orders changed, as the loader changes them.
        candidates = scalar(
            conn,
            "select count(*) from core.sales_orders where shop = %(shop)s and status = 'open'"
            " and fulfillment_status = 'UNFULFILLED' and deleted_at is null",
            {"shop": SHOP},
        )
        step = max(candidates // max(args.changed, 1), 1)
        conn.execute(PICK, {"shop": SHOP, "step": step, "k": args.changed})
        picked = scalar(conn, "select count(*) from bench.changed")
        started = time.monotonic()
        with conn.transaction():
            staged_changes = [conn.execute(statement, {"shop": SHOP}).rowcount for statement in CHANGE]
        change_seconds = time.monotonic() - started
        queued = scalar(conn, f"select count(*) from {queue}") if queue else None
        print(
            f"changed {picked} orders in staging in {change_seconds:.2f}s (rows: lines, orders, transactions,"
            f" tax lines, fulfillments {staged_changes})" + ("" if queued is None else f"; {queue} holds {queued} rows")
        )
        incr, incr_changed = timed_build(conn, timer, "bench-incremental", explain("incremental"))
        incr_files = dict(timer.seconds)
        print(f"build_core after the change: {incr:.2f}s, rows written {incr_changed}")
        print_files("incremental", timer, incr)
        up_to_date = scalar(
            conn,
            """select count(*) from bench.changed as c
               join staging.shopify_orders as o on o._shop = %(shop)s and o.id = c.id
               join core.sales_orders as so on so.shop = o._shop and so.shopify_order_id = o.id
               where so.total = o.total_price and so.financial_status = 'PAID' and so.fulfillment_status = 'FULFILLED'
                 and not exists (
                     select 1 from staging.shopify_order_line_items as li
                     join core.sales_order_lines as sol
                         on sol.sales_order_id = so.sales_order_id and sol.shopify_line_item_id = li.id
                     where li._shop = o._shop and li._parent_id = o.id and sol.quantity <> li.quantity)""",
            {"shop": SHOP},
        )
        print(f"changed orders up to date in core (total, statuses, line quantities): {up_to_date} / {picked}")
        if up_to_date != picked:
            print(f"  WARNING: {picked - up_to_date} changed orders were not rebuilt correctly")
        shipped = None
        if scalar(conn, "select to_regclass('core.shipments') is not null"):
            shipped = scalar(
                conn,
                """select count(*) from bench.changed as c
                   join core.sales_orders as so on so.shop = %(shop)s and so.shopify_order_id = c.id
                   where exists (select 1 from core.shipments as sh join core.shipment_lines as sl using (shipment_id)
                                 where sh.sales_order_id = so.sales_order_id)""",
                {"shop": SHOP},
            )
            print(f"changed orders with their new shipment in core: {shipped} / {picked}")
        started = time.monotonic()  # the sync's tasks after build_core: the checks, the report
        failing = sum(1 for result in run_checks(conn, SHOP, scoped=True).values() if result["offending"])
        checks_seconds = time.monotonic() - started
        started = time.monotonic()
        core_totals(conn, SHOP), skipped_orders(conn, SHOP), unmapped_values(conn, SHOP)
        rejects_by_stage(conn, SHOP, "bench-incremental")
        report_seconds = time.monotonic() - started
        print(f"data-quality checks {checks_seconds:.2f}s ({failing} failing), report queries {report_seconds:.2f}s")
        final_size = db_size_mb(conn)

    per_file = [
        (f"  {relative}, s", round(seconds, 2), None, round(seconds / full, 2))
        for relative, seconds in sorted(full_files.items(), key=lambda item: -item[1])
    ]
    incr_per_file = [
        (f"  incremental: {relative}, s", round(seconds, 2), None, round(seconds / incr, 2))
        for relative, seconds in sorted(incr_files.items(), key=lambda item: -item[1])[:5]
    ]
    figures = [
        ("orders staged", staged["shopify_orders"], n, round(staged["shopify_orders"] / n, 2)),
        ("rows staged (all streams)", staged_rows, None, None),
        ("staging generation (set-based SQL), s", round(generated, 1), None, None),
        ("staging size, MB", round(staging_mb), None, None),
        ("orders imported / skipped / rejected", f"{imported} / {skipped} / {rejected}", None, None),
        ("first build_core, s", round(full, 1), None, None),
        *per_file,
        ("orders/s (first build)", round(n / full), None, None),
        ("core rows written/s (first build)", round(written / full), None, None),
        ("bare INSERT … SELECT of orders and lines, s (limit)", round(bare, 2), None, None),
        ("first build / bare INSERT", round(full / bare, 1), 1.0, round(full / bare, 1)),
        ("database size delta of the first build, MB", round(size_delta), None, None),
        ("peak RSS, MB", round(peak), None, None),
        ("RSS before the build, MB", round(rss_before), None, None),
        (
            "vacuum analyze between the runs (autovacuum), s",
            "skipped" if args.no_vacuum else round(between, 1),
            None,
            None,
        ),
        ("build_core again, nothing changed, s", round(again, 2), None, round(again / full, 3)),
        (f"staging change of {picked} orders (loader-style), s", round(change_seconds, 2), None, None),
        (
            f"build_core after {picked} changed orders, s (goal: a few)",
            round(incr, 2),
            3,
            round(incr / 3, 2),
        ),
        ("incremental / first build (ideal: changed / orders)", round(incr / full, 3), round(picked / n, 3), None),
        *incr_per_file,
        ("changed orders up to date in core", f"{up_to_date} / {picked}", None, None),
        *(
            []
            if shipped is None
            else [("changed orders with their new shipment in core", f"{shipped} / {picked}", None, None)]
        ),
        ("incremental build's change queue", queue or "none (every build is full)", None, None),
        (
            "the hourly run's data-quality checks (per-order ones on the orders rebuilt), s",
            round(checks_seconds, 2),
            None,
            None,
        ),
        ("the checks' whole-shop pass (first run, then daily), s", round(whole_checks_seconds, 2), None, None),
        ("the hourly run's report queries (totals, skipped, unmapped), s", round(report_seconds, 2), None, None),
        ("database size at the end, MB", round(final_size), None, None),
        ("server", server, None, None),
    ]
    print_figures(f"Core build of {n} staged orders, then {picked} changed", figures, name_width=56, value_width=20)
    return figures


if __name__ == "__main__":
    raise SystemExit(main())
