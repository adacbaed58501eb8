"""Rendering with the real helm: errors become one line with the template file:line; cache works."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.render import RenderOptions, explain_failure, render

CHART = """apiVersion: v2
name: demo
version: 0.1.0
"""


@pytest.fixture
def chart(tmp_path) -> Path:
    root = tmp_path / "demo"
    (root / "templates").mkdir(parents=True)
    (root / "Chart.yaml").write_text(CHART)
    (root / "values.yaml").write_text("name: x\n")
    return root


def test_nil_pointer_points_at_template_line(chart):
    (chart / "templates" / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.missing.key }}\n"
    )
    result = render(chart, RenderOptions(use_cache=False))
    assert not result.ok
    assert (result.error_file, result.error_line) == ("templates/cm.yaml", 4)
    assert result.error == "template failed: at <.Values.missing.key>: nil pointer evaluating interface {}.key"


def test_required_value_message(chart):
    (chart / "templates" / "cm.yaml").write_text('x: {{ required "set .Values.token" .Values.token }}\n')
    result = render(chart, RenderOptions(use_cache=False))
    assert (result.error_file, result.error_line, result.error) == ("templates/cm.yaml", 1, "template failed: set .Values.token")


def test_yaml_error_in_rendered_output(chart):
    (chart / "templates" / "bad.yaml").write_text("a: b\n c: d: e\n")
    result = render(chart, RenderOptions(use_cache=False))
    assert (result.error_file, result.error_line) == ("templates/bad.yaml", 2)
    assert result.error == "rendered YAML does not parse: mapping values are not allowed in this context"


def test_missing_dependency_says_how_to_fix(chart):
    (chart / "Chart.yaml").write_text(CHART + "dependencies:\n  - name: common\n    version: 2.x.x\n    repository: oci://example.invalid/charts\n")
    result = render(chart, RenderOptions(use_cache=False))
    assert result.error == "missing chart dependencies: common; run `helm dependency build` in the chart folder"
    assert result.error_file == "Chart.yaml"


def test_cache_hit_and_invalidation(chart):
    (chart / "templates" / "cm.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name }}\n")
    first = render(chart)
    second = render(chart)
    assert (first.cached, second.cached) == (False, True)
    assert first.output == second.output
    (chart / "values.yaml").write_text("name: other\n")
    third = render(chart)
    assert not third.cached and "name: other" in third.output
    assert render(chart, RenderOptions(use_cache=False)).cached is False


def test_helm3_style_message_is_parsed_too():
    stderr = 'Error: template: demo/templates/cm.yaml:3:10: executing "demo/templates/cm.yaml" at <.Values.a.b>: nil pointer evaluating interface {}.b\n'
    assert explain_failure(stderr) == ("template failed: at <.Values.a.b>: nil pointer evaluating interface {}.b", "templates/cm.yaml", 3)


def test_helm_binary_override(monkeypatch, chart, tmp_path):
    from bot.helm import HelmMissing, helm_binary

    monkeypatch.setenv("CHARTWARDEN_HELM", str(tmp_path / "nope"))
    with pytest.raises(HelmMissing, match="not an executable file"):
        helm_binary()
    monkeypatch.setenv("CHARTWARDEN_HELM", shutil.which("helm"))
    assert helm_binary() == shutil.which("helm")


def test_output_cap_and_timeout(chart):
    (chart / "templates" / "big.yaml").write_text(
        "{{- range until 2000 }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{{ . }}\ndata:\n  k: {{ repeat 200 \"x\" }}\n{{- end }}\n"
    )
    capped = render(chart, RenderOptions(use_cache=False, output_cap=10_000))
    assert (capped.ok, capped.error) == (False, "rendered output passed the 10000-byte cap; helm was stopped")
    slow = render(chart, RenderOptions(use_cache=False, timeout=0.001))
    assert (slow.ok, slow.error) == (False, "helm template timed out after 0.001s")
    assert render(chart, RenderOptions(use_cache=False)).ok


def test_chart_yaml_problems_point_at_chart_yaml(chart):
    from bot.audit import audit
    from tests.checks.harness import chdir

    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 1.0.0.0\n")
    with chdir(chart.parent):
        result = audit(["demo"])
    assert [str(e) for e in result.errors] == ['demo/Chart.yaml:3: validation: chart.metadata.version "1.0.0.0" is invalid']
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: [1\n")
    result = render(chart, RenderOptions(use_cache=False))
    assert (result.error_file, result.error_line, result.error) == ("Chart.yaml", 3, "Chart.yaml does not load: did not find expected ',' or ']'")


def test_values_schema_violation(chart):
    (chart / "values.schema.json").write_text('{"type": "object", "properties": {"name": {"type": "integer"}}}')
    result = render(chart, RenderOptions(use_cache=False))
    assert (result.error_file, result.error) == ("values.schema.json", "values do not match values.schema.json: demo: - at '/name': got string, want integer")


def test_library_chart_is_not_rendered(chart):
    from bot.audit import audit
    from tests.checks.harness import chdir

    (chart / "Chart.yaml").write_text(CHART + "type: library\n")
    (chart / "templates" / "_lib.tpl").write_text('{{- define "demo.x" -}}x{{- end }}\n')
    with chdir(chart.parent):
        result = audit(["demo"])
    assert result.errors == [] and result.results[0].objects == 0


def test_capabilities_follow_the_target_version(chart):
    (chart / "templates" / "apiservice.yaml").write_text(
        '{{- if .Capabilities.APIVersions.Has "apiregistration.k8s.io/v1" }}\napiVersion: apiregistration.k8s.io/v1\n'
        "{{- else }}\napiVersion: apiregistration.k8s.io/v1beta1\n{{- end }}\nkind: APIService\nmetadata:\n  name: v1beta1.metrics.k8s.io\n"
        '{{- if .Capabilities.APIVersions.Has "policy/v1/PodDisruptionBudget" }}\n  labels: {pdb: v1}\n{{- end }}\n'
    )
    out = render(chart, RenderOptions(use_cache=False, kube_version="1.31")).output
    assert "apiVersion: apiregistration.k8s.io/v1\n" in out and "labels: {pdb: v1}" in out
