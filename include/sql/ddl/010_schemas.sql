-- The three layers: staging (as landed from Shopify), core (the inventory/order model),
-- ops (watermarks, rejects, the reverse-sync ledger, run reports).
create schema if not exists staging;
create schema if not exists core;
create schema if not exists ops;
