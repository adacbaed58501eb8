"""networkpolicy-selects-nothing: NetworkPolicy selectors match pods of the release.

What it does: flags a NetworkPolicy whose non-empty `spec.podSelector` matches the pod template labels of no workload in the release, and (at low severity) an ingress `from` or egress `to` peer whose `podSelector`, without a `namespaceSelector`, matches no pod in the release; such peers may legitimately name pods of another chart in the same namespace. Empty selectors select every pod and pass.
Why it matters: a policy that selects nothing protects nothing, usually because the chart's labels changed and the policy's selector did not; a dangling peer selector silently drops the traffic the policy meant to allow.
Example: `podSelector: {matchLabels: {app: web}}` while the pods are labelled `app.kubernetes.io/name: web`.
Fix: build the policy's `podSelector` (and peer selectors for the chart's own pods) from the same `<chart>.selectorLabels` helper as the workloads.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._integrity import describe_selector, matches, pod_sources, same_namespace, selects_all
from checks._k8s import Release, join_path
from checks._registry import CheckContext, Hit, register


@register(
    id="networkpolicy-selects-nothing",
    category="networking",
    severity=Severity.MEDIUM,
    scope="release",
    anchors=(
        "kube-linter dangling-networkpolicy",
        "kube-linter dangling-networkpolicypeer-podselector",
        "kube-score networkpolicy-targets-pod",
        "Kubescape C-0299",
    ),
)
def check(release: Release, ctx: CheckContext):
    pods = list(pod_sources(release))
    for policy in release.of_kind("NetworkPolicy"):
        if not policy.api_version.startswith("networking.k8s.io"):
            continue
        local = [p.labels for p in pods if same_namespace(p.obj, policy, release)]
        name = f'NetworkPolicy "{policy.name}"'
        selector = policy.get("spec", "podSelector")
        if not selects_all(selector) and not any(matches(selector, labels) for labels in local):
            yield Hit(
                f'{name} podSelector "{describe_selector(selector)}" selects no pod in the release',
                "spec.podSelector",
                obj=policy,
            )
        for direction, side in (("ingress", "from"), ("egress", "to")):
            rules = policy.get("spec", direction)
            for ri, rule in enumerate(rules if isinstance(rules, list) else []):
                peers = rule.get(side) if isinstance(rule, dict) else None
                for pi, peer in enumerate(peers if isinstance(peers, list) else []):
                    if not isinstance(peer, dict) or "podSelector" not in peer or "namespaceSelector" in peer:
                        continue
                    peer_selector = peer["podSelector"]
                    if selects_all(peer_selector) or any(matches(peer_selector, labels) for labels in local):
                        continue
                    yield Hit(
                        f'{name} {direction} peer podSelector "{describe_selector(peer_selector)}" selects no pod in the release '
                        "(pods of another chart may match)",
                        join_path("spec", direction, ri, side, pi, "podSelector"),
                        obj=policy,
                        severity=Severity.LOW,
                    )
