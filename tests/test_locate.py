"""Findings on a chart land on the line a person edits: values key, template line, define, subchart."""

from __future__ import annotations

from bot.audit import audit
from bot.config import RepoConfig
from tests.checks.harness import chdir

RULES = {"container-privileged", "image-tag-latest-or-missing", "container-cpu-request"}


def _placed(root, *args, chart="locate", rules=RULES, **kwargs):
    from checks._registry import all_rules

    config = RepoConfig(disable=frozenset(set(all_rules()) - set(rules)))
    with chdir(root / "tests" / "fixtures" / "charts"):
        result = audit([chart], config, *args, **kwargs)
    assert result.errors == []
    return sorted(f"{f.location}: {f.rule_id}: {f.message}" for f in result.findings)


def test_every_finding_on_the_edited_line(root):
    assert _placed(root) == [
        "locate/templates/api.yaml:24: container-cpu-request: container \"debug\" has no CPU request",
        "locate/templates/api.yaml:27: container-privileged: container \"debug\" runs privileged",
        "locate/values.yaml:12: image-tag-latest-or-missing: container \"sub\" uses the mutable tag \"latest\" (example/sub:latest)",
        "locate/values.yaml:3: image-tag-latest-or-missing: container \"api\" uses the mutable tag \"latest\" (example/api:latest)",
        "locate/values.yaml:3: image-tag-latest-or-missing: container \"worker\" uses the mutable tag \"latest\" (example/api:latest)",
        "locate/values.yaml:6: container-privileged: container \"api\" runs privileged",
        "locate/values.yaml:9: container-cpu-request: container \"worker\" has no CPU request",
    ]


def test_user_values_file_wins_over_chart_values(root, tmp_path):
    from bot.audit import AuditOptions

    override = tmp_path / "prod.yaml"
    override.write_text("image:\n  tag: latest\nsecurityContext:\n  privileged: true\n")
    placed = _placed(root, AuditOptions(values_files=(str(override),)))
    shown = [line for line in placed if "prod.yaml" in line]
    assert shown == [
        f"{override}:2: image-tag-latest-or-missing: container \"api\" uses the mutable tag \"latest\" (example/api:latest)",
        f"{override}:2: image-tag-latest-or-missing: container \"worker\" uses the mutable tag \"latest\" (example/api:latest)",
        f"{override}:4: container-privileged: container \"api\" runs privileged",
    ]


LIST_RULES = RULES | {
    "rbac-secrets-access",
    "workload-single-replica",
    "pod-network-policy-missing",
    "container-sensitive-ports",
    "probe-misconfigured",
    "deprecated-api-version",
}


def test_items_fed_by_values_defines_and_ranges(root):
    """List items land where they come from: a values list (or a values string the chart `tpl`s), a
    define (here or in a library subchart), a `range` over a values map, a literal item picked by
    content; a scalar built in a define lands on the value it shows; of a key written in two
    `{{ if }}`/`{{ else if }}` branches, the branch these values render (else the one whose literal
    is the rendered value); a template that computes a value keeps the line, and a
    Deployment/StatefulSet switch points at the kind it rendered."""
    assert _placed(root, chart="locate_lists", rules=LIST_RULES) == [
        'locate_lists/charts/common/templates/_helpers.tpl:3: image-tag-latest-or-missing: container "common-init" uses the mutable tag "latest" (example/common:latest)',
        'locate_lists/charts/sub/templates/pod.yaml:2: pod-network-policy-missing: pods of Pod "sub" are not selected by any NetworkPolicy in the release (a namespace-wide policy outside the chart may still cover them)',
        'locate_lists/templates/deployment.yaml:10: workload-single-replica: Deployment "web" runs 1 replica (minimum 2)',
        'locate_lists/templates/deployment.yaml:5: pod-network-policy-missing: pods of Deployment "web" are not selected by any NetworkPolicy in the release (a namespace-wide policy outside the chart may still cover them)',
        'locate_lists/templates/pdb.yaml:4: deprecated-api-version: PodDisruptionBudget "web" uses policy/v1beta1, removed in Kubernetes 1.25 (target 1.31); use policy/v1',
        'locate_lists/templates/role.yaml:12: rbac-secrets-access: Role "web" can read every secret (get, list on secrets, no resourceNames)',
        'locate_lists/values.yaml:10: image-tag-latest-or-missing: container "extra" uses the mutable tag "latest" (example/extra:latest)',
        'locate_lists/values.yaml:14: container-cpu-request: container "setup" has no CPU request',
        'locate_lists/values.yaml:17: container-privileged: container "setup" runs privileged',
        'locate_lists/values.yaml:19: container-sensitive-ports: container "web" exposes privileged port 80',
        'locate_lists/values.yaml:20: container-sensitive-ports: container "web" exposes privileged port 443',
        'locate_lists/values.yaml:24: image-tag-latest-or-missing: container "sub" uses the mutable tag "latest" (example/sub:latest)',
        'locate_lists/values.yaml:28: image-tag-latest-or-missing: container "proxy" uses the mutable tag "latest" (example/proxy:latest)',
        'locate_lists/values.yaml:31: image-tag-latest-or-missing: container "texty" uses the mutable tag "latest" (example/texty:latest)',
        'locate_lists/values.yaml:39: probe-misconfigured: container "web" livenessProbe port 9999 is not among its container ports (80, 443)',
        'locate_lists/values.yaml:7: image-tag-latest-or-missing: container "local-init" uses the mutable tag "latest" (example/init:latest)',
    ]


def test_manifest_findings_use_exact_lines(tmp_path):
    manifest = tmp_path / "pod.yaml"
    manifest.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
        "    - name: a\n      image: nginx\n      securityContext:\n        privileged: true\n"
    )
    with chdir(tmp_path):
        result = audit(["pod.yaml"])
    placed = {(f.rule_id, str(f.location)) for f in result.findings}
    assert ("container-privileged", "pod.yaml:10") in placed
    assert ("image-tag-latest-or-missing", "pod.yaml:8") in placed
    assert ("container-cpu-request", "pod.yaml:7") in placed


def test_manifests_in_one_folder_are_one_release(tmp_path):
    """Cross-object rules see every file of a folder; each finding stays with its object's file."""
    folder = tmp_path / "k8s"
    folder.mkdir()
    (folder / "deploy.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n"
        "  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: nginx:1.27\n"
    )
    (folder / "hpa.yaml").write_text(
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n"
        "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 5\n---\n"
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: ghost\nspec:\n  scaleTargetRef:\n"
        "    apiVersion: apps/v1\n    kind: Deployment\n    name: ghost\n  minReplicas: 2\n  maxReplicas: 5\n"
    )
    with chdir(tmp_path):
        result = audit(["k8s"])
    got = sorted(f"{f.location}: {f.rule_id}: {f.message}" for f in result.findings if f.rule_id in ("hpa-target-missing", "pdb-missing"))
    assert got == [
        'k8s/deploy.yaml:2: pdb-missing: Deployment "web" scales to 5 replicas (HorizontalPodAutoscaler "web") but no PodDisruptionBudget covers its pods',
        'k8s/hpa.yaml:18: hpa-target-missing: HorizontalPodAutoscaler "ghost" targets Deployment "ghost", which the release does not define',
    ]
