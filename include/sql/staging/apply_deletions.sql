-- Records Shopify reports destroyed (staging.shopify_deletion_events) leave staging, with the
-- rows that belong to them. Idempotent: a deletion already applied deletes nothing.
delete from staging.shopify_orders as o
using staging.shopify_deletion_events as e
where e._shop = %(shop)s and o._shop = e._shop and e.subject_type = 'ORDER' and o.id = e.subject_id;

delete from staging.shopify_order_line_items as c
using staging.shopify_deletion_events as e
where e._shop = %(shop)s and c._shop = e._shop and e.subject_type = 'ORDER' and c._parent_id = e.subject_id;

delete from staging.shopify_order_transactions as c
using staging.shopify_deletion_events as e
where e._shop = %(shop)s and c._shop = e._shop and e.subject_type = 'ORDER' and c._parent_id = e.subject_id;

delete from staging.shopify_order_refunds as c
using staging.shopify_deletion_events as e
where e._shop = %(shop)s and c._shop = e._shop and e.subject_type = 'ORDER' and c._parent_id = e.subject_id;

delete from staging.shopify_order_fulfillments as c
using staging.shopify_deletion_events as e
where e._shop = %(shop)s and c._shop = e._shop and e.subject_type = 'ORDER' and c._parent_id = e.subject_id;

delete from staging.shopify_order_shipping_lines as c
using staging.shopify_deletion_events as e
where e._shop = %(shop)s and c._shop = e._shop and e.subject_type = 'ORDER' and c._parent_id = e.subject_id;

delete from staging.shopify_products as p
using staging.shopify_deletion_events as e
where e._shop = %(shop)s and p._shop = e._shop and e.subject_type = 'PRODUCT' and p.id = e.subject_id;

delete from staging.shopify_product_variants as v
using staging.shopify_deletion_events as e
where e._shop = %(shop)s and v._shop = e._shop and e.subject_type = 'PRODUCT' and v.product_id = e.subject_id;

delete from staging.shopify_customers as c
using staging.shopify_deletion_events as e
where e._shop = %(shop)s and c._shop = e._shop and e.subject_type = 'CUSTOMER' and c.id = e.subject_id;
