"""pod-host-process: pods do not run as Windows HostProcess containers.

What it does: flags `securityContext.windowsOptions.hostProcess: true` on the pod or on any container (app, init or ephemeral).
Why it matters: a Windows HostProcess container runs directly on the node, outside any container isolation, with the host's network and file system; it is the Windows equivalent of a privileged pod.
Example: `securityContext: {windowsOptions: {hostProcess: true}}` with `hostNetwork: true` in a Windows node-agent DaemonSet.
Fix: remove `windowsOptions.hostProcess` (or set it to false); keep host-level agents in a dedicated, separately reviewed namespace.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._podsec import all_containers, as_dict, container_security_context, owner, pod_security_context
from checks._registry import CheckContext, Hit, register


@register(
    id="pod-host-process",
    category="security",
    severity=Severity.HIGH,
    kinds=WORKLOAD_KINDS,
    anchors=("Polaris hostProcess", "Trivy KSV103", "Kubescape C-0202", "PSS Baseline: HostProcess"),
)
def check(obj: K8sObject, ctx: CheckContext):
    if as_dict(pod_security_context(obj).get("windowsOptions")).get("hostProcess") is True:
        yield Hit(
            f"{owner(obj)} runs as a Windows HostProcess pod (windowsOptions.hostProcess: true)",
            obj.pod_at("securityContext", "windowsOptions", "hostProcess"),
        )
    for container in all_containers(obj):
        if as_dict(container_security_context(container).get("windowsOptions")).get("hostProcess") is True:
            yield Hit(
                f'container "{container.name}" runs as a Windows HostProcess container (windowsOptions.hostProcess: true)',
                container.at("securityContext", "windowsOptions", "hostProcess"),
            )
