"""The report's Markdown and HTML summaries say the same things, and name every problem."""

from __future__ import annotations

from shopify_elt.summary import problems, to_html, to_markdown

REPORT = {
    "run_id": "manual__1",
    "shop": "demo.myshopify.com",
    "streams": {"orders": {"extracted": 3, "inserted": 2, "updated": 1, "deleted": 0, "rejected": 1}},
    "core": {"sales_orders": 2},
    "core_totals": {"sales_orders": 2},
    "unmapped": [
        {"mapping": "ship_method", "value": "Drone | fast", "orders": 1, "example": "#1001", "used_instead": None}
    ],
    "inventory": {"planned": 3, "applied": 2, "conflict": 1, "failed": 0, "calls": 1},
    "order_writes": {"shipments": {"planned": 1, "applied": 1, "failed": 0, "calls": 1}},
    "rejects": {"extract": 1},
    "checks": {"stream_freshness": {"offending": 1, "samples": []}},
    "reconciliation": {"orders": {"staged": 2, "rejected": 1, "shopify": 4, "precision": "EXACT", "matches": False}},
    "api": {"requests": 7, "points": 90, "throttled_answers": 0, "seconds_waited": 0.5},
}


def test_every_kind_of_problem_is_named():
    assert problems(REPORT) == [
        "1 rows rejected (ops.rejects)",
        "inventory pushes: 0 failed, 1 in conflict",
        "check stream_freshness: 1 offending rows",
        "orders: 2 staged + 1 rejected vs 4",
    ]
    assert problems({}) == []


def test_markdown_and_html_carry_the_same_tables():
    markdown, page = to_markdown(REPORT), to_html(REPORT)
    assert markdown.startswith("# Shopify sync manual__1 — demo.myshopify.com\n")
    assert "| orders | 3 | 2 | 1 | 0 | 1 |" in markdown
    assert "| ship_methods.csv | Drone \\| fast | 1 | #1001 |  |" in markdown, "a | in a value does not break the table"
    assert "| orders | 2 | 1 | 4 | MISMATCH |" in markdown
    assert "<td>Drone | fast</td>" in page and "<td>MISMATCH</td>" in page
    assert markdown.count("## ") == page.count("<h2>")
