-- The sales order candidates of the orders in scope, evaluated once and kept for the rest of the
-- build (ship-tos, sales orders, freight lines, outcomes and rejects all read them); dropped at
-- commit.
drop table if exists pg_temp.order_candidates;

create temp table order_candidates on commit drop as
select * from core.sales_order_candidates
where shop = %(shop)s;

analyze pg_temp.order_candidates;
