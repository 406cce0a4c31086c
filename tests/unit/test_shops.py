"""The shops file: what one line gives a shop, and the mistakes it refuses with a reason."""

from __future__ import annotations

import json

import pytest

from shopify_elt.pools import import_json, pool_specs, rest_bulk_body
from shopify_elt.shops import Shop, load_shops


def write(tmp_path, text: str):
    path = tmp_path / "shops.yaml"
    path.write_text(text)
    return path


def test_one_line_gives_a_shop_its_connection_pools_dags_and_schedules(tmp_path):
    (shop,) = load_shops(write(tmp_path, "shops:\n  - {name: eu, plan: plus, offset_minutes: 20}\n"))
    assert (shop.conn_id, shop.pool, shop.backfill_pool) == ("shopify_eu", "shopify_eu", "shopify_eu_backfill")
    assert (shop.dag_id("shopify_sync"), shop.core_asset_name) == ("shopify_sync__eu", "shopify_core__eu")
    assert shop.warehouse_conn_id == "warehouse_default"
    assert shop.sync_schedule == "20 * * * *"
    assert shop.reverse_sync_schedule == "5-59/15 * * * *"  # :05, :20, :35, :50 — on the sync's minute
    assert Shop("default").dag_id("shopify_sync") == "shopify_sync"
    assert Shop("x", reverse_sync_every_minutes=0).reverse_sync_schedule is None
    assert Shop("x", offset_minutes=7, reverse_sync_every_minutes=60).reverse_sync_schedule == "7 * * * *"


def test_the_environment_names_another_file(tmp_path, monkeypatch):
    monkeypatch.setenv("SHOPIFY_ELT_SHOPS_FILE", str(write(tmp_path, "shops:\n  - {name: other}\n")))
    assert [shop.name for shop in load_shops()] == ["other"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("shops: []\n", "expected `shops:` with a list"),
        ("shops:\n  - {plan: plus}\n", "every shop needs a name"),
        ("shops:\n  - {name: EU}\n", "name must be lower-case"),
        ("shops:\n  - {name: eu, plan: gold}\n", "plan must be one of"),
        ("shops:\n  - {name: eu, pool_slot: 3}\n", "unknown keys ['pool_slot']"),
        ("shops:\n  - {name: eu, pool_slots: 0}\n", "pool_slots must be a positive integer"),
        ("shops:\n  - {name: eu, offset_minutes: 60}\n", "offset_minutes must be 0-59"),
        ("shops:\n  - {name: eu, reverse_sync_every_minutes: 25}\n", "must be one of [0, 1, 2"),
        ("shops:\n  - {name: eu}\n  - {name: eu}\n", "shops listed twice: ['eu']"),
        ("shops:\n  - {name: eu}\n  - {name: eu_backfill}\n", "share the pool(s) ['shopify_eu_backfill']"),
        ("shops: [\n", "cannot read the shops file"),
    ],
)
def test_a_mistake_is_refused_with_its_reason(tmp_path, text, reason):
    with pytest.raises(ValueError) as error:
        load_shops(write(tmp_path, text))
    assert reason in str(error.value)


def test_the_pools_in_the_formats_of_airflow_pools_import_and_the_rest_api():
    specs = pool_specs([Shop("eu", plan="advanced")])
    assert import_json(specs) == {
        "shopify_eu": {
            "slots": 4,
            "description": "Shopify API calls of shop eu (plan advanced)",
            "include_deferred": False,
        },
        "shopify_eu_backfill": {
            "slots": 1,
            "description": "Bulk backfill of shop eu: one job at a time",
            "include_deferred": True,
        },
    }
    body = json.loads(json.dumps(rest_bulk_body(specs)))
    (action,) = body["actions"]
    assert action["action"] == "create" and action["action_on_existence"] == "overwrite"
    assert [e["name"] for e in action["entities"]] == ["shopify_eu", "shopify_eu_backfill"]
