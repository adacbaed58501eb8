"""ingress-tls-missing: Ingresses serve their hosts over TLS.

What it does: flags an Ingress without `spec.tls`, and a rule host that no `spec.tls[].hosts` entry covers (wildcards such as `*.example.com` count; a TLS entry without hosts covers all). Ingresses whose TLS is terminated by the load balancer from annotations are skipped: AWS ALB (`alb.ingress.kubernetes.io/certificate-arn`, or HTTPS in `listen-ports`), GKE (`networking.gke.io/managed-certificates`, `ingress.gcp.kubernetes.io/pre-shared-cert`), Azure Application Gateway (`appgw.ingress.kubernetes.io/appgw-ssl-certificate`) and Traefik (`traefik.ingress.kubernetes.io/router.tls: "true"`).
Why it matters: without TLS, sessions, tokens and passwords cross the network in clear text, and browsers mark the site as not secure.
Example: the `helm create` default `ingress.tls: []` left empty in a production values file.
Fix: set `ingress.tls` in values.yaml to the hosts and the Secret holding their certificate (for example issued by cert-manager through the `cert-manager.io/cluster-issuer` annotation).
"""

from __future__ import annotations

from bot.findings import Severity
from checks._integrity import text
from checks._k8s import K8sObject, join_path
from checks._registry import CheckContext, Hit, register

_LB_TLS = (
    "alb.ingress.kubernetes.io/certificate-arn",
    "networking.gke.io/managed-certificates",
    "ingress.gcp.kubernetes.io/pre-shared-cert",
    "appgw.ingress.kubernetes.io/appgw-ssl-certificate",
)


def _terminated_elsewhere(obj: K8sObject) -> bool:
    notes = obj.annotations
    if any(text(notes.get(key)) for key in _LB_TLS):
        return True
    if "HTTPS" in text(notes.get("alb.ingress.kubernetes.io/listen-ports")):
        return True
    return text(notes.get("traefik.ingress.kubernetes.io/router.tls")).lower() == "true"


def _covers(pattern: str, host: str) -> bool:
    if pattern.startswith("*."):
        head, _, rest = host.partition(".")
        return bool(head) and rest == pattern[2:]
    return pattern == host


@register(
    id="ingress-tls-missing",
    category="networking",
    severity=Severity.MEDIUM,
    kinds=("Ingress",),
    anchors=("Polaris tlsSettingsMissing", "Kubescape C-0263"),
    fix="ingress.tls",
)
def check(obj: K8sObject, ctx: CheckContext):
    if _terminated_elsewhere(obj):
        return
    tls = obj.get("spec", "tls")
    entries = [entry for entry in tls if isinstance(entry, dict)] if isinstance(tls, list) else []
    if not entries:
        yield Hit(f'ingress "{obj.name}" has no spec.tls; its hosts are served over plain HTTP', "spec.tls")
        return
    if any(not isinstance(entry.get("hosts"), list) or not entry.get("hosts") for entry in entries):
        return  # an entry without hosts applies to every host
    covered = [text(h) for entry in entries for h in entry["hosts"] if text(h)]
    rules = obj.get("spec", "rules")
    for index, rule in enumerate(rules if isinstance(rules, list) else []):
        host = text(rule.get("host")) if isinstance(rule, dict) else ""
        if host and not any(_covers(pattern, host) for pattern in covered):
            yield Hit(f'ingress "{obj.name}" host "{host}" is not covered by spec.tls', join_path("spec", "rules", index, "host"))
