"""The Action's entry command, run exactly as a runner would, and its metadata and pre-commit hook."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import yaml

from checks._registry import all_rules

FIXTURES = Path(__file__).parent / "fixtures"
KEEP = {"container-privileged", "image-tag-latest-or-missing"}
CHART = {
    "Chart.yaml": "apiVersion: v2\nname: web\nversion: 0.1.0\n",
    "values.yaml": "image:\n  repository: nginx\n  tag: 1.27.0\nsecurityContext:\n  privileged: false\n",
    "templates/deploy.yaml": (
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n"
        "  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n"
        '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n          securityContext:\n'
        "            {{- toYaml .Values.securityContext | nindent 12 }}\n"
    ),
}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def make_repo(tmp_path: Path) -> tuple[Path, str]:
    repo = tmp_path / "repo"
    for rel, text in CHART.items():
        (repo / "charts" / "web" / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / "charts" / "web" / rel).write_text(text)
    others = sorted(set(all_rules()) - KEEP)
    (repo / ".chartwarden.yaml").write_text(json.dumps({"failOn": "high", "checks": {"disable": others}}))
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "ci@example.invalid")
    git(repo, "config", "user.name", "ci")
    # the base already runs "latest"; the PR makes the container privileged
    values = repo / "charts" / "web" / "values.yaml"
    values.write_text(values.read_text().replace("tag: 1.27.0", "tag: latest"))
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    base = git(repo, "rev-parse", "HEAD")
    values.write_text(values.read_text().replace("privileged: false", "privileged: true"))
    git(repo, "commit", "-qam", "head")
    return repo, base


def run_action(tmp_path: Path, repo: Path, base: str, **inputs: str) -> tuple[subprocess.CompletedProcess, Path, Path]:
    event = json.loads((FIXTURES / "action" / "pull_request.opened.json").read_text())
    event["pull_request"]["base"]["sha"] = base  # the real payload, pointing at this test repo's base commit
    event_path = tmp_path / "event.json"
    event_path.write_text(json.dumps(event))
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_"))}
    env.update(
        GITHUB_WORKSPACE=str(repo),
        GITHUB_EVENT_NAME="pull_request",
        GITHUB_EVENT_PATH=str(event_path),
        GITHUB_STEP_SUMMARY=str(summary),
        GITHUB_OUTPUT=str(output),
        **{f"INPUT_{k.upper()}": v for k, v in inputs.items()},
    )
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "action"], env=env, capture_output=True, text=True, cwd=tmp_path)
    return proc, summary, output


def test_action_on_a_pull_request(tmp_path):
    repo, base = make_repo(tmp_path)
    proc, summary, output = run_action(tmp_path, repo, base, **{"PATH": "charts/web", "FAIL-ON": "high"})
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines() == [
        "::error file=charts/web/values.yaml,line=5,title=container-privileged (critical)::container \"web\" runs privileged"
        " Fix: set `securityContext.privileged: false` (or remove the key) and add only the specific capability the process needs."
    ]
    assert output.read_text().splitlines() == ["score=5.0", "findings=2", "new-findings=1", "sarif-file=chartwarden.sarif"]
    text = summary.read_text()
    assert "| `charts/web` | 5.0/10 | 1 | 0 | 0 | 0 | 0 |" in text
    assert f"1 new, 0 fixed, 1 existing finding(s) since `{base[:12]}`; 2 in all." in text
    log = json.loads((repo / "chartwarden.sarif").read_text())
    schema = json.loads((FIXTURES / "schemas" / "sarif-2.1.0-rtm.5.json").read_text())
    jsonschema.Draft4Validator(schema).validate(log)
    assert sorted(r["ruleId"] for r in log["runs"][0]["results"]) == ["container-privileged", "image-tag-latest-or-missing"]


def test_action_inputs_with_underscores_and_no_baseline(tmp_path):
    repo, _ = make_repo(tmp_path)
    proc, _, output = run_action(tmp_path, repo, "0" * 40, PATH="charts/web", FAIL_ON="none", BASELINE="HEAD", SARIF_FILE="out.sarif")
    assert proc.returncode == 0, proc.stderr
    assert output.read_text().splitlines() == ["score=5.0", "findings=2", "new-findings=0", "sarif-file=out.sarif"]
    assert (repo / "out.sarif").is_file()


def test_action_metadata_is_valid(root):
    import importlib.resources

    schema_text = (importlib.resources.files("check_jsonschema") / "builtin_schemas" / "vendor" / "github-actions.json").read_text()
    metadata = yaml.safe_load((root / "action.yml").read_text())
    jsonschema.Draft7Validator(json.loads(schema_text)).validate(metadata)
    assert set(metadata["inputs"]) == {"path", "values", "kubernetes-version", "fail-on", "config", "baseline", "sarif-file", "github_token"}
    assert set(metadata["outputs"]) == {"score", "findings", "new-findings", "sarif-file"}


def test_pre_commit_hook_runs_on_a_chart(root, tmp_path):
    hooks = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["chartwarden"]
    check = subprocess.run([str(Path(sys.executable).parent / "pre-commit"), "validate-manifest", str(root / ".pre-commit-hooks.yaml")], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    repo, _ = make_repo(tmp_path)
    entry = hooks[0]["entry"].split()
    entry[0] = str(Path(sys.executable).parent / entry[0])
    proc = subprocess.run([*entry, *hooks[0]["args"]], cwd=repo, capture_output=True, text=True)
    assert proc.returncode == 1
    assert "charts/web/values.yaml:5: critical: container-privileged: container \"web\" runs privileged [Deployment/web]" in proc.stdout
