-- core.kit_components: the bills of materials of the shop's kits, from core.kit_rules
-- (include/mappings/kits.csv) through core.kit_component_candidates. Rejected rules
-- (core/rejects.sql records them) change nothing, so a kit with an unknown component keeps the
-- components it had. A deleted kit item keeps its components as history.
insert into core.kit_components (kit_item_id, component_item_id, quantity)
select c.kit_item_id, c.component_item_id, c.quantity
from core.kit_component_candidates as c
where c.shop = %(shop)s and c.reject_reason is null
on conflict (kit_item_id, component_item_id) do update
set quantity = excluded.quantity
where core.kit_components.quantity is distinct from excluded.quantity;

-- Components the rules no longer give a live kit (a component or the whole kit taken out of
-- kits.csv, a component SKU now on another item), unless the kit has a rejected rule.
delete from core.kit_components as kc
using core.items as kit
where
    kit.item_id = kc.kit_item_id
    and kit.shop = %(shop)s
    and kit.deleted_at is null
    and not exists (
        select
        from core.kit_component_candidates as c
        where
            c.shop = %(shop)s
            and c.kit_item_id = kc.kit_item_id
            and (c.reject_reason is not null or c.component_item_id = kc.component_item_id)
    );
