"""``customerSet``, ``customerCreate``, ``customerUpdate`` and ``customerDelete``.

customerSet (SDL 2025-10 … 2026-07, identical) creates a customer without ``identifier``, updates
the one named by ``identifier.id`` (or the deprecated ``input.id``), and upserts by
``identifier.email``/``phone``, whose value must also be in the input (MISSING_FIELD_REQUIRED,
INPUT_MISMATCH). Only the fields given change; ``addresses`` replaces the list (the simulator
keeps one address per customer: the first). Errors are ``CustomerSetUserError`` with the SDL's
codes; customerCreate/Update/Delete answer plain ``UserError``s (field, message) as their SDL
payloads declare. customerDelete refuses customers with orders (SDL description).

Wordings: "Email has already been taken", "Phone has already been taken", "Email is invalid" are
Shopify's customer model-validation messages as commonly reported; the identifier messages are
the SDL's code descriptions; the rest is marked as a guess below. None is captured.
"""

from __future__ import annotations

import re
from typing import Any

from graphql import GraphQLResolveInfo

from shopify_simulator import control_catalog
from shopify_simulator.formatting import parse_gid
from shopify_simulator.store import Address, Customer, Store

Info = GraphQLResolveInfo
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9 ()\-.]{7,20}$")
TAKEN_EMAIL = "Email has already been taken"
TAKEN_PHONE = "Phone has already been taken"
BAD_EMAIL = "Email is invalid"
BAD_PHONE = "Phone is invalid"  # guess
NOTHING = "A name, phone number, or email address must be present"  # guess
NOT_FOUND = "Resource matching the identifier was not found."  # SDL description of NOT_FOUND
NO_CUSTOMER = "Customer does not exist"  # guess
HAS_ORDERS = "Customer can't be deleted because they have associated orders"  # guess


def resolve_customer_set(
    _root: Any, info: Info, input: dict[str, Any], identifier: dict[str, Any] | None = None
) -> dict[str, Any]:
    store: Store = info.context.store
    with store.lock:
        customer, errors = _target(store, input, identifier or {})
        if not errors:
            errors = [{**e, "field": ["input", *e["field"]]} for e in _validate(store, input, customer)]
        if errors:
            return {"customer": None, "userErrors": errors}
        return {"customer": _write(store, input, customer), "userErrors": []}


def _error(field: list[str], code: str, message: str) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code}


def _target(
    store: Store, input: dict[str, Any], identifier: dict[str, Any]
) -> tuple[Customer | None, list[dict[str, Any]]]:
    if identifier and input.get("id") is not None:
        message = "The id field is not allowed if identifier is provided."
        return None, [_error(["input", "id"], "ID_NOT_ALLOWED", message)]
    if identifier.get("id") is not None or input.get("id") is not None:
        path = ["identifier", "id"] if identifier else ["input", "id"]
        found = store.customers.get(parse_gid(identifier.get("id") or input.get("id"), "Customer") or -1)
        return (found, []) if found else (None, [_error(path, "NOT_FOUND", NOT_FOUND)])
    for key in ("email", "phone"):
        if identifier.get(key) is None:
            continue
        if input.get(key) is None:
            message = "The input field corresponding to the identifier is required."
            return None, [_error(["input", key], "MISSING_FIELD_REQUIRED", message)]
        if _norm(key, input[key]) != _norm(key, identifier[key]):
            message = "The identifier value does not match the value of the corresponding field in the input."
            return None, [_error(["input", key], "INPUT_MISMATCH", message)]
        return _by(store, key, identifier[key]), []
    if identifier.get("customId") is not None:  # metafields are not modelled: nothing ever matches
        return None, [_error(["identifier", "customId"], "NOT_FOUND", NOT_FOUND)]
    return None, []


def _norm(key: str, value: str) -> str:
    return value.strip().lower() if key == "email" else re.sub(r"[^0-9+]", "", value)


def _by(store: Store, key: str, value: str) -> Customer | None:
    wanted = _norm(key, value)
    matches = (c for c in store.customers.values() if getattr(c, key) and _norm(key, getattr(c, key)) == wanted)
    return next(matches, None)


def _validate(store: Store, input: dict[str, Any], customer: Customer | None) -> list[dict[str, Any]]:
    """Model validation, with paths relative to the input (``["email"]``) and CustomerSetUserErrorCodes."""
    errors: list[dict[str, Any]] = []
    email, phone = input.get("email"), input.get("phone")
    if email:
        if not EMAIL.match(email):
            errors.append(_error(["email"], "INVALID", BAD_EMAIL))
        elif (other := _by(store, "email", email)) is not None and other is not customer:
            errors.append(_error(["email"], "TAKEN", TAKEN_EMAIL))
    if phone:
        if not PHONE.match(phone):
            errors.append(_error(["phone"], "INVALID", BAD_PHONE))
        elif (other := _by(store, "phone", phone)) is not None and other is not customer:
            errors.append(_error(["phone"], "TAKEN", TAKEN_PHONE))
    if customer is None and not any(input.get(k) for k in ("email", "phone", "firstName", "lastName")):
        errors.append(_error([], "BLANK", NOTHING))
    return errors


def _write(store: Store, input: dict[str, Any], customer: Customer | None) -> Customer:
    """Create or update through the control plane's store functions (they publish customers/*)."""
    request = {
        target: input[source]
        for source, target in (("firstName", "first_name"), ("lastName", "last_name"), ("email", "email"),
                               ("phone", "phone"), ("tags", "tags"))
        if source in input
    }  # fmt: skip
    for key in ("first_name", "last_name"):
        if key in request and request[key] is None:
            request[key] = ""
    if customer is None:
        created = control_catalog.create_customer(store, request)
        customer = store.customers[parse_gid(created["id"], "Customer") or -1]
        if input.get("addresses"):
            _set_addresses(store, customer, input["addresses"])
            store.invalidate("customers")
        return customer
    if "addresses" in input:
        _set_addresses(store, customer, input["addresses"] or [])
    control_catalog.update_customer(store, customer.id, request)
    return customer


def _set_addresses(store: Store, customer: Customer, given: list[dict[str, Any]]) -> None:
    """``addresses`` replaces the address book; the first becomes the default."""
    book = [_address(store, a, customer) for a in given]
    customer.address, customer.other_addresses = (book[0] if book else None), book[1:]


def _address(store: Store, given: dict[str, Any], customer: Customer) -> Address:
    country = given.get("countryCode") or given.get("country") or ""
    return Address(
        store.next_id(), given.get("firstName", customer.first_name), given.get("lastName", customer.last_name),
        given.get("company"), given.get("address1") or "", given.get("address2"), given.get("city") or "",
        given.get("province") or given.get("provinceCode"), given.get("provinceCode"), given.get("zip") or "",
        str(country), str(country), given.get("phone"), "CustomerAddress",
    )  # fmt: skip


def _plain(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``UserError`` has no code; customerCreate/Update paths are the input's (``["email"]``)."""
    return [{"field": e["field"] or None, "message": e["message"]} for e in errors]


def resolve_customer_create(_root: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    store: Store = info.context.store
    with store.lock:
        errors = _validate(store, input, None)
        if errors:
            return {"customer": None, "userErrors": _plain(errors)}
        return {"customer": _write(store, {k: v for k, v in input.items() if k != "id"}, None), "userErrors": []}


def resolve_customer_update(_root: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    store: Store = info.context.store
    with store.lock:
        customer = store.customers.get(parse_gid(input.get("id"), "Customer") or -1)
        if customer is None:
            return {"customer": None, "userErrors": [{"field": ["id"], "message": NO_CUSTOMER}]}
        errors = _validate(store, input, customer)
        if errors:
            return {"customer": None, "userErrors": _plain(errors)}
        return {"customer": _write(store, input, customer), "userErrors": []}


def resolve_customer_delete(_root: Any, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    store: Store = info.context.store
    with store.lock:
        number = parse_gid(input["id"], "Customer")
        customer = store.customers.get(number or -1)
        if customer is None or number is None:
            errors = [{"field": ["id"], "message": NO_CUSTOMER}]
        elif len(customer.order_ids):
            errors = [{"field": ["id"], "message": HAS_ORDERS}]
        else:
            deleted = control_catalog.delete_customer(store, number)  # destroy event, customers/delete
            return {"deletedCustomerId": deleted["deletedCustomerId"], "shop": store.shop, "userErrors": []}
        return {"deletedCustomerId": None, "shop": store.shop, "userErrors": errors}
