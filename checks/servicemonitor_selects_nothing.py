"""servicemonitor-selects-nothing: ServiceMonitors select a Service of the release.

What it does: for each prometheus-operator ServiceMonitor, flags a non-empty `spec.selector` that matches the labels of no Service in the release, and an `endpoints[].port` name that none of the selected Services exposes. ServiceMonitors whose `namespaceSelector` is `any: true` or names a namespace other than their own are skipped, since their Services live elsewhere.
Why it matters: a ServiceMonitor that selects nothing produces no scrape target and no error; the application's metrics and every alert built on them silently disappear, typically after a Service label or port rename.
Example: `selector: {matchLabels: {app: web}}` while the Service is labelled `app.kubernetes.io/name: web`, or `endpoints: [{port: metrics}]` while the Service port is named `http-metrics`.
Fix: build the ServiceMonitor selector from the same `<chart>.selectorLabels` helper the Service's labels use, and name the endpoint port exactly as the Service port.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._integrity import describe_selector, matches, namespace_of, selects_all, text
from checks._k8s import Release, join_path
from checks._registry import CheckContext, Hit, register


@register(
    id="servicemonitor-selects-nothing",
    category="observability",
    severity=Severity.LOW,
    scope="release",
    anchors=("kube-linter dangling-servicemonitor",),
)
def check(release: Release, ctx: CheckContext):
    for monitor in release.of_kind("ServiceMonitor"):
        if not monitor.api_version.startswith("monitoring.coreos.com"):
            continue
        own = namespace_of(monitor, release)
        scope = monitor.get("spec", "namespaceSelector")
        if isinstance(scope, dict):
            names = scope.get("matchNames")
            if scope.get("any") is True or (isinstance(names, list) and any(text(n) != own for n in names)):
                continue
        services = [s for s in release.of_kind("Service") if namespace_of(s, release) == own]
        selector = monitor.get("spec", "selector")
        who = f'ServiceMonitor "{monitor.name}"'
        if selects_all(selector):
            selected = services
        else:
            selected = [s for s in services if matches(selector, s.labels)]
            if not selected:
                yield Hit(f'{who} selector "{describe_selector(selector)}" matches no Service in the release', "spec.selector", obj=monitor)
                continue
        if not selected:
            continue
        port_names = {
            text(p.get("name"))
            for s in selected
            for p in (s.get("spec", "ports") if isinstance(s.get("spec", "ports"), list) else [])
            if isinstance(p, dict) and text(p.get("name"))
        }
        endpoints = monitor.get("spec", "endpoints")
        for index, endpoint in enumerate(endpoints if isinstance(endpoints, list) else []):
            port = text(endpoint.get("port")) if isinstance(endpoint, dict) else ""
            if port and port not in port_names:
                shown = ", ".join(f'"{n}"' for n in sorted(port_names)) or "none"
                yield Hit(
                    f'{who} endpoint port "{port}" is not a port name of the selected Services (names: {shown})',
                    join_path("spec", "endpoints", index, "port"),
                    obj=monitor,
                )
