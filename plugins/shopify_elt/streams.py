"""THE registry: every Shopify stream the pipeline extracts, declared as data.

Extraction loops over it, the staging DDL is rendered from it, the scope check reads it, and
the tests are parametrised over it. Adding a stream means adding one entry here, one GraphQL
document in ``queries/`` (validated against Shopify's schema by the tests) and the simulator's
support for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

QUERY_DIR = Path(__file__).with_name("queries")
FRAGMENT_DIR = QUERY_DIR / "fragments"
_SPREAD = re.compile(r"\.\.\.\s*([A-Z]\w*)")


@cache
def load_document(name: str) -> str:
    """``queries/<name>.graphql`` followed by every fragment of ``queries/fragments`` it spreads
    (transitively), so shared selections are written once."""
    text = (QUERY_DIR / f"{name}.graphql").read_text()
    needed: list[str] = []
    pending = _SPREAD.findall(text)
    while pending:
        fragment = pending.pop()
        if fragment not in needed:
            needed.append(fragment)
            pending += _SPREAD.findall((FRAGMENT_DIR / f"{fragment}.graphql").read_text())
    return "\n".join([text, *((FRAGMENT_DIR / f"{f}.graphql").read_text() for f in sorted(needed))])


PG_TYPES = frozenset({"text", "timestamptz", "numeric", "integer", "bigint", "boolean", "jsonb", "text[]"})


@dataclass(frozen=True, slots=True)
class Column:
    """A column promoted out of the raw record: its name, PostgreSQL type and JSON path."""

    name: str
    pg_type: str
    path: tuple[str, ...]


def col(name: str, pg_type: str, path: str) -> Column:
    """Shorthand: ``col("total_price", "numeric", "totalPriceSet.shopMoney.amount")``.

    A path step ``list[key=value]`` picks the element of a list whose ``key`` equals ``value``,
    as in ``quantities[name=available].quantity``.
    """
    assert pg_type in PG_TYPES, pg_type
    return Column(name, pg_type, tuple(path.split(".")))


@dataclass(frozen=True, slots=True)
class Continuation:
    """How to fetch the pages past the first of a connection nested in each record.

    :param field: the record's connection field (e.g. ``lineItems``).
    :param document: ``queries/<document>.graphql``, taking ``$parentId``, ``$first``, ``$after``.
    :param path: where that document's connection sits in ``data``.
    """

    field: str
    document: str
    path: tuple[str, ...]


@dataclass(frozen=True)
class Stream:
    """One Shopify stream landing in ``staging.shopify_<name>``.

    :param path: where the connection (or, for snapshots, the object) sits in ``data``.
    :param cursor_field: the record field incremental windows filter on; ``None`` means the
        stream is read whole every run (locations, the shop).
    :param search_field: the search-syntax field matching ``cursor_field`` in ``query:``.
    :param parent: the stream whose rows own this one's; child rows are replaced as a set
        whenever their parent is read again.
    :param embedded_as: the field of the parent node holding this stream's first page; the
        rest is fetched with this stream's own document. ``None`` with a parent means one
        query per parent row (``$parentId``).
    :param nested_in: the list (or connection) field of each parent node holding this stream's rows; the
        document re-reads the parent's ``updatedAt`` window (``cursor_field`` is then the
        parent's), so a child list is extracted whole whenever its parent changes.
    :param continuations: nested connections completed page by page before a record is staged.
    :param base_query: search terms ANDed with every window (``action:destroy``).
    :param applies_deletions: the stream's rows are destroy events, applied to staging in the
        transaction that merges them (``shopify_elt.deletions``).
    :param is_connection: ``False`` for a single object such as ``shop``.
    """

    name: str
    path: tuple[str, ...]
    scope: str | None
    columns: tuple[Column, ...] = ()
    cursor_field: str | None = "updatedAt"
    search_field: str = "updated_at"
    parent: str | None = None
    embedded_as: str | None = None
    nested_in: str | None = None
    base_query: str | None = None
    applies_deletions: bool = False
    continuations: tuple[Continuation, ...] = ()
    is_connection: bool = True
    bulk: bool = False
    page_size: int = 250
    extra_variables: dict[str, int] = field(default_factory=dict)

    @cached_property
    def document(self) -> str:
        """The GraphQL document of this stream, from ``queries/<name>.graphql``."""
        return load_document(self.name)

    @property
    def table(self) -> str:
        return f"shopify_{self.name}"

    @property
    def is_incremental(self) -> bool:
        return self.cursor_field is not None


MONEY = "shopMoney.amount"

STREAMS: tuple[Stream, ...] = (
    Stream(
        name="shop",
        path=("shop",),
        scope=None,
        cursor_field=None,
        is_connection=False,
        columns=(
            col("name", "text", "name"),
            col("myshopify_domain", "text", "myshopifyDomain"),
            col("currency_code", "text", "currencyCode"),
            col("iana_timezone", "text", "ianaTimezone"),
            col("updated_at", "timestamptz", "updatedAt"),
        ),
    ),
    Stream(
        name="locations",
        path=("locations",),
        scope="read_locations",
        cursor_field=None,
        columns=(
            col("name", "text", "name"),
            col("is_active", "boolean", "isActive"),
            col("fulfills_online_orders", "boolean", "fulfillsOnlineOrders"),
            col("province_code", "text", "address.provinceCode"),
            col("country_code", "text", "address.countryCode"),
            col("updated_at", "timestamptz", "updatedAt"),
        ),
    ),
    Stream(
        name="products",
        path=("products",),
        scope="read_products",
        bulk=True,
        columns=(
            col("title", "text", "title"),
            col("handle", "text", "handle"),
            col("status", "text", "status"),
            col("vendor", "text", "vendor"),
            col("product_type", "text", "productType"),
            col("created_at", "timestamptz", "createdAt"),
            col("updated_at", "timestamptz", "updatedAt"),
        ),
    ),
    Stream(
        name="product_variants",
        path=("productVariants",),
        scope="read_products",
        bulk=True,
        columns=(
            col("product_id", "text", "product.id"),
            col("inventory_item_id", "text", "inventoryItem.id"),
            col("sku", "text", "sku"),
            col("title", "text", "title"),
            col("barcode", "text", "barcode"),
            col("price", "numeric", "price"),
            col("updated_at", "timestamptz", "updatedAt"),
        ),
    ),
    Stream(
        name="inventory_items",
        path=("inventoryItems",),
        scope="read_inventory",
        bulk=True,
        columns=(
            col("sku", "text", "sku"),
            col("tracked", "boolean", "tracked"),
            col("unit_cost", "numeric", "unitCost.amount"),
            col("updated_at", "timestamptz", "updatedAt"),
        ),
    ),
    Stream(
        name="inventory_levels",
        path=("location", "inventoryLevels"),
        scope="read_inventory",
        parent="locations",
        columns=(
            col("inventory_item_id", "text", "item.id"),
            col("location_id", "text", "location.id"),
            *(
                col(name, "integer", f"quantities[name={name}].quantity")
                for name in ("available", "on_hand", "committed", "incoming", "reserved")
            ),
            col("updated_at", "timestamptz", "updatedAt"),
        ),
    ),
    Stream(
        name="customers",
        path=("customers",),
        scope="read_customers",
        bulk=True,
        columns=(
            col("email", "text", "defaultEmailAddress.emailAddress"),
            col("first_name", "text", "firstName"),
            col("last_name", "text", "lastName"),
            col("zip", "text", "defaultAddress.zip"),
            col("updated_at", "timestamptz", "updatedAt"),
        ),
    ),
    Stream(
        name="orders",
        path=("orders",),
        scope="read_orders",
        bulk=True,
        page_size=50,
        extra_variables={"lineItemsFirst": 20},
        continuations=(Continuation("lineItems", "order_line_items", ("order", "lineItems")),),
        columns=(
            col("name", "text", "name"),
            col("email", "text", "email"),
            col("customer_id", "text", "customer.id"),
            col("processed_at", "timestamptz", "processedAt"),
            col("cancelled_at", "timestamptz", "cancelledAt"),
            col("closed_at", "timestamptz", "closedAt"),
            col("is_test", "boolean", "test"),
            col("financial_status", "text", "displayFinancialStatus"),
            col("fulfillment_status", "text", "displayFulfillmentStatus"),
            col("currency_code", "text", "currencyCode"),
            col("total_price", "numeric", f"totalPriceSet.{MONEY}"),
            col("total_tax", "numeric", f"totalTaxSet.{MONEY}"),
            col("total_shipping", "numeric", f"totalShippingPriceSet.{MONEY}"),
            col("created_at", "timestamptz", "createdAt"),
            col("updated_at", "timestamptz", "updatedAt"),
        ),
    ),
    Stream(
        name="order_line_items",
        path=("order", "lineItems"),
        scope="read_orders",
        cursor_field=None,
        parent="orders",
        embedded_as="lineItems",
        columns=(
            col("variant_id", "text", "variant.id"),
            col("sku", "text", "sku"),
            col("title", "text", "title"),
            col("quantity", "integer", "quantity"),
            col("current_quantity", "integer", "currentQuantity"),
            col("unit_price", "numeric", f"originalUnitPriceSet.{MONEY}"),
            col("discounted_unit_price", "numeric", f"discountedUnitPriceSet.{MONEY}"),
        ),
    ),
    Stream(
        name="order_transactions",
        path=("orders",),
        scope="read_orders",
        parent="orders",
        nested_in="transactions",
        page_size=100,
        columns=(
            col("kind", "text", "kind"),
            col("status", "text", "status"),
            col("gateway", "text", "gateway"),
            col("amount", "numeric", f"amountSet.{MONEY}"),
            col("currency_code", "text", "amountSet.shopMoney.currencyCode"),
            col("parent_transaction_id", "text", "parentTransaction.id"),
            col("is_test", "boolean", "test"),
            col("processed_at", "timestamptz", "processedAt"),
        ),
    ),
    Stream(
        name="order_refunds",
        path=("orders",),
        scope="read_orders",
        parent="orders",
        nested_in="refunds",
        page_size=50,
        extra_variables={"refundLinesFirst": 50},
        columns=(
            col("note", "text", "note"),
            col("total_refunded", "numeric", f"totalRefundedSet.{MONEY}"),
            col("created_at", "timestamptz", "createdAt"),
            col("updated_at", "timestamptz", "updatedAt"),
        ),
    ),
    Stream(
        name="order_fulfillments",
        path=("orders",),
        scope="read_orders",
        parent="orders",
        nested_in="fulfillments",
        page_size=50,
        extra_variables={"fulfillmentLinesFirst": 50},
        columns=(
            col("name", "text", "name"),
            col("status", "text", "status"),
            col("display_status", "text", "displayStatus"),
            col("location_id", "text", "location.id"),
            col("total_quantity", "integer", "totalQuantity"),
            col("created_at", "timestamptz", "createdAt"),
            col("updated_at", "timestamptz", "updatedAt"),
        ),
    ),
    Stream(
        name="order_shipping_lines",
        path=("orders",),
        scope="read_orders",
        parent="orders",
        nested_in="shippingLines",
        page_size=100,
        extra_variables={"shippingLinesFirst": 20},
        columns=(
            col("title", "text", "title"),
            col("code", "text", "code"),
            col("source", "text", "source"),
            col("carrier_identifier", "text", "carrierIdentifier"),
            col("is_removed", "boolean", "isRemoved"),
            col("price", "numeric", f"originalPriceSet.{MONEY}"),
            col("discounted_price", "numeric", f"discountedPriceSet.{MONEY}"),
        ),
    ),
    Stream(
        name="fulfillment_orders",
        path=("fulfillmentOrders",),
        scope="read_merchant_managed_fulfillment_orders",
        continuations=(Continuation("lineItems", "fulfillment_order_line_items", ("fulfillmentOrder", "lineItems")),),
        page_size=100,
        extra_variables={"lineItemsFirst": 50},
        columns=(
            col("order_id", "text", "orderId"),
            col("status", "text", "status"),
            col("request_status", "text", "requestStatus"),
            col("location_id", "text", "assignedLocation.location.id"),
            col("fulfill_at", "timestamptz", "fulfillAt"),
            col("holds", "jsonb", "fulfillmentHolds"),
            col("created_at", "timestamptz", "createdAt"),
            col("updated_at", "timestamptz", "updatedAt"),
        ),
    ),
    Stream(
        name="draft_orders",
        path=("draftOrders",),
        scope="read_draft_orders",
        continuations=(Continuation("lineItems", "draft_order_line_items", ("draftOrder", "lineItems")),),
        page_size=100,
        extra_variables={"lineItemsFirst": 50},
        columns=(
            col("name", "text", "name"),
            col("status", "text", "status"),
            col("email", "text", "email"),
            col("customer_id", "text", "customer.id"),
            col("order_id", "text", "order.id"),
            col("total_price", "numeric", f"totalPriceSet.{MONEY}"),
            col("completed_at", "timestamptz", "completedAt"),
            col("created_at", "timestamptz", "createdAt"),
            col("updated_at", "timestamptz", "updatedAt"),
        ),
    ),
    Stream(
        name="deletion_events",
        path=("events",),
        scope=None,
        cursor_field="createdAt",
        search_field="created_at",
        base_query="action:destroy",
        applies_deletions=True,
        columns=(
            col("action", "text", "action"),
            col("subject_id", "text", "subjectId"),
            col("subject_type", "text", "subjectType"),
            col("message", "text", "message"),
            col("created_at", "timestamptz", "createdAt"),
        ),
    ),
)

STREAMS_BY_NAME: dict[str, Stream] = {s.name: s for s in STREAMS}


def top_level_streams() -> tuple[Stream, ...]:
    """Streams extracted by a task of their own (embedded children ride with their parent)."""
    return tuple(s for s in STREAMS if s.embedded_as is None)


def children_of(name: str) -> tuple[Stream, ...]:
    """Streams embedded in the pages of stream ``name``."""
    return tuple(s for s in STREAMS if s.parent == name and s.embedded_as is not None)
