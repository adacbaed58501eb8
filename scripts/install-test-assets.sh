#!/usr/bin/env bash
# Installs the offline test assets for the webhook service into .tools/npm (idempotent):
#   @octokit/webhooks-examples  real webhook payloads (fixtures are copied from it into tests/fixtures/webhooks)
#   @octokit/openapi            GitHub's REST description (scripts/trim-openapi.py cuts it down for the mock)
#   @stoplight/prism-cli        a mock server that validates every request against that description
# Without npm it says so and exits 0: the tests that need these assets then fail saying so (CHARTWARDEN_TESTS_ALLOW_MISSING=1 skips them).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="$root/.tools/npm"
packages=(
  "@octokit/webhooks-examples@7.6.1"
  "@octokit/openapi@23.0.2"
  "@stoplight/prism-cli@5.16.0"
)
if ! command -v npm >/dev/null 2>&1; then
  echo "install-test-assets: npm not found; webhook-example and API-mock tests will be skipped" >&2
  exit 0
fi
stamp="$prefix/.chartwarden-assets"
want="${packages[*]}"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$prefix/node_modules/.bin/prism" ]; then
  exit 0
fi
mkdir -p "$prefix"
npm install --prefix "$prefix" --no-audit --no-fund --loglevel=error "${packages[@]}"
printf '%s' "$want" > "$stamp"
