"""Kubernetes object helpers: where pods and containers live in each kind, walked once.

Checks see an object, or one container and its field path; they never need to know that a
CronJob nests its pod three levels deeper than a Deployment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator

WORKLOAD_KINDS = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod", "ReplicationController"}
)
SCALABLE_KINDS = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"})
LONG_RUNNING_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Pod"})
RBAC_KINDS = frozenset({"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"})

_POD_SPEC_PATHS = {
    "Pod": ("spec",),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}
_POD_META_PATHS = {
    "Pod": ("metadata",),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "metadata"),
}
_DEFAULT_POD_SPEC = ("spec", "template", "spec")
_DEFAULT_POD_META = ("spec", "template", "metadata")


def dig(data: Any, *keys: Any, default: Any = None) -> Any:
    """Follow keys/indices through nested dicts and lists; `default` where any step is missing."""
    for key in keys:
        if isinstance(data, dict) and key in data:
            data = data[key]
        elif isinstance(data, list) and isinstance(key, int) and -len(data) <= key < len(data):
            data = data[key]
        else:
            return default
    return data


def join_path(*parts: Any) -> str:
    """('spec', 'containers', 0, 'image') -> 'spec.containers[0].image'; dotted keys go in ["..."]."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and ("." in part or "[" in part):
            out += f'["{part}"]'
        elif part != "":
            out = f"{out}.{part}" if out else str(part)
    return out


_SEGMENT = re.compile(r'\["([^"]*)"\]|\[(\d+)\]|([^.\[\]]+)')


def extend_path(base: str, *keys: Any) -> str:
    """An already joined path with more keys: extend_path('spec.x[0]', 'image') -> 'spec.x[0].image'."""
    tail = join_path(*keys)
    if not base:
        return tail
    if not tail:
        return base
    return base + tail if tail.startswith("[") else f"{base}.{tail}"


def split_path(path: str) -> list[str | int]:
    """Inverse of join_path: 'a.b[0]["x.y"]' -> ['a', 'b', 0, 'x.y']."""
    out: list[str | int] = []
    for quoted, index, plain in _SEGMENT.findall(path):
        out.append(quoted if quoted else int(index) if index else plain)
    return out


@dataclass(frozen=True)
class Container:
    """One container of a pod, with the field path that reaches it from the object root."""

    data: dict
    path: str  # e.g. "spec.template.spec.containers[0]"
    kind: str  # "containers", "initContainers" or "ephemeralContainers"

    @property
    def name(self) -> str:
        return str(self.data.get("name", "?"))

    def get(self, *keys: Any, default: Any = None) -> Any:
        return dig(self.data, *keys, default=default)

    def at(self, *keys: Any) -> str:
        return extend_path(self.path, *keys)


@dataclass
class K8sObject:
    """One rendered Kubernetes object and where it came from."""

    doc: dict
    source: str = ""  # template file (chart-relative) or manifest file the object came from
    doc_index: int = 0  # position among the documents of that source
    line: int | None = None  # first line of the document in a plain manifest
    lines: dict = field(default_factory=dict, repr=False)  # field path -> line, for plain manifests

    @property
    def kind(self) -> str:
        return str(self.doc.get("kind") or "")

    @property
    def api_version(self) -> str:
        return str(self.doc.get("apiVersion") or "")

    @property
    def name(self) -> str:
        return str(dig(self.doc, "metadata", "name") or "")

    @property
    def namespace(self) -> str:
        return str(dig(self.doc, "metadata", "namespace") or "")

    @property
    def ref(self) -> str:
        return f"{self.kind}/{self.name}"

    @property
    def labels(self) -> dict:
        value = dig(self.doc, "metadata", "labels")
        return value if isinstance(value, dict) else {}

    @property
    def annotations(self) -> dict:
        value = dig(self.doc, "metadata", "annotations")
        return value if isinstance(value, dict) else {}

    def get(self, *keys: Any, default: Any = None) -> Any:
        return dig(self.doc, *keys, default=default)

    # -- pods -------------------------------------------------------------------------------
    @property
    def is_workload(self) -> bool:
        return self.kind in WORKLOAD_KINDS

    @property
    def pod_spec_path(self) -> str:
        return join_path(*_POD_SPEC_PATHS.get(self.kind, _DEFAULT_POD_SPEC))

    @property
    def pod_meta_path(self) -> str:
        return join_path(*_POD_META_PATHS.get(self.kind, _DEFAULT_POD_META))

    @property
    def pod_spec(self) -> dict | None:
        """The PodSpec of a workload, or None for anything else."""
        if not self.is_workload:
            return None
        spec = dig(self.doc, *_POD_SPEC_PATHS.get(self.kind, _DEFAULT_POD_SPEC))
        return spec if isinstance(spec, dict) else None

    @property
    def pod_labels(self) -> dict:
        labels = dig(self.doc, *_POD_META_PATHS.get(self.kind, _DEFAULT_POD_META), "labels")
        return labels if isinstance(labels, dict) else {}

    @property
    def pod_annotations(self) -> dict:
        value = dig(self.doc, *_POD_META_PATHS.get(self.kind, _DEFAULT_POD_META), "annotations")
        return value if isinstance(value, dict) else {}

    def pod_at(self, *keys: Any) -> str:
        """Field path of something inside the pod spec."""
        return extend_path(self.pod_spec_path, *keys)

    def containers(self, *, init: bool = True, ephemeral: bool = False) -> Iterator[Container]:
        """Every container of the pod: app containers, then init (and ephemeral) ones."""
        spec = self.pod_spec
        if spec is None:
            return
        groups = ["containers"] + (["initContainers"] if init else []) + (["ephemeralContainers"] if ephemeral else [])
        for group in groups:
            items = spec.get(group)
            if not isinstance(items, list):
                continue
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    yield Container(item, self.pod_at(group, index), group)

    @property
    def replicas(self) -> int | None:
        value = dig(self.doc, "spec", "replicas")
        return value if isinstance(value, int) and not isinstance(value, bool) else None


def iter_containers(obj: K8sObject, *, init: bool = True) -> Iterator[Container]:
    """Shorthand used by per-container checks."""
    return obj.containers(init=init)


def selector_matches(selector: dict | None, labels: dict) -> bool:
    """Whether a label selector (matchLabels/matchExpressions, or a plain map) selects these labels."""
    if not isinstance(selector, dict) or not selector:
        return False
    if "matchLabels" in selector or "matchExpressions" in selector:
        match_labels = selector.get("matchLabels") or {}
        expressions = selector.get("matchExpressions") or []
    else:
        match_labels, expressions = selector, []
    if not isinstance(match_labels, dict) or not isinstance(expressions, list):
        return False
    if any(str(labels.get(k)) != str(v) for k, v in match_labels.items()):
        return False
    for expr in expressions:
        if not isinstance(expr, dict):
            return False
        key, op, raw_values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if not isinstance(key, str) or not isinstance(raw_values, list):
            return False
        values = [str(v) for v in raw_values]
        present = key in labels
        if op == "In" and not (present and str(labels[key]) in values):
            return False
        if op == "NotIn" and present and str(labels[key]) in values:
            return False
        if op == "Exists" and not present:
            return False
        if op == "DoesNotExist" and present:
            return False
    return bool(match_labels or expressions)


@dataclass
class Release:
    """Every object one chart (or one manifest file) renders, for cross-object rules."""

    objects: list[K8sObject]
    name: str = ""
    namespace: str = ""

    def of_kind(self, *kinds: str) -> list[K8sObject]:
        return [obj for obj in self.objects if obj.kind in kinds]

    def find(self, kind: str, name: str) -> K8sObject | None:
        return next((obj for obj in self.objects if obj.kind == kind and obj.name == name), None)

    @property
    def workloads(self) -> list[K8sObject]:
        return [obj for obj in self.objects if obj.is_workload]
