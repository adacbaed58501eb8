"""image-not-pinned-by-digest: images are pinned by digest (opt-in).

What it does: flags container images whose reference has no `@sha256:` digest, tag or not.
Why it matters: a tag is a pointer the registry owner can move; only a digest guarantees that every node, every rollout and every rollback runs the bytes that were reviewed and scanned.
Example: `image: nginx:1.27` instead of `image: nginx:1.27@sha256:...`.
Fix: add an `image.digest` value and template `{{ .Values.image.repository }}@{{ .Values.image.digest }}` when it is set; let Renovate or Dependabot keep the digest current.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._docker import has_digest, parse_image
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register


@register(
    id="image-not-pinned-by-digest",
    category="supply-chain",
    severity=Severity.LOW,
    kinds=WORKLOAD_KINDS,
    anchors=("Checkov CKV_K8S_43", "Kubescape C-0306"),
    enabled=False,
    fix="image.digest",
)
def check(obj: K8sObject, ctx: CheckContext):
    for container in obj.containers():
        image = container.get("image")
        if not isinstance(image, str) or not image.strip():
            continue
        if not has_digest(parse_image(image)):
            yield Hit(f'container "{container.name}" image "{image.strip()}" is not pinned by digest', container.at("image"))
