"""image-tag-latest-or-missing: images name a fixed tag, not `latest` or nothing.

What it does: flags container images with no tag or with the tag `latest` (digest-pinned images pass).
Why it matters: `latest` moves; two pods of one Deployment can run different code, and a rollback cannot return to the old image.
Example: `image: nginx` or `image: nginx:latest`.
Fix: set `image.tag` in values.yaml to a released version (or pin a digest), and default the template to `.Chart.AppVersion`.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register


def image_tag(image: str) -> str | None:
    """The tag of an image reference, or None; a digest-pinned reference counts as tagged."""
    if "@" in image:
        return image.split("@", 1)[1]
    last = image.rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else None


@register(
    id="image-tag-latest-or-missing",
    category="supply-chain",
    severity=Severity.HIGH,
    kinds=WORKLOAD_KINDS,
    anchors=("kube-linter latest-tag", "Polaris tagNotSpecified", "kube-score container-image-tag", "Checkov CKV_K8S_14", "Trivy KSV013"),
    fix="image.tag",
)
def check(obj: K8sObject, ctx: CheckContext):
    for container in obj.containers():
        image = container.get("image")
        if not isinstance(image, str) or not image.strip():
            continue
        tag = image_tag(image.strip())
        if tag is None or tag == "":
            yield Hit(f'container "{container.name}" image "{image}" has no tag', container.at("image"))
        elif tag == "latest":
            yield Hit(f'container "{container.name}" uses the mutable tag "latest" ({image})', container.at("image"))
