"""Library charts cannot be rendered (helm: "library charts are not installable"), so the
library exemptions of the application-only chart rules are tested by calling the rules directly."""

from __future__ import annotations

import pytest

from bot.chart import ChartSource
from checks._registry import CheckContext, all_rules

LIBRARY = "apiVersion: v2\nname: common\nversion: 1.0.0\ntype: library\n"


@pytest.mark.parametrize("rule_id", ["chart-app-version", "chart-notes-txt", "chart-tests-present", "chart-kube-version-constraint", "chart-values-schema"])
def test_library_chart_is_exempt(tmp_path, rule_id):
    (tmp_path / "Chart.yaml").write_text(LIBRARY)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "_names.tpl").write_text('{{- define "common.name" -}}x{{- end }}\n')
    assert list(all_rules()[rule_id].func(ChartSource(tmp_path, "chart"), CheckContext())) == []


def test_library_still_needs_string_app_version(tmp_path):
    (tmp_path / "Chart.yaml").write_text(LIBRARY + "appVersion: 1.10\n")
    hits = list(all_rules()["chart-app-version"].func(ChartSource(tmp_path, "chart"), CheckContext()))
    assert [(h.line, h.message) for h in hits] == [(5, "appVersion 1.10 is a number, not a string (YAML reads it as 1.1); quote it")]
