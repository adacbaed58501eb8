"""statefulset-service-name: StatefulSets name a headless Service that selects their pods.

What it does: flags a StatefulSet whose `spec.serviceName` is missing, names no Service in the release (unless listed under the rule's `external` option), names a Service that is not headless (`clusterIP: None`), or names a headless Service whose selector does not match the StatefulSet's pod labels.
Why it matters: the governing headless Service gives each replica its stable DNS name (`db-0.db-headless`); without it peers cannot find each other, so clustered databases and brokers fail to form a quorum even though every pod is Running.
Example: `serviceName: db` where the chart's Service "db" is a normal ClusterIP Service and the headless one is called "db-headless".
Fix: render a headless Service (`clusterIP: None`, `publishNotReadyAddresses: true` for peer discovery) with the StatefulSet's selector labels, and set `serviceName` to its name through the same helper.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._integrity import external, find, matches, text
from checks._k8s import Release
from checks._registry import CheckContext, Hit, register

RULE = "statefulset-service-name"


@register(
    id=RULE,
    category="reliability",
    severity=Severity.HIGH,
    scope="release",
    anchors=("kube-score statefulset-has-servicename",),
)
def check(release: Release, ctx: CheckContext):
    for sts in release.of_kind("StatefulSet"):
        name = text(sts.get("spec", "serviceName"))
        who = f'StatefulSet "{sts.name}"'
        if not name:
            yield Hit(f"{who} sets no serviceName; its pods get no stable DNS names", "spec.serviceName", obj=sts)
            continue
        if external(ctx, RULE, "Service", name):
            continue
        service = find(release, ("Service",), name, sts)
        if service is None:
            yield Hit(f'{who} serviceName "{name}" is not a Service in the release', "spec.serviceName", obj=sts)
        elif service.get("spec", "clusterIP") != "None":
            yield Hit(f'{who} serviceName "{name}" is not a headless Service (clusterIP is not "None")', "spec.serviceName", obj=sts)
        else:
            selector = service.get("spec", "selector")
            if isinstance(selector, dict) and selector and not matches(selector, sts.pod_labels):
                yield Hit(f'{who} serviceName "{name}" is a headless Service that does not select its pods', "spec.serviceName", obj=sts)
