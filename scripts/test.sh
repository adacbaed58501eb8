#!/usr/bin/env bash
# Runs the whole test suite (after making sure set-up is done).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/setup.sh"
cd "$root"
export PATH="$root/.tools/bin:$PATH"
exec .venv/bin/python -m pytest -n 2 "$@"
