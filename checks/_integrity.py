"""Cross-object helpers for the integrity rules: pods in a release, selectors, references.

Rules that ask "does this Service select any pod?" or "does this Secret exist?" look at the whole
rendered release. These helpers know where pod templates live (including workload CRDs such as
Argo Rollouts that follow the `spec.template` shape), apply label selectors without raising on odd
input, and read the per-rule `external` option: objects that exist outside the chart.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Any, Iterator

from checks._k8s import K8sObject, Release, dig, join_path, selector_matches
from checks._registry import CheckContext

HOOK = "helm.sh/hook"
SERVICE_KINDS = frozenset({"Service"})

# a port name must be an IANA_SVC_NAME: 1-15 of [a-z0-9-], at least one letter, no "--", no edge "-"
_PORT_NAME = re.compile(r"^(?=.*[a-z])[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$")


@dataclass(frozen=True)
class PodSource:
    """A pod template in the release: the object that owns it, its labels and its spec."""

    obj: K8sObject
    labels: dict
    spec: dict
    spec_path: str

    @property
    def containers(self) -> list[dict]:
        """App containers, plus init containers that run as sidecars (restartPolicy: Always)."""
        out = [c for c in _list(self.spec.get("containers")) if isinstance(c, dict)]
        out += [
            c
            for c in _list(self.spec.get("initContainers"))
            if isinstance(c, dict) and c.get("restartPolicy") == "Always"
        ]
        return out

    def declared_ports(self) -> list[dict]:
        return [p for c in self.containers for p in _list(c.get("ports")) if isinstance(p, dict)]


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def text(value: Any) -> str:
    """A scalar as text, "" for anything that is not a plain scalar."""
    if isinstance(value, bool) or value is None or isinstance(value, (dict, list)):
        return ""
    return str(value)


def is_test_hook(obj: K8sObject) -> bool:
    hook = obj.annotations.get(HOOK)
    return isinstance(hook, str) and any(part.strip().startswith("test") for part in hook.split(","))


def is_hook(obj: K8sObject) -> bool:
    return isinstance(obj.annotations.get(HOOK), str)


def pod_sources(release: Release) -> Iterator[PodSource]:
    """Every pod template the release renders: workloads, and CRDs shaped like them."""
    for obj in release.objects:
        if obj.is_workload:
            spec = obj.pod_spec
            if spec is not None:
                yield PodSource(obj, obj.pod_labels, spec, obj.pod_spec_path)
            continue
        spec = obj.get("spec", "template", "spec")
        if isinstance(spec, dict) and isinstance(spec.get("containers"), list):
            labels = obj.get("spec", "template", "metadata", "labels")
            yield PodSource(obj, labels if isinstance(labels, dict) else {}, spec, join_path("spec", "template", "spec"))


def namespace_of(obj: K8sObject, release: Release) -> str:
    return obj.namespace or release.namespace or ""


def same_namespace(a: K8sObject, b: K8sObject, release: Release) -> bool:
    """Objects without an explicit namespace land in the release's namespace."""
    return namespace_of(a, release) == namespace_of(b, release)


def matches(selector: Any, labels: dict) -> bool:
    """`selector_matches` that never raises on malformed selectors (it then matches nothing)."""
    try:
        return bool(selector_matches(selector, labels))
    except Exception:
        return False


def selects_all(selector: Any) -> bool:
    """An empty LabelSelector (`{}`, or no matchLabels/matchExpressions) selects every pod."""
    if selector is None:
        return True
    if not isinstance(selector, dict):
        return False
    return not selector.get("matchLabels") and not selector.get("matchExpressions")


def describe_selector(selector: Any) -> str:
    """Short text of a selector for messages: `app=web,tier=front`."""
    if not isinstance(selector, dict):
        return str(selector)
    if "matchLabels" in selector or "matchExpressions" in selector:
        parts = [f"{k}={v}" for k, v in (selector.get("matchLabels") or {}).items()] if isinstance(
            selector.get("matchLabels"), dict
        ) else []
        for expr in _list(selector.get("matchExpressions")):
            if isinstance(expr, dict):
                values = expr.get("values")
                shown = ",".join(str(v) for v in values) if isinstance(values, list) else ""
                parts.append(f"{expr.get('key')} {expr.get('operator')} ({shown})" if shown else f"{expr.get('key')} {expr.get('operator')}")
        return ",".join(parts)
    return ",".join(f"{k}={v}" for k, v in selector.items())


def valid_port_name(name: str) -> bool:
    return bool(_PORT_NAME.match(name)) and "--" not in name


def find(release: Release, kinds: tuple[str, ...], name: str, near: K8sObject) -> K8sObject | None:
    """The object of one of `kinds` called `name` in the same namespace as `near`."""
    for obj in release.objects:
        if obj.kind in kinds and obj.name == name and same_namespace(obj, near, release):
            return obj
    return None


def named(release: Release, name: str, near: K8sObject) -> list[K8sObject]:
    """Every object of any kind called `name` in the namespace of `near`."""
    return [obj for obj in release.objects if obj.name == name and same_namespace(obj, near, release)]


def external(ctx: CheckContext, rule_id: str, kind: str, name: str) -> bool:
    """Whether the rule's `external` option lists this object (`Kind/name` or `name`, globs allowed).

    .chartwarden.yaml: `checks: {options: {<rule-id>: {external: ["Secret/db-*", "shared-sa"]}}}`.
    """
    patterns = ctx.option(rule_id, "external", ())
    if isinstance(patterns, str):
        patterns = [patterns]
    if not isinstance(patterns, (list, tuple)):
        return False
    for pattern in patterns:
        if not isinstance(pattern, str):
            continue
        target = f"{kind}/{name}" if "/" in pattern else name
        if fnmatch.fnmatchcase(target, pattern):
            return True
    return False


def workload_label(obj: K8sObject) -> str:
    """`Deployment "web"`, as messages name an object."""
    return f'{obj.kind} "{obj.name}"'


# -- network policies ------------------------------------------------------------------------
def _strip_cilium(selector: Any) -> Any:
    """Cilium selectors may prefix label keys with their source (`k8s:app`); pods see `app`."""
    if not isinstance(selector, dict) or not isinstance(selector.get("matchLabels"), dict):
        return selector
    labels = {str(k)[4:] if str(k).startswith("k8s:") else k: v for k, v in selector["matchLabels"].items()}
    return {**selector, "matchLabels": labels}


def policy_selectors(policy: K8sObject) -> list[Any] | None:
    """The pod selectors a policy object applies to; None when it cannot be judged (covers all).

    NetworkPolicy: `spec.podSelector`; CiliumNetworkPolicy: `spec.endpointSelector` and
    `specs[].endpointSelector`; Calico policies use a selector language this does not evaluate.
    """
    if policy.kind == "NetworkPolicy" and policy.api_version.startswith("networking.k8s.io"):
        spec = policy.get("spec")
        return [spec.get("podSelector") if isinstance(spec, dict) else None]
    if policy.kind == "CiliumNetworkPolicy":
        specs = [policy.get("spec")] + (policy.get("specs") if isinstance(policy.get("specs"), list) else [])
        return [_strip_cilium(s.get("endpointSelector")) for s in specs if isinstance(s, dict)]
    if policy.kind in ("NetworkPolicy", "GlobalNetworkPolicy") and "projectcalico.org" in policy.api_version:
        return None
    return []


NETWORK_POLICY_KINDS = ("NetworkPolicy", "CiliumNetworkPolicy", "GlobalNetworkPolicy")


def policy_selects(selector: Any, labels: dict) -> bool:
    return selects_all(selector) or matches(selector, labels)
