"""service-type-exposed: Services are not exposed on node ports.

What it does: flags Services of type NodePort; with the rule option `loadBalancer: true` it also flags type LoadBalancer (off by default, since a LoadBalancer is often the intended entry point of a chart).
Why it matters: a NodePort opens the port on every node of the cluster, bypassing the ingress controller, its TLS and its authentication, and node addresses are often reachable from wider networks than intended.
Example: `service.type: NodePort` left in values.yaml from local testing.
Fix: set `service.type: ClusterIP` in values.yaml and publish the application through an Ingress (or a deliberate LoadBalancer).
"""

from __future__ import annotations

from bot.findings import Severity
from checks._integrity import text
from checks._k8s import K8sObject
from checks._registry import CheckContext, Hit, register

RULE = "service-type-exposed"


@register(
    id=RULE,
    category="networking",
    severity=Severity.LOW,
    kinds=("Service",),
    anchors=("kube-linter exposed-services", "kube-score service-type"),
    fix="service.type",
)
def check(obj: K8sObject, ctx: CheckContext):
    kind = obj.get("spec", "type")
    if kind == "NodePort":
        ports = obj.get("spec", "ports")
        fixed = [text(p.get("nodePort")) for p in (ports if isinstance(ports, list) else []) if isinstance(p, dict) and text(p.get("nodePort"))]
        where = f"port {', '.join(fixed)}" if fixed else "a port"
        yield Hit(f'service "{obj.name}" has type NodePort, which opens {where} on every node', "spec.type")
    elif kind == "LoadBalancer" and ctx.option(RULE, "loadBalancer", False) is True:
        yield Hit(f'service "{obj.name}" has type LoadBalancer, which gives it an external address', "spec.type")
