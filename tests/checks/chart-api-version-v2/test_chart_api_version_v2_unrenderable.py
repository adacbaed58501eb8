"""chart-api-version-v2 cases helm refuses to render (so no harness fixture)."""

from __future__ import annotations

from bot.chart import ChartSource
from checks._registry import CheckContext, all_rules


def findings(tmp_path, chart_yaml: str) -> list[str]:
    (tmp_path / "Chart.yaml").write_text(chart_yaml)
    hits = all_rules()["chart-api-version-v2"].func(ChartSource(tmp_path, "chart"), CheckContext())
    return sorted(f"{h.file}:{h.line}: {h.message}" if h.line else f"{h.file}: {h.message}" for h in hits)


def test_unknown_api_version(tmp_path):
    assert findings(tmp_path, "apiVersion: v3\nname: demo\nversion: 1.0.0\n") == ['Chart.yaml:1: apiVersion "v3" is not valid; use v2']


def test_v1_with_dependencies(tmp_path):
    text = "apiVersion: v1\nname: demo\nversion: 1.0.0\ndependencies:\n  - name: sub\n    version: 1.0.0\n    repository: https://charts.example.com\n"
    assert findings(tmp_path, text) == [
        'Chart.yaml:1: chart uses apiVersion v1 (Helm 2 layout); use v2',
        'Chart.yaml:4: "dependencies" is only valid with apiVersion v2, but the chart uses v1',
    ]


def test_broken_chart_yaml_is_left_to_chart_yaml_valid(tmp_path):
    assert findings(tmp_path, "apiVersion: [\n") == []
