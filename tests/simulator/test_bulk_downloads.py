"""Result links and injected bulk faults: signed URLs, expiry, partial data, truncated downloads."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from shopify_simulator.server import SimulatorServer

from .bulk_support import PRODUCTS, lines, run, run_to_end, start, wait
from .conftest import make_client

WEEK = 7 * 86_400


def _with_param(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    params.update(changes)
    return f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(params)}"


def _shift_clock(sim: SimulatorServer, seconds: int) -> None:
    real = sim.store.clock
    sim.store.clock = lambda: real() + seconds


def test_forged_or_edited_links_are_refused() -> None:
    sim = start()
    try:
        url = run_to_end(make_client(sim), PRODUCTS)["url"]
        assert requests.get(url, timeout=5).status_code == 200
        assert requests.get(url, headers={"X-Shopify-Access-Token": "nope"}, timeout=5).status_code == 200
        for forged in (
            _with_param(url, Signature="AAAA"),
            _with_param(url, Expires=str(int(parse_qs(urlsplit(url).query)["Expires"][0]) + 3600)),
            url.split("?", 1)[0],
        ):
            response = requests.get(forged, timeout=5)
            assert response.status_code == 403
            assert "<Code>SignatureDoesNotMatch</Code>" in response.text
        assert requests.get(url.replace("/_bulk/", "/_bulk/0", 1), timeout=5).status_code == 403
    finally:
        sim.stop()


def test_links_expire_after_seven_days_of_simulator_clock() -> None:
    sim = start()
    gql = make_client(sim)
    try:
        done = run_to_end(gql, PRODUCTS)
        expires = int(parse_qs(urlsplit(done["url"]).query)["Expires"][0])
        assert expires - WEEK == _epoch(done["completedAt"])
        _shift_clock(sim, WEEK + 1)
        response = requests.get(done["url"], timeout=5)
        assert response.status_code == 403
        assert "<Code>AccessDenied</Code>" in response.text
        assert wait(gql, done["id"])["status"] == "EXPIRED"
    finally:
        sim.stop()


def test_bulk_failed_leaves_a_prefix_as_partial_data() -> None:
    sim = start(page_size=2)
    gql = make_client(sim)
    try:
        full = lines(run_to_end(gql, PRODUCTS)["url"])
        sim.store.faults.arm("bulk_failed", lines=5)
        failed = run_to_end(gql, PRODUCTS)
        assert failed["status"] == "FAILED" and failed["errorCode"] == "INTERNAL_SERVER_ERROR"
        assert failed["url"] is None and failed["fileSize"] is None and failed["completedAt"] is not None
        partial = lines(failed["partialDataUrl"])
        assert partial == full[:5] and len(full) > 5
        assert failed["objectCount"] == "5"
        sim.store.faults.arm("bulk_failed", error_code="TIMEOUT")
        timed_out = run_to_end(gql, PRODUCTS)
        assert (timed_out["status"], timed_out["errorCode"]) == ("FAILED", "TIMEOUT")
        assert 0 < len(lines(timed_out["partialDataUrl"])) < len(full)
        assert run_to_end(gql, PRODUCTS)["status"] == "COMPLETED"  # the fault fired once
    finally:
        sim.stop()


def test_bulk_truncated_cuts_the_next_download_mid_line() -> None:
    sim = start()
    try:
        done = run_to_end(make_client(sim), PRODUCTS)
        sim.store.faults.arm("bulk_truncated")
        cut = requests.get(done["url"], timeout=5)
        assert cut.status_code == 200
        assert 0 < len(cut.content) < int(done["fileSize"])
        assert not cut.content.endswith(b"\n")
        last = cut.content.split(b"\n")[-1]
        assert last
        try:
            json.loads(last)
            raise AssertionError("the last line should be cut off")
        except ValueError:
            pass
        assert len(lines(done["url"])) == int(done["objectCount"])  # next download is whole again
    finally:
        sim.stop()


def test_access_denied_inner_query_fails_the_operation() -> None:
    sim = SimulatorServer(orders=3, seed=5, token="shpat_test_token", plan="plus", scopes=("read_products",))
    sim.start()
    gql = make_client(sim)
    try:
        created = run(gql, "{ orders { edges { node { id } } } }")["data"]["bulkOperationRunQuery"]
        failed = wait(gql, created["bulkOperation"]["id"])
        assert (failed["status"], failed["errorCode"], failed["partialDataUrl"]) == ("FAILED", "ACCESS_DENIED", None)
    finally:
        sim.stop()


def _epoch(stamp: str) -> int:
    from datetime import datetime

    return int(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())
