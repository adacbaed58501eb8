"""dockerfile-secrets-in-build: no secrets in ENV, ARG or copied files.

What it does: flags `ENV` with a secret-like name (PASSWORD, TOKEN, SECRET, API_KEY, ...) and a value, `ARG` with a secret-like name, and `COPY`/`ADD` of files that usually hold credentials (`.env`, `.npmrc`, `.pypirc`, `.netrc`, `id_rsa`, `*.key`, `credentials`, `.git-credentials`, `*.p12`, ...).
Why it matters: ENV values are in the image config for anyone who can pull it, build arguments are recorded in `docker history`, and a copied file stays in its layer even if a later step deletes it.
Example: `ARG NPM_TOKEN` followed by `RUN echo "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > .npmrc`.
Fix: pass secrets with BuildKit secret mounts (`RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci`) and provide runtime secrets through the orchestrator, never the image.
"""

from __future__ import annotations

import fnmatch

from bot.dockerfile import Dockerfile
from bot.findings import Severity
from checks._docker import exec_form, parse_arg, parse_env, split_flags, split_words
from checks._registry import CheckContext, Hit, register
from checks._secrets import is_secret_name

_SECRET_FILES = (
    "id_rsa", "id_dsa", "id_ecdsa", "id_ed25519", "*.key", "*key.pem", "*-key.pem", "privkey*.pem", ".env", ".env.*",
    ".npmrc", ".pypirc", ".netrc", "_netrc", ".git-credentials", ".dockercfg", "credentials", "credentials.json",
    "*.p12", "*.pfx", "*.jks", "*.keystore", "secrets.yaml", "secrets.yml", "secrets.json", ".htpasswd", "kubeconfig",
    ".ssh", ".aws", ".kube", ".gnupg",
)
_NOT_SECRET = (".env.example", ".env.sample", ".env.template", ".env.dist", ".env.defaults", "*.pub")


def secret_file(source: str) -> bool:
    path = source.rstrip("/")
    base = path.rsplit("/", 1)[-1].lower()
    if path.endswith(".docker/config.json"):
        return True
    if any(fnmatch.fnmatchcase(base, p) for p in _NOT_SECRET):
        return False
    return any(fnmatch.fnmatchcase(base, p) for p in _SECRET_FILES)


@register(
    id="dockerfile-secrets-in-build",
    category="dockerfile",
    severity=Severity.HIGH,
    scope="dockerfile",
    anchors=("hadolint DL3064", "Trivy DS031"),
)
def check(dockerfile: Dockerfile, ctx: CheckContext):
    for inst in dockerfile.instructions:
        if inst.keyword == "ENV":
            for name, value in parse_env(inst.args):
                if is_secret_name(name) and value.strip().strip("'\"").strip():
                    yield Hit(f'ENV "{name}" bakes a secret-like value into the image', line=inst.line)
        elif inst.keyword == "ARG":
            for name, _ in parse_arg(inst.args):
                if is_secret_name(name):
                    yield Hit(f'ARG "{name}" passes a secret at build time; build arguments stay in the image history', line=inst.line)
        elif inst.keyword in ("COPY", "ADD"):
            flags, rest = split_flags(inst.args)
            if flags.get("from"):
                continue  # from another stage: what it holds is that stage's business
            argv = exec_form(rest) or split_words(rest)
            for source in argv[:-1]:
                if secret_file(source):
                    yield Hit(f'{inst.keyword} copies the secret file "{source}" into the image', line=inst.line)
