-- Kits (bills of materials) and the stock quantities the back office owns.

-- Kit rules of include/mappings/kits.csv, replaced at every build: a kit SKU is made of
-- `quantity` of each component SKU (fractions allowed: half a metre of cable). A malformed file
-- fails the build here, as every mapping file does; SKUs no item has are rejected per rule by
-- core.kit_component_candidates.
create table if not exists core.kit_rules (
    kit_sku text not null,
    component_sku text not null,
    quantity numeric not null check (quantity > 0),
    primary key (kit_sku, component_sku),
    check (kit_sku <> component_sku)
);

-- The bill of materials of each kit item, built from core.kit_rules by core/kit_components.sql.
-- One level: a component that is itself a kit counts with its own stock, not its components'.
create table if not exists core.kit_components (
    kit_item_id bigint not null references core.items,
    component_item_id bigint not null references core.items,
    quantity numeric not null check (quantity > 0),
    primary key (kit_item_id, component_item_id),
    check (kit_item_id <> component_item_id)
);
-- The primary key serves kit -> components; this serves the foreign key (deleting an item).
create index if not exists kit_components_component on core.kit_components (component_item_id);

-- Quantities Shopify does not know, kept by the back office: `incoming` is on open purchase
-- orders, `vendor_quantity` what the vendor can drop-ship. The core build inserts stock rows
-- without them (so 0) and never updates them (core/stock.sql updates committed and safety
-- stock only), so a rebuild keeps what the back office set.
alter table core.stock add column if not exists incoming integer not null default 0
    check (incoming >= 0);
alter table core.stock add column if not exists vendor_quantity integer not null default 0
    check (vendor_quantity >= 0);
