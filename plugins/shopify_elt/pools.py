"""Airflow pools sized to each shop's Shopify API budget, created from the shops file.

Every task that calls a shop's API runs in the pool ``shopify_<name>``; the backfill runs in
``shopify_<name>_backfill``. Airflow's scheduler does not run a task whose pool does not exist
(it logs "Tasks using non-existent pool … will not be scheduled"), so whatever starts Airflow
creates them first, after ``airflow db migrate``:

    python -m shopify_elt.pools                      # create or update, from include/shops.yaml
    python -m shopify_elt.pools --json > pools.json  # or: airflow pools import pools.json

or from Python, :func:`ensure_pools`; or through the REST API, ``PATCH /api/v2/pools`` with
:func:`rest_bulk_body`. ``dag.test()`` and ``airflow dags test`` run tasks without the scheduler
and need no pools.

How many slots: a plan's bucket holds ``BUCKET_SECONDS`` (20) of its restore rate, and the hook
sizes every page to at most half the bucket and at most Shopify's 1000-point single-query limit.
``bucket // largest page`` readers can all send their largest page at once from a full bucket
without a THROTTLED answer, and when all of them keep reading, each still gets its largest page
within one refill of the bucket (20 s): that many readers the restore rate sustains. More would
only wait on one another while holding worker slots. Standard (100 points/s, 2000-point bucket):
2; Advanced (200/s): 4; Plus (1000/s, 20000): 20; Enterprise (2000/s): 40. Small pages (an
hourly run's few changes) cost far less, so the limit rarely slows an hourly run; it matters on a
first load and after an outage, when every stream reads full pages.

The backfill's pool has one slot and counts deferred tasks (a bulk job may wait deferred): one bulk
job per shop at a time, as API versions before 2026-01 require, beside the hourly run's readers
instead of taking their slots.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from shopify_elt.hooks.shopify import MAX_QUERY_COST
from shopify_elt.shops import Shop, load_shops, shops_file
from shopify_elt.throttle import BUCKET_SECONDS, RESTORE_RATE_BY_PLAN

BACKFILL_SLOTS = 1


@dataclass(frozen=True)
class PoolSpec:
    name: str
    slots: int
    description: str
    include_deferred: bool = False


def slots_for_plan(plan: str) -> int:
    """Concurrent readers one shop's bucket sustains on ``plan`` (see the module docstring)."""
    bucket = RESTORE_RATE_BY_PLAN[plan] * BUCKET_SECONDS
    largest_page = min(MAX_QUERY_COST, bucket / 2)
    return int(bucket // largest_page)


def pool_slots(shop: Shop) -> int:
    return shop.pool_slots or slots_for_plan(shop.plan)


def pool_specs(shops: list[Shop] | None = None) -> list[PoolSpec]:
    """The two pools of every shop of the shops file."""
    specs = []
    for shop in shops if shops is not None else load_shops():
        source = "pool_slots in the shops file" if shop.pool_slots else f"plan {shop.plan}"
        specs += [
            PoolSpec(shop.pool, pool_slots(shop), f"Shopify API calls of shop {shop.name} ({source})"),
            PoolSpec(shop.backfill_pool, BACKFILL_SLOTS, f"Bulk backfill of shop {shop.name}: one job at a time", True),
        ]
    return specs


def ensure_pools(shops: list[Shop] | None = None) -> list[PoolSpec]:
    """Create or update every shop's pools in Airflow's metadata database (the environment's
    ``AIRFLOW__DATABASE__SQL_ALCHEMY_CONN``, migrated). Pools of shops no longer listed are left
    alone: deleting a pool under running tasks would strand them; ``airflow pools delete`` does it."""
    from airflow.models.pool import Pool
    from airflow.utils.session import create_session

    specs = pool_specs(shops)
    with create_session() as session:
        for spec in specs:
            Pool.create_or_update_pool(spec.name, spec.slots, spec.description, spec.include_deferred, session=session)
    return specs


def import_json(specs: list[PoolSpec]) -> dict[str, dict[str, Any]]:
    """The specs in the format of ``airflow pools import``."""
    return {s.name: {"slots": s.slots, "description": s.description, "include_deferred": s.include_deferred}
            for s in specs}  # fmt: skip


def rest_bulk_body(specs: list[PoolSpec]) -> dict[str, Any]:
    """The body of ``PATCH /api/v2/pools`` creating the pools or overwriting those that exist."""
    entities = [asdict(s) for s in specs]
    return {"actions": [{"action": "create", "entities": entities, "action_on_existence": "overwrite"}]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Create or update the shops' Airflow pools from the shops file.")
    parser.add_argument("--shops-file", type=Path, help=f"default: {shops_file()}")
    parser.add_argument("--json", action="store_true", help="print them for `airflow pools import` instead")
    args = parser.parse_args(argv)
    shops = load_shops(args.shops_file)
    if args.json:
        print(json.dumps(import_json(pool_specs(shops)), indent=2))
        return 0
    for spec in ensure_pools(shops):
        print(f"{spec.name:<40}{spec.slots:>4} slot{'s' if spec.slots > 1 else ' '}  {spec.description}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
