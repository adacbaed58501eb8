"""Every rule's pass_* fixtures report nothing and fail_* fixtures report exactly what they expect."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.checks.harness import expected, run

HERE = Path(__file__).parent
FIXTURES = sorted(
    p
    for rule_dir in HERE.iterdir()
    if rule_dir.is_dir() and not rule_dir.name.startswith("_")
    for p in rule_dir.iterdir()
    if p.name.startswith(("pass_", "fail_")) and not p.name.endswith((".txt", ".py"))
)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture(fixture: Path):
    rule_id = fixture.parent.name
    got = run(rule_id, fixture)
    if fixture.name.startswith("pass_"):
        assert got == []
    else:
        want = expected(fixture)
        assert want, f"{fixture} has no expectations"
        assert got == want
