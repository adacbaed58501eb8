"""Line numbers for keys in YAML files, read with the C loader's node marks (fast, no round-trip)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import yaml

try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML built without libyaml
    _Loader = yaml.SafeLoader


class YamlError(ValueError):
    """A YAML file that does not parse; `line` is 1-based."""

    def __init__(self, message: str, line: int | None):
        super().__init__(message)
        self.line = line


def _problem(exc: yaml.YAMLError) -> YamlError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return YamlError(str(problem), mark.line + 1 if mark is not None else None)


def load_all(text: str) -> list[Any]:
    """Every non-empty document of a multi-document YAML text, as plain Python data."""
    return [construct(node) for node in compose_all(text)]


def compose_all(text: str) -> list[yaml.Node]:
    """Every non-empty document as a node tree, each checked by `_check_shape`."""
    try:
        nodes = [node for node in yaml.compose_all(text, Loader=_Loader) if node is not None]
    except yaml.YAMLError as exc:
        raise _problem(exc) from None
    for node in nodes:
        _check_shape(node)
    return nodes


MAX_DEPTH = 256
MAX_ALIASED_NODES = 100_000


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return node.value
    return []


def _check_shape(root: yaml.Node) -> None:
    """Refuse, with a YamlError, a document no walk over it would survive: aliases that expand it
    by more than MAX_ALIASED_NODES nodes (a "billion laughs" bomb), an alias inside the node it
    names (a cycle), or nesting deeper than MAX_DEPTH. Linear in the distinct nodes."""
    sizes: dict[int, int] = {}  # id(node) -> node count with aliases expanded
    active: set[int] = set()
    distinct = 0
    first_big: yaml.Node | None = None
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 0, False)]
    while stack:
        node, depth, finished = stack.pop()
        key = id(node)
        if finished:
            active.discard(key)
            size = sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if first_big is None and size > MAX_ALIASED_NODES:
                first_big = node
            continue
        if key in sizes:
            continue
        if key in active:
            raise YamlError("an alias refers to a collection that contains it", node.start_mark.line + 1)
        if depth > MAX_DEPTH:
            raise YamlError(f"nested deeper than {MAX_DEPTH} levels", node.start_mark.line + 1)
        distinct += 1
        active.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in _children(node))
    if sizes[id(root)] - distinct > MAX_ALIASED_NODES:
        where = first_big or root
        raise YamlError(f"aliases expand the document by more than {MAX_ALIASED_NODES} nodes", where.start_mark.line + 1)


def construct(node: yaml.Node) -> Any:
    """Plain data from a composed node (same result as loading the document); a constructor
    error (unhashable key, bad tag, `!!int abc`) is a one-line YamlError with its line."""
    loader = _Loader("")
    try:
        return loader.construct_document(node)
    except yaml.YAMLError as exc:
        raise _problem(exc) from None
    except Exception as exc:  # noqa: BLE001 - constructors raise ValueError, TypeError, binascii.Error...
        raise YamlError(" ".join(str(exc).split()) or type(exc).__name__, node.start_mark.line + 1) from None
    finally:
        loader.dispose()


@dataclass(frozen=True)
class Entry:
    path: tuple  # keys and list indices from the document root
    line: int  # 1-based line of the key (or of the list item)
    value: Any  # scalar value as text, or None for a mapping/sequence
    is_leaf: bool


def entries(node: yaml.Node, prefix: tuple = ()) -> Iterator[Entry]:
    """Every key and list item under `node`, with its line."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.start_mark.line)
            path = prefix + (key,)
            leaf = isinstance(value_node, yaml.ScalarNode)
            yield Entry(path, key_node.start_mark.line + 1, value_node.value if leaf else None, leaf)
            yield from entries(value_node, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            path = prefix + (index,)
            leaf = isinstance(item, yaml.ScalarNode)
            yield Entry(path, item.start_mark.line + 1, item.value if leaf else None, leaf)
            yield from entries(item, path)


def line_index(node: yaml.Node) -> dict[tuple, int]:
    """Path -> line for one document."""
    return {entry.path: entry.line for entry in entries(node)}
