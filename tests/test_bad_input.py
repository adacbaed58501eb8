"""Bad input of every shape: one clear line with path:line, exit code 2, no traceback, no hang,
and the rest of the run still audited."""

from __future__ import annotations

import json
import resource
import time

import pytest

from bot.cli import main
from tests.checks.harness import chdir
from tests.samples import POD

CONFIGMAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def errors(capsys, *argv):
    """Exit code and the report's error lines (JSON format), after checking each is one line."""
    code, out, err = run(capsys, "audit", *argv, "--format", "json", "--fail-on", "none", "--no-cache")
    payload = json.loads(out)
    assert all("\n" not in e for e in payload["errors"]), payload["errors"]
    return code, payload["errors"], [t["path"] for t in payload["targets"] if t["error"] is None]


@pytest.fixture
def work(tmp_path):
    with chdir(tmp_path):
        yield tmp_path


def chart(root, name, values=None, template=CONFIGMAP, chart_yaml=None):
    (root / name / "templates").mkdir(parents=True)
    (root / name / "Chart.yaml").write_text(chart_yaml if chart_yaml is not None else f"apiVersion: v2\nname: {name}\nversion: 0.1.0\n")
    (root / name / "templates" / "t.yaml").write_text(template)
    if values is not None:
        (root / name / "values.yaml").write_text(values)
    return root / name


def laughs(levels=10, indent=""):
    lines = [f'{indent}a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"{indent}a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_billion_laughs_manifest_is_refused_fast(work, capsys):
    (work / "bomb.yaml").write_text(CONFIGMAP + "data:\n" + laughs(indent="  "))
    (work / "ok.yaml").write_text(POD)
    start, rss = time.monotonic(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    code, errs, ok = errors(capsys, "bomb.yaml", "ok.yaml")
    assert time.monotonic() - start < 10
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss < 200_000  # KiB
    assert code == 2
    assert errs == ["bomb.yaml:11: invalid YAML: aliases expand the document by more than 100000 nodes"]
    assert ok == ["ok.yaml"]


def test_alias_cycle_in_manifest(work, capsys):
    (work / "cyc.yaml").write_text(CONFIGMAP + "data: &d\n  self: *d\n")
    code, errs, _ = errors(capsys, "cyc.yaml")
    assert (code, errs) == (2, ["cyc.yaml:5: invalid YAML: an alias refers to a collection that contains it"])


def test_deep_nesting_in_manifest(work, capsys):
    (work / "deep.yaml").write_text(CONFIGMAP + "data:\n  a: " + "[" * 900 + "]" * 900 + "\n")
    (work / "deepmap.yaml").write_text(CONFIGMAP + "data:\n  a: " + "{a: " * 900 + "1" + "}" * 900 + "\n")
    code, errs, _ = errors(capsys, "deep.yaml", "deepmap.yaml")
    assert code == 2
    assert errs == ["deep.yaml:6: invalid YAML: nested deeper than 256 levels", "deepmap.yaml:6: invalid YAML: nested deeper than 256 levels"]


def test_unhashable_key_is_one_line_at_its_line(work, capsys):
    (work / "key.yaml").write_text("apiVersion: v1\nkind: Pod\n? {a: 1}\n: x\nmetadata: {name: a}\n")
    code, errs, _ = errors(capsys, "key.yaml")
    assert (code, errs) == (2, ["key.yaml:3: invalid YAML: cannot read document: found unhashable key"])


def test_bad_scalar_tag_is_one_line(work, capsys):
    (work / "tag.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\nspec:\n  replicas: !!int abc\n")
    code, errs, _ = errors(capsys, "tag.yaml")
    assert (code, errs) == (2, ["tag.yaml:1: invalid YAML: cannot read document: invalid literal for int() with base 10: 'abc'"])


def test_config_with_unhashable_key(work, capsys):
    (work / "pod.yaml").write_text(POD)
    (work / ".chartwarden.yaml").write_text("checks:\n  ? [a]\n  : b\n")
    code, out, err = run(capsys, "audit", "pod.yaml")
    assert (code, out, err) == (2, "", "chartwarden: .chartwarden.yaml:2: not valid YAML: found unhashable key\n")


def test_values_yaml_bomb_and_cycle_do_not_hang_chart_rules(work, capsys):
    chart(work, "bomb", values=laughs())
    chart(work, "cyc", values="a: &d\n  self: *d\n")
    chart(work, "good")
    start = time.monotonic()
    code, errs, ok = errors(capsys, "bomb", "cyc", "good")
    assert time.monotonic() - start < 30
    assert code == 2
    assert errs == [
        "bomb/values.yaml: values.yaml does not load: document contains excessive aliasing",
        "cyc/values.yaml: values.yaml does not load: anchor 'd' value contains itself",
    ]
    assert ok == ["good"]


def test_values_yaml_that_does_not_load(work, capsys):
    chart(work, "syntax", values="a: [\n")
    chart(work, "list", values="- a\n- b\n")
    chart(work, "scalar", values="hello\n")
    chart(work, "good")
    code, errs, ok = errors(capsys, "syntax", "list", "scalar", "good")
    assert code == 2
    assert errs == [
        "syntax/values.yaml:1: values.yaml does not load: did not find expected node content",
        "list/values.yaml: values.yaml does not load: the top level is a list, not a mapping",
        "scalar/values.yaml: values.yaml does not load: the top level is a string, not a mapping",
    ]
    assert ok == ["good"]


def test_chart_yaml_that_does_not_load(work, capsys):
    chart(work, "list", chart_yaml="- a\n- b\n")
    chart(work, "binary", chart_yaml="apiVersion: v2\x00\x01")
    chart(work, "latin")
    (work / "latin" / "Chart.yaml").write_bytes(b"apiVersion: v2\nname: latin\nversion: 0.1.0\ndescription: caf\xe9\n")
    chart(work, "good")
    code, errs, ok = errors(capsys, "list", "binary", "latin", "good")
    assert code == 2
    assert errs[:3] == [
        "list/Chart.yaml: Chart.yaml does not load: the top level is a list, not a mapping",
        "binary/Chart.yaml: Chart.yaml does not load: control characters are not allowed",
        "latin/Chart.yaml: Chart.yaml does not load: incomplete UTF-8 octet sequence",
    ]
    assert ok == ["good"]


def test_template_rendering_non_objects(work, capsys):
    chart(work, "nonmap", template="- a\n- b\n")
    chart(work, "badfield", template=CONFIGMAP + "  annotations: str\n")
    chart(work, "good")
    code, errs, ok = errors(capsys, "nonmap", "badfield", "good")
    assert code == 2
    assert errs == [
        "nonmap/templates/t.yaml: rendered YAML does not parse: the top level is a list, not a mapping",
        "badfield/templates/t.yaml: rendered YAML does not parse: metadata.annotations is a string, not a mapping",
    ]
    assert ok == ["good"]


def test_values_file_option_bad_yaml_folder_and_list(work, capsys):
    chart(work, "good")
    (work / "bad.yaml").write_text("a: [\n")
    (work / "list.yaml").write_text("- 1\n")
    (work / "folder").mkdir()
    code, errs, _ = errors(capsys, "good", "-f", "bad.yaml")
    assert (code, errs) == (2, ["bad.yaml:1: values file does not load: did not find expected node content"])
    code, errs, _ = errors(capsys, "good", "-f", "list.yaml")
    assert (code, errs) == (2, ["list.yaml: values file does not load: the top level is a list, not a mapping"])
    code, out, err = run(capsys, "audit", "good", "-f", "folder")
    assert (code, out, err) == (2, "", "chartwarden: folder: values file is a folder, not a file\n")


def test_dockerfiles_docker_would_refuse(work, capsys):
    for name, body in (("empty", b""), ("comments", b"# a\n# b\n"), ("binary", b"\x00\x01\xff"), ("nofrom", b"FROM\nRUN x\n"), ("good", b"FROM alpine:3.20\nUSER 1000\n")):
        (work / name).mkdir()
        (work / name / "Dockerfile").write_bytes(body)
    code, errs, ok = errors(capsys, "empty", "comments", "binary", "nofrom", "good")
    assert code == 2
    assert errs == [
        "empty/Dockerfile: no instructions (empty, or only comments)",
        "comments/Dockerfile: no instructions (empty, or only comments)",
        "binary/Dockerfile: binary file, not a Dockerfile",
        "nofrom/Dockerfile:1: FROM names no base image",
    ]
    assert ok == ["good/Dockerfile"]


def test_config_not_utf8_or_several_documents(work, capsys):
    (work / "pod.yaml").write_text(POD)
    (work / ".chartwarden.yaml").write_bytes(b"failOn: low\n# caf\xe9\n")
    code, out, err = run(capsys, "audit", "pod.yaml")
    assert (code, out, err) == (2, "", "chartwarden: .chartwarden.yaml:2: not UTF-8 text (byte 0xe9)\n")
    (work / ".chartwarden.yaml").write_text("failOn: low\n---\nfoo: 1\n")
    code, out, err = run(capsys, "audit", "pod.yaml")
    assert (code, out, err) == (2, "", "chartwarden: .chartwarden.yaml:3: the config must be one YAML document, not several\n")


def test_symlink_loops(work, capsys):
    (work / "tree").mkdir()
    (work / "tree" / "ok.yaml").write_text(POD)
    (work / "tree" / "a.yaml").symlink_to("b.yaml")
    (work / "tree" / "b.yaml").symlink_to("a.yaml")
    (work / "tree" / "self").symlink_to("self")  # not a YAML name: not audited, not an error
    code, errs, ok = errors(capsys, "tree")
    assert code == 2
    assert errs == ["tree/a.yaml: symlink loop; not followed", "tree/b.yaml: symlink loop; not followed"]
    assert ok == ["tree/ok.yaml"]
    code, errs, ok = errors(capsys, "tree/self", "tree/ok.yaml")
    assert (code, errs, ok) == (2, ["tree/self: symlink loop; not followed"], ["tree/ok.yaml"])


def test_symlink_loop_and_broken_symlink_in_a_chart(work, capsys):
    loop = chart(work, "loop")
    (loop / "templates" / "a.yaml").symlink_to("b.yaml")
    (loop / "templates" / "b.yaml").symlink_to("a.yaml")
    broken = chart(work, "broken")
    (broken / "templates" / "d.yaml").symlink_to("nowhere.yaml")
    chart(work, "good")
    code, errs, ok = errors(capsys, "loop", "broken", "good")
    assert code == 2
    assert errs == [
        "loop/templates/a.yaml: symlink loop; helm cannot load the chart",
        "broken/templates/d.yaml: broken symlink (its target does not exist); helm cannot load the chart",
    ]
    assert ok == ["good"]


def test_docs_out_unwritable(work, capsys):
    (work / "afile").write_text("x")
    code, out, err = run(capsys, "docs", "--out", "afile/sub")
    assert (code, out, err) == (2, "", "chartwarden: afile/sub: cannot write: Not a directory\n")
    code, out, err = run(capsys, "docs", "--out", "afile")
    assert (code, out, err) == (2, "", "chartwarden: afile: not a folder\n")
    code, out, err = run(capsys, "docs", "--check", "--out", "afile")
    assert (code, out, err) == (2, "", "chartwarden: afile: not a folder\n")


def test_report_output_unwritable(work, capsys):
    (work / "pod.yaml").write_text(POD)
    (work / "afile").write_text("x")
    code, out, err = run(capsys, "audit", "pod.yaml", "-o", "afile/report.txt")
    assert (code, out, err) == (2, "", "chartwarden: afile/report.txt: cannot write the report: Not a directory\n")
    (work / "folder").mkdir()
    code, out, err = run(capsys, "audit", "pod.yaml", "-o", "folder")
    assert (code, out, err) == (2, "", "chartwarden: folder: cannot write the report: Is a directory\n")


def test_baseline_outside_git(work, capsys, monkeypatch):
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(work.parent))
    (work / "pod.yaml").write_text(POD)
    code, out, err = run(capsys, "audit", "pod.yaml", "--baseline", "HEAD")
    assert (code, out) == (2, "")
    assert err == "chartwarden: --baseline: git rev-parse --show-toplevel: fatal: not a git repository (or any of the parent directories): .git\n"
