"""Findings on a chart land on the line a person edits: values key, template line, define, subchart."""

from __future__ import annotations

from bot.audit import audit
from bot.config import RepoConfig
from tests.checks.harness import chdir

RULES = {"container-privileged", "image-tag-latest-or-missing", "container-cpu-request"}


def _placed(root, *args, **kwargs):
    from checks._registry import all_rules

    config = RepoConfig(disable=frozenset(set(all_rules()) - RULES))
    with chdir(root / "tests" / "fixtures" / "charts"):
        result = audit(["locate"], config, *args, **kwargs)
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
