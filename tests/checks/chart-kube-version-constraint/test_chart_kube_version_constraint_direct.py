"""kubeVersion cases helm refuses to render (so no harness fixture), and the constraint parser."""

from __future__ import annotations

import pytest

from bot.chart import ChartSource
from checks._chartmeta import is_version_constraint
from checks._registry import CheckContext, all_rules


def findings(tmp_path, tail: str) -> list[str]:
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: demo\nversion: 1.0.0\n" + tail)
    hits = all_rules()["chart-kube-version-constraint"].func(ChartSource(tmp_path, "chart"), CheckContext())
    return [f"{h.file}:{h.line}: {h.message}" if h.line else f"{h.file}: {h.message}" for h in hits]


@pytest.mark.parametrize(
    "tail, want",
    [
        ("kubeVersion: 1.20\n", ["Chart.yaml:4: kubeVersion 1.20 is a number, not a string (YAML reads it as 1.2); quote it"]),
        ('kubeVersion: "garbage"\n', ['Chart.yaml:4: kubeVersion "garbage" is not a valid version constraint']),
        ('kubeVersion: ">= 1.x.y"\n', ['Chart.yaml:4: kubeVersion ">= 1.x.y" is not a valid version constraint']),
        ('kubeVersion: ""\n', ["Chart.yaml:4: kubeVersion is empty"]),
        ("kubeVersion: [1]\n", ["Chart.yaml:4: kubeVersion is a list, not a version constraint"]),
        ("type: library\n", []),
    ],
)
def test_kube_version(tmp_path, tail, want):
    assert findings(tmp_path, tail) == want


@pytest.mark.parametrize(
    "text",
    [">=1.25.0-0", ">= 1.25.0-0, < 1.32.0-0", "~1.29", "^1.20", "1.2 - 1.4", ">=1.x", "1.20.x || >=1.25", "=1.30.2", "!=1.27.0 >1.26", "v1.28", "*"],
)
def test_valid_constraints(text):
    assert is_version_constraint(text)


@pytest.mark.parametrize("text", ["", "garbage", ">>1.2", "1.2.3.4", ">=1.25 ||", "1.25+", "~>"])
def test_invalid_constraints(text):
    assert not is_version_constraint(text)
