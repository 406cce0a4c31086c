"""REST call limit: a 40-request bucket leaking 2/s (standard), its header, 429 and recovery on the fast clock."""

from __future__ import annotations

import requests

from shopify_simulator.http_faults import RATE_LIMIT_BODY
from shopify_simulator.server import SimulatorServer

from .conftest import TOKEN
from .rest_support import rest_url, session


def test_burst_fills_the_bucket_then_it_drains() -> None:
    sim = SimulatorServer(orders=3, seed=2, token=TOKEN, plan="standard")
    sim.start()
    try:
        http = session()
        calls = [http.get(rest_url(sim, "shop.json"), timeout=10) for _ in range(45)]
        counts = [int(c.headers["X-Shopify-Shop-Api-Call-Limit"].split("/")[0]) for c in calls]
        assert calls[0].headers["X-Shopify-Shop-Api-Call-Limit"] == "1/40"
        assert counts[:10] == list(range(1, 11))  # counting up
        refused = [c for c in calls if c.status_code == 429]
        assert refused, counts
        assert refused[0].headers["Retry-After"] == "2.0"
        assert refused[0].headers["X-Shopify-Shop-Api-Call-Limit"] == "40/40"
        assert refused[0].json() == RATE_LIMIT_BODY  # {"errors": "Exceeded 2 calls per second for api client. …"}
        # GraphQL keeps its own (cost) bucket.
        graphql = http.post(
            f"{sim.url}/admin/api/2026-07/graphql.json", json={"query": "{ shop { name } }"}, timeout=10
        )
        assert graphql.status_code == 200 and "data" in graphql.json()
        requests.post(f"{sim.url}/_simulator/clock", json={"advance_seconds": 10}, timeout=10)
        after = http.get(rest_url(sim, "shop.json"), timeout=10)
        assert after.status_code == 200
        assert int(after.headers["X-Shopify-Shop-Api-Call-Limit"].split("/")[0]) <= 21  # 40 - 10 s × 2/s + 1
    finally:
        sim.stop()


def test_plus_bucket_is_ten_times_larger(server: SimulatorServer) -> None:
    response = session().get(rest_url(server, "shop.json"), timeout=10)
    assert response.headers["X-Shopify-Shop-Api-Call-Limit"].endswith("/400")


def test_transport_faults_cover_rest(fresh_server: SimulatorServer) -> None:
    requests.post(f"{fresh_server.url}/_simulator/faults", json={"kind": "http_503"}, timeout=10)
    response = session().get(rest_url(fresh_server, "orders.json"), timeout=10)
    assert response.status_code == 503 and response.headers["Content-Type"].startswith("text/html")
    assert session().get(rest_url(fresh_server, "orders.json"), timeout=10).status_code == 200
