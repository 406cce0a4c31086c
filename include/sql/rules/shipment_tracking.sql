-- Each shipment's tracking numbers as Shopify's FulfillmentTrackingInput takes them (one carrier,
-- the numbers in order, their URLs): what a fulfillment or a tracking update of it sends, and
-- what the ledger compares with what Shopify was last sent.
drop view if exists core.shipment_tracking;
create view core.shipment_tracking as
select
    t.shipment_id,
    jsonb_build_object(
        'company', min(t.carrier),
        'numbers', jsonb_agg(t.tracking_number order by t.position),
        'urls', coalesce(jsonb_agg(t.url order by t.position) filter (where t.url is not null), '[]'::jsonb)
    ) as tracking
from core.shipment_trackings as t
group by t.shipment_id;
