"""secret-consumed-via-env: secrets are mounted as files, not exposed as env vars (opt-in).

What it does: flags containers that read a Secret through `env[].valueFrom.secretKeyRef` or load a whole Secret with `envFrom[].secretRef`.
Why it matters: environment variables leak into crash dumps, `/proc/<pid>/environ`, child processes and debug endpoints, and they never see a rotated value; mounted files do (CIS Kubernetes 5.4.1).
Example: `env: [{name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: db, key: password}}}]`.
Fix: mount the Secret as a volume (`volumes[].secret` plus a read-only `volumeMounts` entry) and have the application read the file, for example through a `*_FILE` variable.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import WORKLOAD_KINDS, K8sObject, dig
from checks._registry import CheckContext, Hit, register


@register(
    id="secret-consumed-via-env",
    category="secrets",
    severity=Severity.LOW,
    kinds=WORKLOAD_KINDS,
    anchors=("kube-linter read-secret-from-env-var", "Checkov CKV_K8S_35", "Kubescape C-0207"),
    enabled=False,
)
def check(obj: K8sObject, ctx: CheckContext):
    for container in obj.containers():
        env = container.get("env")
        for index, item in enumerate(env if isinstance(env, list) else ()):
            ref = dig(item, "valueFrom", "secretKeyRef")
            if isinstance(ref, dict):
                yield Hit(
                    f'container "{container.name}" reads key "{ref.get("key", "?")}" of Secret "{ref.get("name", "?")}" '
                    f'into env var "{item.get("name", "?")}"',
                    container.at("env", index, "valueFrom", "secretKeyRef"),
                )
        env_from = container.get("envFrom")
        for index, item in enumerate(env_from if isinstance(env_from, list) else ()):
            ref = dig(item, "secretRef")
            if isinstance(ref, dict):
                yield Hit(
                    f'container "{container.name}" loads every key of Secret "{ref.get("name", "?")}" into its environment',
                    container.at("envFrom", index, "secretRef"),
                )
