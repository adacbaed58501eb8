"""hpa-replica-bounds: autoscalers keep enough replicas and room to scale.

What it does: flags a HorizontalPodAutoscaler whose `minReplicas` is below the minimum (option `minReplicas`, default 2; an absent `minReplicas` means 1), whose `minReplicas` equals `maxReplicas`, or whose `minReplicas` is above `maxReplicas`.
Why it matters: an autoscaler that may scale down to one pod brings back the single point of failure at the quietest hour, and one with equal bounds cannot scale at all.
Example: the `helm create` default `autoscaling: {minReplicas: 1, maxReplicas: 100}`.
Fix: set `autoscaling.minReplicas` in values.yaml to 2 or more and keep `autoscaling.maxReplicas` above it.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import K8sObject
from checks._registry import CheckContext, Hit, register
from checks._reliability import as_int, int_option

RULE = "hpa-replica-bounds"


@register(
    id=RULE,
    category="reliability",
    severity=Severity.LOW,
    kinds=("HorizontalPodAutoscaler",),
    anchors=(
        "kube-linter hpa-minimum-three-replicas",
        "Polaris hpaMinAvailability",
        "Polaris hpaMaxAvailability",
        "kube-score horizontalpodautoscaler-replicas",
    ),
    fix="autoscaling.minReplicas",
)
def check(obj: K8sObject, ctx: CheckContext):
    if not isinstance(obj.get("spec"), dict):
        return
    minimum = int_option(ctx, RULE, "minReplicas", 2)
    raw_low = obj.get("spec", "minReplicas")
    low = as_int(raw_low)
    high = as_int(obj.get("spec", "maxReplicas"))
    name = f'HorizontalPodAutoscaler "{obj.name}"'
    if raw_low is None:
        if minimum > 1:
            yield Hit(f"{name} sets no minReplicas, so it scales down to 1 replica (minimum {minimum})", "spec.minReplicas")
        low = 1
    elif low is not None and low < minimum:
        yield Hit(f"{name} minReplicas is {low} (minimum {minimum})", "spec.minReplicas")
    if low is None or high is None:
        return
    if low == high:
        yield Hit(f"{name} minReplicas equals maxReplicas ({high}), so it cannot scale", "spec.maxReplicas")
    elif low > high:
        yield Hit(f"{name} minReplicas {low} is above maxReplicas {high}", "spec.maxReplicas")
