"""The connection's fields become the client's settings (env-var connections, JSON and URI)."""

from __future__ import annotations

import json

from shopify_elt import DEFAULT_API_VERSION
from shopify_elt.hooks.shopify import ShopifyHook


def test_uri_connection(monkeypatch):
    monkeypatch.setenv(
        "AIRFLOW_CONN_SHOPIFY_URI", "shopify://:shpat_secret@my-store.myshopify.com?api_version=2026-04&plan=plus"
    )
    hook = ShopifyHook("shopify_uri")
    settings = hook.settings
    assert settings.base_url == "https://my-store.myshopify.com"
    assert hook.graphql_url == "https://my-store.myshopify.com/admin/api/2026-04/graphql.json"
    assert (settings.shop_domain, settings.plan) == ("my-store.myshopify.com", "plus")
    assert hook.bucket.restore_rate == 1000
    assert "shpat_secret" not in repr(settings)


def test_json_connection_defaults_and_session_headers(monkeypatch):
    conn = {"conn_type": "shopify", "host": "other.myshopify.com", "password": "shpat_x", "extra": {"plan": "detect"}}
    monkeypatch.setenv("AIRFLOW_CONN_SHOPIFY_JSON", json.dumps(conn))
    hook = ShopifyHook("shopify_json")
    assert hook.settings.api_version == DEFAULT_API_VERSION
    session = hook.session
    assert session.headers["X-Shopify-Access-Token"] == "shpat_x"
    assert "plan" not in session.headers and "api_version" not in session.headers
    assert session.auth is None
