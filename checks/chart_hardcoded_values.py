"""chart-hardcoded-values: templates take images, replicas, resources, ports, hosts and storage classes from values.

What it does: reads the chart's rendered templates (not helpers, not templates/tests/) and flags literal values typed into them where users expect a values.yaml setting: `image:`, `replicas:`, entries under `resources.requests`/`resources.limits`, `containerPort`/`port`/`nodePort` numbers, Ingress `host`/`hosts`, and `storageClassName`. ConfigMap and Secret documents, block scalars (embedded config files) and NetworkPolicy ports are skipped; literal ports and `replicas: 1` (often a deliberate singleton) are reported at low severity.
Why it matters: a literal in a template cannot be changed without forking the chart, so users cannot pin an image from their own registry, scale, size or expose the release for their cluster.
Example: `image: nginx:1.25` or `replicas: 3` written directly in templates/deployment.yaml.
Fix: move the literal into values.yaml (keeping it as the default) and read it in the template, e.g. `replicas: {{ .Values.replicaCount }}`.
"""

from __future__ import annotations

import re

from bot.chart import ChartSource
from bot.findings import Severity
from checks._chartmeta import is_partial, is_yaml_template, loaded_files, template_lines
from checks._registry import CheckContext, Hit, register

SKIP_KINDS = {"ConfigMap", "Secret", "CustomResourceDefinition"}
PORT_KEYS = {"containerPort", "port", "nodePort"}
PORT_EXEMPT_KINDS = {"NetworkPolicy"}  # egress to DNS on 53 and the like: other services' ports
_NUMBER = re.compile(r"^\d+$")
_LOCAL_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "::", "::1", "*"}


@register(id="chart-hardcoded-values", category="chart-quality", severity=Severity.MEDIUM, scope="chart", anchors=("Helm best practices",))
def check(chart: ChartSource, ctx: CheckContext):
    for rel in loaded_files(chart):
        if not is_yaml_template(rel) or is_partial(rel) or rel.startswith("templates/tests/"):
            continue
        text = chart.read(rel)
        if not text:
            continue
        for tl in template_lines(text):
            if tl.kind in SKIP_KINDS:
                continue
            literal = tl.literal
            if literal is None or literal == "":
                message = _repository(tl)
            else:
                message = _judge(tl, literal)
            if message:
                yield Hit(message[0], file=rel, line=tl.line, severity=message[1])


def _in_container(tl) -> bool:
    return bool({"containers", "initContainers", "ephemeralContainers"} & set(tl.parents))


def _repository(tl):
    """`image: "docker.io/org/app:{{ .Values.tag }}"`: the tag is a value, the registry is not."""
    if tl.key != "image" or not tl.templated or not _in_container(tl):
        return None
    head = tl.value.lstrip("\"'").split("{{", 1)[0].rstrip(":@/")
    if head and "/" in head or head and re.match(r"^[a-z0-9][a-z0-9._-]*$", head):
        return f'image repository "{head}" is hard-coded in the template; read it from .Values', None
    return None


def _judge(tl, literal: str):
    """(message, severity override) for a literal that belongs in values.yaml, else None."""
    key, parents = tl.key, tl.parents
    if key == "image" and _in_container(tl):
        return f'image "{literal}" is hard-coded in the template; read it from .Values', None
    if key == "replicas" and parents == ("spec",) and _NUMBER.match(literal):
        # 0 or 1 is often a deliberate singleton (a database primary, an arbiter): worth a look, not a block
        severity = Severity.LOW if int(literal) <= 1 else None
        return f"replicas {literal} is hard-coded in the template; read it from .Values", severity
    if key is not None and len(parents) >= 2 and parents[-1] in ("requests", "limits") and parents[-2] == "resources":
        return f'resources.{parents[-1]}.{key} "{literal}" is hard-coded in the template; read resources from .Values', None
    if key in PORT_KEYS and _NUMBER.match(literal) and "ports" in parents and tl.kind not in PORT_EXEMPT_KINDS:
        # a port is often intrinsic to the image (a metrics sidecar), so a literal one is low severity
        return f"{key} {literal} is hard-coded in the template; read it from .Values", Severity.LOW
    if tl.kind == "Ingress" and literal not in _LOCAL_HOSTS and (
        key == "host" and "rules" in parents or key is None and parents[-1:] == ("hosts",)
    ):
        return f'host "{literal}" is hard-coded in the template; read it from .Values', None
    if key == "storageClassName":
        return f'storageClassName "{literal}" is hard-coded in the template; read it from .Values', None
    return None
