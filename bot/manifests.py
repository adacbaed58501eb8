"""Turning YAML text into Kubernetes objects: helm's rendered stream, or a plain manifest file."""

from __future__ import annotations

import re

from bot import yamlindex
from checks._k8s import K8sObject

_SOURCE = re.compile(r"^# Source: (?P<path>.+?)\s*$", re.M)
_SEPARATOR = re.compile(r"^---[ \t]*(?:#.*)?$", re.M)


class ManifestError(ValueError):
    """A document that does not parse; `line` is 1-based within the file (or rendered source)."""

    def __init__(self, message: str, source: str, line: int | None):
        super().__init__(message)
        self.source = source
        self.line = line


def _chart_relative(helm_path: str) -> str:
    return helm_path.split("/", 1)[1] if "/" in helm_path else helm_path


def _objects_in(data, source: str, doc_index: int) -> list[K8sObject]:
    """A document is an object, a `List` of objects, or nothing (comments, empty)."""
    if not isinstance(data, dict):
        return []
    if data.get("kind") == "List" or (str(data.get("kind", "")).endswith("List") and isinstance(data.get("items"), list)):
        return [K8sObject(item, source, doc_index) for item in data.get("items") or [] if isinstance(item, dict) and item.get("kind")]
    if not data.get("kind") and not data.get("apiVersion"):
        return []
    return [K8sObject(data, source, doc_index)]


def parse_rendered(output: str) -> tuple[list[K8sObject], list[ManifestError]]:
    """Split `helm template` output on `---` and `# Source:`; each object remembers its template."""
    objects: list[K8sObject] = []
    errors: list[ManifestError] = []
    per_source: dict[str, int] = {}
    for chunk in _SEPARATOR.split(output):
        if not chunk.strip():
            continue
        match = _SOURCE.search(chunk)
        source = _chart_relative(match.group("path")) if match else ""
        index = per_source.get(source, 0)
        per_source[source] = index + 1
        try:
            docs = yamlindex.load_all(chunk)
        except yamlindex.YamlError as exc:
            errors.append(ManifestError(f"rendered YAML does not parse: {exc}", source, None))
            continue
        for data in docs:
            objects.extend(_objects_in(data, source, index))
    return objects, errors


def parse_manifest(text: str, display: str) -> list[K8sObject]:
    """Every object of a multi-document manifest, with exact field lines. Raises ManifestError."""
    try:
        nodes = yamlindex.compose_all(text)
    except yamlindex.YamlError as exc:
        raise ManifestError(str(exc), display, exc.line) from None
    objects: list[K8sObject] = []
    for index, node in enumerate(nodes):
        try:
            data = yamlindex.construct(node)
        except yamlindex.YamlError as exc:  # a constructor error (bad tag, odd key) is bad input, not a crash
            raise ManifestError(f"cannot read document: {exc}", display, exc.line) from None
        found = _objects_in(data, display, index)
        if len(found) == 1 and found[0].doc is data:
            found[0].line = node.start_mark.line + 1
            found[0].lines = yamlindex.line_index(node)
            kind_line = found[0].lines.get(("kind",))
            found[0].line = kind_line or found[0].line
        objects.extend(found)
    return objects


def looks_like_manifest(text: str) -> bool:
    """Cheap test before parsing: a YAML file with a top-level `kind:` and `apiVersion:`."""
    return bool(re.search(r"^kind:\s*\S", text, re.M)) and bool(re.search(r"^apiVersion:\s*\S", text, re.M))
