"""productSet/productDelete and customerSet/Create/Update/Delete over real HTTP.

Shapes follow the SDL (ProductSetUserError / CustomerSetUserError codes, plain UserError for the
older mutations); messages not captured from Shopify are the simulator's documented guesses.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests

from shopify_simulator.events import StoreEvent
from shopify_simulator.server import SimulatorServer

from .conftest import TOKEN, GraphQL, make_client

PRODUCT_SET = """mutation($input: ProductSetInput!, $identifier: ProductSetIdentifiers) {
  productSet(input: $input, identifier: $identifier) {
    product { id title handle status vendor tags updatedAt
      options { id name values optionValues { name hasVariants } }
      variants(first: 10) { nodes { id sku price title selectedOptions { name value }
        inventoryItem { id tracked inventoryLevels(first: 5) { nodes { location { id }
          quantities(names: ["available", "on_hand"]) { name quantity } } } } } } }
    userErrors { field message code } } }"""
PRODUCT_DELETE = (
    """mutation($id: ID!) { productDelete(input: {id: $id}) { deletedProductId userErrors { field message } } }"""
)
CUSTOMER_SET = """mutation($input: CustomerSetInput!, $identifier: CustomerSetIdentifiers) {
  customerSet(input: $input, identifier: $identifier) {
    customer { id firstName lastName email phone tags updatedAt defaultAddress { city zip } }
    userErrors { field message code } } }"""
CUSTOMER_DELETE = (
    """mutation($id: ID!) { customerDelete(input: {id: $id}) { deletedCustomerId userErrors { field message } } }"""
)


@pytest.fixture
def sim(fresh_server: SimulatorServer) -> tuple[SimulatorServer, GraphQL, list[StoreEvent]]:
    events: list[StoreEvent] = []
    fresh_server.store.events.subscribe(events.append)
    return fresh_server, make_client(fresh_server), events


def _locations(server: SimulatorServer) -> list[str]:
    return [f"gid://shopify/Location/{loc.id}" for loc in server.store.locations.values() if loc.is_active]


def _shirt(locations: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "title": "Test Shirt",
        "vendor": "Acme",
        "tags": ["sync"],
        "productOptions": [{"name": "Size", "values": [{"name": "S"}, {"name": "M"}]}],
        "variants": [
            {
                "optionValues": [{"optionName": "Size", "name": "S"}],
                "sku": "SHIRT-S",
                "price": "19.99",
                "inventoryItem": {"tracked": True},
                "inventoryQuantities": [{"locationId": locations[0], "name": "available", "quantity": 7}],
            },
            {"optionValues": [{"optionName": "Size", "name": "M"}], "sku": "SHIRT-M", "price": "21.00"},
        ],
        **extra,
    }


def _data(body: dict[str, Any], field: str) -> dict[str, Any]:
    assert "errors" not in body, body
    return body["data"][field]


def test_product_set_creates_reads_back_and_publishes(sim: Any) -> None:
    server, gql, events = sim
    locations = _locations(server)
    _, body = gql(PRODUCT_SET, {"input": _shirt(locations)})
    result = _data(body, "productSet")
    assert result["userErrors"] == []
    product = result["product"]
    assert (product["title"], product["handle"], product["status"], product["vendor"]) == (
        "Test Shirt", "test-shirt", "ACTIVE", "Acme",
    )  # fmt: skip
    assert product["options"][0]["name"] == "Size" and product["options"][0]["values"] == ["S", "M"]
    small, medium = product["variants"]["nodes"]
    assert (small["sku"], small["price"], small["title"]) == ("SHIRT-S", "19.99", "S")
    assert small["selectedOptions"] == [{"name": "Size", "value": "S"}]
    levels = small["inventoryItem"]["inventoryLevels"]["nodes"]
    assert [lv["location"]["id"] for lv in levels] == [locations[0]]
    assert {q["name"]: q["quantity"] for q in levels[0]["quantities"]} == {"available": 7, "on_hand": 7}
    assert len(medium["inventoryItem"]["inventoryLevels"]["nodes"]) == len(locations)  # stocked everywhere, 0
    # Later reads: search, variants by sku, counts, REST.
    _, body = gql("{ products(first: 5, query: \"title:'Test Shirt'\") { nodes { id } } productsCount { count } }")
    assert body["data"]["products"]["nodes"] == [{"id": product["id"]}]
    assert body["data"]["productsCount"]["count"] == len(server.store.products)
    _, body = gql('{ productVariants(first: 5, query: "sku:SHIRT-M") { nodes { id } } }')
    assert body["data"]["productVariants"]["nodes"] == [{"id": medium["id"]}]
    number = product["id"].rsplit("/", 1)[1]
    rest = requests.get(
        f"{server.url}/admin/api/2026-07/products/{number}.json", headers={"X-Shopify-Access-Token": TOKEN}, timeout=5
    )
    if rest.status_code == 200:  # single-product REST read, where served
        assert rest.json()["product"]["title"] == "Test Shirt"
    assert [e.topic for e in events if e.topic.startswith("products/")] == ["products/create"]


def test_product_set_updates_syncs_variants_and_bumps_updated_at(sim: Any) -> None:
    server, gql, events = sim
    locations = _locations(server)
    created = _data(gql(PRODUCT_SET, {"input": _shirt(locations)})[1], "productSet")["product"]
    small = created["variants"]["nodes"][0]
    server.store.clock = (lambda base: lambda: base + 120)(server.store.clock())
    change = {
        "title": "Renamed Shirt",
        "productOptions": [{"name": "Size", "values": [{"name": "S"}, {"name": "L"}]}],
        "variants": [
            {
                "id": small["id"],
                "optionValues": [{"optionName": "Size", "name": "S"}],
                "price": "25.00",
                "inventoryQuantities": [{"locationId": locations[0], "name": "available", "quantity": 3}],
            },
            {"optionValues": [{"optionName": "Size", "name": "L"}], "sku": "SHIRT-L"},
        ],
    }
    _, body = gql(PRODUCT_SET, {"input": change, "identifier": {"id": created["id"]}})
    product = _data(body, "productSet")["product"]
    assert product["id"] == created["id"] and product["title"] == "Renamed Shirt"
    assert product["updatedAt"] > created["updatedAt"]
    assert product["vendor"] == "Acme"  # omitted scalar fields stay
    variants = product["variants"]["nodes"]
    assert [(v["sku"], v["price"]) for v in variants] == [("SHIRT-S", "25.0"), ("SHIRT-L", "0.0")]
    assert variants[0]["id"] == small["id"]
    quantities = variants[0]["inventoryItem"]["inventoryLevels"]["nodes"][0]["quantities"]
    assert {q["name"]: q["quantity"] for q in quantities} == {"available": 3, "on_hand": 3}
    _, body = gql('{ productVariants(first: 5, query: "sku:SHIRT-M") { nodes { id } } }')
    assert body["data"]["productVariants"]["nodes"] == []  # the omitted variant was deleted
    topics = [e.topic for e in events]
    assert "products/update" in topics and "inventory_levels/update" in topics
    # By handle (upsert): an existing handle updates the same product.
    _, body = gql(PRODUCT_SET, {"input": {"vendor": "Other"}, "identifier": {"handle": "test-shirt"}})
    assert _data(body, "productSet")["product"]["id"] == created["id"]


def test_product_set_user_errors(sim: Any) -> None:
    server, gql, _ = sim
    locations = _locations(server)
    cases = [
        ({"input": {"vendor": "x"}}, ["input", "title"], "INVALID_PRODUCT"),
        ({"input": {"title": "x"}, "identifier": {"id": "gid://shopify/Product/1"}}, ["identifier", "id"], "NOT_FOUND"),
        ({"input": {"title": "x", "id": "gid://shopify/Product/1"}, "identifier": {"handle": "x"}}, ["input", "id"],
         "ID_NOT_ALLOWED"),
        ({"input": {"title": "x", "id": "gid://shopify/Product/1"}}, ["input", "id"], "PRODUCT_DOES_NOT_EXIST"),
        ({"input": _shirt(locations, productOptions=[{"name": "Size", "values": []}])},
         ["input", "productOptions", "0", "values"], "OPTION_VALUES_MISSING"),
        ({"input": _shirt(["gid://shopify/Location/1"])},
         ["input", "variants", "0", "inventoryQuantities", "0", "locationId"], "INVALID_INPUT"),
    ]  # fmt: skip
    before = len(server.store.products)
    for variables, field, code in cases:
        result = _data(gql(PRODUCT_SET, variables)[1], "productSet")
        assert result["product"] is None
        assert [(e["field"], e["code"]) for e in result["userErrors"]][:1] == [(field, code)], result
    assert len(server.store.products) == before  # nothing applied
    gql(PRODUCT_SET, {"input": {"title": "Mug", "handle": "mug"}})
    result = _data(gql(PRODUCT_SET, {"input": {"title": "Mug 2", "handle": "mug"}})[1], "productSet")
    assert result["userErrors"][0]["code"] == "HANDLE_NOT_UNIQUE"
    # Shopify's input cap: 2048 variants (captured), 250 for the other arrays.
    many = [{"optionValues": [], "inventoryQuantities": [{"locationId": locations[0], "name": "available",
                                                          "quantity": 1}] * 251}]  # fmt: skip
    _, body = gql(PRODUCT_SET, {"input": {"title": "Big", "variants": many}})
    assert body["errors"][0]["extensions"]["code"] == "MAX_INPUT_SIZE_EXCEEDED"
    assert body["errors"][0]["path"] == ["productSet", "input", "variants", "inventoryQuantities"]


def test_product_delete_records_event_and_publishes(sim: Any) -> None:
    server, gql, events = sim
    created = _data(gql(PRODUCT_SET, {"input": {"title": "Doomed"}})[1], "productSet")["product"]
    assert created["options"][0]["values"] == ["Default Title"]
    result = _data(gql(PRODUCT_DELETE, {"id": created["id"]})[1], "productDelete")
    assert result == {"deletedProductId": created["id"], "userErrors": []}
    _, body = gql("query($id: ID!) { product(id: $id) { id } }", {"id": created["id"]})
    assert body["data"]["product"] is None
    _, body = gql('{ events(first: 5, query: "action:destroy AND subject_type:PRODUCT") { nodes { ... on BasicEvent '
                  "{ action subjectId subjectType } } } }")  # fmt: skip
    assert {"action": "destroy", "subjectId": created["id"], "subjectType": "PRODUCT"} in body["data"]["events"][
        "nodes"
    ]
    assert events[-1].topic == "products/delete" and events[-1].payload == {"id": int(created["id"].rsplit("/", 1)[1])}
    again = _data(gql(PRODUCT_DELETE, {"id": created["id"]})[1], "productDelete")
    assert again["deletedProductId"] is None and again["userErrors"][0]["field"] == ["id"]


def test_customer_set_upsert_update_errors_and_delete(sim: Any) -> None:
    server, gql, events = sim
    address = {"address1": "1 Analytical St", "city": "London", "zip": "N1", "countryCode": "GB"}
    new = {
        "firstName": "Ada",
        "lastName": "Lovelace",
        "email": "ada@example.org",
        "tags": ["vip"],
        "addresses": [address],
    }
    created = _data(gql(CUSTOMER_SET, {"input": new})[1], "customerSet")
    assert created["userErrors"] == []
    customer = created["customer"]
    assert (customer["email"], customer["tags"], customer["defaultAddress"]["city"]) == ("ada@example.org", ["vip"],
                                                                                        "London")  # fmt: skip
    server.store.clock = (lambda base: lambda: base + 60)(server.store.clock())
    upsert = {"input": {"email": "ada@example.org", "lastName": "King"}, "identifier": {"email": "ada@example.org"}}
    updated = _data(gql(CUSTOMER_SET, upsert)[1], "customerSet")["customer"]
    assert updated["id"] == customer["id"] and updated["lastName"] == "King" and updated["firstName"] == "Ada"
    assert updated["updatedAt"] > customer["updatedAt"]
    _, body = gql('{ customers(first: 5, query: "email:ada@example.org") { nodes { id lastName } } }')
    assert body["data"]["customers"]["nodes"] == [{"id": customer["id"], "lastName": "King"}]
    taken = next(c.email for c in server.store.customers.values() if c.email and c.email != "ada@example.org")
    cases = [
        ({"input": {"email": taken}}, ["input", "email"], "TAKEN", "Email has already been taken"),
        ({"input": {"email": "nope"}}, ["input", "email"], "INVALID", "Email is invalid"),
        ({"input": {"firstName": "x"}, "identifier": {"email": "a@b.co"}}, ["input", "email"],
         "MISSING_FIELD_REQUIRED", None),
        ({"input": {"email": "c@d.co"}, "identifier": {"email": "a@b.co"}}, ["input", "email"], "INPUT_MISMATCH", None),
        ({"input": {"firstName": "x"}, "identifier": {"id": "gid://shopify/Customer/1"}}, ["identifier", "id"],
         "NOT_FOUND", None),
    ]  # fmt: skip
    for variables, field, code, message in cases:
        result = _data(gql(CUSTOMER_SET, variables)[1], "customerSet")
        error = result["userErrors"][0]
        assert (result["customer"], error["field"], error["code"]) == (None, field, code), result
        assert message is None or error["message"] == message
    with_orders = next(c for c in server.store.customers.values() if len(c.order_ids))
    refused = _data(gql(CUSTOMER_DELETE, {"id": f"gid://shopify/Customer/{with_orders.id}"})[1], "customerDelete")
    assert refused["deletedCustomerId"] is None and refused["userErrors"]
    deleted = _data(gql(CUSTOMER_DELETE, {"id": customer["id"]})[1], "customerDelete")
    assert deleted == {"deletedCustomerId": customer["id"], "userErrors": []}
    _, body = gql('{ events(first: 5, query: "action:destroy AND subject_type:CUSTOMER") { nodes { ... on BasicEvent '
                  "{ subjectId } } } }")  # fmt: skip
    assert {"subjectId": customer["id"]} in body["data"]["events"]["nodes"]
    topics = [e.topic for e in events if e.topic.startswith("customers/")]
    assert topics == ["customers/create", "customers/update", "customers/delete"]


def test_customer_create_and_update_plain_user_errors(sim: Any) -> None:
    _, gql, _ = sim
    create = "mutation($input: CustomerInput!) { customerCreate(input: $input) { customer { id email }"
    create += " userErrors { field message } } }"
    update = "mutation($input: CustomerInput!) { customerUpdate(input: $input) { customer { id phone }"
    update += " userErrors { field message } } }"
    made = _data(gql(create, {"input": {"email": "grace@example.org"}})[1], "customerCreate")
    assert made["userErrors"] == [] and made["customer"]["email"] == "grace@example.org"
    dup = _data(gql(create, {"input": {"email": "grace@example.org"}})[1], "customerCreate")
    assert dup == {"customer": None, "userErrors": [{"field": ["email"], "message": "Email has already been taken"}]}
    changed = _data(
        gql(update, {"input": {"id": made["customer"]["id"], "phone": "+16135550101"}})[1], "customerUpdate"
    )
    assert changed["customer"]["phone"] == "+16135550101"


def test_scopes_and_versions() -> None:
    narrow = ("read_products", "read_customers", "read_locations", "read_inventory")
    sim = SimulatorServer(orders=2, seed=5, token=TOKEN, scopes=narrow)
    sim.start()
    try:
        gql = make_client(sim)
        _, body = gql(PRODUCT_SET, {"input": {"title": "x"}})
        assert body["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"
        assert "`write_products` access scope" in body["errors"][0]["message"]
        _, body = gql(CUSTOMER_DELETE, {"id": "gid://shopify/Customer/1"})
        assert body["errors"][0]["extensions"]["code"] == "ACCESS_DENIED"
    finally:
        sim.stop()
    full = SimulatorServer(orders=2, seed=5, token=TOKEN)
    full.start()
    try:
        gql = make_client(full)
        # Unlike inventorySetQuantities, productSet documents no @idempotent support: 2026-04+ needs no key.
        for version in ("2025-10", "2026-01", "2026-04", "2026-07"):
            _, body = gql(PRODUCT_SET, {"input": {"title": f"V {version}"}}, version=version)
            assert _data(body, "productSet")["userErrors"] == [], version
    finally:
        full.stop()


def test_control_plane_deletes_a_customer_without_orders_as_customer_delete_does(sim: Any) -> None:
    server, gql, events = sim
    base = f"{server.url}/_simulator/customers"
    created = requests.post(base, json={"first_name": "Ida", "email": "ida@example.org"}, timeout=5).json()["id"]
    with_orders = next(c for c in server.store.customers.values() if len(c.order_ids))
    assert requests.delete(f"{base}/{with_orders.id}", timeout=5).status_code == 422
    assert requests.delete(f"{base}/999", timeout=5).status_code == 404
    answer = requests.delete(f"{base}/{created.rsplit('/', 1)[-1]}", timeout=5)
    assert answer.status_code == 200 and answer.json() == {"deletedCustomerId": created}
    _, body = gql("query($id: ID!) { customer(id: $id) { id } }", {"id": created})
    assert body["data"]["customer"] is None
    _, body = gql('{ events(first: 50, query: "action:destroy AND subject_type:CUSTOMER") { nodes { ... on BasicEvent '
                  "{ subjectId } } } }")  # fmt: skip
    assert {"subjectId": created} in body["data"]["events"]["nodes"]
    assert [e.topic for e in events if e.topic.startswith("customers/")] == ["customers/create", "customers/delete"]
