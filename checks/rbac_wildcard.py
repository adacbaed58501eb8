"""rbac-wildcard: roles do not grant `*` api groups, resources or verbs.

What it does: flags Role and ClusterRole rules with `*` in `apiGroups`, `resources` or `verbs` (one finding per rule, naming every wildcard field).
Why it matters: a wildcard grants everything that exists today and everything added later (new resources, CRDs, verbs such as `escalate`), so the role silently grows far beyond what the workload needs.
Example: `rules: [{apiGroups: ["*"], resources: ["*"], verbs: ["*"]}]` in an operator's ClusterRole.
Fix: list the exact API groups, resources and verbs the component uses (`kubectl auth can-i --list` or audit logs show them).
"""

from __future__ import annotations

from bot.findings import Severity
from checks._rbac import ROLE_KINDS, describe, policy_rules
from checks._k8s import K8sObject
from checks._registry import CheckContext, Hit, register

FIELDS = ("apiGroups", "resources", "verbs")


@register(
    id="rbac-wildcard",
    category="rbac",
    severity=Severity.HIGH,
    kinds=ROLE_KINDS,
    anchors=(
        "kube-linter wildcard-in-rules",
        "Polaris rolebindingClusterAdminRole",
        "Checkov CKV_K8S_49",
        "Trivy KSV044",
        "Trivy KSV045",
        "Trivy KSV046",
        "Trivy KSV112",
        "Kubescape C-0187",
    ),
)
def check(obj: K8sObject, ctx: CheckContext):
    for rule in policy_rules(obj):
        wild: list[str] = []
        first = None
        for field in FIELDS:
            for position, text in rule.items(field):
                if text == "*":
                    wild.append(field)
                    if first is None:
                        first = rule.at(field, position)
                    break
        if wild:
            yield Hit(f'{describe(obj)} grants "*" in {", ".join(wild)} of rules[{rule.index}]', first)
