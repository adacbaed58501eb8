"""naked-pod: pods are managed by a controller.

What it does: flags a bare `Pod` object that no controller owns (no `ownerReferences`). Helm test pods (`helm.sh/hook: test`) are skipped, since `helm test` runs them once on purpose.
Why it matters: nothing recreates a bare pod when its node drains, fails or is upgraded, and it cannot be rolled out, scaled or covered by a PodDisruptionBudget; the service silently disappears at the next node maintenance.
Example: `kind: Pod` running a web server in templates/pod.yaml.
Fix: wrap the pod spec in a Deployment (or a StatefulSet, DaemonSet or Job, depending on what the pod does) and move its labels into `spec.template.metadata.labels`.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._integrity import is_test_hook
from checks._k8s import K8sObject
from checks._registry import CheckContext, Hit, register


@register(id="naked-pod", category="reliability", severity=Severity.MEDIUM, kinds=("Pod",), anchors=("Kubescape C-0073",))
def check(obj: K8sObject, ctx: CheckContext):
    owners = obj.get("metadata", "ownerReferences")
    if is_test_hook(obj) or (isinstance(owners, list) and owners):
        return
    yield Hit(f'pod "{obj.name}" is not managed by a controller; nothing recreates it when its node goes away', "")
