"""Test dependencies that set-up installs (PostgreSQL on the machine, prism from npm).

A missing one fails the test with what to do, so a broken set-up is never a quietly green run.
Set CHARTWARDEN_TESTS_ALLOW_MISSING=1 to run the rest of the suite on a machine without them.
"""

from __future__ import annotations

import os

import pytest


def missing(what: str) -> None:
    if os.environ.get("CHARTWARDEN_TESTS_ALLOW_MISSING") == "1":
        pytest.skip(what)
    pytest.fail(f"{what} (set CHARTWARDEN_TESTS_ALLOW_MISSING=1 to skip these tests)", pytrace=False)
