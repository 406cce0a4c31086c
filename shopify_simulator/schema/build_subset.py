"""Derive the schema subset the simulator serves from Shopify's real Admin SDL.

Run by hand when the allowlist changes or a new API version is captured::

    python -m shopify_simulator.schema.build_subset --shared ../shared/shopify-admin-schema

Working on the AST (not on a built schema) keeps every type, field, argument,
default value and directive exactly as Shopify wrote it; only descriptions are
dropped, because the carried file should hold facts, not prose.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Iterable
from pathlib import Path

from graphql import (
    DirectiveDefinitionNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    FieldDefinitionNode,
    InputValueDefinitionNode,
    ListTypeNode,
    NonNullTypeNode,
    ScalarTypeDefinitionNode,
    SchemaDefinitionNode,
    TypeNode,
    UnionTypeDefinitionNode,
    assert_valid_schema,
    build_ast_schema,
    parse,
    print_ast,
)

from shopify_simulator.schema.versions import CAPTURED_SCHEMAS  # noqa: E402

HERE = Path(__file__).resolve().parent
DEFAULT_OUTPUT = HERE / "admin-2026-07.graphql"
BUILTIN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})

QUERY_FIELDS = frozenset(
    {
        "shop",
        "locations",
        "location",
        "products",
        "product",
        "productVariants",
        "productVariant",
        "inventoryItems",
        "inventoryItem",
        "inventoryLevel",
        "customers",
        "customer",
        "orders",
        "order",
        "ordersCount",
        "productsCount",
        "currentAppInstallation",
        # orders domain
        "fulfillmentOrders",
        "fulfillmentOrder",
        "fulfillment",
        "draftOrders",
        "draftOrder",
        "draftOrdersCount",
        "customersCount",
        "productVariantsCount",
        "locationsCount",
        "discountNodes",
        "discountNodesCount",
        "events",
        "event",
        "eventsCount",
    }
)
MUTATION_FIELDS = frozenset(
    {
        "inventorySetQuantities",
        # orders domain
        "fulfillmentCreate",
        "fulfillmentTrackingInfoUpdate",
        "orderCancel",
        "orderClose",
        "orderOpen",
        "tagsAdd",
        "tagsRemove",
    }
)
OBJECT_TYPES = frozenset(
    {
        "QueryRoot",
        "Mutation",
        "PageInfo",
        "Count",
        "Shop",
        "ShopPlan",
        "AppInstallation",
        "AccessScope",
        "Location",
        "LocationAddress",
        "LocationConnection",
        "LocationEdge",
        "InventoryItem",
        "InventoryItemConnection",
        "InventoryItemEdge",
        "InventoryLevel",
        "InventoryLevelConnection",
        "InventoryLevelEdge",
        "InventoryQuantity",
        "Product",
        "ProductConnection",
        "ProductEdge",
        "ProductVariant",
        "ProductVariantConnection",
        "ProductVariantEdge",
        "Customer",
        "CustomerConnection",
        "CustomerEdge",
        "CustomerEmailAddress",
        "CustomerPhoneNumber",
        "MailingAddress",
        "MailingAddressConnection",
        "MailingAddressEdge",
        "Order",
        "OrderConnection",
        "OrderEdge",
        "LineItem",
        "LineItemConnection",
        "LineItemEdge",
        "MoneyBag",
        "MoneyV2",
        "InventorySetQuantitiesPayload",
        "InventorySetQuantitiesUserError",
        "InventoryAdjustmentGroup",
        "InventoryChange",
    }
    | frozenset(
        # Orders domain; unions and interfaces are listed too. DiscountAutomaticBxgy is carried
        # without its `Node` interface (EXCLUDED_IMPLEMENTS).
        {
            "ShippingLine",
            "ShippingLineConnection",
            "ShippingLineEdge",
            "TaxLine",
            "DiscountApplication",
            "DiscountApplicationConnection",
            "DiscountApplicationEdge",
            "DiscountCodeApplication",
            "ManualDiscountApplication",
            "AutomaticDiscountApplication",
            "ScriptDiscountApplication",
            "PricingValue",
            "PricingPercentageValue",
            "DiscountAllocation",
            "OrderTransaction",
            "Refund",
            "RefundLineItem",
            "RefundLineItemConnection",
            "RefundLineItemEdge",
            "Fulfillment",
            "FulfillmentConnection",
            "FulfillmentEdge",
            "FulfillmentTrackingInfo",
            "FulfillmentLineItem",
            "FulfillmentLineItemConnection",
            "FulfillmentLineItemEdge",
            "FulfillmentOrder",
            "FulfillmentOrderConnection",
            "FulfillmentOrderEdge",
            "FulfillmentOrderLineItem",
            "FulfillmentOrderLineItemConnection",
            "FulfillmentOrderLineItemEdge",
            "FulfillmentHold",
            "FulfillmentOrderSupportedAction",
            "FulfillmentOrderAssignedLocation",
            "DraftOrder",
            "DraftOrderConnection",
            "DraftOrderEdge",
            "DraftOrderLineItem",
            "DraftOrderLineItemConnection",
            "DraftOrderLineItemEdge",
            "DiscountNode",
            "DiscountNodeConnection",
            "DiscountNodeEdge",
            "Discount",
            "DiscountCodeBasic",
            "DiscountCodeBxgy",
            "DiscountCodeFreeShipping",
            "DiscountCodeApp",
            "DiscountAutomaticBasic",
            "DiscountAutomaticBxgy",
            "DiscountAutomaticFreeShipping",
            "DiscountAutomaticApp",
            "BasicEvent",
            "EventConnection",
            "EventEdge",
            "FulfillmentCreatePayload",
            "FulfillmentTrackingInfoUpdatePayload",
            "OrderCancelPayload",
            "OrderCancelUserError",
            "OrderClosePayload",
            "OrderOpenPayload",
            "TagsAddPayload",
            "TagsRemovePayload",
            "Job",
            "UserError",
        }  # fmt: skip
    )
)
INPUT_TYPES = frozenset(
    {
        "InventorySetQuantitiesInput",
        "InventoryQuantityInput",
        # orders domain
        "FulfillmentInput",
        "FulfillmentOrderLineItemsInput",
        "FulfillmentOrderLineItemInput",
        "FulfillmentTrackingInput",
        "FulfillmentOriginAddressInput",
        "OrderCancelRefundMethodInput",
        "OrderCancelStoreCreditRefundInput",
        "OrderCloseInput",
        "OrderOpenInput",
    }
)
DIRECTIVES = frozenset({"idempotent"})
# Webhook subscriptions (webhooks/) and inventoryAdjustQuantities (mutations/inventory_adjust.py).
QUERY_FIELDS = QUERY_FIELDS | {"webhookSubscription", "webhookSubscriptions", "webhookSubscriptionsCount"}
MUTATION_FIELDS = MUTATION_FIELDS | {
    "webhookSubscriptionCreate",
    "webhookSubscriptionUpdate",
    "webhookSubscriptionDelete",
    "inventoryAdjustQuantities",
}
OBJECT_TYPES = OBJECT_TYPES | {
    "WebhookSubscription", "WebhookSubscriptionConnection", "WebhookSubscriptionEdge",
    "WebhookSubscriptionCreatePayload", "WebhookSubscriptionUpdatePayload", "WebhookSubscriptionDeletePayload",
    "WebhookSubscriptionEndpoint", "WebhookHttpEndpoint", "WebhookEventBridgeEndpoint", "WebhookPubSubEndpoint",
    "WebhookSubscriptionMetafieldIdentifier", "ApiVersion", "UserError",
    "InventoryAdjustQuantitiesPayload", "InventoryAdjustQuantitiesUserError",
}  # fmt: skip
INPUT_TYPES = INPUT_TYPES | {
    "WebhookSubscriptionInput",
    "HasMetafieldsMetafieldIdentifierInput",
    "InventoryAdjustQuantitiesInput",
    "InventoryChangeInput",
}
# Bulk operations (bulk/): run, cancel and the poll fields; `node` resolves BulkOperation ids.
QUERY_FIELDS = QUERY_FIELDS | {"currentBulkOperation", "bulkOperation", "bulkOperations", "node"}
MUTATION_FIELDS = MUTATION_FIELDS | {"bulkOperationRunQuery", "bulkOperationCancel"}
OBJECT_TYPES = OBJECT_TYPES | {
    "BulkOperation", "BulkOperationConnection", "BulkOperationEdge", "BulkOperationRunQueryPayload",
    "BulkOperationCancelPayload", "BulkOperationUserError", "UserError",
}  # fmt: skip
# Product and customer writes (mutations/products.py, mutations/customers.py). Their input
# types pull in every input type they reference (INPUT_ROOTS, closed over in `Subset`).
MUTATION_FIELDS = MUTATION_FIELDS | {
    "productSet", "productDelete", "customerSet", "customerCreate", "customerUpdate", "customerDelete",
}  # fmt: skip
OBJECT_TYPES = OBJECT_TYPES | {
    "ProductSetPayload", "ProductSetUserError", "ProductDeletePayload", "ProductOption", "ProductOptionValue",
    "SelectedOption", "CustomerSetPayload", "CustomerSetUserError", "CustomerCreatePayload", "CustomerUpdatePayload",
    "CustomerDeletePayload", "UserError",
}  # fmt: skip
INPUT_ROOTS = frozenset(
    {"ProductSetInput", "ProductSetIdentifiers", "ProductDeleteInput", "CustomerSetInput", "CustomerSetIdentifiers",
     "CustomerInput", "CustomerDeleteInput"}
)  # fmt: skip
# The real SDL breaks the spec here: Customer.hasTimelineComment is deprecated while
# CommentEventSubject.hasTimelineComment is not, which graphql-core's schema validation
# rejects. The simulator serves no timeline comments, so the interface is left out.
EXCLUDED_INTERFACES = frozenset({"CommentEventSubject"})
# Likewise DiscountAutomaticBxgy deprecates its `id` while Node.id is not deprecated: the type is
# carried (discountNodes returns it) without claiming Node; its id is a DiscountAutomaticNode's.
EXCLUDED_IMPLEMENTS: dict[str, frozenset[str]] = {"DiscountAutomaticBxgy": frozenset({"Node"})}
ROOT_FIELDS = {"QueryRoot": QUERY_FIELDS, "Mutation": MUTATION_FIELDS}


def named_type(node: TypeNode) -> str:
    """Unwrap list/non-null wrappers down to the type name."""
    while isinstance(node, NonNullTypeNode | ListTypeNode):
        node = node.type
    return node.name.value


class Subset:
    """Decides which definitions of the full document survive."""

    def __init__(self, document: DocumentNode) -> None:
        self.defs = {d.name.value: d for d in document.definitions if hasattr(d, "name") and d.name}
        # Older versions lack some allowlisted names: serve what the version has.
        self.objects = {n for n in OBJECT_TYPES if n in self.defs}
        self.leaf = {
            name for name, d in self.defs.items() if isinstance(d, ScalarTypeDefinitionNode | EnumTypeDefinitionNode)
        } | BUILTIN_SCALARS
        self.inputs = {n for n in INPUT_TYPES if n in self.defs} | self._input_closure(INPUT_ROOTS)
        self.interfaces = self._implemented_interfaces()
        self.outputs = self.objects | self.interfaces

    def _input_closure(self, roots: Iterable[str]) -> set[str]:
        """The input types reachable from `roots` (an input type is kept whole, so all it names must be too)."""
        found: set[str] = set()
        pending = [n for n in roots if n in self.defs]
        while pending:
            name = pending.pop()
            if name in found:
                continue
            found.add(name)
            for field in self.defs[name].fields or ():
                ref = named_type(field.type)
                if ref not in self.leaf and ref in self.defs:
                    pending.append(ref)
        return found

    def _implemented_interfaces(self) -> set[str]:
        """Interfaces of kept objects that still have a field once filtered.

        An interface whose every field is filtered out cannot be expressed in SDL,
        so it is dropped together with the `implements` clauses naming it.
        """
        found: set[str] = set()
        for name in self.objects:
            found.update(i.name.value for i in getattr(self.defs[name], "interfaces", None) or ())
        self.outputs = self.objects | found
        found -= EXCLUDED_INTERFACES
        return {name for name in found if any(self.keep_field(name, f) for f in self.defs[name].fields)}

    def _arg_ok(self, arg: InputValueDefinitionNode) -> bool:
        name = named_type(arg.type)
        return name in self.leaf or name in self.inputs

    def keep_field(self, owner: str, field: FieldDefinitionNode) -> bool:
        if owner in ROOT_FIELDS and field.name.value not in ROOT_FIELDS[owner]:
            return False
        result = named_type(field.type)
        if result not in self.leaf and result not in self.outputs:
            return False
        return all(self._arg_ok(a) for a in field.arguments or ())

    def referenced_leaves(self, kept: Iterable[object]) -> set[str]:
        names: set[str] = set()
        for node in kept:
            for field in getattr(node, "fields", None) or ():
                names.add(named_type(field.type))
                names.update(named_type(a.type) for a in getattr(field, "arguments", None) or ())
            names.update(named_type(a.type) for a in getattr(node, "arguments", None) or ())
        return {n for n in names if n in self.leaf and n not in BUILTIN_SCALARS}


def strip(node: object) -> object:
    """Return a copy of an AST node with every description removed, recursively."""
    if isinstance(node, list | tuple):
        return type(node)(strip(n) for n in node)
    if not hasattr(node, "keys"):
        return node
    changes = {key: None if key == "description" else strip(getattr(node, key)) for key in node.keys if key != "loc"}
    return dataclasses.replace(node, **changes)


def build(document: DocumentNode) -> DocumentNode:
    """Filter the full SDL document down to the served subset."""
    subset = Subset(document)
    kept: list[object] = []
    for name in sorted(subset.outputs):
        node = subset.defs[name]
        if isinstance(node, UnionTypeDefinitionNode):  # members not served are left out
            members = tuple(t for t in node.types if t.name.value in subset.outputs)
            kept.append(dataclasses.replace(node, types=members))
            continue
        fields = tuple(f for f in node.fields if subset.keep_field(name, f))
        dropped = EXCLUDED_IMPLEMENTS.get(name, frozenset())
        interfaces = tuple(
            i for i in node.interfaces or () if i.name.value in subset.interfaces and i.name.value not in dropped
        )
        kept.append(dataclasses.replace(node, fields=fields, interfaces=interfaces))
    kept.extend(subset.defs[name] for name in sorted(subset.inputs))
    directives = [
        d for d in document.definitions if isinstance(d, DirectiveDefinitionNode) and d.name.value in DIRECTIVES
    ]
    leaves = subset.referenced_leaves(kept + directives)
    schema = [d for d in document.definitions if isinstance(d, SchemaDefinitionNode)]
    ordered = schema + directives + [subset.defs[n] for n in sorted(leaves)] + kept
    ordered.sort(key=_sort_key)
    return DocumentNode(definitions=tuple(strip(d) for d in ordered))


def _sort_key(node: object) -> tuple[int, str]:
    if isinstance(node, SchemaDefinitionNode):
        return (0, "")
    if isinstance(node, DirectiveDefinitionNode):
        return (1, node.name.value)
    return (2, node.name.value)


HEADER = (
    "# Shopify Admin GraphQL {version} -- subset served by shopify_simulator.\n"
    "# Generated by `python -m shopify_simulator.schema.build_subset` from the real SDL;\n"
    "# descriptions stripped. Do not hand-edit: change the allowlist and regenerate.\n\n"
)


def write_subset(source: Path, output: Path, version: str) -> None:
    document = build(parse(source.read_text(), no_location=True))
    text = HEADER.format(version=version) + print_ast(document) + "\n"
    assert_valid_schema(build_ast_schema(parse(text)))  # fails loudly if the subset is inconsistent
    output.write_text(text)
    print(f"wrote {output} ({len(text)} bytes, {len(document.definitions)} definitions)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="one full admin-schema.graphql (writes --output)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--shared", type=Path, help="shared/shopify-admin-schema: rebuild every captured version")
    args = parser.parse_args(argv)
    if args.shared:
        for version in CAPTURED_SCHEMAS:
            write_subset(args.shared / version / "admin-schema.graphql", HERE / f"admin-{version}.graphql", version)
    elif args.source:
        write_subset(args.source, args.output, args.source.parent.name)
    else:
        parser.error("give --shared DIR or --source FILE")
    return 0


if __name__ == "__main__":
    sys.exit(main())
