-- Shipments of sales orders: those Shopify already has (imported from its fulfillments, so they
-- are never pushed twice) and those the back office records, to be pushed to Shopify as
-- fulfillments. A null shopify_fulfillment_id means "recorded here, not yet in Shopify"; the core
-- build only ever touches rows that have one.
create table if not exists core.shipments (
    shipment_id bigserial primary key,
    sales_order_id bigint not null references core.sales_orders on delete cascade,
    shopify_fulfillment_id text check (shopify_fulfillment_id <> ''),
    -- Shopify's FulfillmentStatus as ours: SUCCESS is shipped, ERROR and FAILURE failed,
    -- PENDING and OPEN pending; a cancelled shipment keeps its row.
    status text not null check (status in ('pending', 'shipped', 'cancelled', 'failed')),
    location_id bigint references core.locations,
    shipped_at timestamptz,
    -- Whether the push asks Shopify to notify the customer. Shopify does not say whether it did
    -- for the fulfillments it already has, so only those may leave it unknown.
    notify_customer boolean,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    -- NULLs are distinct: any number of back-office shipments per order.
    unique (sales_order_id, shopify_fulfillment_id),
    -- Shipment lines repeat the order so that they can only point at lines of that same order.
    unique (shipment_id, sales_order_id),
    check (status <> 'shipped' or shipped_at is not null),
    check (shopify_fulfillment_id is not null or notify_customer is not null)
);

-- Tracking numbers of a shipment, in Shopify's order (a fulfillment can carry several).
create table if not exists core.shipment_trackings (
    shipment_id bigint not null references core.shipments on delete cascade,
    position integer not null check (position >= 1),
    tracking_number text not null check (tracking_number <> ''),
    carrier text check (carrier <> ''),
    url text check (url <> ''),
    primary key (shipment_id, position)
);

-- The referenced key of shipment lines' (line, order) foreign key.
create unique index if not exists sales_order_lines_line_order
    on core.sales_order_lines (sales_order_line_id, sales_order_id);

-- What a shipment carries: quantities of its order's lines, one row per line. The foreign key
-- refuses to delete a line that was shipped: Shopify never drops a line item from an order, and
-- a failed build is better than silently losing what was shipped.
create table if not exists core.shipment_lines (
    shipment_id bigint not null,
    sales_order_id bigint not null,
    sales_order_line_id bigint not null,
    quantity integer not null check (quantity > 0),
    primary key (shipment_id, sales_order_line_id),
    foreign key (shipment_id, sales_order_id) references core.shipments (shipment_id, sales_order_id)
        on delete cascade,
    foreign key (sales_order_line_id, sales_order_id) references core.sales_order_lines (sales_order_line_id, sales_order_id)
);
create index if not exists shipment_lines_order_line on core.shipment_lines (sales_order_line_id, sales_order_id);
