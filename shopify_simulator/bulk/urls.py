"""Download URLs shaped like Shopify's signed Google Cloud Storage links, served by the simulator.

Real result URLs carry ``GoogleAccessId``, ``Expires`` (epoch s), ``Signature`` and response
overrides (capture ``bulk-run-poll-complete-download``); the client needs no access token.
Here the signature is an HMAC over path and expiry with a per-simulator secret, so a forged
or edited URL is refused just as a real one would be.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qs, quote, urlencode

PREFIX = "/_bulk/"
ACCESS_ID = "bulk-operations@shopify-simulator.iam.gserviceaccount.com"


def sign(secret: bytes, path: str, expires: int) -> str:
    digest = hmac.new(secret, f"GET\n{expires}\n{path}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def build(base_url: str, secret: bytes, token: str, filename: str, expires: int) -> str:
    path = f"{PREFIX}{token}/{filename}"
    disposition = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{filename}"
    query = urlencode(
        {
            "GoogleAccessId": ACCESS_ID,
            "Expires": str(expires),
            "Signature": sign(secret, path, expires),
            "response-content-disposition": disposition,
            "response-content-type": "application/jsonl",
        },
        quote_via=quote_plus_safe,
    )
    return f"{base_url}{path}?{query}"


def quote_plus_safe(value: str, safe: str = "", encoding: str | None = None, errors: str | None = None) -> str:
    """Percent-encode like GCS links (spaces as ``+``, ``/``, ``=``, ``+`` and quotes encoded)."""
    return quote(value, safe="", encoding=encoding, errors=errors).replace("%20", "+")


def parse(raw_path: str) -> tuple[str, str, dict[str, str]] | None:
    """(token, filename, query parameters) of a download path, or None if it is not one."""
    path, _, query = raw_path.partition("?")
    if not path.startswith(PREFIX):
        return None
    token, _, filename = path[len(PREFIX) :].partition("/")
    if not token or not filename or "/" in filename:
        return None
    params = {key: values[0] for key, values in parse_qs(query, keep_blank_values=True).items()}
    return token, filename, params


def verify(secret: bytes, token: str, filename: str, params: dict[str, str]) -> int | None:
    """The signed expiry (epoch s) when the signature is genuine, else None."""
    try:
        expires = int(params.get("Expires", ""))
    except ValueError:
        return None
    expected = sign(secret, f"{PREFIX}{token}/{filename}", expires)
    return expires if hmac.compare_digest(expected, params.get("Signature", "")) else None
