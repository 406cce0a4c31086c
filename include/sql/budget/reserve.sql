-- Take %(cost)s points from the shop's shared bucket if it holds them now (the level restores at
-- the restore rate since observed_at, up to the maximum). Returns the level before taking and
-- whether the points were taken; the caller waits (cost − level) / restore_rate otherwise.
with level as (
    select shop, restore_rate,
           least(maximum, available + extract(epoch from clock_timestamp() - observed_at) * restore_rate) as now_level
    from ops.api_budget
    where shop = %(shop)s
    for update
), taken as (
    update ops.api_budget as b
    set available = level.now_level - %(cost)s, observed_at = clock_timestamp()
    from level
    where b.shop = level.shop and level.now_level >= %(cost)s
    returning b.shop
)
select level.now_level, level.restore_rate, exists (select 1 from taken) as reserved
from level
