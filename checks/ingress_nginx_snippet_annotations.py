"""ingress-nginx-snippet-annotations: Ingresses do not inject raw NGINX configuration.

What it does: flags Ingress annotations `nginx.ingress.kubernetes.io/*-snippet` (configuration-, server-, auth-, stream-, modsecurity-snippet), saying when the snippet runs Lua code or uses the `alias` directive, and ConfigMaps that switch snippets on for the controller (`allow-snippet-annotations: "true"`). Option `annotation_prefix` changes the prefix for controllers started with `--annotations-prefix`.
Why it matters: a snippet is pasted verbatim into the controller's nginx.conf; anyone who can edit an Ingress can read files of the controller pod, including its service account token that reads every Secret in the cluster (CVE-2021-25742), or break routing for every host.
Example: `nginx.ingress.kubernetes.io/configuration-snippet: "more_set_headers X-Frame-Options: DENY;"`.
Fix: use the dedicated annotations or controller ConfigMap settings instead (headers via `custom-headers`, rewrites via `rewrite-target`), and keep `controller.allowSnippetAnnotations: false`.
"""

from __future__ import annotations

import re

from bot.findings import Severity
from checks._k8s import K8sObject, join_path
from checks._podsec import owner
from checks._registry import CheckContext, Hit, register

RULE_ID = "ingress-nginx-snippet-annotations"
DEFAULT_PREFIX = "nginx.ingress.kubernetes.io"
_LUA = re.compile(r"\b\w*_by_lua\w*|\blua_\w+", re.I)
_ALIAS = re.compile(r"(?:^|[;{\s])alias\s+\S", re.M)


def _details(value) -> str:
    if not isinstance(value, str):
        return ""
    found = []
    if _LUA.search(value):
        found.append("runs Lua code")
    if _ALIAS.search(value):
        found.append("uses the alias directive")
    return " and ".join(found)


@register(
    id=RULE_ID,
    category="security",
    severity=Severity.HIGH,
    kinds=("Ingress", "ConfigMap"),
    anchors=("Checkov CKV_K8S_152", "Checkov CKV_K8S_153", "Checkov CKV_K8S_154", "Trivy KCV0093", "Kubescape C-0059"),
)
def check(obj: K8sObject, ctx: CheckContext):
    if obj.kind == "ConfigMap":
        data = obj.get("data")
        value = data.get("allow-snippet-annotations") if isinstance(data, dict) else None
        if str(value).strip().lower() == "true":
            yield Hit(
                f'{owner(obj)} enables ingress-nginx snippet annotations (allow-snippet-annotations: "{value}")',
                join_path("data", "allow-snippet-annotations"),
            )
        return
    prefix = ctx.option(RULE_ID, "annotation_prefix", DEFAULT_PREFIX)
    prefix = prefix.rstrip("/") if isinstance(prefix, str) and prefix.rstrip("/") else DEFAULT_PREFIX
    for key, value in obj.annotations.items():
        if not isinstance(key, str) or not key.startswith(prefix + "/") or not key.endswith("-snippet"):
            continue
        details = _details(value)
        message = f'{owner(obj)} uses snippet annotation "{key}"'
        yield Hit(f"{message} that {details}" if details else message, join_path("metadata", "annotations", key))
