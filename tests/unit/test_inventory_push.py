from __future__ import annotations

from dataclasses import replace

from shopify_elt.reverse import inventory
from shopify_elt.reverse.inventory import (
    MAX_REPLANS,
    PlannedPush,
    batch_key,
    batches,
    mutation_input,
    refused_rows,
    row_outcome,
)

BATCH = [
    PlannedPush(1, "gid://shopify/InventoryItem/1", "gid://shopify/Location/1", 5, 3),
    PlannedPush(2, "gid://shopify/InventoryItem/2", "gid://shopify/Location/1", 0, 4),
]


def test_batch_key_is_deterministic_and_content_addressed():
    assert batch_key("s", "r", BATCH) == batch_key("s", "r", list(BATCH))
    assert batch_key("s", "r", BATCH) != batch_key("s", "r", BATCH[:1])
    assert batch_key("s", "r", BATCH) != batch_key("s", "r2", BATCH)
    # A re-plan that happens to ask for the same change is another row, so another key: Shopify
    # must not answer it with the replay of the first one.
    again = [replace(BATCH[0], push_id=9, replan=1)]
    assert batch_key("s", "r", again) != batch_key("s", "r", BATCH[:1])


def test_mutation_input_compares_and_sets_every_quantity():
    payload = mutation_input(BATCH, "k")
    assert payload["name"] == "available"
    assert payload["quantities"][0] == {
        "inventoryItemId": "gid://shopify/InventoryItem/1",
        "locationId": "gid://shopify/Location/1",
        "quantity": 3,
        "changeFromQuantity": 5,
    }


def test_user_errors_are_pinned_on_their_rows():
    errors = [
        {"field": ["input", "quantities", "1", "changeFromQuantity"], "code": "CHANGE_FROM_QUANTITY_STALE"},
        {"field": ["input", "reason"], "code": "INVALID_REASON"},
    ]
    assert list(refused_rows(errors, 2)) == [1]


def test_rows_stamped_by_an_earlier_attempt_are_resent_as_they_were_stamped(monkeypatch):
    monkeypatch.setattr(inventory, "BATCH_SIZE", 2)
    fresh = [PlannedPush(n, f"gid://shopify/InventoryItem/{n}", "gid://shopify/Location/1", 0, 1) for n in range(3, 8)]
    stamped = [replace(p, batch_key="k1") for p in BATCH]
    assert [[p.push_id for p in b] for b in batches([*stamped, *fresh])] == [[1, 2], [3, 4], [5, 6], [7]]
    interleaved = [replace(fresh[0], batch_key="k2"), *stamped[:1], *fresh[1:3], stamped[1]]
    assert [[p.push_id for p in b] for b in batches(interleaved)] == [[3], [1, 2], [4, 5]]


def test_refused_rows_are_conflicts_quarantined_or_failed_by_their_code():
    stale = {"code": "CHANGE_FROM_QUANTITY_STALE", "message": "The changeFromQuantity value does not match."}
    assert row_outcome(stale, 0) == ("conflict", f"conflict, Shopify: {stale['message']} (CHANGE_FROM_QUANTITY_STALE)")
    assert "left to the next run" in row_outcome(stale, MAX_REPLANS)[1]
    assert row_outcome({"code": "COMPARE_QUANTITY_STALE"}, 1)[0] == "conflict"
    for code in ("INVALID_INVENTORY_ITEM", "INVALID_LOCATION", "ITEM_NOT_STOCKED_AT_LOCATION"):
        assert row_outcome({"code": code, "message": "m"}, 0) == ("quarantined", f"quarantined, Shopify: m ({code})")
    assert row_outcome({"code": "INVALID_QUANTITY_TOO_HIGH", "message": "m"}, 0)[0] == "failed"
