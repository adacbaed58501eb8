"""Helpers shared by the resources and reliability rules: resource quantities, probes, and the
cross-object questions (which Service selects a pod, which HPA scales a workload, which PDB covers it).

Everything here takes arbitrary YAML data and never raises: a wrong type reads as "not set".
"""

from __future__ import annotations

import fnmatch
import math
import re
from typing import Any, Iterable, Iterator

from checks._k8s import Container, K8sObject, Release, selector_matches
from checks._registry import CheckContext

HOOK_ANNOTATION = "helm.sh/hook"
REPLICATED_KINDS = ("Deployment", "StatefulSet")  # the kinds the replica/PDB/spread rules look at
PROBES = ("livenessProbe", "readinessProbe", "startupProbe")


# -- small value helpers ------------------------------------------------------------------------
def as_int(value: Any) -> int | None:
    """An int (not a bool), or None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def int_option(ctx: CheckContext, rule_id: str, name: str, default: int, minimum: int = 1) -> int:
    """A whole-number rule option, falling back to `default` when it is missing or nonsense."""
    try:
        value = ctx.option(rule_id, name, default)
    except Exception:  # a broken options mapping must not break the rule
        return default
    value = as_int(value)
    return value if value is not None and value >= minimum else default


def bool_option(ctx: CheckContext, rule_id: str, name: str, default: bool) -> bool:
    try:
        value = ctx.option(rule_id, name, default)
    except Exception:
        return default
    return value if isinstance(value, bool) else default


def list_option(ctx: CheckContext, rule_id: str, name: str) -> list[str]:
    try:
        value = ctx.option(rule_id, name, [])
    except Exception:
        return []
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in value] if isinstance(value, list) else []


def matches_any(text: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(text, pattern) for pattern in patterns)


# -- resource quantities ------------------------------------------------------------------------
_QUANTITY = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$")
_SUFFIX = {
    None: 1, "n": 1e-9, "u": 1e-6, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18,
    "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60,
}


def parse_quantity(value: Any) -> float | None:
    """A Kubernetes quantity ("128Mi", "0.5", "250m", 2) as a number, or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, str):
        return None
    match = _QUANTITY.match(value.strip())
    if not match:
        return None
    try:
        return float(match.group(1)) * _SUFFIX[match.group(2)]
    except (ValueError, OverflowError):
        return None


def is_unset(value: Any) -> bool:
    """A resource field counts as missing when absent, null or an empty string."""
    return value is None or (isinstance(value, str) and not value.strip())


def resource_hits(container: Container, resource: str, label: str, *, request: bool, limit: bool, equal: bool):
    """(message, path) pairs for a container's missing request/limit of one resource.

    `equal` adds a finding when both are set but differ (kube-score's optional *-requests-equal-limits).
    """
    req = container.get("resources", "requests", resource)
    lim = container.get("resources", "limits", resource)
    name = container.name
    if request and is_unset(req):
        yield f'container "{name}" has no {label} request', container.at("resources", "requests", resource)
    if limit and is_unset(lim):
        yield f'container "{name}" has no {label} limit', container.at("resources", "limits", resource)
    if equal and not is_unset(req) and not is_unset(lim):
        req_n, lim_n = parse_quantity(req), parse_quantity(lim)
        if req_n is not None and lim_n is not None and not math.isclose(req_n, lim_n):
            yield (
                f'container "{name}" {label} request "{req}" differs from its limit "{lim}"',
                container.at("resources", "requests", resource),
            )


# -- pods that run to completion ---------------------------------------------------------------
def is_hook(obj: K8sObject) -> bool:
    """Helm hooks (tests, pre-install jobs) are short-lived by design."""
    return HOOK_ANNOTATION in obj.annotations


def is_test_hook(obj: K8sObject) -> bool:
    """A `helm test` pod or job: it runs for seconds when someone tests a release, not in production."""
    hook = obj.annotations.get(HOOK_ANNOTATION)
    return isinstance(hook, str) and any(part.strip().startswith("test") for part in hook.split(","))


def runs_to_completion(obj: K8sObject) -> bool:
    """Jobs, CronJobs, Helm hooks and bare Pods with restartPolicy Never/OnFailure."""
    if obj.kind in ("Job", "CronJob") or is_hook(obj):
        return True
    if obj.kind == "Pod":
        spec = obj.pod_spec or {}
        return spec.get("restartPolicy") in ("Never", "OnFailure")
    return False


# -- probes -------------------------------------------------------------------------------------
def probe_handler(probe: Any) -> tuple[str, dict] | None:
    """("httpGet", {...}) for the one handler a probe uses, or None."""
    if not isinstance(probe, dict):
        return None
    for kind in ("httpGet", "tcpSocket", "grpc", "exec"):
        handler = probe.get(kind)
        if isinstance(handler, dict):
            return kind, handler
    return None


def normal_port(port: Any) -> int | str | None:
    """A probe or container port: an int (digit strings too), a name, or None."""
    if isinstance(port, bool):
        return None
    if isinstance(port, int):
        return port
    if isinstance(port, str) and port.strip():
        text = port.strip()
        return int(text) if text.isdigit() else text
    return None


def handler_key(kind: str, handler: dict) -> tuple:
    """What a probe actually checks, ignoring timings: equal keys mean the same check."""
    if kind == "httpGet":
        return (
            kind,
            str(handler.get("path") or "/"),
            normal_port(handler.get("port")),
            str(handler.get("host") or ""),
            str(handler.get("scheme") or "HTTP").upper(),
        )
    if kind == "tcpSocket":
        return kind, normal_port(handler.get("port")), str(handler.get("host") or "")
    if kind == "grpc":
        return kind, normal_port(handler.get("port")), str(handler.get("service") or "")
    command = handler.get("command")
    return kind, tuple(str(c) for c in command) if isinstance(command, list) else ()


def describe_handler(kind: str, handler: dict) -> str:
    """A short human description of a probe's check, for messages."""
    if kind == "httpGet":
        return f'httpGet {handler.get("path") or "/"} on port {handler.get("port")}'
    if kind in ("tcpSocket", "grpc"):
        return f'{kind} on port {handler.get("port")}'
    command = handler.get("command")
    if isinstance(command, list):
        return "exec " + " ".join(str(c) for c in command)
    return "exec"


def declared_ports(container: Container) -> tuple[set[int], set[str]]:
    """Numbers and names of a container's `ports`."""
    numbers: set[int] = set()
    names: set[str] = set()
    ports = container.get("ports")
    if isinstance(ports, list):
        for port in ports:
            if not isinstance(port, dict):
                continue
            number = normal_port(port.get("containerPort"))
            if isinstance(number, int):
                numbers.add(number)
            name = port.get("name")
            if isinstance(name, str) and name:
                names.add(name)
    return numbers, names


# -- cross-object lookups -----------------------------------------------------------------------
def namespace_of(obj: K8sObject, release: Release) -> str:
    return obj.namespace or release.namespace or ""


def same_namespace(a: K8sObject, b: K8sObject, release: Release) -> bool:
    return namespace_of(a, release) == namespace_of(b, release)


def services_selecting(release: Release, workload: K8sObject) -> list[K8sObject]:
    """Services in the release whose selector picks the workload's pods."""
    labels = workload.pod_labels
    if not labels:
        return []
    out = []
    for service in release.of_kind("Service"):
        selector = service.get("spec", "selector")
        if isinstance(selector, dict) and selector and same_namespace(service, workload, release):
            if all(isinstance(k, str) for k in selector) and selector_matches(
                {"matchLabels": selector}, labels
            ):
                out.append(service)
    return out


def scale_target(hpa: K8sObject) -> tuple[str, str] | None:
    """(kind, name) an HPA's scaleTargetRef names, or None when it names nothing usable."""
    ref = hpa.get("spec", "scaleTargetRef")
    if not isinstance(ref, dict):
        return None
    kind, name = ref.get("kind"), ref.get("name")
    if not isinstance(kind, str) or not isinstance(name, str) or not kind or not name:
        return None
    return kind, name


def hpas_targeting(release: Release, workload: K8sObject) -> list[K8sObject]:
    out = []
    for hpa in release.of_kind("HorizontalPodAutoscaler"):
        if scale_target(hpa) == (workload.kind, workload.name) and same_namespace(hpa, workload, release):
            out.append(hpa)
    return out


def hpa_bounds(hpa: K8sObject) -> tuple[int, int | None]:
    """(minReplicas, maxReplicas) of an HPA; minReplicas defaults to 1."""
    low = as_int(hpa.get("spec", "minReplicas"))
    high = as_int(hpa.get("spec", "maxReplicas"))
    return (low if low is not None else 1), high


def pdb_selects(pdb: K8sObject, labels: dict) -> bool:
    """Whether a PodDisruptionBudget covers pods with these labels (policy/v1: `{}` selects all)."""
    selector = pdb.get("spec", "selector")
    if not isinstance(selector, dict):
        return False
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        return pdb.api_version == "policy/v1"
    return same_labels(selector, labels)


def pdbs_covering(release: Release, workload: K8sObject) -> list[K8sObject]:
    labels = workload.pod_labels
    return [
        pdb
        for pdb in release.of_kind("PodDisruptionBudget")
        if same_namespace(pdb, workload, release) and pdb_selects(pdb, labels)
    ]


def replica_range(release: Release, workload: K8sObject) -> tuple[int, int, K8sObject | None] | None:
    """(fewest, most) pods a workload runs and the HPA that decides it, if any; None when unknown.

    An HPA in the release overrides `spec.replicas`; without one an absent `replicas` means 1.
    """
    for hpa in hpas_targeting(release, workload):
        low, high = hpa_bounds(hpa)
        return low, max(low, high if high is not None else low), hpa
    replicas = workload.replicas
    if replicas is None:
        if workload.get("spec", "replicas") is not None:
            return None  # not a number (a template left a string): nothing to reason about
        replicas = 1
    return replicas, replicas, None


def replica_phrase(low: int, high: int, hpa: K8sObject | None) -> str:
    """"runs 3 replicas" or "scales to 10 replicas (HorizontalPodAutoscaler "web")"."""
    if hpa is not None:
        return f'scales to {plural(high, "replica")} (HorizontalPodAutoscaler "{hpa.name}")'
    return f'runs {plural(high, "replica")}'


def pods_of(release: Release, kinds: Iterable[str] = REPLICATED_KINDS) -> Iterator[K8sObject]:
    kinds = tuple(kinds)
    for obj in release.objects:
        if obj.kind in kinds and isinstance(obj.pod_spec, dict):
            yield obj


def well_formed_selector(selector: Any) -> bool:
    """A LabelSelector whose parts have the right types (selector_matches assumes they do)."""
    if not isinstance(selector, dict):
        return False
    match_labels = selector.get("matchLabels")
    if match_labels is not None and not isinstance(match_labels, dict):
        return False
    expressions = selector.get("matchExpressions")
    if expressions is not None:
        if not isinstance(expressions, list):
            return False
        for expr in expressions:
            if not isinstance(expr, dict) or not isinstance(expr.get("key"), str):
                return False
            values = expr.get("values")
            if values is not None and not isinstance(values, list):
                return False
    return True


def same_labels(selector: Any, labels: dict) -> bool:
    """A labelSelector (matchLabels/matchExpressions) that selects these labels; False when malformed."""
    if not well_formed_selector(selector) or not ("matchLabels" in selector or "matchExpressions" in selector):
        return False
    return selector_matches(selector, labels)


def first(values: Iterable[Any]) -> Any:
    return next(iter(values), None)

