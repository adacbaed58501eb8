"""env-literal-secret: secret-like env vars do not carry literal values.

What it does: flags container env vars whose name says they hold a credential (PASSWORD, TOKEN, SECRET, API_KEY, ...) and that set a literal `value`, and env values that embed a password in a connection string (`postgres://user:pass@db`).
Why it matters: a literal in the pod spec is readable by anyone who can read the workload, lands in Git, in `helm get values` and in every rendered manifest; it cannot be rotated without a redeploy.
Example: `env: [{name: DB_PASSWORD, value: hunter2}]`.
Fix: store the value in a Secret and read it with `valueFrom.secretKeyRef` (in a chart, offer an `existingSecret` value and template the Secret from it).
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject
from checks._registry import CheckContext, Hit, register
from checks._secrets import is_literal_value, is_placeholder, is_secret_name, mask, url_credential


@register(
    id="env-literal-secret",
    category="secrets",
    severity=Severity.HIGH,
    kinds=WORKLOAD_KINDS,
    anchors=("kube-linter env-var-secret", "Polaris sensitiveContainerEnvVar", "Kubescape C-0012"),
)
def check(obj: K8sObject, ctx: CheckContext):
    for container in obj.containers():
        env = container.get("env")
        if not isinstance(env, list):
            continue
        for index, item in enumerate(env):
            if not isinstance(item, dict) or "valueFrom" in item and "value" not in item:
                continue
            name, value = item.get("name"), item.get("value")
            if not isinstance(name, str) or not is_literal_value(value) or is_placeholder(str(value)):
                continue
            path = container.at("env", index, "value")
            if is_secret_name(name):
                yield Hit(
                    f'container "{container.name}" sets secret-like env var "{name}" to a literal value ({mask(value)})', path
                )
            elif isinstance(value, str):
                user = url_credential(value)
                if user is not None:
                    yield Hit(
                        f'container "{container.name}" env var "{name}" embeds the password of user "{user}" in a connection string',
                        path,
                    )
