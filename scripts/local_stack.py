"""What `make demo`, `make up` and the Airflow UI test share: a PostgreSQL server, databases on it,
Airflow's environment, and `airflow standalone` run (and stopped) as one process session.

Importable as ``local_stack`` by the scripts beside it and as ``scripts.local_stack`` by the tests.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import requests

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIN = pathlib.Path(sys.executable).parent
LOCAL_SERVER = "postgresql://postgres@127.0.0.1:5432"


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


# --- PostgreSQL -------------------------------------------------------------------------------


@contextlib.contextmanager
def postgres_server(scratch: pathlib.Path) -> Iterator[str]:
    """Yield a server's URI without a database name (``postgresql://postgres@host:port``): the local
    one on 127.0.0.1:5432 if it answers, else a throwaway cluster in ``scratch``, stopped afterwards."""
    try:
        with psycopg.connect(f"{LOCAL_SERVER}/postgres", connect_timeout=3):
            pass
    except psycopg.OperationalError:
        with throwaway_cluster(scratch) as uri:
            yield uri
        return
    yield LOCAL_SERVER


def recreate_database(server: str, name: str) -> str:
    """Drop and create database ``name`` on ``server``; return its URI."""
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'drop database if exists "{name}" with (force)')
        admin.execute(f'create database "{name}"')
    return f"{server}/{name}"


def drop_database(server: str, name: str) -> None:
    with contextlib.suppress(psycopg.OperationalError), psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'drop database if exists "{name}" with (force)')


@contextlib.contextmanager
def throwaway_cluster(scratch: pathlib.Path) -> Iterator[str]:
    """A private PostgreSQL cluster from the installed binaries, removed afterwards."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or [shutil.which("initdb") or ""]
    initdb = pathlib.Path(candidates[-1]) if candidates[-1] else None
    if initdb is None or not initdb.exists():
        sys.exit(
            "No PostgreSQL found: set AIRFLOW_CONN_WAREHOUSE_DEFAULT=postgresql://user:password@host:5432/db, "
            "start a server on 127.0.0.1:5432, or install PostgreSQL's server binaries."
        )
    data = scratch / "pg"
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

    say(f"PostgreSQL: throwaway cluster of {initdb.parent} on port {port}")
    run(str(initdb), "-D", str(data / "data"), "-U", "postgres", "--auth=trust")
    run(str(pg_ctl), "-D", str(data / "data"), "-l", str(data / "log"), "-w", "start", "-o",
        f"'-p {port} -k {data} -c listen_addresses=127.0.0.1'")  # fmt: skip
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}"
    finally:
        run(str(pg_ctl), "-D", str(data / "data"), "-m", "fast", "-w", "stop")
        shutil.rmtree(data, ignore_errors=True)


# --- Airflow ----------------------------------------------------------------------------------


def airflow_env(
    home: pathlib.Path, warehouse_uri: str, shopify_conn: dict[str, Any], metadata_uri: str | None = None
) -> dict[str, str]:
    """The environment of every Airflow command here: the project's DAGs and plugins, the two
    connections as ``AIRFLOW_CONN_*``, and the metadata database (SQLite in ``home`` by default)."""
    home.mkdir(parents=True, exist_ok=True)
    if metadata_uri is None:
        metadata = f"sqlite:///{home}/airflow.db"
    else:  # Airflow's SQLAlchemy URL names the driver; psycopg2 is the one its docs use
        metadata = metadata_uri.replace("postgresql://", "postgresql+psycopg2://", 1)
    return {
        **os.environ,
        # `airflow standalone` starts its components as a bare `airflow`: the venv must be on PATH.
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(ROOT / "plugins"),
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": metadata,
        "AIRFLOW_CONN_WAREHOUSE_DEFAULT": warehouse_uri,
        "AIRFLOW_CONN_SHOPIFY_DEFAULT": json.dumps(shopify_conn),
    }


def standalone_env(env: dict[str, str], port: int, password: str) -> dict[str, str]:
    """Settings for `airflow standalone` on loopback, sized for a 2-core machine shared with others.

    Every port is chosen, not defaulted, so that two of these can run side by side: the API
    server's, which the workers also need to know (``BASE_URL``, else they call
    ``localhost:8080/execution/``), and both log servers'. The admin's password is fixed in a
    file of the home instead of being generated and printed.
    """
    home = pathlib.Path(env["AIRFLOW_HOME"])
    passwords = home / "passwords.json"
    passwords.write_text(json.dumps({"admin": password}))
    passwords.chmod(0o600)
    base_url = f"http://127.0.0.1:{port}"
    return {
        **env,
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__CORE__PARALLELISM": "4",  # 4 task processes, not 32, on 2 cores
        "AIRFLOW__CORE__TEST_CONNECTION": "Enabled",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": "admin:admin",
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(passwords),
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": base_url,
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{base_url}/execution/",
        "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(free_port()),
        "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(free_port()),
    }


def start_standalone(env: dict[str, str], log: pathlib.Path) -> subprocess.Popen:
    """Start `airflow standalone` (API server, scheduler, DAG processor, triggerer) in a session of
    its own, so that :func:`stop_session` reaches every process it forks."""
    with log.open("ab") as handle:
        return subprocess.Popen(
            [str(BIN / "airflow"), "standalone"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def session_members(session_id: int) -> list[int]:
    """PIDs of the processes in a session (from /proc: ``ps -s`` without ps)."""
    members = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            text = pathlib.Path(stat).read_text()
            fields = text[text.rindex(")") + 2 :].split()  # after "pid (comm) "
            if int(fields[3]) == session_id and fields[0] != "Z":
                members.append(int(stat.split("/")[2]))
    return members


def stop_session(session_id: int, timeout: float = 20) -> None:
    """SIGTERM every process of the session, SIGKILL what is left after ``timeout``.

    Signalling the standalone parent alone orphans its components, and task processes put
    themselves in process groups of their own: the session is what holds them all.
    """
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5)):
        for pid in session_members(session_id):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if not session_members(session_id):  # zombies left out: their parent reaps them
                return
            time.sleep(0.2)


def wait_until_healthy(base_url: str, process: subprocess.Popen, log: pathlib.Path, timeout: float = 240) -> None:
    """Wait until the API server answers and reports the scheduler, DAG processor and triggerer healthy."""
    deadline = time.monotonic() + timeout
    health: Any = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"airflow standalone exited with {process.returncode}:\n{tail(log)}")
        with contextlib.suppress(requests.RequestException, ValueError):
            health = requests.get(f"{base_url}/api/v2/monitor/health", timeout=5).json()
            components = ("metadatabase", "scheduler", "dag_processor", "triggerer")
            if all((health.get(c) or {}).get("status") == "healthy" for c in components):
                return
        time.sleep(1)
    raise TimeoutError(f"Airflow was not healthy after {timeout:.0f} s (last health: {health}):\n{tail(log)}")


@contextlib.contextmanager
def standalone(env: dict[str, str], log: pathlib.Path, timeout: float = 240) -> Iterator[subprocess.Popen]:
    """`airflow standalone` from :func:`standalone_env`'s environment, healthy; stopped whole on exit."""
    process = start_standalone(env, log)
    try:
        wait_until_healthy(env["AIRFLOW__API__BASE_URL"], process, log, timeout)
        yield process
    finally:
        stop_session(process.pid)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)


def tail(path: pathlib.Path, chars: int = 4000) -> str:
    with contextlib.suppress(OSError):
        return path.read_text(errors="replace")[-chars:]
    return ""


class AirflowApi:
    """Airflow's REST API (v2) with a token of the simple auth manager."""

    def __init__(self, base_url: str, username: str, password: str):
        self.base_url = base_url
        response = requests.post(
            f"{base_url}/auth/token", json={"username": username, "password": password}, timeout=30
        )
        response.raise_for_status()
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {response.json()['access_token']}"

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, f"{self.base_url}/api/v2/{path}", timeout=30, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        response = self.request("GET", path, **kwargs)
        response.raise_for_status()
        return response.json()

    def wait_for_dag(self, dag_id: str, timeout: float = 180) -> None:
        """Wait until the DAG processor has parsed ``dag_id``; fail at once on an import error."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            errors = self.get("importErrors")["import_errors"]
            if errors:
                raise RuntimeError("DAG import errors:\n" + "\n".join(e["stack_trace"] for e in errors))
            if self.request("GET", f"dags/{dag_id}").status_code == 200:
                return
            time.sleep(1)
        raise TimeoutError(f"{dag_id} was not parsed within {timeout:.0f} s")

    def create_pools(self) -> list[str]:
        """Create or update the shops' pools (``shopify_elt.pools``, from the shops file this process
        and Airflow both read): the scheduler runs no task whose pool does not exist."""
        try:
            from shopify_elt.pools import pool_specs, rest_bulk_body
        except ImportError:  # a pipeline without pools: every task runs in default_pool
            return []
        specs = pool_specs()
        self.request("PATCH", "pools", json=rest_bulk_body(specs)).raise_for_status()
        return [spec.name for spec in specs]

    def unpause(self, dag_id: str) -> None:
        self.request("PATCH", f"dags/{dag_id}", json={"is_paused": False}).raise_for_status()
