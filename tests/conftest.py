"""Test session set-up: a private Airflow home, a fresh warehouse database, the simulator.

Airflow reads its configuration when first imported, so the environment is set here, at import
time, before any test module imports Airflow.
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import shutil
import tempfile
import uuid

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
_HOME = pathlib.Path(tempfile.mkdtemp(prefix="shopify-elt-airflow-"))

os.environ["AIRFLOW_HOME"] = str(_HOME)
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_HOME}/airflow.db"
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(ROOT / "dags")
os.environ["AIRFLOW__CORE__PLUGINS_FOLDER"] = str(ROOT / "plugins")
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "False"
os.environ.pop("AIRFLOW_CONN_SHOPIFY_DEFAULT", None)
os.environ.pop("AIRFLOW_CONN_WAREHOUSE_DEFAULT", None)

TEST_PG_URL = os.environ.get("TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
"""Server on which each test session creates (and drops) a database of its own."""


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def shared_schema_dir() -> pathlib.Path:
    """``../shared/shopify-admin-schema`` — present in CI, absent in a lone clone."""
    path = SHARED / "shopify-admin-schema"
    if not path.is_dir():
        pytest.skip(f"{path} is absent: comparisons with Shopify's real schema run only beside ../shared")
    return path


@pytest.fixture(scope="session")
def warehouse_url() -> str:
    """A fresh, empty PostgreSQL database for this session, exposed as ``warehouse_default``."""
    import psycopg

    name = f"shopify_elt_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = psycopg.connect(TEST_PG_URL, autocommit=True)
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL is needed at {TEST_PG_URL} (set TEST_PG_URL): {error}")
    admin.execute(f'create database "{name}"')
    url = TEST_PG_URL.rsplit("/", 1)[0] + f"/{name}"
    os.environ["AIRFLOW_CONN_WAREHOUSE_DEFAULT"] = url
    yield url
    os.environ.pop("AIRFLOW_CONN_WAREHOUSE_DEFAULT", None)
    admin.execute(f'drop database if exists "{name}" with (force)')
    admin.close()


@pytest.fixture()
def warehouse(warehouse_url):
    """A psycopg connection to the session's warehouse database."""
    import psycopg

    with psycopg.connect(warehouse_url) as conn:
        yield conn


SIM_TOKEN = "shpat_test_" + uuid.uuid4().hex
SIM_SEED = 7
SIM_ORDERS = 60


@pytest.fixture(scope="session")
def simulator():
    """The Shopify simulator as a separate process on a free loopback port, seeded small."""
    from shopify_simulator.process import SimulatorProcess

    with SimulatorProcess(seed=SIM_SEED, orders=SIM_ORDERS, token=SIM_TOKEN) as sim:
        os.environ["AIRFLOW_CONN_SHOPIFY_DEFAULT"] = json.dumps(sim.connection())
        yield sim
    os.environ.pop("AIRFLOW_CONN_SHOPIFY_DEFAULT", None)


@pytest.fixture(scope="session")
def airflow_db():
    """Airflow's metadata database (SQLite in the private home), for ``dag.test()``."""
    from airflow.utils import db

    db.initdb()


@contextlib.contextmanager
def private_simulator(
    conn_id: str, seed: int, orders: int, extra: list[str] | None = None, shop_domain: str | None = None
):
    """A simulator of a module's own, as the Airflow connection ``conn_id``: for tests that change
    the shop (which other modules count) or need a differently seeded one. ``shop_domain`` tags
    its rows apart from every other simulator's (they all call themselves sim-store)."""
    from shopify_simulator.process import SimulatorProcess

    token = f"shpat_{conn_id}_{uuid.uuid4().hex}"
    with (
        SimulatorProcess(seed=seed, orders=orders, token=token, extra=extra) as process,
        pytest.MonkeyPatch.context() as patch,
    ):
        connection = process.connection()
        if shop_domain:
            connection["extra"]["shop_domain"] = shop_domain
        patch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(connection))
        yield process
