"""probe-misconfigured: probes target a declared port and liveness differs from readiness.

What it does: flags liveness, readiness and startup probes whose `httpGet`/`tcpSocket`/`grpc` port is not among the container's `ports` (a named port that does not exist, or a number not declared: medium, or low when the container declares no ports at all, since the probe still works), and containers whose liveness and readiness probes run the same check (same handler, timings ignored). Probes with a `host` are skipped.
Why it matters: a probe on a missing named port always fails, so the pod never becomes ready or is restarted in a loop; a number that is not declared usually means the port changed and the probe did not. A liveness probe identical to the readiness probe restarts every pod when a shared dependency is slow, turning a brownout into an outage.
Example: `ports: [{name: http, containerPort: 8080}]` with `livenessProbe: {httpGet: {path: /healthz, port: metrics}}`.
Fix: point the probe at a port the container declares (by name, e.g. `port: http`), and give the liveness probe a cheaper check than the readiness probe (or drop it).
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register
from checks._reliability import PROBES, declared_ports, describe_handler, handler_key, normal_port, probe_handler


@register(
    id="probe-misconfigured",
    category="reliability",
    severity=Severity.HIGH,
    kinds=WORKLOAD_KINDS,
    anchors=(
        "kube-linter liveness-port",
        "kube-linter readiness-port",
        "kube-linter startup-port",
        "kube-score pod-probes-identical",
    ),
)
def check(obj: K8sObject, ctx: CheckContext):
    for container in obj.containers():
        numbers, names = declared_ports(container)
        for probe_name in PROBES:
            found = probe_handler(container.get(probe_name))
            if found is None or found[0] == "exec":
                continue
            kind, handler = found
            if isinstance(handler.get("host"), str) and handler["host"].strip():
                continue  # probes another host: its ports are not this container's
            port = normal_port(handler.get("port"))
            path = container.at(probe_name, kind, "port")
            if isinstance(port, str) and port not in names:
                known = f' (named ports: {", ".join(sorted(names))})' if names else ""
                yield Hit(f'container "{container.name}" {probe_name} port "{port}" is not a named port of the container{known}', path)
            elif isinstance(port, int) and port not in numbers:
                if numbers:
                    # the probe still works (the kubelet reaches undeclared ports); a named port that
                    # does not exist is the error that breaks a pod, so this one is only medium
                    declared = ", ".join(str(n) for n in sorted(numbers))
                    yield Hit(
                        f'container "{container.name}" {probe_name} port {port} is not among its container ports ({declared})',
                        path,
                        severity=Severity.MEDIUM,
                    )
                else:
                    yield Hit(
                        f'container "{container.name}" {probe_name} port {port} is not declared in its ports',
                        path,
                        severity=Severity.LOW,
                    )
        liveness = probe_handler(container.get("livenessProbe"))
        readiness = probe_handler(container.get("readinessProbe"))
        if liveness and readiness and handler_key(*liveness) == handler_key(*readiness):
            yield Hit(
                f'container "{container.name}" liveness and readiness probes run the same check ({describe_handler(*liveness)})',
                container.at("livenessProbe"),
            )
