"""ingress-backend-missing: ingress backends name a Service and port of the release.

What it does: for every Ingress backend (`spec.defaultBackend` and each `rules[].http.paths[].backend`; also the `serviceName`/`servicePort` form of extensions/v1beta1 and networking/v1beta1) checks that the release renders a Service of that name in the same namespace, and that the port (by number or by name) is one of that Service's `spec.ports`. Resource backends are skipped. Services that exist outside the chart can be listed under the rule's `external` option.
Why it matters: an Ingress whose backend Service or port does not exist answers every request with 503 (ingress-nginx "default backend"), usually after the Service was renamed through the fullname helper or its port changed in values.yaml.
Example: `backend: {service: {name: web, port: {number: 8080}}}` while Service "web" only exposes port 80.
Fix: build the backend name with the same fullname helper as the Service and take the port from the same values key (`service.port`), or list the Service under `options: {ingress-backend-missing: {external: [...]}}` if another chart creates it.
"""

from __future__ import annotations

from typing import Any, Iterator

from bot.findings import Severity
from checks._integrity import external, find, text
from checks._k8s import K8sObject, Release, join_path
from checks._registry import CheckContext, Hit, register

RULE = "ingress-backend-missing"


def _backends(ingress: K8sObject) -> Iterator[tuple[tuple, Any, Any, tuple, tuple]]:
    """(backend path, service name, port, name key, port key) for each service backend."""
    spec = ingress.get("spec")
    if not isinstance(spec, dict):
        return
    places: list[tuple[tuple, Any]] = []
    for key in ("defaultBackend", "backend"):
        if key in spec:
            places.append((("spec", key), spec[key]))
    rules = spec.get("rules")
    for ri, rule in enumerate(rules if isinstance(rules, list) else []):
        paths = rule.get("http", {}).get("paths") if isinstance(rule, dict) and isinstance(rule.get("http"), dict) else None
        for pi, item in enumerate(paths if isinstance(paths, list) else []):
            if isinstance(item, dict) and "backend" in item:
                places.append((("spec", "rules", ri, "http", "paths", pi, "backend"), item["backend"]))
    for base, backend in places:
        if not isinstance(backend, dict):
            continue
        service = backend.get("service")
        if isinstance(service, dict):
            port = service.get("port")
            if isinstance(port, dict):
                port_key = ("port", "number") if "number" in port else ("port", "name")
                port_value = port.get("number", port.get("name"))
            else:
                port_key, port_value = ("port",), None
            yield base, service.get("name"), port_value, ("service", "name"), ("service",) + port_key
        elif "serviceName" in backend:
            yield base, backend.get("serviceName"), backend.get("servicePort"), ("serviceName",), ("servicePort",)


def _has_port(service: K8sObject, port: Any) -> bool:
    ports = service.get("spec", "ports")
    for item in ports if isinstance(ports, list) else []:
        if not isinstance(item, dict):
            continue
        if isinstance(port, str) and not port.isdigit():
            if item.get("name") == port:
                return True
        elif text(item.get("port")) == text(port):
            return True
    return False


@register(
    id=RULE,
    category="reliability",
    severity=Severity.HIGH,
    scope="release",
    anchors=("kube-linter dangling-ingress", "kube-score ingress-targets-service", "Kubescape C-0298"),
)
def check(release: Release, ctx: CheckContext):
    for ingress in release.of_kind("Ingress"):
        for base, name, port, name_key, port_key in _backends(ingress):
            name = text(name)
            if not name or external(ctx, RULE, "Service", name):
                continue
            service = find(release, ("Service",), name, ingress)
            if service is None:
                yield Hit(
                    f'ingress "{ingress.name}" routes to service "{name}" that the release does not define',
                    join_path(*base, *name_key),
                    obj=ingress,
                )
            elif text(port) and not _has_port(service, port):
                ports = service.get("spec", "ports")
                shown = ", ".join(
                    text(p.get("name")) + ":" + text(p.get("port")) if text(p.get("name")) else text(p.get("port"))
                    for p in (ports if isinstance(ports, list) else [])
                    if isinstance(p, dict)
                ) or "none"
                yield Hit(
                    f'ingress "{ingress.name}" routes to port "{port}" that service "{name}" does not expose (ports: {shown})',
                    join_path(*base, *port_key),
                    obj=ingress,
                )
