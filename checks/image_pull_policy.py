"""image-pull-policy: mutable tags are pulled with imagePullPolicy Always.

What it does: flags containers whose image is not pinned by digest and whose effective imagePullPolicy is not `Always`: an explicit `IfNotPresent`/`Never`, or no policy with a versioned tag (Kubernetes then defaults to IfNotPresent). Digest-pinned images pass whatever the policy.
Why it matters: with IfNotPresent a node keeps whatever image it pulled first under that tag, so a re-pushed tag leaves pods of one workload running different code, and a node may run an image that the registry no longer serves.
Example: `image: example/api:1.4` with `imagePullPolicy: IfNotPresent`.
Fix: pin the image by digest (best), or set `image.pullPolicy: Always` in values.yaml.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._docker import has_digest, parse_image
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register


@register(
    id="image-pull-policy",
    category="supply-chain",
    severity=Severity.LOW,
    kinds=WORKLOAD_KINDS,
    anchors=("Polaris pullPolicyNotAlways", "kube-score container-image-pull-policy", "Checkov CKV_K8S_15", "Kubescape C-0075"),
    fix="image.pullPolicy",
)
def check(obj: K8sObject, ctx: CheckContext):
    for container in obj.containers():
        image = container.get("image")
        if not isinstance(image, str) or not image.strip():
            continue
        ref = parse_image(image)
        if has_digest(ref):
            continue
        tag = ref.tag or "latest"
        policy = container.get("imagePullPolicy")
        path = container.at("imagePullPolicy")
        if policy is None or policy == "":
            if tag != "latest":  # latest and untagged default to Always
                yield Hit(
                    f'container "{container.name}" sets no imagePullPolicy, so the mutable tag "{tag}" defaults to IfNotPresent',
                    path,
                )
        elif policy != "Always":
            yield Hit(
                f'container "{container.name}" uses imagePullPolicy "{policy}" with the mutable tag "{tag}" ({image.strip()})', path
            )
