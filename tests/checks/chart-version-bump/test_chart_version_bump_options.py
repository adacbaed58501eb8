"""chart-version-bump needs the target branch's version, which the fixture harness cannot pass
(it runs rules without options), so the comparisons are tested here through the rule option."""

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


def test_fail_fixture_with_option():
    """fail_same_version.txt: the pass_ chart run with the option it names reports what it lists."""
    from pathlib import Path

    from bot.audit import audit
    from bot.config import RepoConfig
    from tests.checks.harness import chdir

    here = Path(__file__).parent
    lines = (here / "fail_same_version.txt").read_text().splitlines()
    options = dict(line.split(":", 1)[1].strip().split("=", 1) for line in lines if line.startswith("# option:"))
    want = sorted(line for line in lines if line.strip() and not line.startswith("#"))
    config = RepoConfig(
        disable=frozenset(r for r in all_rules() if r != "chart-version-bump"),
        enable=frozenset({"chart-version-bump"}),
        options={"chart-version-bump": options},
    )
    with chdir(here):
        result = audit(["pass_no_base_version"], config)
    assert not result.errors
    got = sorted(f"{f.location.file.removeprefix('pass_no_base_version/')}:{f.location.line}: {f.message}" for f in result.findings)
    assert got == want
