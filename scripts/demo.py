"""`make demo`: run the hourly sync once, with real Airflow, against the simulator, and print the report.

The warehouse is, in this order: the one you name (``AIRFLOW_CONN_WAREHOUSE_DEFAULT``, any
PostgreSQL URI), else the local server on 127.0.0.1:5432 if one answers (database
``shopify_elt_demo`` is recreated there), else a throwaway cluster of the installed PostgreSQL
binaries (``initdb`` + ``pg_ctl``) that this script starts and stops itself.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator

import psycopg

ROOT = pathlib.Path(__file__).resolve().parents[1]
DEMO = ROOT / ".demo"
BIN = pathlib.Path(sys.executable).parent
LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432"


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def warehouse() -> Iterator[str]:
    """Yield the URI of the warehouse database (see the module docstring for the order)."""
    named = os.environ.get("AIRFLOW_CONN_WAREHOUSE_DEFAULT")
    if named:
        say("Warehouse: the one named by AIRFLOW_CONN_WAREHOUSE_DEFAULT")
        yield named
        return
    try:
        with psycopg.connect(f"{LOCAL_SERVER}/postgres", autocommit=True, connect_timeout=3) as admin:
            # The demo's store is generated anew each time, so its warehouse starts empty too.
            admin.execute("drop database if exists shopify_elt_demo with (force)")
            admin.execute("create database shopify_elt_demo")
        say(f"Warehouse: local server {LOCAL_SERVER}/shopify_elt_demo (recreated)")
        yield f"{LOCAL_SERVER}/shopify_elt_demo"
        return
    except psycopg.OperationalError:
        pass
    with throwaway_cluster() as uri:
        yield uri


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[str]:
    """A private PostgreSQL cluster from the installed binaries, removed afterwards."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or [shutil.which("initdb") or ""]
    initdb = pathlib.Path(candidates[-1]) if candidates[-1] else None
    if initdb is None or not initdb.exists():
        sys.exit(
            "No PostgreSQL found: set AIRFLOW_CONN_WAREHOUSE_DEFAULT=postgresql://user:password@host:5432/db, "
            "start a server on 127.0.0.1:5432, or install PostgreSQL's server binaries."
        )
    data = DEMO / "pg"
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    port = free_port()
    as_postgres: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        shutil.chown(data, "postgres")
        as_postgres = ["su", "postgres", "-c"]
    pg_ctl = initdb.with_name("pg_ctl")

    def run(*command: str) -> None:
        line = " ".join(command)
        subprocess.run([*as_postgres, line] if as_postgres else list(command), check=True, stdout=subprocess.DEVNULL)

    say(f"Warehouse: throwaway cluster of {initdb.parent} on port {port}")
    run(str(initdb), "-D", str(data / "data"), "-U", "postgres", "--auth=trust")
    run(str(pg_ctl), "-D", str(data / "data"), "-l", str(data / "log"), "-w", "start", "-o",
        f"'-p {port} -k {data} -c listen_addresses=127.0.0.1'")  # fmt: skip
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        run(str(pg_ctl), "-D", str(data / "data"), "-m", "fast", "-w", "stop")
        shutil.rmtree(data, ignore_errors=True)


def airflow_env(warehouse_uri: str, shopify_conn: dict) -> dict[str, str]:
    home = DEMO / "airflow"
    home.mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home}/airflow.db",
        "AIRFLOW_CONN_WAREHOUSE_DEFAULT": warehouse_uri,
        "AIRFLOW_CONN_SHOPIFY_DEFAULT": json.dumps(shopify_conn),
    }


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
        env = airflow_env(warehouse_uri, sim.connection())
        say("Airflow: migrating the metadata database")
        subprocess.run([BIN / "airflow", "db", "migrate"], env=env, check=True, stdout=subprocess.DEVNULL)
        say("Airflow: airflow dags test shopify_sync (one real run)")
        log = DEMO / "shopify_sync.log"
        with log.open("w") as handle:
            result = subprocess.run([BIN / "airflow", "dags", "test", "shopify_sync"], env=env, stdout=handle,
                                    stderr=subprocess.STDOUT)  # fmt: skip
        with psycopg.connect(warehouse_uri) as conn:
            row = conn.execute(
                "select report from ops.sync_runs where dag_id = 'shopify_sync' order by finished_at desc limit 1"
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
