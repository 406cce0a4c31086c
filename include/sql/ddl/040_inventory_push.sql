-- The inventory push plan (ops.inventory_pushes, 020_ops.sql) made able to say more than
-- "send this": which variant a row is for, re-plans after a conflict, and quarantined rows that
-- carry no level or no quantity (a variant without an inventory item, a level Shopify does not
-- stock).

-- A conflict (someone sold between plan and write) is re-planned as a new row of the same run:
-- `replan` counts re-plans of the level (0 = the run's plan), `replan_of` is the conflicting row.
alter table ops.inventory_pushes add column if not exists replan smallint not null default 0
    check (replan >= 0);
alter table ops.inventory_pushes add column if not exists replan_of bigint references ops.inventory_pushes;
alter table ops.inventory_pushes add column if not exists variant_id text;

-- Quarantined rows may lack what a push needs: a variant without an inventory item has no
-- level, a level Shopify does not stock has no Shopify quantity. Rows that are sent have all.
alter table ops.inventory_pushes alter column inventory_item_id drop not null;
alter table ops.inventory_pushes alter column location_id drop not null;
alter table ops.inventory_pushes alter column shopify_quantity drop not null;
alter table ops.inventory_pushes alter column target_quantity drop not null;
do $$
begin
    if not exists (select from pg_constraint where conname = 'inventory_pushes_sendable') then
        alter table ops.inventory_pushes add constraint inventory_pushes_sendable check (
            status = 'quarantined'
            or (inventory_item_id is not null and location_id is not null
                and shopify_quantity is not null and target_quantity is not null)
        );
    end if;
end
$$;

-- One row per run, level and re-plan (a re-run of the run plans nothing twice); a variant
-- without an inventory item is quarantined once per run.
alter table ops.inventory_pushes drop constraint if exists inventory_pushes_run_id_shop_inventory_item_id_location_id_key;
create unique index if not exists inventory_pushes_level_key
    on ops.inventory_pushes (run_id, shop, inventory_item_id, location_id, replan)
    where inventory_item_id is not null;
create unique index if not exists inventory_pushes_variant_key
    on ops.inventory_pushes (run_id, shop, variant_id)
    where inventory_item_id is null;
create index if not exists inventory_pushes_replan_of on ops.inventory_pushes (replan_of) where replan_of is not null;
