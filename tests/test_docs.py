"""docs/rules/ is generated from the rule code; this fails when it is stale."""

from __future__ import annotations

from bot.ruledocs import write_docs


def test_rule_docs_are_current(root):
    stale = write_docs(root / "docs" / "rules", check=True)
    assert stale == [], f"run `chartwarden docs` to regenerate: {stale}"
