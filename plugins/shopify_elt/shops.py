"""The shops this deployment syncs, read from a versioned file (``include/shops.yaml``).

Adding a shop is one line there plus one Airflow connection ``shopify_<name>``: the DAG files
generate each shop's DAGs from this list (Airflow's "dynamic DAGs from a config file" pattern),
because a DAG file may read files at parse time but must not list connections or touch the
network. ``SHOPIFY_ELT_SHOPS_FILE`` points at another file (tests, a second deployment).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from shopify_elt.throttle import RESTORE_RATE_BY_PLAN
from shopify_elt.warehouse import SQL_DIR, WAREHOUSE_CONN_ID

SHOPS_FILE_ENV = "SHOPIFY_ELT_SHOPS_FILE"
DEFAULT_SHOPS_FILE = SQL_DIR.parent / "shops.yaml"
"""Beside include/sql, so a deployment that moves include/ (SHOPIFY_ELT_SQL_DIR) moves this too."""

DEFAULT_SHOP = "default"
"""The shop whose DAGs keep the plain ids (shopify_sync …) and the connection ``shopify_default``."""

NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
"""Lower case, so ``shopify_<name>`` is also a valid ``AIRFLOW_CONN_SHOPIFY_<NAME>`` variable."""
EVERY_MINUTES = (0, 1, 2, 3, 4, 5, 6, 10, 12, 15, 20, 30, 60)
"""Divisors of an hour (a cron step that does not divide 60 runs unevenly across the hour); 0 = no
time schedule, the core asset only."""


@dataclass(frozen=True)
class Shop:
    """One entry of the shops file; everything but ``name`` has a default."""

    name: str
    plan: str = "standard"
    """Shopify plan tier (standard, advanced, plus, enterprise): sizes the shop's pool. The hook still
    learns the real bucket from Shopify's answers; this only needs to be known before any run."""
    pool_slots: int | None = None
    """Overrides the slots the plan gives (see shopify_elt.pools.slots_for_plan)."""
    offset_minutes: int = 0
    """Minute of the hour the hourly sync starts, so several shops do not all start at :00."""
    reverse_sync_every_minutes: int = 15
    """How often the reverse sync runs besides after each core build (0: only after a build)."""
    warehouse_conn_id: str = WAREHOUSE_CONN_ID

    @property
    def conn_id(self) -> str:
        return f"shopify_{self.name}"

    @property
    def pool(self) -> str:
        """The pool of every task of this shop that calls Shopify's API (shared with the shop's bucket)."""
        return f"shopify_{self.name}"

    @property
    def backfill_pool(self) -> str:
        """The backfill's own pool, so history never takes the hourly run's slots."""
        return f"shopify_{self.name}_backfill"

    @property
    def core_asset_name(self) -> str:
        """The asset the sync's core build updates and the reverse sync is scheduled on."""
        return f"shopify_core__{self.name}"

    @property
    def staging_asset_name(self) -> str:
        """The asset the extracts and backfills update and the core build reads."""
        return f"shopify_staging__{self.name}"

    def dag_id(self, kind: str) -> str:
        """``shopify_sync`` for the default shop, ``shopify_sync__<name>`` for the others."""
        return kind if self.name == DEFAULT_SHOP else f"{kind}__{self.name}"

    @property
    def sync_schedule(self) -> str:
        return f"{self.offset_minutes} * * * *"

    @property
    def reverse_sync_schedule(self) -> str | None:
        """Every ``reverse_sync_every_minutes``, from the sync's minute (None: asset only)."""
        every = self.reverse_sync_every_minutes
        if every == 0:
            return None
        if every == 60:
            return self.sync_schedule
        return f"{self.offset_minutes % every}-59/{every} * * * *"


def shops_file() -> Path:
    return Path(os.environ.get(SHOPS_FILE_ENV) or DEFAULT_SHOPS_FILE)


def load_shops(path: Path | None = None) -> list[Shop]:
    """The shops of the file, validated: a mistake fails the DAG file's import with its reason,
    which the UI shows, instead of generating DAGs that cannot run."""
    path = path or shops_file()
    try:
        document = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ValueError(f"cannot read the shops file {path}: {error}") from error
    entries = document.get("shops") if isinstance(document, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path}: expected `shops:` with a list of shops, e.g. `- {{name: default}}`")
    shops = [_shop(entry, path) for entry in entries]
    names = [shop.name for shop in shops]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"{path}: shops listed twice: {duplicates}")
    pools = [p for shop in shops for p in (shop.pool, shop.backfill_pool)]
    clashing = sorted({p for p in pools if pools.count(p) > 1})
    if clashing:
        raise ValueError(f"{path}: two shops would share the pool(s) {clashing}; rename one")
    return shops


def _shop(entry: Any, path: Path) -> Shop:
    if not isinstance(entry, dict) or "name" not in entry:
        raise ValueError(f"{path}: every shop needs a name, got {entry!r}")
    known = {f.name for f in fields(Shop)}
    unknown = sorted(set(entry) - known)
    if unknown:
        raise ValueError(f"{path}: shop {entry['name']!r} has unknown keys {unknown}; known: {sorted(known)}")
    shop = Shop(**entry)
    problems = []
    if not isinstance(shop.name, str) or not NAME.match(shop.name):
        problems.append("name must be lower-case letters, digits and _ (starting with a letter)")
    if shop.plan not in RESTORE_RATE_BY_PLAN:
        problems.append(f"plan must be one of {sorted(RESTORE_RATE_BY_PLAN)}")
    if shop.pool_slots is not None and (not isinstance(shop.pool_slots, int) or shop.pool_slots < 1):
        problems.append("pool_slots must be a positive integer")
    if not isinstance(shop.offset_minutes, int) or not 0 <= shop.offset_minutes <= 59:
        problems.append("offset_minutes must be 0-59")
    if shop.reverse_sync_every_minutes not in EVERY_MINUTES:
        problems.append(f"reverse_sync_every_minutes must be one of {list(EVERY_MINUTES)}")
    if problems:
        raise ValueError(f"{path}: shop {entry['name']!r}: " + "; ".join(problems))
    return shop
