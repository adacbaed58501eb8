#!/usr/bin/env bash
# Sets up everything on a fresh machine: a virtualenv with Chartwarden and its test tools, and helm.
# Idempotent: a second run only checks what is already there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
stamp=.venv/.chartwarden-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  .venv/bin/pip install --quiet --disable-pip-version-check -e '.[test]' 2> >(grep -v '^WARNING: Location' >&2)
  touch "$stamp"
fi
bash scripts/install-helm.sh
bash scripts/install-test-assets.sh
