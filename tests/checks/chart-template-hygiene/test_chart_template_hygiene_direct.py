"""chart-template-hygiene cases helm refuses to render, and the .helmignore matcher."""

from __future__ import annotations

import pytest

from bot.chart import ChartSource
from checks._chartmeta import helm_ignored
from checks._registry import CheckContext, all_rules


def chart_with(tmp_path, files: dict) -> ChartSource:
    files = {"Chart.yaml": "apiVersion: v2\nname: demo\nversion: 1.0.0\n", **files}
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return ChartSource(tmp_path, "chart")


def findings(chart: ChartSource) -> list[str]:
    hits = all_rules()["chart-template-hygiene"].func(chart, CheckContext())
    return sorted(f"{h.file}:{h.line}: {h.message}" if h.line else f"{h.file}: {h.message}" for h in hits)


def test_templated_crd_file(tmp_path):
    chart = chart_with(tmp_path, {"crds/x.yaml": "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: {{ .Release.Name }}\n"})
    assert findings(chart) == ["crds/x.yaml:4: crds file uses template syntax, but helm installs crds/ files as they are"]


def test_crd_file_that_does_not_parse(tmp_path):
    chart = chart_with(tmp_path, {"crds/x.yaml": "apiVersion: apiextensions.k8s.io/v1\nkind: [\n"})
    got = findings(chart)
    assert len(got) == 1 and got[0].startswith("crds/x.yaml:3: crds file does not parse as YAML: ")


def test_crd_with_wrong_api_group(tmp_path):
    chart = chart_with(tmp_path, {"crds/x.yaml": "apiVersion: example.com/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: a.example.com\n---\n"})
    assert findings(chart) == ['crds/x.yaml:2: custom resource definition "a.example.com" has apiVersion "example.com/v1", not apiextensions.k8s.io']


def test_file_without_extension(tmp_path):
    chart = chart_with(tmp_path, {"templates/LICENSE": "MIT\n", "templates/.gitkeep": ""})
    assert findings(chart) == ["templates/LICENSE: template file has no extension; helm lint only allows .yaml, .yml, .tpl or .txt"]


@pytest.mark.parametrize(
    "patterns, rel, ignored",
    [
        ("*.md\n", "templates/README.md", True),
        ("*.md\n!templates/keep.md\n", "templates/keep.md", True),  # helm stops at the first match
        ("!templates\n", "templates/a.yaml", True),  # helm: the file "a.yaml" does not match the `!` rule
        ("!*.yaml\n", "templates/a.yaml", True),  # helm: a `!` rule that does not match ignores ("templates")
        ("templates/*.json\n", "templates/a.json", True),
        ("templates/*.json\n", "templates/sub/a.json", False),
        ("/templates/skip/\n", "templates/skip/x.yaml", True),
        ("docs/\n", "docs", False),
        ("", "templates/.hidden", True),
        ("", "templates/visible.yaml", False),
        ("# comment\n\n", "README.md", False),
    ],
)
def test_helmignore(tmp_path, patterns, rel, ignored):
    chart = chart_with(tmp_path, {".helmignore": patterns})
    assert helm_ignored(chart, rel) is ignored
