"""service-target-port-invalid: service target ports exist on the selected pods.

What it does: for each Service port, checks the `targetPort` (or `port` when targetPort is unset) against the container ports of the pods the Service selects in the release. A named targetPort must be declared (by name) on at least one selected container; a numeric one must be declared when the selected containers declare any ports at all (containers that declare no ports are not judged, since undeclared numeric ports still receive traffic). It also flags port names that are not valid IANA service names, on Services and on container ports. Services that select no pod in the release are left to service-selects-no-pods.
Why it matters: a named targetPort that no pod declares leaves the Service without endpoints, and a numeric one that points at the wrong port sends traffic nowhere; both pass `helm install` and fail only at request time.
Example: `targetPort: http` while the container declares `ports: [{name: web, containerPort: 8080}]`.
Fix: name the container port the way the Service refers to it (or point targetPort at a declared containerPort), keeping port names lower-case, at most 15 characters, with at least one letter.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._integrity import matches, pod_sources, same_namespace, text, valid_port_name
from checks._k8s import Release, extend_path, join_path
from checks._registry import CheckContext, Hit, register

_NAME_RULE = "lower-case letters, digits and '-', at most 15 characters, at least one letter"


def _port_number(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@register(
    id="service-target-port-invalid",
    category="reliability",
    severity=Severity.MEDIUM,
    scope="release",
    anchors=("kube-linter invalid-target-ports", "kube-score container-ports-check"),
)
def check(release: Release, ctx: CheckContext):
    pods = list(pod_sources(release))
    for pod in pods:
        for group in ("containers", "initContainers"):
            containers = pod.spec.get(group)
            if not isinstance(containers, list):
                continue
            for ci, container in enumerate(containers):
                if not isinstance(container, dict) or not isinstance(container.get("ports"), list):
                    continue
                for pi, port in enumerate(container["ports"]):
                    name = port.get("name") if isinstance(port, dict) else None
                    if isinstance(name, str) and not valid_port_name(name):
                        path = extend_path(pod.spec_path, group, ci, "ports", pi, "name")
                        yield Hit(
                            f'container "{text(container.get("name")) or "?"}" port name "{name}" is not a valid port name ({_NAME_RULE})',
                            path,
                            obj=pod.obj,
                        )

    for service in release.of_kind("Service"):
        if service.get("spec", "type") == "ExternalName":
            continue
        selector = service.get("spec", "selector")
        ports = service.get("spec", "ports")
        if not isinstance(selector, dict) or not selector or not isinstance(ports, list):
            continue
        selected = [p for p in pods if same_namespace(p.obj, service, release) and matches(selector, p.labels)]
        declared = [port for pod in selected for port in pod.declared_ports()]
        names = {port.get("name") for port in declared if isinstance(port.get("name"), str)}
        numbers = {n for n in (_port_number(port.get("containerPort")) for port in declared) if n is not None}
        for index, port in enumerate(ports):
            if not isinstance(port, dict):
                continue
            key = "targetPort" if "targetPort" in port else "port"
            target = port.get(key)
            path = join_path("spec", "ports", index, key)
            label = text(port.get("name")) or text(port.get("port")) or str(index)
            if isinstance(target, str):
                if not valid_port_name(target):
                    yield Hit(
                        f'service "{service.name}" port "{label}" targetPort "{target}" is not a valid port name ({_NAME_RULE})',
                        path,
                        obj=service,
                    )
                elif selected and target not in names:
                    shown = ", ".join(f'"{n}"' for n in sorted(names)) or "none"
                    yield Hit(
                        f'service "{service.name}" port "{label}" targets port name "{target}" that no selected container declares (declared names: {shown})',
                        path,
                        obj=service,
                    )
            elif _port_number(target) is not None and numbers and target not in numbers:
                shown = ", ".join(str(n) for n in sorted(numbers))
                yield Hit(
                    f'service "{service.name}" port "{label}" targets port {target} that no selected container declares (declared: {shown})',
                    path,
                    obj=service,
                )
