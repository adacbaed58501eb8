"""pdb-blocks-eviction: pod disruption budgets allow at least one eviction.

What it does: flags a PodDisruptionBudget that can never allow a voluntary eviction (`maxUnavailable: 0` or `0%`, `minAvailable: 100%`, `minAvailable` at or above the replicas of a workload it covers, or above the `minReplicas` of the HPA scaling it), one that sets neither `minAvailable` nor `maxUnavailable` (medium: it protects nothing), and, from Kubernetes 1.27, one without `unhealthyPodEvictionPolicy` (low).
Why it matters: a budget that allows no disruption makes `kubectl drain`, node upgrades and cluster autoscaler scale-down hang until someone deletes it by hand; with the default eviction policy, pods that are not ready still count against the budget and block drains the same way.
Example: `minAvailable: 1` for a Deployment with `replicas: 1`, or `maxUnavailable: 0`.
Fix: use `maxUnavailable: 1` (or a `minAvailable` below the replica count) and set `unhealthyPodEvictionPolicy: AlwaysAllow`.
"""

from __future__ import annotations

import math

from bot.findings import Severity
from checks._k8s import SCALABLE_KINDS, Release
from checks._registry import CheckContext, Hit, register
from checks._reliability import as_int, hpas_targeting, hpa_bounds, pdb_selects, plural, same_namespace


def _percent(value) -> float | None:
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            return float(value.strip()[:-1])
        except ValueError:
            return None
    return None


def _blocked_by_min_available(release: Release, pdb, min_available):
    """(message tail) when `minAvailable` leaves no eviction for some workload the PDB covers."""
    number = as_int(min_available)
    percent = _percent(min_available)
    if number is None and percent is None:
        return None
    if percent is not None and percent >= 100:
        return ", so no pod can ever be evicted"
    for obj in release.objects:
        if obj.kind not in SCALABLE_KINDS or not same_namespace(obj, pdb, release):
            continue
        if not obj.pod_labels or not pdb_selects(pdb, obj.pod_labels):
            continue
        hpas = hpas_targeting(release, obj)
        if hpas:
            low, _ = hpa_bounds(hpas[0])
            if number is not None and number > low:
                return (
                    f' but HorizontalPodAutoscaler "{hpas[0].name}" may scale {obj.kind} "{obj.name}" '
                    f'down to {plural(low, "replica")}, so no pod can then be evicted'
                )
            continue
        replicas = obj.replicas
        if replicas is None:
            if obj.get("spec", "replicas") is not None:
                continue
            replicas = 1
        if replicas <= 0:
            continue
        needed = number if number is not None else math.ceil(percent * replicas / 100)
        if needed >= replicas:
            return f' but {obj.kind} "{obj.name}" runs {plural(replicas, "replica")}, so no pod can be evicted'
    return None


@register(
    id="pdb-blocks-eviction",
    category="reliability",
    severity=Severity.HIGH,
    scope="release",
    anchors=(
        "kube-linter pdb-max-unavailable",
        "kube-linter pdb-min-available",
        "kube-linter pdb-unhealthy-pod-eviction-policy",
        "Polaris pdbDisruptionsIsZero",
        "Polaris pdbMinAvailableGreaterThanHPAMinReplicas",
        "kube-score poddisruptionbudget-has-policy",
    ),
)
def check(release: Release, ctx: CheckContext):
    for pdb in release.of_kind("PodDisruptionBudget"):
        spec = pdb.get("spec")
        if not isinstance(spec, dict):
            continue
        name = f'PodDisruptionBudget "{pdb.name}"'
        min_available, max_unavailable = spec.get("minAvailable"), spec.get("maxUnavailable")
        if min_available is None and max_unavailable is None:
            yield Hit(f"{name} sets neither minAvailable nor maxUnavailable", "spec", obj=pdb, severity=Severity.MEDIUM)
        elif max_unavailable is not None:
            if as_int(max_unavailable) == 0 or _percent(max_unavailable) == 0:
                yield Hit(
                    f"{name} sets maxUnavailable: {max_unavailable}, so no pod can ever be evicted",
                    "spec.maxUnavailable",
                    obj=pdb,
                )
        else:
            tail = _blocked_by_min_available(release, pdb, min_available)
            if tail:
                yield Hit(f"{name} requires minAvailable: {min_available}{tail}", "spec.minAvailable", obj=pdb)
        if ctx.kube_version >= (1, 27) and pdb.api_version == "policy/v1" and spec.get("unhealthyPodEvictionPolicy") is None:
            yield Hit(
                f"{name} sets no unhealthyPodEvictionPolicy, so pods that are not ready can block node drains",
                "spec.unhealthyPodEvictionPolicy",
                obj=pdb,
                severity=Severity.LOW,
            )
