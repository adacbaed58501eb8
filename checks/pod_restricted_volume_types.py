"""pod-restricted-volume-types: pods use only the volume types Pod Security Restricted allows.

What it does: flags volumes whose source is not configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret (for example nfs, iscsi, gitRepo, cephfs, awsElasticBlockStore). hostPath volumes are left to pod-hostpath-volume and pod-hostpath-sensitive-or-writable; set option `include_host_path: true` to report them here too.
Why it matters: in-tree network and node volume plugins mount storage with the node's privileges and credentials, bypass the PersistentVolume access model, and (gitRepo) run git on the node; Restricted namespaces reject such pods.
Example: `volumes: [{name: shared, nfs: {server: 10.0.0.5, path: /exports}}]`.
Fix: move the storage behind a PersistentVolume and mount it with a `persistentVolumeClaim` (or a CSI driver), and replace gitRepo with an init container that clones into an emptyDir.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._podsec import as_dict, as_list
from checks._registry import CheckContext, Hit, register

RULE_ID = "pod-restricted-volume-types"
ALLOWED = {
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
}


@register(
    id=RULE_ID,
    category="security",
    severity=Severity.LOW,
    kinds=WORKLOAD_KINDS,
    anchors=("Trivy KSV028", "PSS Restricted: Volume Types"),
)
def check(obj: K8sObject, ctx: CheckContext):
    include_host_path = ctx.option(RULE_ID, "include_host_path", False) is True
    for index, volume in enumerate(as_list(as_dict(obj.pod_spec).get("volumes"))):
        if not isinstance(volume, dict):
            continue
        sources = [key for key in volume if isinstance(key, str) and key != "name"]
        if not sources or any(key in ALLOWED for key in sources):
            continue
        source = sources[0]
        if source == "hostPath" and not include_host_path:
            continue
        name = volume.get("name")
        yield Hit(
            f'volume "{name}" uses restricted volume type "{source}"',
            obj.pod_at("volumes", index, source),
        )
