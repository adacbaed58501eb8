"""service-selects-no-pods: services select pods the release renders.

What it does: flags a Service whose `spec.selector` matches the pod template labels of no workload in the rendered release (Deployments, StatefulSets, DaemonSets, Jobs, CronJobs, Pods, and CRDs with a `spec.template` such as Argo Rollouts). Services without a selector (manual Endpoints / EndpointSlices) and ExternalName Services are skipped. When a workload carries the selector's labels on its own metadata but not on its pod template, the message says so.
Why it matters: a Service that selects nothing has no endpoints; every request to it fails with "connection refused" or a 503 from the ingress, usually after a label rename in a helper template.
Example: `selector: {app.kubernetes.io/name: web}` while the Deployment's pods are labelled `app.kubernetes.io/name: web-server`.
Fix: render the Service selector and the pod template labels from the same `<chart>.selectorLabels` helper; if the pods come from another chart, exempt the Service in .chartwarden.yaml.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._integrity import describe_selector, matches, pod_sources, same_namespace, workload_label
from checks._k8s import Release
from checks._registry import CheckContext, Hit, register


@register(
    id="service-selects-no-pods",
    category="reliability",
    severity=Severity.HIGH,
    scope="release",
    anchors=("kube-linter dangling-service", "kube-score service-targets-pod", "Kubescape C-0293"),
)
def check(release: Release, ctx: CheckContext):
    pods = list(pod_sources(release))
    for service in release.of_kind("Service"):
        if service.get("spec", "type") == "ExternalName":
            continue
        selector = service.get("spec", "selector")
        if not isinstance(selector, dict) or not selector:
            continue
        candidates = [p for p in pods if same_namespace(p.obj, service, release)]
        if any(matches(selector, p.labels) for p in candidates):
            continue
        shown = describe_selector(selector)
        near = next((p.obj for p in candidates if matches(selector, p.obj.labels)), None)
        if near is not None:
            message = (
                f'service "{service.name}" selects no pods: {workload_label(near)} has labels "{shown}" '
                "on its metadata but not on its pod template"
            )
        elif not pods:
            message = f'service "{service.name}" selects no pods: the release renders no pods for selector "{shown}"'
        else:
            where = f'namespace "{service.namespace}"' if service.namespace else "the release"
            message = f'service "{service.name}" selects no pods: no pod template in {where} has labels "{shown}"'
        yield Hit(message, "spec.selector", obj=service)
