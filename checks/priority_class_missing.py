"""priority-class-missing: workloads set a priority class (opt-in).

What it does: flags workloads whose pod template sets no `priorityClassName`; with the rule option `allowed` (a list of names) it also flags a priority class outside that list. Helm test pods are skipped. Off by default: enable it in .chartwarden.yaml where the cluster defines priority classes.
Why it matters: without a priority class every pod has the same priority, so under node pressure the scheduler may preempt or the kubelet may evict a critical service before a batch job.
Example: a Deployment of an API gateway with no `priorityClassName` on a cluster that defines `platform-critical`.
Fix: expose `priorityClassName` in values.yaml and render it into the pod spec (`priorityClassName: {{ .Values.priorityClassName }}`), set to one of the cluster's classes.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._integrity import is_test_hook, text, workload_label
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register

RULE = "priority-class-missing"


@register(
    id=RULE,
    category="reliability",
    severity=Severity.LOW,
    kinds=WORKLOAD_KINDS,
    anchors=("kube-linter priority-class-name", "Polaris priorityClassNotSet"),
    enabled=False,
    fix="priorityClassName",
)
def check(obj: K8sObject, ctx: CheckContext):
    spec = obj.pod_spec
    if spec is None or is_test_hook(obj):
        return
    name = text(spec.get("priorityClassName"))
    if not name:
        yield Hit(f"{workload_label(obj)} sets no priorityClassName", obj.pod_at("priorityClassName"))
        return
    allowed = ctx.option(RULE, "allowed", None)
    if isinstance(allowed, list) and allowed and name not in [text(a) for a in allowed]:
        shown = ", ".join(f'"{text(a)}"' for a in allowed)
        yield Hit(f'{workload_label(obj)} uses priority class "{name}", not one of {shown}', obj.pod_at("priorityClassName"))
