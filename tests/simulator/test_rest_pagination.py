"""REST cursor pagination: Link header, opaque page_info carrying the filters, 400 on extra filters."""

from __future__ import annotations

import re

import requests

from shopify_simulator.server import SimulatorServer

from .conftest import GraphQL
from .rest_support import rest_url, session

LINK = re.compile(r'<(?P<url>[^>]+)>; rel="(?P<rel>next|previous)"')


def _links(response: requests.Response) -> dict[str, str]:
    return {m["rel"]: m["url"] for m in LINK.finditer(response.headers.get("Link", ""))}


def test_walk_all_orders_with_limit_7_matches_graphql_count(server: SimulatorServer, gql: GraphQL) -> None:
    http = session()
    url: str | None = rest_url(server, "orders.json?status=any&limit=7")
    seen: list[int] = []
    pages = 0
    while url:
        response = http.get(url, timeout=10)
        assert response.status_code == 200, response.text
        batch = response.json()["orders"]
        assert len(batch) <= 7
        seen += [o["id"] for o in batch]
        links = _links(response)
        assert ("previous" in links) == (pages > 0)
        assert url.startswith(server.url)  # Link URLs point back at the host the client called
        url = links.get("next")
        pages += 1
    _, body = gql("{ ordersCount(limit: null) { count } }")
    assert len(seen) == len(set(seen)) == body["data"]["ordersCount"]["count"]
    assert seen == sorted(seen)


def test_previous_link_walks_back(server: SimulatorServer) -> None:
    http = session()
    first = http.get(rest_url(server, "orders.json?status=any&limit=5"), timeout=10)
    second = http.get(_links(first)["next"], timeout=10)
    back = http.get(_links(second)["previous"], timeout=10)
    assert [o["id"] for o in back.json()["orders"]] == [o["id"] for o in first.json()["orders"]]


def test_filters_ride_in_the_cursor(server: SimulatorServer) -> None:
    http = session()
    first = http.get(rest_url(server, "orders.json?status=cancelled&limit=1&fields=id,cancelled_at"), timeout=10)
    total = http.get(rest_url(server, "orders/count.json?status=cancelled"), timeout=10).json()["count"]
    url, found = _links(first).get("next"), first.json()["orders"]
    assert "status" not in (url or "")
    while url:
        response = http.get(url, timeout=10)
        found += response.json()["orders"]
        url = _links(response).get("next")
    assert len(found) == total and all(set(o) == {"id", "cancelled_at"} and o["cancelled_at"] for o in found)


def test_single_page_has_no_link(server: SimulatorServer) -> None:
    response = session().get(rest_url(server, "orders.json?status=any&limit=250"), timeout=10)
    assert response.status_code == 200 and "Link" not in response.headers


def test_page_info_with_a_filter_is_rejected(server: SimulatorServer) -> None:
    http = session()
    nxt = _links(http.get(rest_url(server, "orders.json?status=any&limit=2"), timeout=10))["next"]
    response = http.get(nxt + "&status=any", timeout=10)
    assert response.status_code == 400
    assert response.json() == {
        "errors": {
            "status": "status cannot be passed when page_info is present. "
            "See https://shopify.dev/api/usage/pagination-rest for more information."
        }
    }
    garbage = http.get(rest_url(server, "orders.json?page_info=not-a-cursor"), timeout=10)
    assert (garbage.status_code, garbage.json()) == (400, {"errors": {"page_info": "Invalid value."}})
