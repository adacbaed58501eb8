"""Odd Chart.yaml/Chart.lock input, a broken archive in charts/, and the semver constraint subset."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from bot.chart import ChartSource
from checks._registry import CheckContext, all_rules

RULE = all_rules()["chart-dependency-lock"]  # first: importing one check module before this would hide the others
satisfies = sys.modules[RULE.func.__module__].satisfies
unbounded = sys.modules[RULE.func.__module__].unbounded


def _findings(root: Path) -> list[str]:
    return sorted(f"{hit.file}:{hit.line}: {hit.message}" for hit in RULE.func(ChartSource(root, "c"), CheckContext()))


def test_odd_input_does_not_crash(tmp_path: Path):
    (tmp_path / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\ndependencies: [1, null, {name: [x]}, {version: {a: 1}}]\n")
    (tmp_path / "Chart.lock").write_text("dependencies: {x: 1}\ndigest: 5\n")
    (tmp_path / "charts").mkdir()
    (tmp_path / "charts" / "broken.tgz").write_bytes(b"not an archive")
    assert isinstance(_findings(tmp_path), list)


@pytest.mark.parametrize(
    ("version", "constraint", "expected"),
    [
        ("1.2.3", "~1.2.0", True), ("1.3.0", "~1.2.0", False), ("1.9.9", "^1.2.0", True), ("2.0.0", "^1.2.0", False),
        ("0.2.9", "^0.2.3", True), ("0.3.0", "^0.2.3", False), ("0.0.3", "^0.0.3", True), ("0.0.4", "^0.0.3", False),
        ("2.4.0", "2.x", True), ("3.0.0", "2.x", False), ("1.5.0", ">= 1.2, < 2", True), ("2.0.0", ">=1.2 <2", False),
        ("1.4.0", "1.2 - 1.4", True), ("1.5.0", "1.2 - 1.4", False), ("5.0.0", "<2 || >=4", True), ("3.0.0", "<2 || >=4", False),
        ("1.2.3", "*", True), ("1.2.3", "1.2.3", True), ("1.2.4", "=1.2.3", False), ("v1.2.3", "~v1.2", True),
        ("1.2.3", "not a range", None), ("latest", "~1.2.0", None),
    ],
)
def test_constraints(version, constraint, expected):
    assert satisfies(version, constraint) is expected


@pytest.mark.parametrize(("constraint", "expected"), [("*", True), (">=1.0.0", True), (">1", True), ("~1.2", False),
                                                      ("^2", False), ("1.x", False), (">=1 <2", False), ("<2 || >=4", True)])
def test_unbounded(constraint, expected):
    assert unbounded(constraint) is expected
