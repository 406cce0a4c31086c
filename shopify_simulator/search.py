"""Shopify's search syntax for the ``query:`` argument of connections.

Supported: ``field:value`` terms, comparators ``:>``, ``:>=``, ``:<``, ``:<=``,
quoted values (``'…'`` / ``"…"``), implicit or explicit ``AND``, ``OR``, negation
(``-field:value`` or ``NOT``), parentheses. Fields a resource does not know, and
bare words, are ignored as Shopify ignores them: they never cause an error and
never filter anything out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

Matcher = Callable[[object, str, str], bool]  # (record, operator, value) -> matches
_TERM = re.compile(r"^(?P<neg>-)?(?P<field>[A-Za-z_][A-Za-z0-9_.]*):(?P<op><=|>=|<|>|=)?(?P<value>.*)$")


class Node:
    """A parsed search expression."""

    known = True

    def matches(self, record: object) -> bool:
        raise NotImplementedError


@dataclass
class Term(Node):
    matcher: Matcher | None
    op: str
    value: str
    field: str = ""  # lower-cased field name (lets callers narrow a sorted walk by it)

    @property
    def known(self) -> bool:  # type: ignore[override]
        return self.matcher is not None

    def matches(self, record: object) -> bool:
        return True if self.matcher is None else self.matcher(record, self.op, self.value)


@dataclass
class Not(Node):
    inner: Node

    def matches(self, record: object) -> bool:
        return True if not self.inner.known else not self.inner.matches(record)


@dataclass
class And(Node):
    parts: list[Node]

    def matches(self, record: object) -> bool:
        return all(p.matches(record) for p in self.parts)


@dataclass
class Or(Node):
    parts: list[Node]

    def matches(self, record: object) -> bool:
        known = [p for p in self.parts if p.known]
        return not known or any(p.matches(record) for p in known)


def tokenize(text: str) -> list[str]:
    """Split on whitespace and parentheses, keeping quoted values whole."""
    tokens: list[str] = []
    current: list[str] = []
    quote: str | None = None
    for char in text:
        if quote:
            current.append(char)
            quote = None if char == quote else quote
        elif char in "'\"":
            current.append(char)
            quote = char
        elif char.isspace() or char in "()":
            if current:
                tokens.append("".join(current))
                current = []
            if char in "()":
                tokens.append(char)
        else:
            current.append(char)
    if current:
        tokens.append("".join(current))
    return tokens


class Parser:
    """Recursive descent: or := and (OR and)* ; and := unary (AND? unary)*."""

    def __init__(self, tokens: list[str], fields: dict[str, Matcher]) -> None:
        self.tokens, self.pos, self.fields = tokens, 0, fields

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        self.pos += 1
        return self.tokens[self.pos - 1]

    def parse_or(self) -> Node:
        parts = [self.parse_and()]
        while self.peek() == "OR":
            self.take()
            parts.append(self.parse_and())
        return parts[0] if len(parts) == 1 else Or(parts)

    def parse_and(self) -> Node:
        parts = [self.parse_unary()]
        while self.peek() not in (None, ")", "OR"):
            if self.peek() == "AND":
                self.take()
                continue
            parts.append(self.parse_unary())
        return parts[0] if len(parts) == 1 else And(parts)

    def parse_unary(self) -> Node:
        token = self.peek()
        if token is None:
            return Term(None, "", "")
        if token == "NOT":
            self.take()
            return Not(self.parse_unary())
        if token == "(":
            self.take()
            inner = self.parse_or()
            if self.peek() == ")":
                self.take()
            return inner
        self.take()
        return self.term(token)

    def term(self, token: str) -> Node:
        match = _TERM.match(token)
        if match is None:
            negated = token.startswith("-")
            node: Node = Term(None, "", token)  # bare word: default search, ignored
            return Not(node) if negated else node
        name = match["field"].lower()
        node = Term(self.fields.get(name), match["op"] or "=", unquote(match["value"]), name)
        return Not(node) if match["neg"] else node


def unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def parse(query: str | None, fields: dict[str, Matcher]) -> Node | None:
    """Parsed expression, or None when there is nothing to filter on."""
    if not query or not query.strip():
        return None
    return Parser(tokenize(query), fields).parse_or()


# --- matcher builders ---------------------------------------------------------------

_OPS: dict[str, Callable[[object, object], bool]] = {
    "=": lambda a, b: a == b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


def parse_time(value: str) -> int | None:
    """Epoch seconds of a search timestamp (ISO-8601 date or date-time; UTC if naive)."""
    text = value.strip().replace("Z", "+00:00").replace("z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def timestamp(getter: Callable[[object], int | None]) -> Matcher:
    def match(record: object, op: str, value: str) -> bool:
        wanted, actual = parse_time(value), getter(record)
        return wanted is not None and actual is not None and _OPS[op](actual, wanted)

    return match


def number(getter: Callable[[object], Iterable[int] | int | None]) -> Matcher:
    def match(record: object, op: str, value: str) -> bool:
        digits = value.rsplit("/", 1)[-1]
        if not digits.isdigit():
            return False
        actual = getter(record)
        values = actual if isinstance(actual, list | tuple | set) else (actual,)
        return any(v is not None and _OPS[op](v, int(digits)) for v in values)

    return match


def text(getter: Callable[[object], Iterable[str | None] | str | None]) -> Matcher:
    """Case-insensitive equality; a trailing ``*`` is a prefix match."""

    def match(record: object, op: str, value: str) -> bool:
        actual = getter(record)
        values = actual if isinstance(actual, list | tuple | set) else (actual,)
        wanted = value.lower()
        for v in values:
            if v is None:
                continue
            if wanted.endswith("*") and v.lower().startswith(wanted[:-1]):
                return True
            if v.lower() == wanted:
                return True
        return False

    return match


def boolean(getter: Callable[[object], bool]) -> Matcher:
    def match(record: object, op: str, value: str) -> bool:
        return getter(record) == (value.lower() == "true")

    return match
