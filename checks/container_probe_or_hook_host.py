"""container-probe-or-hook-host: probes and lifecycle hooks target the pod itself.

What it does: flags a non-empty `host` in `httpGet` or `tcpSocket` of a container's livenessProbe, readinessProbe, startupProbe, or lifecycle postStart/preStop hook (Pod Security Baseline forbids it from Kubernetes 1.34).
Why it matters: the kubelet runs these checks from the node's network namespace; a `host` field makes it connect wherever the pod author says, which turns a probe into a request forgery from the node (cloud metadata, node-local services).
Example: `livenessProbe: {httpGet: {host: 169.254.169.254, path: /latest/meta-data, port: 80}}`.
Fix: remove the `host` field so the probe targets the pod IP; to check a dependency, probe an endpoint of your own application instead.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._podsec import all_containers, as_dict, text
from checks._registry import CheckContext, Hit, register

PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
HOOKS = ("postStart", "preStop")
HANDLERS = ("httpGet", "tcpSocket")


@register(
    id="container-probe-or-hook-host",
    category="security",
    severity=Severity.MEDIUM,
    kinds=WORKLOAD_KINDS,
    anchors=("PSS Baseline: Host Probes / Lifecycle Hooks",),
)
def check(obj: K8sObject, ctx: CheckContext):
    for container in all_containers(obj):
        places = [((probe,), as_dict(container.get(probe)), probe) for probe in PROBES]
        places += [(("lifecycle", hook), as_dict(container.get("lifecycle", hook)), f"{hook} hook") for hook in HOOKS]
        for keys, handler_parent, label in places:
            for handler in HANDLERS:
                host = as_dict(handler_parent.get(handler)).get("host")
                if text(host):
                    yield Hit(
                        f'container "{container.name}" {label} {handler} targets host "{host}"',
                        container.at(*keys, handler, "host"),
                    )
