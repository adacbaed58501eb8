"""Meta-tests: every rule is registered once, documented, anchored, and covered by fixtures."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import pytest

import checks
from bot.findings import CATEGORIES
from checks._registry import DOC_SECTIONS, all_rules

RULES = all_rules()
FIXTURE_ROOT = Path(__file__).parent


def test_every_module_registers_exactly_one_rule():
    modules = {m.name for m in pkgutil.iter_modules(checks.__path__) if not m.name.startswith("_")}
    registered = {rule.func.__module__.split(".")[-1] for rule in RULES.values()}
    assert modules == registered
    assert len(modules) == len(RULES)


def test_module_names_match_rule_ids():
    for rule in RULES.values():
        assert rule.func.__module__ == "checks." + rule.id.replace("-", "_")


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_is_documented(rule_id):
    rule = RULES[rule_id]
    assert rule.doc.startswith(f"{rule_id}: ")
    for section in DOC_SECTIONS:
        assert rule.section(section), f"{rule_id}: missing '{section}:'"
    assert rule.section("Fix").endswith("."), f"{rule_id}: the Fix is not a sentence"
    assert rule.category in CATEGORIES


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_has_pass_and_fail_fixtures(rule_id):
    folder = FIXTURE_ROOT / rule_id
    names = [p.name for p in folder.iterdir()] if folder.is_dir() else []
    assert any(n.startswith("pass_") for n in names), f"{rule_id}: no pass_ fixture"
    assert any(n.startswith("fail_") for n in names), f"{rule_id}: no fail_ fixture"
