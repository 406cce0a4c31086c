"""`make up` / `make down`: a local Airflow UI with everything wired for the demo, in the background.

`up` starts a supervisor process in a session of its own and returns once Airflow is healthy,
printing the UI's address and login. The supervisor holds, in this order, a PostgreSQL server
(the local one on 127.0.0.1:5432, else a throwaway cluster), the warehouse database
(``shopify_elt_up``, recreated; or the one ``AIRFLOW_CONN_WAREHOUSE_DEFAULT`` names) and Airflow's
metadata database (``shopify_elt_up_airflow``), the Shopify simulator, and `airflow standalone`
(API server, scheduler, DAG processor, triggerer; LocalExecutor) with the project's DAGs and the
connections as ``AIRFLOW_CONN_*``. The shops' pools are created and the default shop's
`shopify_sync` and `shopify_reverse_sync` unpaused, so the first sync starts at once.
`down` sends the supervisor SIGTERM: it stops Airflow and the simulator and drops its databases.
Everything it writes is under ``.airflow/`` (logs included).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pathlib
import secrets
import signal
import subprocess
import sys
import time
import uuid

from local_stack import (
    ROOT,
    AirflowApi,
    airflow_env,
    drop_database,
    free_port,
    port_is_free,
    postgres_server,
    recreate_database,
    say,
    standalone,
    standalone_env,
    stop_session,
    tail,
)

UP = ROOT / ".airflow"
STATE = UP / "up.json"
LOG = UP / "up.log"
WAREHOUSE_DB, METADATA_DB = "shopify_elt_up", "shopify_elt_up_airflow"


def read_state() -> dict | None:
    with contextlib.suppress(OSError, ValueError):
        return json.loads(STATE.read_text())
    return None


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie does not)."""
    with contextlib.suppress(OSError, IndexError):
        return pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return False


def up(args: argparse.Namespace) -> int:
    state = read_state()
    if state and alive(state["supervisor"]):
        print_login(state, "already running")
        return 0
    UP.mkdir(exist_ok=True)
    STATE.unlink(missing_ok=True)
    port = args.port if port_is_free(args.port) else free_port()
    command = [sys.executable, __file__, "serve", "--port", str(port), "--orders", str(args.orders)]
    with LOG.open("w") as log:
        supervisor = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    say(f"Starting Airflow on port {port} (log: {LOG.relative_to(ROOT)})")
    deadline = time.monotonic() + args.timeout
    while (state := read_state()) is None or not state.get("ready"):
        if supervisor.poll() is not None or time.monotonic() > deadline:
            print(tail(LOG))
            if supervisor.poll() is None:  # too slow: it stops what it started on SIGTERM
                supervisor.terminate()
                supervisor.wait(timeout=60)
            say("Airflow did not start; the log above says why")
            return 1
        time.sleep(1)
    print_login(state, "ready")
    return 0


def print_login(state: dict, how: str) -> None:
    print()
    say(f"Airflow is {how}: {state['url']}")
    say(f"Sign in as admin, password {state['password']}")
    say(f"shopify_sync runs against the simulator ({state['simulator']}); warehouse {state['warehouse']}")
    say(f"Logs: {UP.relative_to(ROOT)}/standalone.log and the UI; stop it all with `make down`")


def down(args: argparse.Namespace) -> int:
    state = read_state()
    if not state or not alive(state["supervisor"]):
        say("Nothing is running")
        STATE.unlink(missing_ok=True)
        return 0
    os.kill(state["supervisor"], signal.SIGTERM)  # it stops what it started, then drops its databases
    deadline = time.monotonic() + 60
    while alive(state["supervisor"]) and time.monotonic() < deadline:
        time.sleep(0.5)
    if alive(state["supervisor"]):  # it hung: stop both sessions the hard way
        for session in (state.get("airflow"), state["supervisor"]):
            if session:
                stop_session(session, timeout=5)
    STATE.unlink(missing_ok=True)
    say("Stopped")
    return 0


def serve(args: argparse.Namespace) -> int:
    """The supervisor: starts everything, waits for SIGTERM, then stops everything in reverse order."""
    from shopify_simulator.process import SimulatorProcess

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # unwinds the with-blocks below
    state: dict = {"supervisor": os.getpid()}
    named = os.environ.get("AIRFLOW_CONN_WAREHOUSE_DEFAULT")
    with postgres_server(UP) as server:
        try:
            warehouse_uri = named or recreate_database(server, WAREHOUSE_DB)
            metadata_uri = recreate_database(server, METADATA_DB)
            token = "shpat_up_" + uuid.uuid4().hex  # a fresh secret per start, never printed
            with SimulatorProcess(seed=1, orders=args.orders, token=token) as sim:
                say(f"Shopify simulator: {sim.base_url} ({args.orders} orders)")
                password = secrets.token_urlsafe(12)
                env = airflow_env(UP / "home", warehouse_uri, sim.connection(), metadata_uri)
                env = standalone_env(env, args.port, password)
                with standalone(env, UP / "standalone.log") as process:
                    state["airflow"] = process.pid
                    api = AirflowApi(env["AIRFLOW__API__BASE_URL"], "admin", password)
                    api.wait_for_dag("shopify_sync")
                    pools = api.create_pools()
                    say(f"Pools: {', '.join(pools) or 'none'}")
                    for dag_id in ("shopify_sync", "shopify_reverse_sync"):  # the default shop's
                        if api.request("GET", f"dags/{dag_id}").status_code == 200:
                            api.unpause(dag_id)  # the hourly sync's first run starts now
                    state |= {
                        "ready": True,
                        "url": env["AIRFLOW__API__BASE_URL"],
                        "password": password,
                        "simulator": sim.base_url,
                        "warehouse": "named by AIRFLOW_CONN_WAREHOUSE_DEFAULT" if named else warehouse_uri,
                    }
                    STATE.write_text(json.dumps(state))
                    STATE.chmod(0o600)
                    say("Ready")
                    while process.poll() is None:
                        time.sleep(1)
                    say(f"airflow standalone exited with {process.returncode}")
                    return 1
        finally:
            say("Stopping: dropping the demo's databases")
            drop_database(server, METADATA_DB)
            if not named:
                drop_database(server, WAREHOUSE_DB)
            STATE.unlink(missing_ok=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["up", "down", "serve"])
    parser.add_argument("--port", type=int, default=8080, help="the UI's port (a free one if it is taken)")
    parser.add_argument("--orders", type=int, default=200, help="orders in the simulated store")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for Airflow to be healthy")
    args = parser.parse_args()
    return {"up": up, "down": down, "serve": serve}[args.action](args)


if __name__ == "__main__":
    sys.exit(main())
