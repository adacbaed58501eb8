"""Shared heuristics for the secrets rules: which names hold credentials, which values are literals.

The point is precision: `PASSWORD_FILE`, `existingSecret`, `tokenTTL` and `passwordKey` name where a
credential lives, not the credential, so a name is secret-like only when a credential noun is its
*last* word. Values are literal unless they are empty, booleans, paths, or references that another
tool resolves later (`$(VAR)`, `${VAR}`, `{{ ... }}`, `vault:`, `ref+`).
"""

from __future__ import annotations

import re
from typing import Any

# a name whose last word is one of these holds the credential itself
_NOUNS = frozenset(
    {
        "password", "passwd", "pwd", "pass", "passphrase", "passcode", "secret", "token", "credential",
        "credentials", "apikey", "apitoken", "accesstoken", "authtoken", "privatekey", "secretkey",
        "accesskey", "clientsecret", "pat",
    }
)
# "<qualifier> key" (API_KEY, SECRET_ACCESS_KEY, privateKey, APP_KEY) is a credential; a bare "key" is not
_KEY_QUALIFIERS = frozenset(
    {
        "api", "access", "secret", "private", "encryption", "encrypt", "signing", "sign", "master",
        "account", "client", "shared", "auth", "hmac", "jwt", "session", "storage", "license", "app",
        "webhook", "cookie", "crypt", "aes", "decryption",
    }
)
# words that make a name a pointer to a credential (a Secret name, a flag) rather than the credential
_REFERENCE_WORDS = frozenset({"existing", "use", "enable", "enabled", "create", "generate", "require", "required"})
# names that look secret-like but are something else
_NOT_SECRET_NAMES = frozenset({"pwd", "oldpwd", "pat", "pass"})

_CAMEL_1 = re.compile(r"([a-z0-9])([A-Z])")
_CAMEL_2 = re.compile(r"([A-Z]+)([A-Z][a-z])")
_REFERENCE_VALUE = re.compile(r"^\$\([\w.\-]+\)$|^\$\{|\{\{|^vault:|^ref\+|^secretref:|^(?:aws|gcp|azure)-?sm:", re.I)
_BOOLEAN_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "enabled", "disabled", "none", "null", "~"})
_PATH_VALUE = re.compile(r"^(?:/|\./|~/)[\w.\-/]*$")

PRIVATE_KEY = re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")
# scheme://user:password@host ; the password part must be a literal, not a placeholder
_URL_CREDENTIAL = re.compile(r"\b[a-z][a-z0-9+.\-]*://(?P<user>[^:/@\s'\"]*):(?P<password>[^@/\s'\"]+)@[\w\-.\[\]]+", re.I)
_PLACEHOLDER = re.compile(
    r"^(?:\$\(?\{?[\w.\-:]*\}?\)?|%\(?[\w]*\)?s|<[^>]*>|\*+|x+|\.\.\.|\{\{.*\}\}|\{[\w.]*\}|%[\w]+%|@[\w.]+@)$", re.I
)


def words(name: str) -> list[str]:
    """`existingSecretPasswordKey` -> ['existing', 'secret', 'password', 'key']; `DB_PASS2` -> ['db', 'pass']."""
    text = _CAMEL_2.sub(r"\1_\2", _CAMEL_1.sub(r"\1_\2", str(name)))
    out = [w.rstrip("0123456789") for w in re.split(r"[^A-Za-z0-9]+", text.lower())]
    return [w for w in out if w]


def is_secret_name(name: Any) -> bool:
    """Whether a variable or key name says it holds a credential (not a path, flag or reference to one)."""
    if not isinstance(name, str) or "/" in name:
        return False  # annotation-style keys (`nginx.ingress.kubernetes.io/auth-secret`) name Secrets, not values
    parts = words(name)
    if not parts:
        return False
    if len(parts) == 1 and parts[0] in _NOT_SECRET_NAMES:
        return False
    if any(p in _REFERENCE_WORDS for p in parts[:-1]):
        return False
    last = parts[-1]
    before = parts[-2] if len(parts) > 1 else ""
    if last in _NOUNS:
        # adminPasswordSecret / tokenSecret name the Secret object that holds the password
        return not (last == "secret" and before in _NOUNS)
    if last == "key":
        if before == "secret" and len(parts) >= 3 and parts[-3] in _NOUNS:
            return False  # keystorePasswordSecretKey: which key of a Secret holds the password
        return before in _KEY_QUALIFIERS
    if last == "base" and parts[-3:] == ["secret", "key", "base"]:  # Rails SECRET_KEY_BASE
        return True
    return False


def scalar_text(value: Any) -> str | None:
    """A YAML scalar as text (numbers included, booleans and containers excluded)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def is_literal_value(value: Any) -> bool:
    """A non-empty literal that would end up as the credential, not a reference resolved elsewhere."""
    text = scalar_text(value)
    if text is None:
        return False
    text = text.strip()
    if not text or text.lower() in _BOOLEAN_WORDS:
        return False
    if _REFERENCE_VALUE.search(text) or _PATH_VALUE.match(text):
        return False
    return True


def is_placeholder(text: str) -> bool:
    """`${DB_PASSWORD}`, `$(PASS)`, `%(password)s`, `<password>`, `***`, `{{ .pw }}`: filled in later."""
    text = text.strip().strip("'\"").strip()
    return not text or bool(_PLACEHOLDER.match(text)) or "{{" in text or "${" in text or text.startswith("$")


def url_credential(text: str) -> str | None:
    """The user of the first `scheme://user:password@host` with a literal password in `text`, else None."""
    for match in _URL_CREDENTIAL.finditer(text):
        if not is_placeholder(match.group("password")):
            return match.group("user") or "(no user)"
    return None


def mask(value: Any) -> str:
    """A hint at a secret without repeating it: the first two characters and the length."""
    text = str(value).strip()
    if len(text) <= 4:
        return f"{len(text)} characters"
    return f'"{text[:2]}…", {len(text)} characters'


# -- credentials inside config files (ConfigMap values) ----------------------------------------
_ASSIGNMENT = re.compile(r"""^\s*(?:export\s+|set\s+)?["']?(?P<key>[A-Za-z_][\w.\-]*)["']?\s*(?::|=|:=)\s*(?P<value>.*?)\s*[,;]?\s*$""")
_XML_ELEMENT = re.compile(r"<(?P<key>[\w.\-]+)>(?P<value>[^<]+)</(?P=key)>")
_BARE_DIRECTIVE = re.compile(r"^\s*(?P<key>requirepass|masterauth)\s+(?P<value>\S+)\s*$")  # redis.conf
_COMMENT_LINE = re.compile(r"^\s*(?:#|//|;|--|<!--|\*)")
_CODE_LIKE = re.compile(r"[\s()\[\]{}]|^[&*!|>]")
_SCRIPT_LINE = re.compile(
    r"^\s*(?:if\s.*\bthen\b|fi\s*$|done\s*$|do\s*$|function\s|def\s|echo\s|local\s|return\b|set\s+-[euxo]|for\s.*\bin\b|while\s|case\s|esac\b|import\s|require\(|const\s|let\s|var\s)",
    re.M,
)
SCRIPT_SUFFIXES = (
    ".sh", ".bash", ".zsh", ".ksh", ".py", ".rb", ".pl", ".js", ".mjs", ".ts", ".lua", ".ps1", ".groovy", ".php",
    ".tpl", ".tmpl", ".j2", ".jinja", ".jinja2", ".template", ".example", ".sample", ".dist", ".erb", ".mustache",
    ".hbs", ".gotmpl", ".ctmpl",
)


def is_script_or_template(name: str, text: str) -> bool:
    """A ConfigMap entry that is code or a config template: its `password = ...` lines are not credentials."""
    lowered = name.lower()
    if lowered.endswith(SCRIPT_SUFFIXES) or any(f"{s}." in lowered for s in (".tpl", ".tmpl", ".template", ".example", ".sample")):
        return True
    stripped = text.lstrip()
    if stripped.startswith("#!"):
        return True
    return len(_SCRIPT_LINE.findall(text)) >= 2


def _literal_config_value(value: str) -> bool:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        value = value[1:-1].strip()
    elif value.endswith(("'", '"')) or value.startswith(("'", '"')):
        return False  # a quoted value split across lines or followed by code
    if not value or not re.search(r"[A-Za-z0-9]", value) or _CODE_LIKE.search(value):
        return False
    if value.upper().startswith(("ENC(", "{CIPHER}", "ENV(", "SECRET(", "FILE:", "VAULT:", "SECRETREF")):
        return False
    return is_literal_value(value) and not is_placeholder(value)


def credential_line(text: str) -> tuple[int, str] | None:
    """(1-based line, key) of the first `password = literal`-style line in a config file's text."""
    for number, line in enumerate(text.splitlines(), start=1):
        if _COMMENT_LINE.match(line):
            continue
        for pattern in (_ASSIGNMENT, _BARE_DIRECTIVE):
            match = pattern.match(line)
            if match and (pattern is _BARE_DIRECTIVE or is_secret_name(match.group("key"))):
                if _literal_config_value(match.group("value")):
                    return number, match.group("key")
        for match in _XML_ELEMENT.finditer(line):
            if is_secret_name(match.group("key")) and _literal_config_value(match.group("value")):
                return number, match.group("key")
    return None
