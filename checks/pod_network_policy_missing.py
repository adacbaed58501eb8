"""pod-network-policy-missing: every pod the chart runs is selected by a NetworkPolicy.

What it does: when the release renders workloads, flags each workload whose pod labels no NetworkPolicy in the release selects (an empty `podSelector` selects every pod in its namespace). CiliumNetworkPolicy `endpointSelector`s count too; a Calico policy in the release is assumed to cover the pods, since its selector language is not evaluated. Helm test pods are skipped. A namespace-wide default-deny policy installed outside the chart also isolates the pods; exempt the rule in .chartwarden.yaml where the platform provides one.
Why it matters: a pod no policy selects accepts traffic from every pod in the cluster and may call anything; one compromised neighbour can reach its admin ports, and a NetworkPolicy rollout later breaks nothing only if each chart states what it needs.
Example: a chart with a Deployment and a Service but no templates/networkpolicy.yaml.
Fix: add templates/networkpolicy.yaml gated by `networkPolicy.enabled`, selecting the chart's pods with the `<chart>.selectorLabels` helper and allowing only the ingress and egress the application needs.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._integrity import NETWORK_POLICY_KINDS, is_test_hook, pod_sources, policy_selectors, policy_selects, same_namespace, workload_label
from checks._k8s import Release
from checks._registry import CheckContext, Hit, register


@register(
    id="pod-network-policy-missing",
    category="networking",
    severity=Severity.MEDIUM,
    scope="release",
    anchors=(
        "kube-linter non-isolated-pod",
        "Polaris missingNetworkPolicy",
        "kube-score pod-networkpolicy",
        "Checkov CKV2_K8S_6",
        "Trivy KSV038",
        "Kubescape C-0260",
    ),
)
def check(release: Release, ctx: CheckContext):
    policies = release.of_kind(*NETWORK_POLICY_KINDS)
    for pod in pod_sources(release):
        if is_test_hook(pod.obj):
            continue
        covered = False
        for policy in policies:
            if policy.kind != "GlobalNetworkPolicy" and not same_namespace(policy, pod.obj, release):
                continue
            selectors = policy_selectors(policy)
            if selectors is None or any(policy_selects(s, pod.labels) for s in selectors):
                covered = True
                break
        if not covered:
            yield Hit(
                f"pods of {workload_label(pod.obj)} are not selected by any NetworkPolicy in the release "
                "(a namespace-wide policy outside the chart may still cover them)",
                "",
                obj=pod.obj,
            )
