"""chart-version-semver cases helm refuses to render (so no harness fixture), plus the SemVer helpers."""

from __future__ import annotations

import pytest

from bot.chart import ChartSource
from checks._chartmeta import is_strict_semver, parse_version
from checks._registry import CheckContext, all_rules


def findings(tmp_path, chart_yaml: str) -> list[str]:
    (tmp_path / "Chart.yaml").write_text(chart_yaml)
    hits = all_rules()["chart-version-semver"].func(ChartSource(tmp_path, "chart"), CheckContext())
    return sorted(f"{h.file}:{h.line}: {h.message}" if h.line else f"{h.file}: {h.message}" for h in hits)


@pytest.mark.parametrize(
    "tail, want",
    [
        ("", ["Chart.yaml: chart has no version"]),
        ("version:\n", ["Chart.yaml:3: chart has no version"]),
        ("version: 1.0.0.0\n", ['Chart.yaml:3: version "1.0.0.0" is not a valid SemVer']),
        ("version: latest\n", ['Chart.yaml:3: version "latest" is not a valid SemVer']),
        ("version: [1]\n", ["Chart.yaml:3: version is a list, not a string"]),
        ("version: 2\n", ["Chart.yaml:3: version 2 is a number, not a string; quote it"]),
    ],
)
def test_version_helm_rejects(tmp_path, tail, want):
    assert findings(tmp_path, "apiVersion: v2\nname: demo\n" + tail) == want


@pytest.mark.parametrize("text", ["1.2.3", "0.0.1-alpha.1", "1.0.0+build.7", "10.20.30-rc.1+meta"])
def test_strict(text):
    assert is_strict_semver(text) and parse_version(text) is not None


@pytest.mark.parametrize("text", ["v1.2.3", "1.2", "1", "01.2.3", "1.2.3-01"])
def test_not_strict(text):
    assert not is_strict_semver(text)


def test_loose_versions_compare_like_semver():
    order = ["0.9.0", "1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "v1.0.1", "1.1"]
    keys = [parse_version(v).key() for v in order]
    assert keys == sorted(keys)
    assert parse_version("1.0.0-01") is None and parse_version("1.0.0.0") is None
