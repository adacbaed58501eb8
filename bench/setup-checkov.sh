#!/usr/bin/env bash
# Installs Checkov into the benchmark's own virtualenv (bench/.venv-checkov), not the project's.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -x "$here/.venv-checkov/bin/checkov" ]; then
  python3 -m venv "$here/.venv-checkov"
  "$here/.venv-checkov/bin/pip" install --quiet --disable-pip-version-check checkov 2> >(grep -v '^WARNING: Location' >&2)
fi
"$here/.venv-checkov/bin/checkov" --version
