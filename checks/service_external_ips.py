"""service-external-ips: Services do not set externalIPs.

What it does: flags Services with a non-empty `spec.externalIPs`.
Why it matters: kube-proxy sends traffic for any listed IP to the Service without checking who owns that address, so whoever can create a Service can intercept traffic meant for another address (CVE-2020-8554); many clusters block the field with the DenyServiceExternalIPs admission plugin.
Example: `externalIPs: [203.0.113.10]` on a ClusterIP Service to reach it from outside the cluster.
Fix: remove `externalIPs` and expose the Service through a LoadBalancer, an Ingress or Gateway, or a NodePort.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import K8sObject, join_path
from checks._podsec import as_list, owner
from checks._registry import CheckContext, Hit, register


@register(
    id="service-external-ips",
    category="networking",
    severity=Severity.HIGH,
    kinds=("Service",),
    anchors=("Trivy KSV108",),
)
def check(obj: K8sObject, ctx: CheckContext):
    addresses = [str(ip) for ip in as_list(obj.get("spec", "externalIPs")) if ip not in (None, "")]
    if addresses:
        yield Hit(f"{owner(obj)} sets externalIPs {', '.join(addresses)}", join_path("spec", "externalIPs"))
