-- The inventory/order model. Surrogate keys for our side, Shopify ids kept in their own
-- columns, and constraints that make wrong data impossible rather than merely unlikely.
-- A record Shopify deleted keeps its core row (orders, stock and pushes point at it) with
-- `deleted_at` set; the core build no longer updates it.
create table if not exists core.locations (
    location_id bigserial primary key,
    shop text not null,
    shopify_location_id text not null,
    name text not null,
    is_active boolean not null,
    deleted_at timestamptz,
    unique (shop, shopify_location_id)
);

create table if not exists core.items (
    item_id bigserial primary key,
    shop text not null,
    sku text not null check (sku <> ''),
    name text not null,
    item_group text,
    price numeric(18, 4) not null check (price >= 0),
    shopify_product_id text not null,
    shopify_variant_id text not null,
    shopify_inventory_item_id text not null,
    deleted_at timestamptz,
    unique (shop, shopify_variant_id),
    unique (shop, shopify_inventory_item_id)
);

-- Safety stock per SKU ('*' = every item), loaded from include/mappings/safety_stock.csv.
create table if not exists core.safety_stock_rules (
    sku text primary key,
    quantity integer not null check (quantity >= 0)
);

-- Stock per item and location. The back office owns on_hand: it is taken from Shopify the
-- first time an item is seen at a location and maintained here afterwards; committed is
-- Shopify's reservation for orders not yet shipped.
create table if not exists core.stock (
    item_id bigint not null references core.items,
    location_id bigint not null references core.locations,
    on_hand integer not null,
    committed integer not null default 0 check (committed >= 0),
    safety_stock integer not null default 0 check (safety_stock >= 0),
    available_to_sell integer generated always as (greatest(0, on_hand - committed - safety_stock)) stored,
    primary key (item_id, location_id)
);

create table if not exists core.customers (
    customer_id bigserial primary key,
    shop text not null,
    shopify_customer_id text not null,
    email text,
    first_name text,
    last_name text,
    zip text,
    deleted_at timestamptz,
    unique (shop, shopify_customer_id)
);

create table if not exists core.sales_orders (
    sales_order_id bigserial primary key,
    shop text not null,
    shopify_order_id text not null,
    web_order_number text not null,
    customer_id bigint references core.customers,
    status text not null check (status in ('open', 'closed', 'cancelled')),
    order_date timestamptz not null,
    currency_code text not null,
    total numeric(18, 4) not null,
    tax numeric(18, 4) not null default 0,
    freight numeric(18, 4) not null default 0,
    ship_to_state text,
    ship_to_country text,
    deleted_at timestamptz,
    unique (shop, shopify_order_id)
);

create table if not exists core.sales_order_lines (
    sales_order_line_id bigserial primary key,
    sales_order_id bigint not null references core.sales_orders on delete cascade,
    shopify_line_item_id text not null,
    item_id bigint not null references core.items,
    quantity integer not null check (quantity >= 0),
    unit_price numeric(18, 4) not null,
    unique (sales_order_id, shopify_line_item_id)
);

-- Warehouses created before deletions were marked.
alter table core.locations add column if not exists deleted_at timestamptz;
alter table core.items add column if not exists deleted_at timestamptz;
alter table core.customers add column if not exists deleted_at timestamptz;
alter table core.sales_orders add column if not exists deleted_at timestamptz;

-- A SKU is unique among live items: the SKU of a deleted variant may be given to a new one.
alter table core.items drop constraint if exists items_shop_sku_key;
create unique index if not exists items_live_sku on core.items (shop, sku) where deleted_at is null;

-- The order-import settings and the web-status mapping, replaced from include/mappings/*.csv at
-- every build (versioned with the project, changed without touching code).
create table if not exists core.settings (
    setting text primary key,
    value text not null default ''
);

create table if not exists core.order_status_rules (
    priority integer primary key,
    financial_status text not null,
    fulfillment_status text not null,
    cancelled text not null check (cancelled in ('true', 'false', '*')),
    order_status text not null,
    secondary_status text
);

-- What a web order became: its channel and Shopify statuses, the mapped status, the transaction
-- type chosen at import, and the hold placed at import (the back office releases it, not us).
alter table core.sales_orders add column if not exists sales_channel text;
alter table core.sales_orders add column if not exists financial_status text;
alter table core.sales_orders add column if not exists fulfillment_status text;
alter table core.sales_orders add column if not exists order_status text not null default 'Processing';
alter table core.sales_orders add column if not exists secondary_status text;
alter table core.sales_orders add column if not exists transaction_type text not null default 'sales_order'
    check (transaction_type in ('sales_order', 'ship_doc'));
alter table core.sales_orders add column if not exists on_hold boolean not null default false;
alter table core.sales_orders add column if not exists hold_reason text;

-- Customer matching: a back-office customer is identified by a key that the matching rule of
-- settings.csv makes (Shopify's id, the email, or the name and billing zip), or is the proxy
-- customer of a sales channel. Every Shopify customer is linked to the customer it became.
alter table core.customers add column if not exists customer_key text;
update core.customers set customer_key = 'shopify:' || shopify_customer_id where customer_key is null;
alter table core.customers alter column customer_key set not null;
alter table core.customers alter column shopify_customer_id drop not null;
alter table core.customers drop constraint if exists customers_shop_shopify_customer_id_key;
create unique index if not exists customers_key on core.customers (shop, customer_key);
alter table core.customers add column if not exists is_proxy boolean not null default false;
alter table core.customers add column if not exists customer_type text;
alter table core.customers add column if not exists sales_rep text;

create table if not exists core.customer_links (
    shop text not null,
    shopify_customer_id text not null,
    customer_id bigint not null references core.customers,
    primary key (shop, shopify_customer_id)
);

-- Ship-to addresses of customers, created from web orders when they do not exist yet.
create table if not exists core.ship_to_addresses (
    ship_to_id bigserial primary key,
    customer_id bigint not null references core.customers,
    address_key text not null,
    name text,
    company text,
    address1 text,
    address2 text,
    city text,
    province_code text,
    zip text,
    country_code text,
    unique (customer_id, address_key)
);

-- Mapping tables of include/mappings (sales tax by country and state, cart ship methods and
-- payment gateways to ours), replaced at every build.
create table if not exists core.sales_tax_rules (
    country_code text not null,
    province_code text not null,
    sales_tax_code text not null,
    item_sales_tax text,
    primary key (country_code, province_code)
);

create table if not exists core.ship_method_rules (
    cart_ship_method text primary key,
    ship_method text not null
);

create table if not exists core.payment_method_rules (
    gateway text primary key,
    payment_method text not null,
    payment_term text
);

alter table core.sales_orders add column if not exists ship_to_id bigint references core.ship_to_addresses;
alter table core.sales_orders add column if not exists taxable boolean not null default false;
alter table core.sales_orders add column if not exists sales_tax_code text;
alter table core.sales_orders add column if not exists item_sales_tax text;
alter table core.sales_orders add column if not exists ship_method text;
alter table core.sales_orders add column if not exists payment_method text;
alter table core.sales_orders add column if not exists payment_term text;

-- Discount codes (or automatic discount titles) of the cart to our discount item.
create table if not exists core.discount_rules (
    discount text primary key,
    discount_item text not null
);

alter table core.sales_orders add column if not exists discount_code text;
alter table core.sales_orders add column if not exists discount_item text;
alter table core.sales_orders add column if not exists discount_total numeric(18, 4) not null default 0;

-- Where and under which class a web order is booked (settings default_location, default_class).
alter table core.sales_orders add column if not exists location_id bigint references core.locations;
alter table core.sales_orders add column if not exists class text;

-- Payments of imported orders, only when import_payments asks for them: Shopify's successful
-- sales and captures, and refunds as negative amounts.
create table if not exists core.payments (
    payment_id bigserial primary key,
    sales_order_id bigint not null references core.sales_orders on delete cascade,
    shopify_transaction_id text not null,
    kind text not null check (kind in ('payment', 'refund')),
    gateway text,
    payment_method text,
    amount numeric(18, 4) not null,
    currency_code text not null,
    processed_at timestamptz,
    unique (sales_order_id, shopify_transaction_id)
);

-- What the cart called the ship method, payment gateway and tax region of a web order, and which
-- of them no mapping row names (a default or a wildcard was used): the run report lists them.
alter table core.sales_orders add column if not exists cart_ship_method text;
alter table core.sales_orders add column if not exists payment_gateway text;
alter table core.sales_orders add column if not exists tax_region text;
alter table core.sales_orders add column if not exists unmapped text[] not null default '{}';
create index if not exists sales_orders_unmapped on core.sales_orders (shop) where unmapped <> '{}';

-- The taxes of a sales order as Shopify charged them (one row per tax line of the order: title,
-- rate, amount), beside the order's mapped sales tax code and total tax.
create table if not exists core.sales_order_taxes (
    sales_order_tax_id bigserial primary key,
    sales_order_id bigint not null references core.sales_orders on delete cascade,
    shopify_tax_line_id text not null,
    title text not null,
    rate numeric(9, 6),
    amount numeric(18, 4) not null,
    currency_code text not null,
    unique (sales_order_id, shopify_tax_line_id)
);

-- A cancelled web order cancels ours, saying who cancelled it: the customer (Shopify's reason
-- CUSTOMER) or the seller (declined payment, fraud, no inventory, staff, other).
alter table core.sales_orders add column if not exists cancel_reason text;
alter table core.sales_orders add column if not exists cancelled_by text
    check (cancelled_by in ('customer', 'seller'));

-- The Shopify customers linked to one customer (an incremental build re-matches them together).
create index if not exists customer_links_customer on core.customer_links (customer_id);
