"""chart-version-bump compares with the `baseVersion` option; the fixtures cover the common cases,
these the SemVer ordering and the option's forms."""

from __future__ import annotations

import pytest

from bot.chart import ChartSource
from checks._registry import CheckContext, all_rules

CHART = "apiVersion: v2\nname: demo\nversion: {version}\n"


def findings(tmp_path, version: str, options: dict) -> list[str]:
    (tmp_path / "Chart.yaml").write_text(CHART.format(version=version))
    rule = all_rules()["chart-version-bump"]
    hits = rule.func(ChartSource(tmp_path, "charts/demo"), CheckContext(options={"chart-version-bump": options}))
    return [f"{h.file}:{h.line}: {h.message}" for h in hits]


def test_opt_in():
    assert all_rules()["chart-version-bump"].enabled is False


@pytest.mark.parametrize(
    "version, base, want",
    [
        ("1.2.3", "1.2.3", ['Chart.yaml:3: version "1.2.3" is the same as on the target branch; bump it']),
        ("1.2.3", "1.10.0", ['Chart.yaml:3: version "1.2.3" is lower than "1.10.0" on the target branch; bump it above']),
        ("1.0.0-rc.1", "1.0.0", ['Chart.yaml:3: version "1.0.0-rc.1" is lower than "1.0.0" on the target branch; bump it above']),
        ("1.2.4", "1.2.3", []),
        ("1.0.0", "1.0.0-rc.2", []),
        ("2.0.0", "not-a-version", []),
        ("oops", "1.0.0", []),
    ],
)
def test_compares_with_base_version(tmp_path, version, base, want):
    assert findings(tmp_path, version, {"baseVersion": base}) == want


def test_base_version_per_chart(tmp_path):
    assert findings(tmp_path, "1.0.0", {"baseVersion": {"demo": "1.0.0"}}) == ['Chart.yaml:3: version "1.0.0" is the same as on the target branch; bump it']
    assert findings(tmp_path, "1.0.0", {"baseVersion": {"charts/demo": "1.0.0"}}) == ['Chart.yaml:3: version "1.0.0" is the same as on the target branch; bump it']
    assert findings(tmp_path, "1.0.0", {"baseVersion": {"other": "1.0.0"}}) == []


def test_without_base_version_says_nothing(tmp_path):
    assert findings(tmp_path, "1.0.0", {}) == []

