"""chart-yaml-valid on Chart.yaml files helm refuses to load: the harness cannot run those
(the render fails, which it counts as an engine error), so the rule is called directly."""

from __future__ import annotations

import pytest

from bot.chart import ChartSource
from checks._registry import CheckContext, all_rules


def findings(tmp_path, chart_yaml: str) -> list[str]:
    (tmp_path / "Chart.yaml").write_text(chart_yaml)
    rule = all_rules()["chart-yaml-valid"]
    hits = rule.func(ChartSource(tmp_path, "chart"), CheckContext())
    return sorted(f"{h.file}:{h.line}: {h.message}" if h.line else f"{h.file}: {h.message}" for h in hits)


@pytest.mark.parametrize(
    "text, want",
    [
        ("apiVersion: v2\nname: demo\nversion: 1.0.0\n  bad: [\n", ["Chart.yaml:4: invalid YAML in Chart.yaml: mapping values are not allowed in this context"]),
        ("", ["Chart.yaml: empty Chart.yaml"]),
        ("# only a comment\n", ["Chart.yaml: empty Chart.yaml"]),
        ("- a\n- b\n", ["Chart.yaml:1: top level of Chart.yaml is a list, not a mapping of fields"]),
        ("apiVersion: v2\nversion: 1.0.0\n", ["Chart.yaml: chart has no name"]),
        ("apiVersion: v2\nname: team/demo\nversion: 1.0.0\n", ['Chart.yaml:2: chart name "team/demo" is invalid: it must not be a path']),
        ("apiVersion: v2\nname: demo\nversion: 1.0.0\ntype: service\n", ['Chart.yaml:4: type "service" must be application or library']),
        ("apiVersion: v2\nname: demo\nversion: 1.0.0\nkeywords: web\n", ["Chart.yaml:4: keywords is a string, not a list of strings"]),
        ("apiVersion: v2\nname: demo\nversion: 1.0.0\ndescription: [a]\n", ["Chart.yaml:4: description is a list, not a string"]),
        ("apiVersion: v2\nname: demo\nversion: 1.0.0\nmaintainers: ops\n", ["Chart.yaml:4: maintainers is a string, not a list"]),
        ("apiVersion: v2\nname: demo\nversion: 1.0.0\nmaintainers:\n  - ops\n", ["Chart.yaml:5: maintainers entry 1 is a string, not a mapping"]),
        ("apiVersion: v2\nname: demo\nversion: 1.0.0\ndeprecated: yes please\n", ["Chart.yaml:4: deprecated is a string, not true or false"]),
        ("apiVersion: v2\nname: demo\nversion: 1.0.0\nannotations:\n  a: [1]\n", ['Chart.yaml:5: annotation "a" is a list, not a string']),
        ("apiVersion: v2\nname: demo\nversion: 1.0.0\nsources:\n  - https://x.example\n  - {url: y}\n", ["Chart.yaml:6: sources entry 2 is a mapping, not a string"]),
    ],
)
def test_unloadable_chart_yaml(tmp_path, text, want):
    assert findings(tmp_path, text) == want


def test_valid_chart_yaml_is_quiet(tmp_path):
    text = "apiVersion: v2\nname: demo\nversion: 1.0.0\ndependencies:\n  - name: sub\n    version: 1.x\n    repository: https://charts.example.com\n    import-values: [data]\n"
    assert findings(tmp_path, text) == []
