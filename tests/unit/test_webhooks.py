"""The webhook receiver's answers (with a fake inbox: no database), HMAC, and what a delivery names."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime

import httpx
import pytest
from graphql import build_schema

from shopify_elt import DEFAULT_API_VERSION
from shopify_elt.extract import any_of
from shopify_elt.streams import STREAMS
from shopify_elt.webhooks import TOPICS, WEBHOOK_PATH
from shopify_elt.webhooks.merge import (
    ORDER_STREAMS,
    Ignored,
    Target,
    target_of,
)
from shopify_elt.webhooks.receiver import Delivery, create_app, parse_triggered_at, verify
from shopify_elt.webhooks.register import check_callback_url, topic_enum
from shopify_elt.webhooks.settings import Secrets, split_secrets

SECRET = b"hush"


def sign(body: bytes, secret: bytes = SECRET) -> str:
    return base64.b64encode(hmac.new(secret, body, hashlib.sha256).digest()).decode()


def test_signature_matches_the_documented_vector():
    body = b'{"id":820982911946154508,"name":"#9999"}'  # SHOPIFY_API_NOTES §4
    assert verify(body, "YBwnJ9vsibq7srObgXybmGHWuwos+jDEL//7749XS78=", [SECRET])
    assert not verify(body, "YBwnJ9vsibq7srObgXybmGHWuwos+jDEL//7749XS78=", [b"other"])
    assert not verify(body + b" ", "YBwnJ9vsibq7srObgXybmGHWuwos+jDEL//7749XS78=", [SECRET])
    assert not verify(b"", sign(b""), [SECRET]), "an empty body never passes"
    assert not verify(body, None, [SECRET]) and not verify(body, "", [SECRET])
    assert not verify(body, sign(body), []), "no secret, no delivery"
    assert verify(body, sign(body, b"new"), [b"old", b"new"]), "both secrets pass while a rotation settles"


def test_secrets_come_per_shop_or_for_every_shop():
    assert split_secrets(" new , old,") == (b"new", b"old") and split_secrets(["a"]) == (b"a",)
    secrets = Secrets({"a.myshopify.com": (b"a",)}, (b"all",))
    assert secrets.for_shop("A.myshopify.com") == (b"a", b"all")
    assert secrets.for_shop("b.myshopify.com") == (b"all",)
    assert not Secrets() and "a" not in repr(Secrets({"x": (b"a",)}))


def test_triggered_at_keeps_microseconds_and_never_fails():
    assert parse_triggered_at("2023-03-29T18:00:27.877041743Z") == datetime(2023, 3, 29, 18, 0, 27, 877041, UTC)
    assert parse_triggered_at("2023-03-29T14:00:27-04:00") == datetime(2023, 3, 29, 18, 0, 27, tzinfo=UTC)
    assert parse_triggered_at("yesterday") is None and parse_triggered_at(None) is None
    assert parse_triggered_at("2023-13-45T18:00:27Z") is None


class FakeInbox:
    def __init__(self, fail: BaseException | None = None, delay: float = 0.0) -> None:
        self.rows: dict[tuple[str, str], Delivery] = {}
        self.counted: dict[tuple[str, str], int] = {}
        self.fail, self.delay = fail, delay

    async def store(self, delivery: Delivery) -> bool:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.fail:
            raise self.fail
        key = (delivery.shop, delivery.webhook_id)
        self.counted[key] = self.counted.get(key, 0) + 1
        return self.rows.setdefault(key, delivery) is delivery

    async def close(self) -> None:
        pass


def headers(body: bytes, webhook_id: str = "w-1", signature: str | None = None, **more: str) -> dict[str, str]:
    values = {
        "X-Shopify-Topic": "orders/updated",
        "X-Shopify-Hmac-Sha256": sign(body) if signature is None else signature,
        "X-Shopify-Shop-Domain": "Shop.myshopify.com",
        "X-Shopify-API-Version": "2026-07",
        "X-Shopify-Webhook-Id": webhook_id,
        "X-Shopify-Event-Id": "e-1",
        "X-Shopify-Triggered-At": "2026-07-01T16:00:00.123456789Z",
        "Content-Type": "application/json",
        **more,
    }
    return {k: v for k, v in values.items() if v}


class Client:
    """Requests straight into the ASGI app (httpx's ASGI transport: no socket, no thread)."""

    def __init__(self, inbox: FakeInbox, **options) -> None:
        self.app = create_app(Secrets(anywhere=(SECRET,)), inbox, **options)

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://receiver") as http:
                return await http.request(method, path, **kwargs)

        return asyncio.run(send())

    def post(self, path: str, **kwargs) -> httpx.Response:
        return self.request("POST", path, **kwargs)

    def get(self, path: str) -> httpx.Response:
        return self.request("GET", path)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def client(inbox: FakeInbox, **options) -> Client:
    return Client(inbox, **options)


def test_a_signed_delivery_is_stored_once_however_often_it_comes():
    inbox = FakeInbox()
    body = b'{"id":1,"note":"caf\xc3\xa9"}'
    with client(inbox) as http:
        for _ in range(3):  # a retry and a duplicate send: same webhook id
            assert http.post(WEBHOOK_PATH, content=body, headers=headers(body)).status_code == 200
        assert http.get("/healthz").json() == {"status": "ok"}
    (stored,) = inbox.rows.values()
    assert inbox.counted == {("shop.myshopify.com", "w-1"): 3}
    assert (stored.shop, stored.topic, stored.event_id, stored.api_version) == (
        "shop.myshopify.com",
        "orders/updated",
        "e-1",
        "2026-07",
    )
    assert stored.body == body.decode() and stored.triggered_at == datetime(2026, 7, 1, 16, 0, 0, 123456, UTC)


def test_forged_requests_get_401_nothing_stored_and_no_payload_logged(caplog):
    inbox = FakeInbox()
    body = b'{"id":1,"secret_payload":"FORGED-MARKER-4711"}'
    caplog.set_level(logging.DEBUG, logger="shopify_elt.webhooks.receiver")
    with client(inbox) as http:
        forged = [
            headers(body, "w-bad", signature=sign(body, b"guess")),
            headers(body, "w-none", signature=""),
            headers(body, "w-tampered", signature=sign(body.replace(b"4711", b"4712"))),
        ]
        assert [http.post(WEBHOOK_PATH, content=body, headers=h).status_code for h in forged] == [401, 401, 401]
    assert inbox.rows == {}
    rejections = [r.getMessage() for r in caplog.records if "rejected" in r.getMessage()]
    assert len(rejections) == 3 and all("shop.myshopify.com" in m and "orders/updated" in m for m in rejections)
    assert {"w-bad", "w-none", "w-tampered"} <= {
        w for m in rejections for w in ("w-bad", "w-none", "w-tampered") if w in m
    }
    assert "FORGED-MARKER" not in caplog.text and "hush" not in caplog.text


def test_a_delivery_that_cannot_be_stored_gets_a_5xx_so_shopify_retries():
    body = b'{"id":1}'
    with client(FakeInbox(fail=OSError("database is down"))) as http:
        assert http.post(WEBHOOK_PATH, content=body, headers=headers(body)).status_code == 503
    with client(FakeInbox(delay=1.0), db_timeout=0.05) as http:  # slower than Shopify would wait
        assert http.post(WEBHOOK_PATH, content=body, headers=headers(body)).status_code == 503


def test_signed_but_unusable_requests_are_refused_without_storing():
    inbox = FakeInbox()
    body = b'{"id":1}'
    with client(inbox, max_body=100) as http:
        assert http.post(WEBHOOK_PATH, content=body, headers=headers(body, webhook_id="")).status_code == 400
        latin = b'{"note":"caf\xe9"}'
        assert http.post(WEBHOOK_PATH, content=latin, headers=headers(latin)).status_code == 400
        big = b'{"x":"' + b"a" * 200 + b'"}'
        assert http.post(WEBHOOK_PATH, content=big, headers=headers(big)).status_code == 413
        assert http.get(WEBHOOK_PATH).status_code == 405
    assert inbox.rows == {}


def test_what_each_topic_names():
    order = json.dumps({"id": 450789469, "admin_graphql_api_id": "gid://shopify/Order/450789469"})
    for topic in ("orders/create", "orders/updated", "orders/cancelled"):
        assert target_of(topic, order) == Target("order", ("gid://shopify/Order/450789469",))
    assert target_of("products/update", '{"id": 632910392, "title": "IPod"}') == Target(
        "product", ("gid://shopify/Product/632910392",)
    )
    level = '{"inventory_item_id": 271878346596884015, "location_id": 24826418, "available": 2}'
    assert target_of("inventory_levels/update", level) == Target(
        "level", ("gid://shopify/Location/24826418", "gid://shopify/InventoryItem/271878346596884015")
    )
    for topic, body in (
        ("customers/update", '{"id": 1}'),
        ("orders/updated", "not json"),
        ("orders/updated", "[1]"),
        ("orders/updated", '{"id": null}'),
        ("orders/updated", '{"id": true}'),
        ("inventory_levels/update", '{"inventory_item_id": 1}'),
    ):
        with pytest.raises(Ignored):
            target_of(topic, body)


def test_ids_become_one_search():
    gids = ["gid://shopify/Order/2", "gid://shopify/Order/1"]
    assert any_of("id", gids) == "(id:1 OR id:2)"


def test_the_merge_reads_every_list_of_an_order_the_hourly_run_reads():
    """An order's lists are nested in its pages (read with the order's query) or embedded; a list
    read per staged parent would make the merge read every order of the shop."""
    children = [s for s in STREAMS if s.parent == "orders"]
    assert all(s.nested_in or s.embedded_as for s in children)
    assert {s.name for s in ORDER_STREAMS} == {"orders"} | {s.name for s in children if s.nested_in}
    assert ORDER_STREAMS[0].name == "orders"


def test_callback_urls_are_https_except_on_loopback():
    assert check_callback_url("https://hooks.example.com/webhooks/shopify")
    assert check_callback_url("http://127.0.0.1:8000/webhooks/shopify")
    for bad in ("http://hooks.example.com/webhooks/shopify", "ftp://x", "hooks.example.com"):
        with pytest.raises(ValueError):
            check_callback_url(bad)


def test_topics_are_shopifys_enum_values(shared_schema_dir):
    schema = build_schema(
        (shared_schema_dir / DEFAULT_API_VERSION / "admin-schema.graphql").read_text(), assume_valid=True
    )
    values = set(schema.type_map["WebhookSubscriptionTopic"].values)
    assert {topic_enum(t) for t in TOPICS} <= values


def test_a_connections_webhook_extras_are_settings_never_request_headers(monkeypatch):
    from shopify_elt.hooks.shopify import ShopifyHook
    from shopify_elt.webhooks.settings import connection_webhook_settings, load_secrets

    extra = {"webhook_secret": "shpss_new, shpss_old", "webhook_callback_url": "https://hooks.example.com/w"}
    conn = {"conn_type": "shopify", "host": "Shop-A.myshopify.com", "password": "shpat_x", "extra": extra}
    monkeypatch.setenv("AIRFLOW_CONN_SHOPIFY_HOOKS", json.dumps(conn))
    headers = {k.lower(): v for k, v in ShopifyHook("shopify_hooks").session.headers.items()}
    assert not {"webhook_secret", "webhook_callback_url"} & set(headers)
    assert "shpss_new" not in json.dumps(headers), "the app's secret never goes out with a request"
    assert connection_webhook_settings("shopify_hooks") == (
        "shop-a.myshopify.com",
        (b"shpss_new", b"shpss_old"),
        "https://hooks.example.com/w",
    )
    secrets = load_secrets(["shopify_hooks"], environ={"SHOPIFY_WEBHOOK_SECRET": "shpss_all"})
    assert secrets.for_shop("shop-a.myshopify.com") == (b"shpss_new", b"shpss_old", b"shpss_all")
