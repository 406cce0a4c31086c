"""REST payloads against Shopify's 2026-07 reference examples: same keys, same JSON types."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from shopify_simulator.server import SimulatorServer

from .rest_support import example, rest_url, session, type_mismatches


@pytest.fixture(scope="module")
def http() -> requests.Session:
    return session()


def _get(http: requests.Session, server: SimulatorServer, path: str) -> dict[str, Any]:
    response = http.get(rest_url(server, path), timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["X-Shopify-API-Version"] == "2026-07"
    return response.json()


def _same_shape(ours: dict[str, Any], theirs: dict[str, Any]) -> None:
    assert set(ours) == set(theirs), (sorted(set(theirs) - set(ours)), sorted(set(ours) - set(theirs)))
    assert type_mismatches(ours, theirs) == []


def _richest_order(http: requests.Session, server: SimulatorServer) -> dict[str, Any]:
    orders = _get(http, server, "orders.json?status=any&limit=250")["orders"]
    return max(orders, key=lambda o: (bool(o["refunds"]), bool(o["fulfillments"]), bool(o["discount_codes"])))


def test_order_matches_reference(http: requests.Session, server: SimulatorServer) -> None:
    ours, theirs = _richest_order(http, server), example("order", "test_8")["order"]
    _same_shape(ours, theirs)
    for key in ("line_items", "shipping_lines", "refunds", "fulfillments"):
        assert ours[key], key
        _same_shape(ours[key][0], theirs[key][0])
    _same_shape(ours["customer"], theirs["customer"])
    _same_shape(ours["refunds"][0]["refund_line_items"][0], theirs["refunds"][0]["refund_line_items"][0])
    _same_shape(ours["refunds"][0]["transactions"][0], theirs["refunds"][0]["transactions"][0])
    assert ours["total_price"].count(".") == 1 and len(ours["total_price"].split(".")[1]) == 2
    assert ours["created_at"][-6] in "+-"  # shop offset, not Z
    assert ours["admin_graphql_api_id"] == f"gid://shopify/Order/{ours['id']}"


def test_single_order_fields_and_404(http: requests.Session, server: SimulatorServer) -> None:
    first = _get(http, server, "orders.json?status=any&limit=1")["orders"][0]
    one = _get(http, server, f"orders/{first['id']}.json?fields=id,name,total_price")["order"]
    assert one == {"id": first["id"], "name": first["name"], "total_price": first["total_price"]}
    missing = http.get(rest_url(server, "orders/1.json"), timeout=10)
    assert (missing.status_code, missing.json()) == (404, {"errors": "Not Found"})
    assert http.get(rest_url(server, "widgets.json"), timeout=10).json() == {"errors": "Not Found"}


@pytest.mark.parametrize(
    ("path", "key", "resource", "test"),
    [
        ("shop.json", "shop", "shop", "test_1"),
        ("locations.json", "locations", "location", "test_1"),
        ("events.json", "events", "event", "test_1"),
        ("products.json?limit=1", "products", "product", "test_2"),
    ],
)
def test_resource_matches_reference(
    http: requests.Session, server: SimulatorServer, path: str, key: str, resource: str, test: str
) -> None:
    ours, theirs = _get(http, server, path)[key], example(resource, test)[key]
    if isinstance(theirs, list):
        ours, theirs = ours[0], theirs[0]
    _same_shape(ours, theirs)
    if resource == "product":
        _same_shape(ours["variants"][0], theirs["variants"][0])
        _same_shape(ours["options"][0], theirs["options"][0])


def test_lists_counts_and_filters(http: requests.Session, server: SimulatorServer) -> None:
    store = server.store
    assert _get(http, server, "orders/count.json?status=any") == {"count": len(store.orders)}
    cancelled = _get(http, server, "orders.json?status=cancelled&limit=250")["orders"]
    assert cancelled and all(o["cancelled_at"] for o in cancelled)
    opened = _get(http, server, "orders.json?limit=250")["orders"]  # status defaults to open
    assert all(o["closed_at"] is None and o["cancelled_at"] is None for o in opened)
    paid = _get(http, server, "orders/count.json?status=any&financial_status=paid")["count"]
    assert paid == sum(1 for o in store.orders.values() if o.financial_status == "PAID")
    customers = _get(http, server, "customers.json?limit=3")["customers"]
    one = _get(http, server, f"customers/{customers[0]['id']}.json")["customer"]
    assert one["id"] == customers[0]["id"] and one["admin_graphql_api_id"].startswith("gid://shopify/Customer/")
    drafts = _get(http, server, "draft_orders.json")["draft_orders"]
    assert len(drafts) == len(store.draft_orders) and drafts[0]["name"].startswith("#D")
    destroyed = _get(http, server, "events.json?filter=Order&verb=destroy")["events"]
    assert destroyed and {(e["subject_type"], e["verb"]) for e in destroyed} == {("Order", "destroy")}
    assert _get(http, server, "events.json?filter=Product&verb=destroy")["events"] == [
        e for e in _get(http, server, "events.json?limit=250")["events"] if e["subject_type"] == "Product"
        and e["verb"] == "destroy"
    ]  # fmt: skip


def test_access_scopes_json_is_unversioned(http: requests.Session, server: SimulatorServer) -> None:
    response = http.get(f"{server.url}/admin/oauth/access_scopes.json", timeout=10)
    body = response.json()
    assert set(body) == set(example("access_scope", "test_1"))
    assert [s["handle"] for s in body["access_scopes"]] == list(server.store.scopes)
    assert "X-Shopify-API-Version" not in response.headers


def test_bad_params_and_token(http: requests.Session, server: SimulatorServer) -> None:
    bad = http.get(rest_url(server, "orders.json?updated_at_min=yesterday"), timeout=10)
    assert (bad.status_code, bad.json()) == (400, {"errors": {"updated_at_min": "Invalid value."}})
    anonymous = requests.get(rest_url(server, "orders.json"), timeout=10)
    assert anonymous.status_code == 401
    assert anonymous.json() == {
        "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
    }
