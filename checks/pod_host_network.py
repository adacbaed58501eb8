"""pod-host-network: pods do not share the node's network namespace.

What it does: flags workloads whose pod spec sets `hostNetwork: true`.
Why it matters: a pod on the host network sees every interface of the node, can bind any node port, reach services listening on localhost (kubelet, metadata endpoints) and bypasses NetworkPolicies.
Example: `hostNetwork: true` on a web Deployment to "make the port reachable".
Fix: remove `hostNetwork` (or set it to false) and expose the pod through a Service; keep it only for node agents or CNI plugins, with a `chartwarden.io/ignore` annotation giving the reason.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register
from checks._security import label


@register(
    id="pod-host-network",
    category="security",
    severity=Severity.HIGH,
    kinds=WORKLOAD_KINDS,
    anchors=(
        "kube-linter host-network",
        "Polaris hostNetworkSet",
        "Checkov CKV_K8S_19",
        "Trivy KSV009",
        "Kubescape C-0041",
        "Kubescape C-0196",
        "PSS Baseline: Host Namespaces",
    ),
)
def check(obj: K8sObject, ctx: CheckContext):
    spec = obj.pod_spec
    if spec is not None and spec.get("hostNetwork") is True:
        yield Hit(f"{label(obj)} uses the host network namespace (hostNetwork: true)", obj.pod_at("hostNetwork"))
