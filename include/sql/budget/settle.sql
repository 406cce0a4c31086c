-- An answer came back for a query that reserved %(reserved)s points: give back what Shopify did
-- not charge (requested − actual; all of it after THROTTLED), and never believe in more points
-- than Shopify just reported (%(reported)s, its level as of that answer: another consumer of the
-- app's bucket, or a reservation lost with a crashed task, is corrected here).
insert into ops.api_budget as b (shop, maximum, restore_rate, available, observed_at)
values (%(shop)s, %(maximum)s, %(restore_rate)s, %(reported)s, clock_timestamp())
on conflict (shop) do update
set maximum = excluded.maximum,
    restore_rate = excluded.restore_rate,
    available = least(
        least(b.maximum, b.available + extract(epoch from clock_timestamp() - b.observed_at) * b.restore_rate)
            + %(refund)s,
        excluded.available
    ),
    observed_at = clock_timestamp()
