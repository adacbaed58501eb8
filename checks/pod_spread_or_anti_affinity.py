"""pod-spread-or-anti-affinity: replicas are spread across nodes.

What it does: flags a Deployment or StatefulSet that runs (or a HorizontalPodAutoscaler in the release may scale it to) 2 or more replicas when its pod has neither a `podAntiAffinity` term nor a `topologySpreadConstraints` entry that has a `topologyKey` and a `labelSelector` selecting the workload's own pods.
Why it matters: the scheduler is free to put every replica on the same node or zone; losing that node takes all of them down, and the replicas bought nothing.
Example: `replicas: 3` with `affinity: {}` and no `topologySpreadConstraints`, or a spread constraint whose `labelSelector` names a label the pods do not carry.
Fix: set `topologySpreadConstraints` (topologyKey `kubernetes.io/hostname` or `topology.kubernetes.io/zone`) or a preferred `podAntiAffinity` in values.yaml, selecting the pods with the chart's selector labels.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import K8sObject, Release
from checks._registry import CheckContext, Hit, register
from checks._reliability import pods_of, replica_phrase, replica_range, same_labels


def _problem(term, labels: dict) -> str | None:
    """Why one anti-affinity term or spread constraint does not spread these pods, or None."""
    if not isinstance(term, dict):
        return "is not a mapping"
    key = term.get("topologyKey")
    if not isinstance(key, str) or not key.strip():
        return "has no topologyKey"
    if not same_labels(term.get("labelSelector"), labels):
        return "labelSelector does not match its pod labels"
    return None


def _candidates(obj: K8sObject):
    """(path, term) for every anti-affinity term and spread constraint of the pod."""
    spec = obj.pod_spec or {}
    anti = spec.get("affinity", {}).get("podAntiAffinity") if isinstance(spec.get("affinity"), dict) else None
    if isinstance(anti, dict):
        required = anti.get("requiredDuringSchedulingIgnoredDuringExecution")
        if isinstance(required, list):
            for i, term in enumerate(required):
                yield obj.pod_at("affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution", i), term
        preferred = anti.get("preferredDuringSchedulingIgnoredDuringExecution")
        if isinstance(preferred, list):
            for i, item in enumerate(preferred):
                term = item.get("podAffinityTerm") if isinstance(item, dict) else None
                path = obj.pod_at("affinity", "podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution", i, "podAffinityTerm")
                yield path, term
    spread = spec.get("topologySpreadConstraints")
    if isinstance(spread, list):
        for i, term in enumerate(spread):
            yield obj.pod_at("topologySpreadConstraints", i), term


def _label(path: str, obj: K8sObject) -> str:
    """'topologySpreadConstraints[0]' / 'podAntiAffinity term' for messages."""
    rest = path[len(obj.pod_spec_path) + 1 :] if path.startswith(obj.pod_spec_path) else path
    if rest.startswith("topologySpreadConstraints"):
        return rest
    return "podAntiAffinity term"


@register(
    id="pod-spread-or-anti-affinity",
    category="reliability",
    severity=Severity.MEDIUM,
    scope="release",
    anchors=(
        "kube-linter no-anti-affinity",
        "Polaris topologySpreadConstraint",
        "kube-score deployment-has-host-podantiaffinity",
        "kube-score statefulset-has-host-podantiaffinity",
        "kube-score pod-topology-spread-constraints",
    ),
    fix="topologySpreadConstraints",
)
def check(release: Release, ctx: CheckContext):
    for obj in pods_of(release):
        counts = replica_range(release, obj)
        if counts is None or counts[1] < 2:
            continue
        low, high, hpa = counts
        labels = obj.pod_labels
        candidates = list(_candidates(obj))
        if not candidates:
            yield Hit(
                f'{obj.kind} "{obj.name}" {replica_phrase(low, high, hpa)} with neither podAntiAffinity nor '
                "topologySpreadConstraints, so they can all land on one node",
                obj.pod_at("affinity"),
                obj=obj,
            )
            continue
        problems = [(path, _problem(term, labels)) for path, term in candidates]
        if all(problem for _, problem in problems):
            path, problem = problems[0]
            where = path + ".labelSelector" if problem.startswith("labelSelector") else path
            yield Hit(
                f'{obj.kind} "{obj.name}" {replica_phrase(low, high, hpa)} but its {_label(path, obj)} {problem}, '
                "so nothing spreads them",
                where,
                obj=obj,
            )
