"""helm2-tiller: nothing deploys Tiller, the Helm v2 server.

What it does: flags workloads running a Tiller image (`.../tiller`) or labelled `app: helm, name: tiller`, and Services named `tiller-deploy`, selecting Tiller pods or exposing Tiller's gRPC port 44134.
Why it matters: Helm v2 reached end of life in 2020; Tiller usually runs with cluster-admin and, by default, serves an unauthenticated gRPC API that any pod in the cluster can call to install anything.
Example: a `tiller-deploy` Deployment with image `gcr.io/kubernetes-helm/tiller:v2.16.12` and its Service on port 44134.
Fix: migrate the releases to Helm 3 (the helm-2to3 plugin), then delete the Tiller Deployment, Service and its ServiceAccount binding.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject, extend_path, join_path
from checks._registry import CheckContext, Hit, register

TILLER_PORT = 44134
TILLER_LABELS = {"app": "helm", "name": "tiller"}


def _is_tiller_image(image: object) -> bool:
    if not isinstance(image, str):
        return False
    name = image.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0]
    return name == "tiller"


def _tiller_labels(labels: object) -> bool:
    return isinstance(labels, dict) and all(labels.get(k) == v for k, v in TILLER_LABELS.items())


def _service(obj: K8sObject):
    if obj.name == "tiller-deploy":
        return Hit('Service "tiller-deploy" exposes Tiller (Helm v2)', join_path("metadata", "name"))
    if _tiller_labels(obj.get("spec", "selector")):
        return Hit(f'Service "{obj.name}" selects Tiller (Helm v2) pods', join_path("spec", "selector"))
    ports = obj.get("spec", "ports")
    for index, port in enumerate(ports if isinstance(ports, list) else []):
        if isinstance(port, dict) and TILLER_PORT in (port.get("port"), port.get("targetPort")):
            return Hit(f'Service "{obj.name}" exposes Tiller\'s gRPC port {TILLER_PORT}', join_path("spec", "ports", index))
    return None


@register(
    id="helm2-tiller",
    category="deprecation",
    severity=Severity.MEDIUM,
    kinds=WORKLOAD_KINDS | {"Service"},
    anchors=("Checkov CKV_K8S_34", "Checkov CKV_K8S_44", "Checkov CKV_K8S_45", "Trivy KSV102"),
)
def check(obj: K8sObject, ctx: CheckContext):
    if obj.kind == "Service":
        hit = _service(obj)
        if hit:
            yield hit
        return
    for container in obj.containers():
        image = container.get("image")
        if _is_tiller_image(image):
            yield Hit(f'container "{container.name}" runs Tiller (Helm v2) image "{image}"', container.at("image"))
            return
    if _tiller_labels(obj.pod_labels):
        yield Hit(f'{obj.kind} "{obj.name}" runs pods labelled as Tiller (Helm v2)', extend_path(obj.pod_meta_path, "labels"))
