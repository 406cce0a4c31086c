"""Files users meet first: docker-compose.yaml (cannot run here, so at least it parses) and the README."""

from __future__ import annotations

import re

import yaml

from shopify_elt.connection_check import required_scopes
from tests.conftest import ROOT


def test_compose_file_parses_and_pins_its_images():
    compose = yaml.safe_load((ROOT / "docker-compose.yaml").read_text())
    services = compose["services"]
    expected = {
        "airflow-db",
        "warehouse",
        "shopify-simulator",
        "airflow-init",
        "airflow-api-server",
        "airflow-scheduler",
    }
    assert expected <= set(services)
    for name, service in services.items():
        image = service["image"]
        assert re.search(r":\d", image), f"{name}: image {image} is not pinned to a version"
    env = services["airflow-scheduler"]["environment"]
    assert "AIRFLOW_CONN_SHOPIFY_DEFAULT" in env and "AIRFLOW_CONN_WAREHOUSE_DEFAULT" in env


def test_readme_names_the_two_commands_and_every_scope():
    readme = (ROOT / "README.md").read_text()
    first_screen = "\n".join(readme.splitlines()[:60])
    assert "make demo" in first_screen and "make test" in first_screen
    for scope in required_scopes():
        assert f"`{scope}`" in readme, f"README does not tell users to grant {scope}"


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()
