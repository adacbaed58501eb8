"""configmap-sensitive-data: no credentials in ConfigMaps.

What it does: flags ConfigMap entries whose key names a credential and holds a literal (`DB_PASSWORD: hunter2`), config files that set a secret-like key to a literal (`spring.datasource.password=...`, `requirepass ...`), connection strings with an embedded password, and private keys. Scripts and config templates (`${DB_PASSWORD}`, `{{ .password }}`, `*.tpl`, `#!` files) are skipped.
Why it matters: ConfigMaps are not encrypted at rest, are readable by far more roles than Secrets, and show up in `kubectl describe`, logs and GitOps diffs.
Example: a ConfigMap with `application.properties` containing `spring.datasource.password=s3cret`.
Fix: move the value into a Secret (mounted as a file or referenced with `secretKeyRef`) and leave a placeholder in the ConfigMap that the application or an init step fills from it.
"""

from __future__ import annotations

from bot.findings import Severity
from checks._k8s import K8sObject, join_path
from checks._registry import CheckContext, Hit, register
from checks._secrets import (
    PRIVATE_KEY,
    credential_line,
    is_literal_value,
    is_placeholder,
    is_script_or_template,
    is_secret_name,
    mask,
    scalar_text,
    url_credential,
)


@register(
    id="configmap-sensitive-data",
    category="secrets",
    severity=Severity.HIGH,
    kinds=("ConfigMap",),
    anchors=("Polaris sensitiveConfigmapContent", "Trivy KSV109", "Trivy KSV-01010", "Kubescape C-0012"),
)
def check(obj: K8sObject, ctx: CheckContext):
    data = obj.get("data")
    if not isinstance(data, dict):
        return
    for key, value in data.items():
        text = scalar_text(value)
        if text is None or not isinstance(key, str):
            continue
        where = f'ConfigMap "{obj.name}" key "{key}"'
        path = join_path("data", key)
        if PRIVATE_KEY.search(text):
            yield Hit(f"{where} holds a private key", path)
            continue
        if is_script_or_template(key, text):
            continue
        single = text.strip()
        if "\n" not in single and is_secret_name(key):
            if is_literal_value(single) and not is_placeholder(single):
                yield Hit(f"{where} holds a literal credential ({mask(single)})", path)
            continue
        user = url_credential(text)
        if user is not None:
            yield Hit(f'{where} embeds the password of user "{user}" in a connection string', path)
            continue
        found = credential_line(text)
        if found is not None:
            line, name = found
            yield Hit(f'{where} sets "{name}" to a literal value (line {line} of the entry)', path)
