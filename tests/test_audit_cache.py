"""The whole-result cache: a re-audit of an unchanged chart reuses its result; any input change does not."""

from __future__ import annotations

import shutil

from bot.audit import AuditOptions, audit
from bot.config import RepoConfig
from tests.checks.harness import chdir


def test_cached_reaudit_and_invalidation(root, tmp_path):
    shutil.copytree(root / "examples" / "webapp", tmp_path / "webapp")
    with chdir(tmp_path):
        first = audit(["webapp"])
        second = audit(["webapp"])
        assert (first.results[0].cached, second.results[0].cached) == (False, True)
        assert [f.fingerprint for f in first.findings] == [f.fingerprint for f in second.findings]
        strict = audit(["webapp"], RepoConfig(disable=frozenset({"container-privileged"})))
        assert strict.results[0].cached is False
        assert "container-privileged" not in {f.rule_id for f in strict.findings}
        values = tmp_path / "webapp" / "values.yaml"
        values.write_text(values.read_text().replace("privileged: true", "privileged: false"))
        changed = audit(["webapp"])
        assert changed.results[0].cached is False
        assert "container-privileged" not in {f.rule_id for f in changed.findings}
        assert audit(["webapp"], options=AuditOptions(use_cache=False)).results[0].cached is False
