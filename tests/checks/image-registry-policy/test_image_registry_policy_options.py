"""allowedRegistries / deniedRegistries come from .chartwarden.yaml, which fixtures cannot set: test them directly."""

from __future__ import annotations

from checks._k8s import K8sObject
from checks._registry import CheckContext, all_rules

RULE = all_rules()["image-registry-policy"]


def _pod(*images: str) -> K8sObject:
    containers = [{"name": f"c{i}", "image": image} for i, image in enumerate(images)]
    return K8sObject({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": containers}})


def _messages(obj: K8sObject, **options) -> list[str]:
    ctx = CheckContext(options={"image-registry-policy": options})
    return [hit.message for hit in RULE.func(obj, ctx)]


def test_allow_list_by_registry_and_repository_prefix():
    pod = _pod("ghcr.io/acme/app:1.0", "ghcr.io/other/app:1.0", "nginx:1.27", "acme.azurecr.io/app:2", "ghcr.io/acmecorp/x:1")
    got = _messages(pod, allowedRegistries=["ghcr.io/acme", "*.azurecr.io"])
    assert got == [
        'container "c1" image "ghcr.io/other/app:1.0" comes from registry "ghcr.io", which is not in allowedRegistries',
        'container "c2" image "nginx:1.27" comes from registry "docker.io", which is not in allowedRegistries',
        'container "c4" image "ghcr.io/acmecorp/x:1" comes from registry "ghcr.io", which is not in allowedRegistries',
    ]


def test_docker_hub_aliases_and_deny_list():
    pod = _pod("nginx:1.27", "index.docker.io/library/redis:7", "quay.io/prometheus/node-exporter:v1.8.0")
    assert _messages(pod, allowedRegistries=["docker.io", "quay.io"]) == []
    assert _messages(pod, deniedRegistries="docker.io") == [
        'container "c0" image "nginx:1.27" comes from the denied registry "docker.io"',
        'container "c1" image "index.docker.io/library/redis:7" comes from the denied registry "docker.io"',
    ]


def test_frozen_registry_is_flagged_even_when_allowed():
    got = _messages(_pod("k8s.gcr.io/pause:3.9"), allowedRegistries=["k8s.gcr.io"])
    assert got == ['container "c0" pulls "k8s.gcr.io/pause:3.9" from the frozen registry k8s.gcr.io; use registry.k8s.io']


def test_bad_option_types_are_ignored():
    assert _messages(_pod("nginx:1.27"), allowedRegistries={"a": 1}, deniedRegistries=None) == []
