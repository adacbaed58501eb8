"""The command line: exit codes, one-line errors with path:line, formats, suppression."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bot.cli import main
from tests.checks.harness import chdir
from tests.samples import POD



def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def work(tmp_path):
    with chdir(tmp_path):
        yield tmp_path


def test_findings_exit_1_and_clean_exit_0(work, capsys):
    (work / "pod.yaml").write_text(POD)
    code, out, _ = run(capsys, "audit", "pod.yaml", "--format", "json")
    assert code == 1
    findings = json.loads(out)["targets"][0]["findings"]
    assert [(f["rule"], f["file"], f["line"]) for f in findings if f["rule"] == "container-privileged"] == [
        ("container-privileged", "pod.yaml", 12)
    ]
    code, _, _ = run(capsys, "audit", "pod.yaml", "--fail-on", "none")
    assert code == 0


def test_fail_on_threshold(work, capsys):
    (work / "pod.yaml").write_text(POD.replace("privileged: true", "privileged: false"))
    (work / ".chartwarden.yaml").write_text("checks:\n  disable: [container-privileged]\n")
    code, out, _ = run(capsys, "audit", "pod.yaml", "--format", "json", "--fail-on", "critical")
    assert code == 0
    assert "container-privileged" not in out


def test_malformed_yaml_is_one_line_with_line_number(work, capsys):
    (work / "bad.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: [unclosed\n")
    code, out, err = run(capsys, "audit", "bad.yaml")
    assert code == 2
    assert out.splitlines()[0] == "error: bad.yaml:5: invalid YAML: did not find expected ',' or ']'"
    assert "Traceback" not in out + err


def test_folder_without_charts(work, capsys):
    (work / "empty").mkdir()
    (work / "empty" / "notes.txt").write_text("hello")
    code, out, _ = run(capsys, "audit", "empty")
    assert code == 2
    assert out.splitlines()[0] == "error: empty: no Helm chart, Kubernetes manifest or Dockerfile found here"


def test_missing_path(work, capsys):
    code, out, _ = run(capsys, "audit", "nope")
    assert (code, out.splitlines()[0]) == (2, "error: nope: no such file or folder")


def test_binary_and_huge_files(work, capsys):
    (work / "blob.yaml").write_bytes(b"kind: Pod\x00\x01\x02")
    code, out, _ = run(capsys, "audit", "blob.yaml")
    assert (code, out.splitlines()[0]) == (2, "error: blob.yaml: binary file, not YAML")
    (work / "huge.yaml").write_text("a: b\n" * 1_100_000)
    code, out, _ = run(capsys, "audit", "huge.yaml")
    assert code == 2
    assert out.splitlines()[0] == "error: huge.yaml: file is 5500000 bytes, over the 5242880-byte limit"


def test_symlink_leaving_the_tree(work, capsys, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    (outside / "pod.yaml").write_text(POD)
    (work / "tree").mkdir()
    (work / "tree" / "ok.yaml").write_text(POD)
    os.symlink(outside / "pod.yaml", work / "tree" / "escape.yaml")
    code, out, _ = run(capsys, "audit", "tree", "--fail-on", "none")
    assert code == 2
    assert "error: tree/escape.yaml: symlink points outside the audited tree; not followed" in out.splitlines()


def test_render_error_does_not_stop_other_charts(work, capsys):
    for name, body in (("good", "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: ok\n"), ("broken", "x: {{ .Values.a.b }}\n")):
        (work / name / "templates").mkdir(parents=True)
        (work / name / "Chart.yaml").write_text(f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n")
        (work / name / "templates" / "t.yaml").write_text(body)
    code, out, _ = run(capsys, "audit", "good", "broken", "--format", "json")
    payload = json.loads(out)
    assert code == 2
    assert payload["errors"] == ["broken/templates/t.yaml:1: template failed: at <.Values.a.b>: nil pointer evaluating interface {}.b"]
    assert [t["path"] for t in payload["targets"]] == ["good", "broken"]
    assert payload["targets"][0]["error"] is None and payload["targets"][0]["objects"] == 1


def test_bad_config_names_key_and_line(work, capsys):
    (work / "pod.yaml").write_text(POD)
    (work / ".chartwarden.yaml").write_text("failOn: high\nchecks:\n  disable: [no-such-rule]\n")
    code, out, err = run(capsys, "audit", "pod.yaml")
    assert (code, out) == (2, "")
    assert err == "chartwarden: .chartwarden.yaml:3: checks.disable: unknown rule 'no-such-rule'\n"
    (work / ".chartwarden.yaml").write_text("failOn: high\nfailon: low\n")
    code, _, err = run(capsys, "audit", "pod.yaml")
    assert err == "chartwarden: .chartwarden.yaml:2: failon: unknown key ('failon' was unexpected)\n"
    (work / ".chartwarden.yaml").write_text("failOn: severe\n")
    code, _, err = run(capsys, "audit", "pod.yaml")
    assert err == "chartwarden: .chartwarden.yaml:1: failOn: 'severe' is not one of ['critical', 'high', 'medium', 'low', 'info', 'none']\n"


def test_suppressed_findings_are_reported_as_suppressed(work, capsys):
    annotated = POD.replace("  name: web\n", "  name: web\n  annotations:\n    chartwarden.io/ignore: container-privileged\n    chartwarden.io/ignore-reason: debug pod\n")
    (work / "pod.yaml").write_text(annotated.replace("image: nginx:1.27", "image: nginx  # chartwarden:ignore image-tag-latest-or-missing -- mirrored"))
    (work / ".chartwarden.yaml").write_text(
        "checks:\n  exempt:\n    - {paths: ['pod.yaml'], checks: ['container-cpu-*'], reason: legacy}\n"
    )
    code, out, _ = run(capsys, "audit", "pod.yaml", "--format", "json", "--fail-on", "low")
    got = {(f["rule"], f["suppressed"], f["suppression_reason"]) for f in json.loads(out)["targets"][0]["findings"]}
    assert ("container-privileged", True, "debug pod") in got
    assert ("image-tag-latest-or-missing", True, "mirrored") in got
    assert all(s for rule, s, _ in got if rule.startswith("container-cpu-"))


def test_github_format_annotations(work, capsys):
    (work / "pod.yaml").write_text(POD)
    run(capsys, "audit", "pod.yaml", "--format", "github")
    code, out, _ = run(capsys, "audit", "pod.yaml", "--format", "github")
    assert "::error file=pod.yaml,line=12,title=container-privileged (critical)::container \"app\" runs privileged" in out


def test_rules_listing_and_one_rule(capsys):
    code, out, _ = run(capsys, "rules")
    assert code == 0 and "container-privileged" in out
    code, out, _ = run(capsys, "rules", "container-privileged")
    assert out.splitlines()[0] == "# container-privileged"
    code, _, err = run(capsys, "rules", "nope")
    assert (code, err) == (2, "chartwarden: unknown rule 'nope' (see `chartwarden rules`)\n")


def test_console_script_runs_without_traceback(work):
    (work / "bad.yaml").write_text("kind: Pod\napiVersion: v1\n: :\n")
    proc = subprocess.run([sys.executable, "-m", "bot.cli", "audit", "bad.yaml"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stdout.startswith("error: bad.yaml:3: invalid YAML:")
