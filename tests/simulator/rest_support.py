"""Helpers of the REST tests: a token-carrying session and the 2026-07 REST reference examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from shopify_simulator.server import SimulatorServer

from .conftest import TOKEN, VERSION

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "shopify-captures" / "rest-shopify-app-js-2026-07"


def session() -> requests.Session:
    s = requests.Session()
    s.headers["X-Shopify-Access-Token"] = TOKEN
    return s


def rest_url(server: SimulatorServer, path: str) -> str:
    return f"{server.url}/admin/api/{VERSION}/{path}"


def example(resource: str, test: str) -> dict[str, Any]:
    """The response body of one reference example (``order``, ``test_8``)."""
    if not EXAMPLES.is_dir():
        pytest.skip(f"{EXAMPLES} is absent: comparisons with Shopify's reference examples need ../shared")
    data = json.loads((EXAMPLES / f"{resource}.examples.json").read_text())
    return next(e["response_body"] for e in data["examples"] if e["test"] == test)


def type_mismatches(ours: dict[str, Any], theirs: dict[str, Any]) -> list[str]:
    """Keys whose JSON types differ where both sides carry a value (null matches anything)."""
    problems = []
    for key, value in theirs.items():
        mine = ours.get(key)
        if value is None or mine is None:
            continue
        if type(value) is not type(mine) and not ({type(value), type(mine)} <= {int, float}):
            problems.append(f"{key}: {type(mine).__name__} vs {type(value).__name__}")
    return problems
