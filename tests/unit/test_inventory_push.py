from __future__ import annotations

from shopify_elt.reverse.inventory import PlannedPush, batch_key, mutation_input, refused_rows

BATCH = [
    PlannedPush(1, "gid://shopify/InventoryItem/1", "gid://shopify/Location/1", 5, 3),
    PlannedPush(2, "gid://shopify/InventoryItem/2", "gid://shopify/Location/1", 0, 4),
]


def test_batch_key_is_deterministic_and_content_addressed():
    assert batch_key("s", "r", BATCH) == batch_key("s", "r", list(BATCH))
    assert batch_key("s", "r", BATCH) != batch_key("s", "r", BATCH[:1])
    assert batch_key("s", "r", BATCH) != batch_key("s", "r2", BATCH)


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
