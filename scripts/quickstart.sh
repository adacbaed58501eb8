#!/usr/bin/env bash
# One command for a new user: set everything up, then audit the bundled example chart.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/setup.sh" || exit 2
cd "$root"
PATH="$root/.tools/bin:$PATH" .venv/bin/chartwarden audit examples/webapp "$@"
status=$?
echo "(audit exit code $status: 0 clean, 1 findings at or above failOn, 2 input error; the example has findings on purpose)"
[ "$status" -le 1 ] || exit "$status"
