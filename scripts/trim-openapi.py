#!/usr/bin/env python3
"""Cut GitHub's REST description down to the operations Chartwarden calls.

    python scripts/trim-openapi.py [SOURCE] [OUTPUT]

SOURCE defaults to the dereferenced description from the npm package @octokit/openapi, installed
into .tools/npm by scripts/install-test-assets.sh; OUTPUT to tests/fixtures/openapi/github-trimmed.json
(committed, so tests need only the prism mock server, not the 73 MB source). Kept per operation:
parameters and request body unchanged, so a request the mock accepts is one GitHub's description
accepts; and the success and validation-error responses with their examples, changed in two ways
for the mock:
- response schemas are dropped: prism's `--errors` also checks responses, and several of GitHub's
  own examples break their schemas (e.g. `requested_teams` items of the pull-request example), which
  would turn valid requests into 500s. The adapter reads responses as plain JSON anyway.
- JSON responses are declared as `application/vnd.github+json`, the Accept header GitHub's clients
  send (GitHub answers it with JSON; prism would answer 406).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / ".tools/npm/node_modules/@octokit/openapi/generated/api.github.com.deref.json"
OUTPUT = ROOT / "tests/fixtures/openapi/github-trimmed.json"

# (method, path): every request bot/forge/github.py sends (the last two: the redelivery sweeper)
OPERATIONS = [
    ("post", "/app/installations/{installation_id}/access_tokens"),
    ("get", "/repos/{owner}/{repo}/contents/{path}"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}"),
    ("get", "/repos/{owner}/{repo}/commits/{commit_sha}/pulls"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}/files"),
    ("get", "/repos/{owner}/{repo}/tarball/{ref}"),
    ("post", "/repos/{owner}/{repo}/check-runs"),
    ("patch", "/repos/{owner}/{repo}/check-runs/{check_run_id}"),
    ("get", "/repos/{owner}/{repo}/pulls/{pull_number}/comments"),
    ("post", "/repos/{owner}/{repo}/pulls/{pull_number}/reviews"),
    ("get", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("post", "/repos/{owner}/{repo}/issues/{issue_number}/comments"),
    ("patch", "/repos/{owner}/{repo}/issues/comments/{comment_id}"),
    ("get", "/repos/{owner}/{repo}/collaborators/{username}/permission"),
    ("get", "/app/hook/deliveries"),
    ("post", "/app/hook/deliveries/{delivery_id}/attempts"),
]
KEEP_RESPONSES = {"200", "201", "202", "302", "404", "422"}
KEEP_OPERATION_KEYS = ("summary", "operationId", "parameters", "requestBody", "responses")


def trim(spec: dict) -> dict:
    paths: dict = {}
    for method, path in OPERATIONS:
        operation = spec["paths"][path][method]
        kept = {key: operation[key] for key in KEEP_OPERATION_KEYS if key in operation}
        kept["responses"] = {code: body for code, body in operation["responses"].items() if code in KEEP_RESPONSES}
        for response in kept["responses"].values():
            content = response.get("content") or {}
            if "application/json" in content:
                content["application/vnd.github+json"] = content.pop("application/json")
            for media in content.values():
                media.pop("schema", None)
        paths.setdefault(path, {})[method] = kept
    return {
        "openapi": spec["openapi"],
        "info": {**spec["info"], "description": "Trimmed by scripts/trim-openapi.py: only the operations Chartwarden calls."},
        "servers": [{"url": "/"}],
        "paths": paths,
    }


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else SOURCE
    output = Path(argv[2]) if len(argv) > 2 else OUTPUT
    if not source.is_file():
        print(f"trim-openapi: {source} not found; run scripts/install-test-assets.sh first", file=sys.stderr)
        return 2
    trimmed = trim(json.loads(source.read_text(encoding="utf-8")))
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(trimmed, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{output}: {len(trimmed['paths'])} paths, {output.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
