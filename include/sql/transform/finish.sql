-- The build is done: remember the version of the rules it ran with (a new version rebuilds every
-- order) and empty its scopes.
insert into ops.transform_state (shop, version, run_id, built_at)
values (%(shop)s, %(version)s, %(run_id)s, now())
on conflict (shop) do update
set version = excluded.version, run_id = excluded.run_id, built_at = excluded.built_at;

delete from ops.transform_scope where shop = %(shop)s;

delete from ops.customer_scope where shop = %(shop)s;
