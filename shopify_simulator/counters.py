"""Shape of ``GET /_simulator/stats`` and the small counting rules behind it.

Tests and benchmarks read these to prove what happened on the wire (how many calls of
each kind, points spent, THROTTLED answers, mutations applied, webhook deliveries,
faults fired) without scraping logs. Counters are bumped by name through
``Stats.incr``; names with a dot are grouped (``webhooks.delivered`` → ``webhooks``).
"""

from __future__ import annotations

from typing import Any

from graphql import ExecutionResult

from shopify_simulator.faults import Faults

CALL_KINDS = {"graphql": None, "control": "calls.control", "bulkDownload": "calls.bulkDownload"}
WEBHOOK_KEYS = ("delivered", "failed", "retried", "duplicated", "reordered", "subscriptionsDeleted")


def stats_json(base: dict[str, Any], counters: dict[str, int], faults: Faults | None) -> dict[str, Any]:
    """The stats document: the historic flat keys first, then grouped counters."""
    out = dict(base)
    out["calls"] = {
        kind: base["requests"] if name is None else counters.get(name, 0) for kind, name in CALL_KINDS.items()
    }
    out["mutationsApplied"] = counters.get("mutationsApplied", 0)
    out["webhooks"] = {key: counters.get(f"webhooks.{key}", 0) for key in WEBHOOK_KEYS}
    fired = dict(faults.fired) if faults is not None else {}
    out["faultsFired"] = {"total": sum(fired.values()), **fired}
    grouped = {"calls", "webhooks"}
    for name, value in counters.items():
        group = name.split(".", 1)[0]
        if group in grouped or name == "mutationsApplied":
            continue
        out.setdefault(name, value)  # counters added later by other parts stay visible
    return out


def applied_mutations(result: ExecutionResult) -> int:
    """Root mutation fields that returned a payload without userErrors or an error on their path."""
    data = result.data or {}
    failed = {e.path[0] for e in result.errors or () if e.path}
    count = 0
    for name, payload in data.items():
        if payload is None or name in failed:
            continue
        if isinstance(payload, dict) and payload.get("userErrors"):
            continue
        count += 1
    return count
