"""The connection's Test button: through the hook and through Airflow's own CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from shopify_elt.hooks.shopify import ShopifyHook
from shopify_simulator.process import SimulatorProcess

pytestmark = pytest.mark.integration


def test_a_complete_token_passes(simulator):
    ok, message = ShopifyHook().test_connection()
    assert ok, message
    assert message == "Connected to sim-store.myshopify.com (standard plan); token has every scope the pipeline needs"


def test_the_plan_is_detected_from_the_throttle_status(monkeypatch):
    token = "shpat_plus_" + uuid.uuid4().hex
    with SimulatorProcess(seed=1, orders=5, token=token, plan="plus") as sim:
        monkeypatch.setenv("AIRFLOW_CONN_SHOPIFY_PLUS", json.dumps(sim.connection()))
        ok, message = ShopifyHook("shopify_plus").test_connection()
    assert ok and "(plus plan)" in message


def test_missing_scopes_are_named_with_what_needs_them(monkeypatch):
    token = "shpat_narrow_" + uuid.uuid4().hex
    narrow = ["--scopes", "read_products,read_orders,read_locations"]
    with SimulatorProcess(seed=1, orders=5, token=token, extra=narrow) as sim:
        monkeypatch.setenv("AIRFLOW_CONN_SHOPIFY_NARROW", json.dumps(sim.connection()))
        ok, message = ShopifyHook("shopify_narrow").test_connection()
    assert not ok
    assert "read_customers (needed by customers, customer_addresses)" in message
    assert "read_discounts (needed by discounts)" in message
    assert "read_inventory (needed by inventory_items, inventory_levels)" in message
    assert "write_inventory (needed by push_inventory_levels)" in message
    assert "read_orders" not in message


def test_a_wrong_token_is_reported_without_echoing_it(simulator, monkeypatch):
    wrong = "shpat_wrong_" + uuid.uuid4().hex
    monkeypatch.setenv("AIRFLOW_CONN_SHOPIFY_WRONG", json.dumps({**simulator.connection(), "password": wrong}))
    ok, message = ShopifyHook("shopify_wrong").test_connection()
    assert not ok
    assert message.startswith("Token rejected: HTTP 401")
    assert wrong not in message


def test_an_unsupported_api_version_is_named(simulator, monkeypatch):
    connection = simulator.connection()
    connection["extra"] = {**connection["extra"], "api_version": "2019-04"}
    monkeypatch.setenv("AIRFLOW_CONN_SHOPIFY_OLD", json.dumps(connection))
    ok, message = ShopifyHook("shopify_old").test_connection()
    assert not ok
    assert message.startswith("API version 2019-04 is not supported by Shopify (it answered with 2025-07)")


def test_an_unreachable_shop_is_reported_quickly(monkeypatch):
    import socket

    with socket.socket() as sock:  # a port that nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    connection = {"conn_type": "shopify", "host": f"http://127.0.0.1:{port}", "password": "shpat_x"}
    monkeypatch.setenv("AIRFLOW_CONN_SHOPIFY_NOWHERE", json.dumps(connection))
    ok, message = ShopifyHook("shopify_nowhere").test_connection()
    assert not ok
    assert message.startswith(f"Shop unreachable at http://127.0.0.1:{port}")


@pytest.mark.airflow
def test_airflow_cli_connections_test_uses_the_hook(simulator):
    wrong = "shpat_wrong_" + uuid.uuid4().hex
    env = {
        **os.environ,
        "AIRFLOW__CORE__TEST_CONNECTION": "Enabled",
        "AIRFLOW_CONN_SHOPIFY_WRONG": json.dumps({**simulator.connection(), "password": wrong}),
    }
    airflow = str(Path(sys.executable).with_name("airflow"))

    def cli_test(conn_id: str) -> str:
        command = [airflow, "connections", "test", conn_id]
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
        return result.stdout + result.stderr

    good, bad = cli_test("shopify_default"), cli_test("shopify_wrong")
    assert "Connection success!" in good, good[-2000:]
    assert "Connection failed!" in bad and "Token rejected: HTTP 401" in bad, bad[-2000:]
    assert simulator.token not in good and wrong not in bad


def test_the_check_runs_from_a_shell(simulator):
    command = [sys.executable, "-m", "shopify_elt.connection_check", "shopify_default"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env={**os.environ})
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("token has every scope the pipeline needs")
    assert simulator.token not in result.stdout + result.stderr
