"""chart-upgrade-immutable-change: immutable fields do not change with every chart release.

What it does: the catalog rule compares a PR's render with the base branch's and flags changes to immutable fields (Deployment/StatefulSet/DaemonSet selectors, StatefulSet volumeClaimTemplates, Job pod templates). The engine audits one render and has no previous revision, so this rule implements the part that one render can decide: immutable fields that hold a value bound to change on the next release. It flags labels such as `helm.sh/chart`, `chart`, `app.kubernetes.io/version` or `version`, and any label whose value looks like a version (`web-1.2.3`, `v2.0.1`), in a workload's `spec.selector`, in a StatefulSet's `volumeClaimTemplates` labels, and in the pod template of a Job that is not a Helm hook (hooks are recreated, so they may change).
Why it matters: these fields cannot be updated in place; the first `helm upgrade` after a version bump fails with "field is immutable", and the only way out is deleting the object (with `--cascade=orphan` for StatefulSets) by hand.
Example: `selector: {matchLabels: {{ include "web.labels" . }}}` where the labels helper includes `helm.sh/chart: web-0.1.0`.
Fix: use the stable `<chart>.selectorLabels` helper (name and instance only) for selectors and volumeClaimTemplates, and keep version labels on metadata and pod templates of long-running workloads only; make upgrade Jobs Helm hooks.
"""

from __future__ import annotations

import re
from typing import Iterator

from bot.findings import Severity
from checks._integrity import is_hook, text, workload_label
from checks._k8s import K8sObject, join_path
from checks._registry import CheckContext, Hit, register

VOLATILE_KEYS = frozenset({"helm.sh/chart", "chart", "app.kubernetes.io/version", "version"})
_VERSION = re.compile(r"^(?:[\w.\-]*-)?v?\d+\.\d+\.\d+(?:[-+][\w.\-]+)?$")


def volatile(key, value) -> bool:
    return str(key) in VOLATILE_KEYS or bool(_VERSION.match(text(value)))


def _volatile_labels(labels, base: tuple) -> Iterator[tuple[str, str, str]]:
    """(key, value, path) of each volatile label in a labels map."""
    if not isinstance(labels, dict):
        return
    for key, value in labels.items():
        if volatile(key, value):
            yield str(key), text(value), join_path(*base, str(key))


@register(
    id="chart-upgrade-immutable-change",
    category="reliability",
    severity=Severity.HIGH,
    kinds=("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"),
    anchors=("chart-testing ct install --upgrade",),
)
def check(obj: K8sObject, ctx: CheckContext):
    who = workload_label(obj)
    selector = obj.get("spec", "selector")
    if obj.kind != "Job" and isinstance(selector, dict):
        for key, value, path in _volatile_labels(selector.get("matchLabels"), ("spec", "selector", "matchLabels")):
            yield Hit(f'{who} selector includes "{key}={value}", which changes with every new version; spec.selector is immutable, so upgrades fail', path)
        expressions = selector.get("matchExpressions")
        for index, expr in enumerate(expressions if isinstance(expressions, list) else []):
            if not isinstance(expr, dict):
                continue
            values = expr.get("values") if isinstance(expr.get("values"), list) else []
            versions = [text(v) for v in values if volatile("", v)]
            if volatile(expr.get("key"), "") or versions:
                shown = f' ({", ".join(versions)})' if versions else ""
                yield Hit(
                    f'{who} selector expression on "{text(expr.get("key"))}"{shown} changes with every new version; spec.selector is immutable, so upgrades fail',
                    join_path("spec", "selector", "matchExpressions", index),
                )
    if obj.kind == "StatefulSet":
        templates = obj.get("spec", "volumeClaimTemplates")
        for index, claim in enumerate(templates if isinstance(templates, list) else []):
            if not isinstance(claim, dict):
                continue
            claim_name = text(claim.get("metadata", {}).get("name")) if isinstance(claim.get("metadata"), dict) else ""
            labels = claim.get("metadata", {}).get("labels") if isinstance(claim.get("metadata"), dict) else None
            for key, value, path in _volatile_labels(labels, ("spec", "volumeClaimTemplates", index, "metadata", "labels")):
                yield Hit(
                    f'{who} volumeClaimTemplate "{claim_name or index}" has label "{key}={value}", which changes with every new version; volumeClaimTemplates are immutable, so upgrades fail',
                    path,
                )
    if obj.kind == "Job" and not is_hook(obj):
        for key, value, path in _volatile_labels(obj.pod_labels, ("spec", "template", "metadata", "labels")):
            yield Hit(
                f'{who} pod template has label "{key}={value}", which changes with every new version; a Job\'s template is immutable, so upgrades fail',
                path,
            )
