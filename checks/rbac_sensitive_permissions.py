"""rbac-sensitive-permissions: roles do not hold broad write or delete rights.

What it does: flags Role and ClusterRole rules that allow creating pods or workloads, deleting pods, secrets, volumes, namespaces or workloads, deleting pod logs or events, changing `services/status`, managing configmaps, or managing networking objects (services, endpoints, endpointslices, ingresses, networkpolicies). One finding per rule and concern; `*` verbs count, `*` resources are left to rbac-wildcard.
Why it matters: creating a pod runs any image with any service account of the namespace (and so its rights); deletions destroy data or hide an intrusion; `services/status` and endpoint writes redirect traffic (CVE-2020-8554); configmap writes change other components' configuration.
Example: `{apiGroups: ["apps"], resources: ["deployments"], verbs: ["create", "delete"]}` in a workload that only reads its own config.
Fix: drop the verbs the component does not use and keep the rest to the namespace and, where possible, to named objects with `resourceNames`.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import K8sObject
from checks._rbac import ROLE_KINDS, describe, policy_rules
from checks._registry import CheckContext, Hit, register

CORE = ("",)
APPS = ("apps", "extensions")
WORKLOADS = {
    "pods": CORE,
    "deployments": APPS,
    "replicasets": APPS,
    "statefulsets": ("apps",),
    "daemonsets": APPS,
    "replicationcontrollers": CORE,
    "jobs": ("batch",),
    "cronjobs": ("batch",),
}
DELETE = ("delete", "deletecollection")
MANAGE = ("create", "update", "patch", "delete", "deletecollection")
CONCERNS = (
    (("create",), WORKLOADS, "can start pods with any image and service account"),
    (
        DELETE,
        {**WORKLOADS, "secrets": CORE, "persistentvolumeclaims": CORE, "persistentvolumes": CORE, "namespaces": CORE},
        "can destroy workloads or data",
    ),
    (DELETE, {"pods/log": CORE, "events": ("", "events.k8s.io")}, "can erase logs or events"),
    (("update", "patch"), {"services/status": CORE}, "can redirect service traffic"),
    (MANAGE, {"configmaps": CORE}, "can change configuration of other components"),
    (
        MANAGE,
        {
            "services": CORE,
            "endpoints": CORE,
            "endpointslices": ("discovery.k8s.io",),
            "ingresses": ("networking.k8s.io", "extensions"),
            "networkpolicies": ("networking.k8s.io", "extensions"),
        },
        "can change networking",
    ),
)


@register(
    id="rbac-sensitive-permissions",
    category="rbac",
    severity=Severity.MEDIUM,
    kinds=ROLE_KINDS,
    anchors=(
        "kube-linter access-to-create-pods",
        "Checkov CKV2_K8S_4",
        "Trivy KSV042",
        "Trivy KSV048",
        "Trivy KSV049",
        "Trivy KSV056",
        "Kubescape C-0188",
        "Kubescape C-0007",
        "Kubescape C-0031",
    ),
)
def check(obj: K8sObject, ctx: CheckContext):
    for rule in policy_rules(obj):
        for verbs, resources, impact in CONCERNS:
            grant = rule.grant(verbs, resources)
            if grant:
                yield Hit(f"{describe(obj)} {impact} ({grant.verbs_text} on {grant.resources_text})", grant.path)
