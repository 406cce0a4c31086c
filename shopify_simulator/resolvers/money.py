"""MoneyV2 / MoneyBag values (amounts are Decimals; the scalar renders ``"20.0"``)."""

from __future__ import annotations

from typing import Any

from shopify_simulator.formatting import cents


def money_v2(amount_cents: int, currency: str) -> dict[str, Any]:
    return {"amount": cents(amount_cents), "currencyCode": currency}


def money_bag(amount_cents: int, currency: str) -> dict[str, Any]:
    """Shop and presentment money are equal: the simulated shop sells in one currency."""
    value = money_v2(amount_cents, currency)
    return {"shopMoney": value, "presentmentMoney": dict(value)}
