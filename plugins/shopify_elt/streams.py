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


POSITION = "#"
"""A key part meaning: the record's position in the list that holds it."""


@dataclass(frozen=True, slots=True)
class SyntheticKey:
    """The ``id`` of records Shopify gives none (tax lines, discount applications …).

    Such a record is identified by the record holding its list (the order, the line item, the
    refund) and ``parts``: paths into the record, or ``POSITION``. The key reads
    ``gid://shopify/LineItem/7#taxLines[0]``: the owner's id, the list's field, the parts.
    Its rows are replaced as a set whenever their parent is read again, so a key only has to
    be unique within one reading of the list: the position always is, while a business key
    (title and rate of a tax line) may repeat and would then silently merge two rows into one.

    :param parts: what tells the records of one list apart, e.g. ``("index",)``.
    """

    parts: tuple[str, ...] = (POSITION,)

    @property
    def uses_position(self) -> bool:
        return POSITION in self.parts


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
        parent's), so a child list is extracted whole whenever its parent changes. A dotted
        path reaches lists of lists (``refunds.refundLineItems``, ``lineItems.taxLines``): the
        rows still belong to the parent (replaced with its set), and each carries the id of
        the record whose list held it as ``__parentId``, as Shopify's bulk files mark nested
        rows.
    :param key: how records without an ``id`` of their own are keyed (``SyntheticKey``);
        ``None`` means the record's ``id``. A key by position makes each row carry its
        position as ``__index`` (and ``__parentId``), so the raw record says what its key is.
    :param continuations: nested connections completed page by page before a record is staged
        (for a ``nested_in`` stream: connections of the parent node, e.g. its ``lineItems``).
    :param base_query: search terms ANDed with every window (``action:destroy``).
    :param applies_deletions: the stream's rows are destroy events, applied to staging in the
        transaction that merges them (``shopify_elt.deletions``).
    :param sweep: ``queries/<sweep>.graphql``, reading only the ids Shopify still has (its
        connection at ``path``, per parent like the stream's own document): for streams whose
        deletions Shopify reports no event for, rows whose id is absent are marked deleted
        (``shopify_elt.sweep``).
    :param is_connection: ``False`` for a single object such as ``shop``.
    :param bulk: the stream can be read by a bulk operation (backfills): a top-level stream as
        the bulk query's root, a child inside its parent's bulk file. A child holding a
        connection inside a list (refund line items) cannot be, and is read page by page.
    :param node_types: GraphQL types of a child's connection nodes: a bulk file gives each
        nested node its own line, told apart only by ``__typename``.
    :param indexed: promoted columns the core build looks rows up by (an index on
        ``(_shop, column)``), e.g. the orders of a customer whose matching changed.
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
    key: SyntheticKey | None = None
    base_query: str | None = None
    applies_deletions: bool = False
    sweep: str | None = None
    continuations: tuple[Continuation, ...] = ()
    is_connection: bool = True
    bulk: bool = False
    node_types: tuple[str, ...] = ()
    page_size: int = 250
    extra_variables: dict[str, int] = field(default_factory=dict)
    indexed: tuple[str, ...] = ()

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

    @property
    def nested_path(self) -> tuple[str, ...]:
        """The steps of ``nested_in`` from the parent node down to this stream's records."""
        return tuple(self.nested_in.split(".")) if self.nested_in else ()

    @property
    def cursor_path(self) -> tuple[str, ...]:
        """``cursor_field`` as a path: a cursor may sit inside the node (``discount.updatedAt``)."""
        return tuple(self.cursor_field.split(".")) if self.cursor_field else ()


MONEY = "shopMoney.amount"
TAX_LINE_COLUMNS = (
    col("title", "text", "title"),
    col("rate", "numeric", "rate"),
    col("rate_percentage", "numeric", "ratePercentage"),
    col("amount", "numeric", f"priceSet.{MONEY}"),
    col("currency_code", "text", "priceSet.shopMoney.currencyCode"),
    col("is_channel_liable", "boolean", "channelLiable"),
    col("source", "text", "source"),
)
LINE_ADJUSTMENT_PAGES = Continuation("lineItems", "order_line_adjustment_pages", ("order", "lineItems"))
"""An order's line items past the first page, with their tax lines and discount allocations."""

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
        sweep="sweep_locations",
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
        sweep="sweep_product_variants",
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
        sweep="sweep_inventory_levels",
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
        sweep="sweep_customers",
        bulk=True,
        columns=(
            col("email", "text", "defaultEmailAddress.emailAddress"),
            col("first_name", "text", "firstName"),
            col("last_name", "text", "lastName"),
            col("zip", "text", "defaultAddress.zip"),
            col("created_at", "timestamptz", "createdAt"),
            col("updated_at", "timestamptz", "updatedAt"),
        ),
    ),
    Stream(
        # The customer's address book (addressesV2: ``addresses`` is capped at 250 and deprecated).
        name="customer_addresses",
        path=("customers",),
        scope="read_customers",
        parent="customers",
        nested_in="addressesV2",
        bulk=True,
        node_types=("MailingAddress",),
        continuations=(Continuation("addressesV2", "customer_address_pages", ("customer", "addressesV2")),),
        page_size=100,
        extra_variables={"addressesFirst": 10},
        columns=(
            col("first_name", "text", "firstName"),
            col("last_name", "text", "lastName"),
            col("company", "text", "company"),
            col("address1", "text", "address1"),
            col("address2", "text", "address2"),
            col("city", "text", "city"),
            col("province_code", "text", "provinceCode"),
            col("zip", "text", "zip"),
            col("country_code", "text", "countryCodeV2"),
            col("phone", "text", "phone"),
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
        indexed=("customer_id",),
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
        bulk=True,
        node_types=("LineItem",),
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
        bulk=True,
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
        bulk=True,
        node_types=("ShippingLine",),
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
        name="order_tax_lines",
        bulk=True,
        path=("orders",),
        scope="read_orders",
        parent="orders",
        nested_in="taxLines",
        key=SyntheticKey(),
        page_size=100,
        columns=TAX_LINE_COLUMNS,
    ),
    Stream(
        name="order_line_tax_lines",
        bulk=True,
        path=("orders",),
        scope="read_orders",
        parent="orders",
        nested_in="lineItems.taxLines",
        key=SyntheticKey(),
        continuations=(LINE_ADJUSTMENT_PAGES,),
        page_size=50,
        extra_variables={"lineItemsFirst": 20},
        columns=(col("line_item_id", "text", "__parentId"), *TAX_LINE_COLUMNS),
    ),
    Stream(
        name="order_discount_applications",
        bulk=True,
        node_types=(
            "AutomaticDiscountApplication",
            "DiscountCodeApplication",
            "ManualDiscountApplication",
            "ScriptDiscountApplication",
        ),
        path=("orders",),
        scope="read_orders",
        parent="orders",
        nested_in="discountApplications",
        key=SyntheticKey(("index",)),  # Shopify's own identifier of an application within its order
        page_size=100,
        extra_variables={"discountApplicationsFirst": 20},
        columns=(
            col("index", "integer", "index"),
            col("application_type", "text", "__typename"),
            col("allocation_method", "text", "allocationMethod"),
            col("target_selection", "text", "targetSelection"),
            col("target_type", "text", "targetType"),
            col("code", "text", "code"),
            col("title", "text", "title"),
            col("value_percentage", "numeric", "value.percentage"),
            col("value_amount", "numeric", "value.amount"),
            col("value_currency_code", "text", "value.currencyCode"),
        ),
    ),
    Stream(
        name="order_line_discount_allocations",
        bulk=True,
        path=("orders",),
        scope="read_orders",
        parent="orders",
        nested_in="lineItems.discountAllocations",
        key=SyntheticKey(),
        continuations=(LINE_ADJUSTMENT_PAGES,),
        page_size=50,
        extra_variables={"lineItemsFirst": 20},
        columns=(
            col("line_item_id", "text", "__parentId"),
            col("discount_application_index", "integer", "discountApplication.index"),
            col("amount", "numeric", f"allocatedAmountSet.{MONEY}"),
            col("currency_code", "text", "allocatedAmountSet.shopMoney.currencyCode"),
        ),
    ),
    Stream(
        # RefundLineItem.id is nullable in every pinned schema, so the key is the refund and the
        # line's position (a refund never changes); Shopify's id, when it has one, is a column.
        name="order_refund_line_items",
        path=("orders",),
        scope="read_orders",
        parent="orders",
        nested_in="refunds.refundLineItems",
        key=SyntheticKey(),
        page_size=50,
        extra_variables={"refundLinesFirst": 50},
        columns=(
            col("refund_id", "text", "__parentId"),
            col("refund_line_item_id", "text", "id"),
            col("line_item_id", "text", "lineItem.id"),
            col("quantity", "integer", "quantity"),
            col("restock_type", "text", "restockType"),
            col("is_restocked", "boolean", "restocked"),
            col("location_id", "text", "location.id"),
            col("price", "numeric", f"priceSet.{MONEY}"),
            col("subtotal", "numeric", f"subtotalSet.{MONEY}"),
            col("total_tax", "numeric", f"totalTaxSet.{MONEY}"),
            col("currency_code", "text", "subtotalSet.shopMoney.currencyCode"),
        ),
    ),
    Stream(
        name="fulfillment_orders",
        path=("fulfillmentOrders",),
        scope="read_merchant_managed_fulfillment_orders",
        sweep="sweep_fulfillment_orders",
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
        name="discounts",
        path=("discountNodes",),
        scope="read_discounts",
        cursor_field="discount.updatedAt",  # DiscountNode has no timestamps; each Discount type has
        page_size=100,
        columns=(
            col("discount_type", "text", "discount.__typename"),
            col("title", "text", "discount.title"),
            col("status", "text", "discount.status"),
            col("summary", "text", "discount.summary"),
            col("discount_classes", "jsonb", "discount.discountClasses"),
            col("usage_count", "integer", "discount.asyncUsageCount"),
            col("usage_limit", "integer", "discount.usageLimit"),
            col("codes_count", "integer", "discount.codesCount.count"),
            col("starts_at", "timestamptz", "discount.startsAt"),
            col("ends_at", "timestamptz", "discount.endsAt"),
            col("created_at", "timestamptz", "discount.createdAt"),
            col("updated_at", "timestamptz", "discount.updatedAt"),
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
