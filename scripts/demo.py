"""`make demo`: the hourly sync, then the reverse sync, once each with real Airflow, and their reports.

The warehouse is, in this order: the one you name (``AIRFLOW_CONN_WAREHOUSE_DEFAULT``, any
PostgreSQL URI), else the local server on 127.0.0.1:5432 if one answers (database
``shopify_elt_demo`` is recreated there), else a throwaway cluster of the installed PostgreSQL
binaries (``initdb`` + ``pg_ctl``) that this script starts and stops itself.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator

import psycopg
from local_stack import BIN, ROOT, airflow_env, postgres_server, recreate_database, say

DEMO = ROOT / ".demo"


@contextlib.contextmanager
def warehouse() -> Iterator[str]:
    """Yield the URI of the warehouse database (see the module docstring for the order)."""
    named = os.environ.get("AIRFLOW_CONN_WAREHOUSE_DEFAULT")
    if named:
        say("Warehouse: the one named by AIRFLOW_CONN_WAREHOUSE_DEFAULT")
        yield named
        return
    with postgres_server(DEMO) as server:
        # The demo's store is generated anew each time, so its warehouse starts empty too.
        say(f"Warehouse: {server}/shopify_elt_demo (recreated)")
        yield recreate_database(server, "shopify_elt_demo")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200, help="orders in the simulated store")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from shopify_elt.report import format_report
    from shopify_simulator.process import SimulatorProcess

    token = "shpat_demo_" + uuid.uuid4().hex  # a fresh secret per demo, never printed
    with warehouse() as warehouse_uri, SimulatorProcess(seed=args.seed, orders=args.orders, token=token) as sim:
        say(f"Shopify simulator: {sim.base_url} (seed {args.seed}, {args.orders} orders)")
        env = airflow_env(DEMO / "airflow", warehouse_uri, sim.connection())
        say("Airflow: migrating the metadata database")
        subprocess.run([BIN / "airflow", "db", "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
        # The sync's core build updates the shop's asset, on which a scheduler starts the reverse
        # sync (the writes to Shopify); `airflow dags test` starts nothing, so it runs both.
        for dag_id in ("shopify_sync", "shopify_reverse_sync"):
            say(f"Airflow: airflow dags test {dag_id} (one real run)")
            log = DEMO / f"{dag_id}.log"
            with log.open("w") as handle:
                result = subprocess.run([BIN / "airflow", "dags", "test", dag_id], env=env, stdout=handle,
                                        stderr=subprocess.STDOUT)  # fmt: skip
            with psycopg.connect(warehouse_uri) as conn:
                row = conn.execute(
                    "select report from ops.sync_runs where dag_id = %s order by finished_at desc limit 1", (dag_id,)
                ).fetchone() if result.returncode == 0 else None  # fmt: skip
            if row is None:
                print(log.read_text()[-4000:])
                say(f"The run failed; full log in {log}")
                return 1
            print()
            print(format_report(row[0]))
            print()
            say(f"Full Airflow log: {log}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
