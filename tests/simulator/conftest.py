"""Fixtures: in-process simulators over real HTTP on free ports (no Airflow imported)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from shopify_simulator.server import SimulatorServer

TOKEN = "shpat_test_token"
VERSION = "2026-07"
GraphQL = Callable[..., tuple[int, dict[str, Any]]]


def make_client(server: SimulatorServer) -> GraphQL:
    session = requests.Session()
    session.headers["X-Shopify-Access-Token"] = TOKEN

    def post(query: str, variables: dict[str, Any] | None = None, version: str = VERSION) -> tuple[int, dict]:
        url = f"{server.url}/admin/api/{version}/graphql.json"
        response = session.post(url, json={"query": query, "variables": variables or {}}, timeout=10)
        return response.status_code, response.json()

    return post


@pytest.fixture(scope="module")
def server() -> Iterator[SimulatorServer]:
    """A read-mostly simulator shared by a test module (60 orders, one with 60 lines)."""
    sim = SimulatorServer(orders=60, seed=7, token=TOKEN, plan="plus")
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def fresh_server() -> Iterator[SimulatorServer]:
    """A private simulator for tests that write."""
    sim = SimulatorServer(orders=20, seed=3, token=TOKEN, plan="plus")
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture(scope="module")
def gql(server: SimulatorServer) -> GraphQL:
    return make_client(server)
