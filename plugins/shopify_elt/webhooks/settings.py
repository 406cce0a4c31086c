"""Where the webhook parts find their configuration: the app's secret(s), the callback URL, the warehouse.

The secret signing deliveries is the app's client secret (a custom app's "API secret key"). It
comes from the environment (``SHOPIFY_WEBHOOK_SECRET``, for every shop) or from a shop's Airflow
connection (extra ``webhook_secret``); never from a command line, which ``ps`` shows. Several
secrets, comma-separated, are all accepted: after a rotation Shopify may sign with the old one for
up to an hour. Airflow is imported only when a connection is asked for, so the receiver starts
fast without it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

SECRET_ENV = "SHOPIFY_WEBHOOK_SECRET"
DATABASE_ENV = "SHOPIFY_WEBHOOK_DATABASE_URL"
SECRET_EXTRA = "webhook_secret"
CALLBACK_EXTRA = "webhook_callback_url"


def split_secrets(value: Any) -> tuple[bytes, ...]:
    """``"new,old"`` or ``["new", "old"]`` → the secrets as bytes (blanks dropped)."""
    if not value:
        return ()
    items = value.split(",") if isinstance(value, str) else list(value)
    return tuple(str(item).strip().encode() for item in items if str(item).strip())


@dataclass(frozen=True)
class Secrets:
    """The secrets a delivery may be signed with: the shop's own, else those valid for every shop."""

    by_shop: dict[str, tuple[bytes, ...]] = field(default_factory=dict, repr=False)
    anywhere: tuple[bytes, ...] = field(default=(), repr=False)

    def for_shop(self, shop: str) -> tuple[bytes, ...]:
        return self.by_shop.get(shop.lower(), ()) + self.anywhere

    def __bool__(self) -> bool:
        return bool(self.anywhere or any(self.by_shop.values()))


def connection_webhook_settings(conn_id: str) -> tuple[str, tuple[bytes, ...], str | None]:
    """(shop domain, secrets, callback URL) from a Shopify connection; the secrets are masked in logs."""
    from airflow.sdk.log import mask_secret

    from shopify_elt.hooks.shopify import ShopifyHook

    hook = ShopifyHook(conn_id)
    extra = hook.get_connection(conn_id).extra_dejson
    secrets = split_secrets(extra.get(SECRET_EXTRA))
    for secret in secrets:
        mask_secret(secret.decode())
    return hook.settings.shop_domain.lower(), secrets, extra.get(CALLBACK_EXTRA) or None


def load_secrets(conn_ids: list[str], environ: dict[str, str] | None = None) -> Secrets:
    environ = os.environ if environ is None else environ
    by_shop: dict[str, tuple[bytes, ...]] = {}
    for conn_id in conn_ids:
        shop, secrets, _ = connection_webhook_settings(conn_id)
        by_shop[shop] = by_shop.get(shop, ()) + secrets
    return Secrets(by_shop, split_secrets(environ.get(SECRET_ENV)))


def warehouse_conninfo(dsn: str | None, warehouse_conn_id: str, environ: dict[str, str] | None = None) -> str:
    """libpq connection string: ``dsn``, else ``SHOPIFY_WEBHOOK_DATABASE_URL``, else the Airflow connection."""
    environ = os.environ if environ is None else environ
    if dsn or environ.get(DATABASE_ENV):
        return dsn or environ[DATABASE_ENV]
    from airflow.providers.postgres.hooks.postgres import PostgresHook
    from psycopg.conninfo import make_conninfo

    conn = PostgresHook.get_connection(warehouse_conn_id)
    options = {k: v for k, v in conn.extra_dejson.items() if k in ("sslmode", "sslrootcert", "sslcert", "sslkey")}
    parts = {"host": conn.host, "port": conn.port, "user": conn.login, "password": conn.password}
    return make_conninfo(**{k: v for k, v in parts.items() if v}, dbname=conn.schema or None, **options)
