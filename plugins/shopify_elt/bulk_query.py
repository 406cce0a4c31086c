"""Render a stream's bulk query from the same documents the paginated reads use.

A backfill must land exactly the rows an hourly run would, so its bulk query is not written
by hand: it is the stream's own document (and those of its children that bulk can carry),
rewritten to Shopify's bulk rules — connections select ``edges { node }``, no page sizes or
``pageInfo``, no variables — over a ``created_at`` window sorted by creation, so that a
failed job's partial file is a prefix of the window that can be kept.

Bulk cannot carry a connection inside a list (``Order.refunds[].refundLineItems``); such
children keep ``bulk=False`` in the registry and are read page by page for the same window.
"""

from __future__ import annotations

from graphql import (
    ArgumentNode,
    DocumentNode,
    EnumValueNode,
    FieldNode,
    FragmentDefinitionNode,
    NameNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    StringValueNode,
    VariableNode,
    parse,
    print_ast,
)

from shopify_elt.streams import STREAMS, Stream

PAGING_ARGUMENTS = frozenset({"first", "last", "after", "before"})
TYPENAME = "__typename"


def bulk_children(stream: Stream) -> tuple[Stream, ...]:
    """Children of ``stream`` that ride in its bulk file: the embedded ones and the bulk-capable nested ones."""
    return tuple(
        s for s in STREAMS if s.parent == stream.name and (s.embedded_as is not None or (s.nested_in and s.bulk))
    )


def paged_children(stream: Stream) -> tuple[Stream, ...]:
    """Children of ``stream`` that bulk cannot carry: read page by page over the same window."""
    return tuple(s for s in STREAMS if s.parent == stream.name and s.nested_in and not s.bulk)


def paged_heads(stream: Stream) -> tuple[str, ...]:
    """The plain lists holding paged children (``refunds``, ``fulfillments``). The bulk query
    selects each as ``{ __typename }`` only, so the file says which records have any: the
    paged reads then ask for those records alone instead of the whole window. (A connection
    cannot be selected that cheaply in bulk; children under one are read for the whole window.)"""
    heads = []
    for child in paged_children(stream):
        head = child.nested_path[0]
        field = next(s for s in _nodes(_root_field(parse(child.document))[0]).selections if _name(s) == head)
        if not any(_name(s) == "nodes" for s in field.selection_set.selections):  # a list, not a connection
            heads.append(head)
    return tuple(dict.fromkeys(heads))


def render(stream: Stream, search: str, sort_key: str = "CREATED_AT") -> str:
    """The bulk query of ``stream`` and its bulk children for the records matching ``search``."""
    if not stream.bulk or stream.parent is not None or len(stream.path) != 1:
        raise ValueError(f"{stream.name} is not a top-level bulk stream")
    root, fragments = _root_field(parse(stream.document))
    node = _nodes(root)
    selections = list(node.selections)
    for child in bulk_children(stream):
        if child.nested_in is None:
            continue  # embedded children are already in the stream's own document
        child_root, child_fragments = _root_field(parse(child.document))
        head = child.nested_path[0]
        selections = _merge(selections, [s for s in _nodes(child_root).selections if _name(s) == head])
        fragments.update(child_fragments)
    typename = FieldNode(name=NameNode(value=TYPENAME), arguments=(), directives=())
    markers = [
        FieldNode(
            name=NameNode(value=head),
            arguments=(),
            directives=(),
            selection_set=SelectionSetNode(selections=(typename,)),
        )
        for head in paged_heads(stream)
    ]
    selections = _merge(selections, markers)
    arguments = [a for a in root.arguments if a.name.value not in PAGING_ARGUMENTS | {"query", "sortKey"}]
    arguments += [
        ArgumentNode(name=NameNode(value="query"), value=StringValueNode(value=search)),
        ArgumentNode(name=NameNode(value="sortKey"), value=EnumValueNode(value=sort_key)),
    ]
    bulk_root = FieldNode(
        name=root.name,
        arguments=tuple(arguments),
        directives=(),
        selection_set=_edges(SelectionSetNode(selections=tuple(_rewrite(s) for s in selections))),
    )
    operation = OperationDefinitionNode(
        operation=OperationType.QUERY,
        variable_definitions=(),
        directives=(),
        selection_set=SelectionSetNode(selections=(bulk_root,)),
    )
    rewritten = [
        FragmentDefinitionNode(
            name=f.name,
            type_condition=f.type_condition,
            directives=(),
            variable_definitions=None,
            selection_set=SelectionSetNode(selections=tuple(_rewrite(s) for s in f.selection_set.selections)),
        )
        for f in fragments.values()
    ]
    text = print_ast(DocumentNode(definitions=(operation, *rewritten)))
    if "$" in text:
        raise ValueError(f"{stream.name}: the bulk query still uses a variable: {text}")
    return text


def _root_field(document: DocumentNode) -> tuple[FieldNode, dict[str, FragmentDefinitionNode]]:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    (root,) = operations[0].selection_set.selections
    assert isinstance(root, FieldNode)
    return root, fragments


def _name(selection: object) -> str | None:
    return selection.name.value if isinstance(selection, FieldNode) else None


def _merge(base: list, additions: list) -> list:
    """``base`` with ``additions`` folded in: a field both select (``lineItems`` of the order and
    of its line tax lines) is selected once, with the union of what each selects under it."""
    merged = list(base)
    for addition in additions:
        at = next((i for i, s in enumerate(merged) if _key(s) is not None and _key(s) == _key(addition)), None)
        if at is None:
            merged.append(addition)
            continue
        present = merged[at]
        if present.selection_set is None or addition.selection_set is None:
            continue
        inner = _merge(list(present.selection_set.selections), list(addition.selection_set.selections))
        merged[at] = FieldNode(
            alias=present.alias,
            name=present.name,
            arguments=present.arguments,
            directives=present.directives,
            selection_set=SelectionSetNode(selections=tuple(inner)),
        )
    return merged


def _key(selection: object) -> str | None:
    """The response key of a field (its alias, else its name)."""
    if not isinstance(selection, FieldNode):
        return None
    return (selection.alias or selection.name).value


def _nodes(connection: FieldNode) -> SelectionSetNode:
    """The selection under a paginated connection's ``nodes``."""
    for selection in connection.selection_set.selections:
        if _name(selection) == "nodes":
            return selection.selection_set
    raise ValueError(f"{connection.name.value} selects no nodes")


def _edges(node_selection: SelectionSetNode) -> SelectionSetNode:
    """``edges { node { __typename … } }``: the type name routes each JSONL line to its stream."""
    typename = FieldNode(name=NameNode(value=TYPENAME), arguments=(), directives=())
    node = FieldNode(
        name=NameNode(value="node"),
        arguments=(),
        directives=(),
        selection_set=SelectionSetNode(selections=(typename, *node_selection.selections)),
    )
    edges = FieldNode(
        name=NameNode(value="edges"), arguments=(), directives=(), selection_set=SelectionSetNode(selections=(node,))
    )
    return SelectionSetNode(selections=(edges,))


def _rewrite(selection):  # noqa: ANN001, ANN202 - any selection node
    """Connections to ``edges { node }`` without page arguments; everything else as it is."""
    if not isinstance(selection, FieldNode) or selection.selection_set is None:
        return selection
    inner = selection.selection_set.selections
    if any(_name(s) == "nodes" for s in inner):
        arguments = tuple(
            a
            for a in selection.arguments
            if a.name.value not in PAGING_ARGUMENTS and not isinstance(a.value, VariableNode)
        )
        rewritten = SelectionSetNode(selections=tuple(_rewrite(s) for s in _nodes(selection).selections))
        return FieldNode(
            alias=selection.alias,
            name=selection.name,
            arguments=arguments,
            directives=selection.directives,
            selection_set=_edges(rewritten),
        )
    return FieldNode(
        alias=selection.alias,
        name=selection.name,
        arguments=selection.arguments,
        directives=selection.directives,
        selection_set=SelectionSetNode(selections=tuple(_rewrite(s) for s in inner)),
    )
