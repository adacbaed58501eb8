"""app-manifest.json asks for exactly what the service uses: the permissions its GitHub calls need, the events its handlers want.

Permissions are derived, not listed: every `self.gh.rest.<namespace>.<method>(...)` call in
bot/forge/github.py is found in the source, githubkit's own docstring for that method names its
endpoint (`POST /repos/{owner}/{repo}/check-runs`), and ENDPOINT_PERMISSIONS below says what GitHub
requires for each endpoint ("Permissions required for GitHub Apps"). A new call without an entry
here fails; so does a permission in the manifest that no call needs.
"""

from __future__ import annotations

import ast
import functools
import inspect
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "app-manifest.json"
ADAPTER = ROOT / "bot" / "forge" / "github.py"
LEVELS = {"read": 1, "write": 2}

# What GitHub requires of a GitHub App for each endpoint the adapter calls.
ENDPOINT_PERMISSIONS: dict[str, dict[str, str]] = {
    "POST /repos/{owner}/{repo}/check-runs": {"checks": "write"},
    "PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}": {"checks": "write"},
    "GET /repos/{owner}/{repo}/tarball/{ref}": {"contents": "read"},
    "GET /repos/{owner}/{repo}/contents/{path}": {"contents": "read"},
    "GET /repos/{owner}/{repo}/pulls/{pull_number}": {"pull_requests": "read"},
    "GET /repos/{owner}/{repo}/pulls/{pull_number}/files": {"pull_requests": "read"},
    "GET /repos/{owner}/{repo}/pulls/{pull_number}/comments": {"pull_requests": "read"},
    "POST /repos/{owner}/{repo}/pulls/{pull_number}/reviews": {"pull_requests": "write"},
    "GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls": {"contents": "read", "pull_requests": "read"},
    # The issue-comment endpoints accept either the issues or the pull_requests permission. The
    # adapter calls them only with pull request numbers (the summary comment), so pull_requests it is.
    "GET /repos/{owner}/{repo}/issues/{issue_number}/comments": {"pull_requests": "read"},
    "POST /repos/{owner}/{repo}/issues/{issue_number}/comments": {"pull_requests": "write"},
    "PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}": {"pull_requests": "write"},
    "GET /repos/{owner}/{repo}/collaborators/{username}/permission": {"metadata": "read"},
    # The redelivery sweeper's calls are made as the App itself (JWT), not as an installation: the
    # App's own webhook log needs no installation permission.
    "GET /app/hook/deliveries": {},
    "POST /app/hook/deliveries/{delivery_id}/attempts": {},
}
MANDATORY = {"metadata": "read"}  # every App has it

# GitHub sends these to every App; they are not subscribable, so they are not in default_events.
ALWAYS_DELIVERED = {"installation", "installation_repositories"}

# The permission (any one of them) an App needs before GitHub lets it subscribe to an event with the
# actions the handlers use: check_run/check_suite `rerequested` go only to Apps with checks: write.
EVENT_NEEDS: dict[str, list[tuple[str, str]]] = {
    "pull_request": [("pull_requests", "read")],
    "issue_comment": [("issues", "read"), ("pull_requests", "read")],
    "check_run": [("checks", "write")],
    "check_suite": [("checks", "write")],
}

MANIFEST_KEYS = {"name", "url", "hook_attributes", "redirect_url", "callback_urls", "setup_url", "description",
                 "public", "default_events", "default_permissions", "request_oauth_on_install", "setup_on_update"}


@pytest.fixture(scope="module")
def manifest() -> dict:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def adapter_calls() -> set[tuple[str, str]]:
    """(namespace, method) of every `self.gh.rest.<namespace>.<method>` the adapter uses."""
    found = set()
    for node in ast.walk(ast.parse(ADAPTER.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute):
            rest = node.value.value
            if isinstance(rest, ast.Attribute) and rest.attr == "rest":
                found.add((node.value.attr, node.attr))
    return found


@functools.lru_cache(maxsize=1)
def github():
    from githubkit import GitHub

    return GitHub("unused")  # never sends anything: only its namespaces' classes are read


def endpoint(namespace: str, method: str) -> str:
    """githubkit's docstring of the method: `operation-id`, blank, then `METHOD /path`."""
    client = getattr(github().rest, namespace)
    lines = [line.strip() for line in inspect.getdoc(getattr(type(client), method)).splitlines() if line.strip()]
    verb, _, path = lines[1].partition(" ")
    assert verb in ("GET", "POST", "PATCH", "PUT", "DELETE") and path.startswith("/"), lines[:2]
    return f"{verb} {path}"


def derived_permissions() -> dict[str, str]:
    needed = dict(MANDATORY)
    for namespace, method in adapter_calls():
        for name, level in ENDPOINT_PERMISSIONS[endpoint(namespace, method)].items():
            if LEVELS[level] > LEVELS.get(needed.get(name, ""), 0):
                needed[name] = level
    return needed


def test_the_adapter_reaches_github_only_through_named_rest_methods():
    source = ADAPTER.read_text(encoding="utf-8")
    assert "arequest(" not in source and ".request(" not in source, "a raw request escapes the permission map"
    assert len(adapter_calls()) >= 10


def test_every_endpoint_the_adapter_calls_has_its_permission_listed():
    called = {endpoint(ns, method) for ns, method in adapter_calls()}
    assert called == set(ENDPOINT_PERMISSIONS), (
        f"calls without a permission entry: {sorted(called - set(ENDPOINT_PERMISSIONS))}; "
        f"entries no call needs: {sorted(set(ENDPOINT_PERMISSIONS) - called)}")


def test_the_endpoints_are_in_githubs_description_the_mock_serves():
    spec = json.loads((ROOT / "tests" / "fixtures" / "openapi" / "github-trimmed.json").read_text(encoding="utf-8"))
    for key in ENDPOINT_PERMISSIONS:
        verb, path = key.split(" ", 1)
        assert verb.lower() in spec["paths"].get(path, {}), key


def test_manifest_permissions_are_exactly_those_the_calls_need(manifest):
    assert manifest["default_permissions"] == derived_permissions()
    assert manifest["default_permissions"] == {
        "checks": "write", "contents": "read", "metadata": "read", "pull_requests": "write"}


def test_manifest_events_are_those_the_handlers_register(manifest):
    from handlers import router

    registered = {route.event for route in router.routes}
    assert set(manifest["default_events"]) == registered - ALWAYS_DELIVERED
    assert manifest["default_events"] == sorted(manifest["default_events"])


def test_every_event_is_allowed_by_the_permissions(manifest):
    granted = manifest["default_permissions"]
    for event in manifest["default_events"]:
        assert any(name in granted and LEVELS[granted[name]] >= LEVELS[level] for name, level in EVENT_NEEDS[event]), (
            f"{event} needs one of {EVENT_NEEDS[event]}")


def test_manifest_is_a_valid_manifest_for_this_service(manifest):
    assert set(manifest) <= MANIFEST_KEYS
    assert manifest["name"] and manifest["url"].startswith("https://")
    assert manifest["hook_attributes"]["url"].endswith("/webhooks/github")  # the service's route (bot/app.py)
    assert manifest["hook_attributes"].get("active", True) is True
    assert manifest["public"] is False
