"""docker-compose.yaml: Airflow's official 3.x layout (CeleryExecutor, workers, Redis, PostgreSQL)
plus the warehouse and the simulator. Docker does not run on CI's machines, so Compose itself
checks the file only where a client is installed; the structure is checked everywhere."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest
import yaml

from tests.conftest import ROOT

COMPOSE = ROOT / "docker-compose.yaml"
AIRFLOW_SERVICES = [
    "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-worker", "airflow-triggerer",
]  # fmt: skip
ALWAYS_ON = ["postgres", "redis", "warehouse", "shopify-simulator", *AIRFLOW_SERVICES]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def compose_client() -> list[str] | None:
    """`docker compose` (the plugin) or `docker-compose`, whichever answers; None without either."""
    for command in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(command[0]) is None:
            continue
        probe = subprocess.run([*command, "version"], capture_output=True, text=True, timeout=30)
        if probe.returncode == 0:
            return command
    return None


def test_compose_accepts_the_file():
    client = compose_client()
    if client is None:
        pytest.skip("no Compose client here (neither `docker compose` nor `docker-compose`); structure checked below")
    result = subprocess.run(
        [*client, "-f", str(COMPOSE), "config", "--quiet"], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr


def test_every_service_of_the_official_layout_and_the_project_is_there(compose):
    services = compose["services"]
    assert set(ALWAYS_ON) | {"airflow-init"} <= set(services)
    for name in ALWAYS_ON:
        assert "healthcheck" in services[name], f"{name} has no healthcheck"
        assert services[name].get("restart") == "always", f"{name} is not restarted"


def test_airflow_runs_celery_on_postgres_and_redis(compose):
    for name in [*AIRFLOW_SERVICES, "airflow-init"]:
        env = compose["services"][name]["environment"]
        assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
        assert "@postgres/" in env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"], name
        assert (
            env["AIRFLOW__CELERY__BROKER_URL"].startswith("redis://")
            and "@redis:" in env["AIRFLOW__CELERY__BROKER_URL"]
        )
        assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"
    assert compose["services"]["airflow-worker"]["command"] == "celery worker"


def test_the_project_is_mounted_and_its_connections_set(compose):
    for name in [*AIRFLOW_SERVICES, "airflow-init"]:
        service = compose["services"][name]
        targets = {re.search(r":(/opt/[^:]+)", volume).group(1) for volume in service["volumes"]}
        assert {"/opt/airflow/dags", "/opt/airflow/plugins", "/opt/airflow/include"} <= targets, name
        env = service["environment"]
        assert env["SHOPIFY_ELT_SQL_DIR"] == "/opt/airflow/include/sql"
        assert "@warehouse:5432/" in env["AIRFLOW_CONN_WAREHOUSE_DEFAULT"]
        shopify = env["AIRFLOW_CONN_SHOPIFY_DEFAULT"]
        assert "shopify://" in shopify and "@shopify-simulator:8787/http" in shopify


def test_airflow_waits_for_what_it_needs(compose):
    services = compose["services"]
    for name in AIRFLOW_SERVICES:
        needs = services[name]["depends_on"]
        for dependency in ("postgres", "redis", "warehouse", "shopify-simulator"):
            assert needs[dependency]["condition"] == "service_healthy", f"{name} -> {dependency}"
        assert needs["airflow-init"]["condition"] == "service_completed_successfully", name
    assert services["airflow-worker"]["depends_on"]["airflow-apiserver"]["condition"] == "service_healthy"
    init = services["airflow-init"]
    assert (
        init["environment"]["_AIRFLOW_DB_MIGRATE"] == "true"
        and init["environment"]["_AIRFLOW_WWW_USER_CREATE"] == "true"
    )
    assert "python -m shopify_elt.pools" in init["command"][-1], "the shops' pools are not created"


def test_images_are_pinned_and_ports_published(compose):
    services = compose["services"]
    for name, service in services.items():
        image = service["image"]
        assert re.search(r":\d", image), f"{name}: image {image} is not pinned to a version"
    assert "8080:8080" in services["airflow-apiserver"]["ports"]
    assert "5433:5432" in services["warehouse"]["ports"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM apache/airflow:3\.\d+\.\d+", dockerfile, re.M)


def test_no_secret_beyond_the_local_demo_defaults(compose):
    text = "\n".join(line for line in COMPOSE.read_text().splitlines() if not line.lstrip().startswith("#"))
    assert not re.search(r"shpat_(?!compose_demo)", text), "a Shopify token other than the simulator's demo one"
    for name in ("postgres", "warehouse"):
        env = compose["services"][name]["environment"]
        assert env["POSTGRES_PASSWORD"] == env["POSTGRES_USER"], f"{name}: not an obvious local default"
