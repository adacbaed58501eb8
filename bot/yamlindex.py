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
    """Every document of a multi-document YAML text, as plain Python data."""
    try:
        return list(yaml.load_all(text, Loader=_Loader))
    except yaml.YAMLError as exc:
        raise _problem(exc) from None


def compose_all(text: str) -> list[yaml.Node]:
    try:
        return [node for node in yaml.compose_all(text, Loader=_Loader) if node is not None]
    except yaml.YAMLError as exc:
        raise _problem(exc) from None


def construct(node: yaml.Node) -> Any:
    """Plain data from a composed node (same result as loading the document)."""
    loader = _Loader("")
    try:
        return loader.construct_document(node)
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
