"""Kubernetes JSON schemas (shipped by the kubernetes-validate package) and cached validators.

kubernetes-validate ships one `_definitions.json` per Kubernetes minor release (plus a `-strict`
copy that rejects unknown fields). Every top-level type in it carries
`x-kubernetes-group-version-kind`, so one index per release maps (apiVersion, kind) to its
definition; a validator is a `$ref` to that definition. Loading a release's definitions costs about
20 ms, so releases, indexes and validators are cached for the life of the process (per release,
strictness, apiVersion and kind). Nothing here raises on odd input.
"""

from __future__ import annotations

import datetime
import difflib
import json
import re
import threading
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any, Iterator


Version = tuple[int, int]

_DIR = re.compile(r"^v(\d+)\.(\d+)\.\d+-local$")
_LOCK = threading.Lock()
_VALIDATORS: dict[tuple, Any] = {}


def _schema_root():
    """The schemas folder of kubernetes-validate, found without importing the package (its
    import pulls in jsonschema, ~50 ms)."""
    from importlib.util import find_spec
    from pathlib import Path

    spec = find_spec("kubernetes_validate")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("kubernetes_validate")
    return Path(list(spec.submodule_search_locations)[0]) / "kubernetes-json-schema"


@lru_cache(maxsize=1)
def shipped_versions() -> tuple[Version, ...]:
    """Kubernetes minor releases the installed kubernetes-validate has schemas for, oldest first."""
    try:
        names = [entry.name for entry in _schema_root().iterdir()]
    except (ModuleNotFoundError, OSError):
        return ()
    found = {(int(m.group(1)), int(m.group(2))) for m in map(_DIR.match, names) if m}
    return tuple(sorted(found))


def closest_version(target: Version) -> Version | None:
    """The newest shipped release not newer than the target, else the oldest one shipped."""
    versions = shipped_versions()
    if not versions:
        return None
    older = [v for v in versions if v <= tuple(target)]
    return older[-1] if older else versions[0]


def _is_string(checker, instance) -> bool:
    # YAML 1.1 loaders turn unquoted dates into date objects; Kubernetes' YAML-to-JSON keeps them strings
    return isinstance(instance, (str, datetime.date))


@lru_cache(maxsize=1)
def _validator_class():
    """jsonschema is imported only when an object fails the fast pass (it costs ~50 ms to import)."""
    import jsonschema

    return jsonschema.validators.extend(
        jsonschema.Draft202012Validator,
        type_checker=jsonschema.Draft202012Validator.TYPE_CHECKER.redefine("string", _is_string),
    )


@dataclass(frozen=True)
class _Release:
    base: str  # the definitions' $id
    index: dict  # (apiVersion, kind) -> definition name
    defs: dict  # definition name -> schema (descriptions dropped)

    @cached_property
    def registry(self):
        from referencing import Registry
        from referencing.jsonschema import DRAFT202012

        return Registry().with_resource(self.base, DRAFT202012.create_resource({"$id": self.base, "$defs": self.defs}))


def _strip_descriptions(node: Any) -> Any:
    if isinstance(node, dict):
        return {k: _strip_descriptions(v) for k, v in node.items() if k != "description"}
    if isinstance(node, list):
        return [_strip_descriptions(v) for v in node]
    return node


def _definitions(folder: str) -> dict | None:
    """A release's definitions without descriptions (a quarter of the size), cached on disk:
    parsing the shipped 1.2 MB file on every run cost more than checking a whole chart."""
    import os
    from pathlib import Path

    from platformdirs import user_cache_dir

    try:
        shipped_file = _schema_root().joinpath(folder, "_definitions.json")
        stat = shipped_file.stat()
    except (OSError, ModuleNotFoundError):
        return None
    tag = f"{stat.st_size}-{int(stat.st_mtime)}"  # a new kubernetes-validate release changes the file
    cache = Path(os.environ.get("CHARTWARDEN_CACHE_DIR") or user_cache_dir("chartwarden")) / "schemas" / f"{tag}-{folder}.json"
    try:
        return json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    try:
        shipped = json.loads(shipped_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    pruned = {"$id": shipped.get("$id"), "$defs": _strip_descriptions(shipped.get("$defs") or {})}
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(pruned, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, cache)
    except OSError:
        pass
    return pruned


@lru_cache(maxsize=8)
def _release(version: Version, strict: bool) -> _Release | None:
    definitions = _definitions(f"v{version[0]}.{version[1]}.0-local" + ("-strict" if strict else ""))
    if definitions is None:
        return None
    index: dict[tuple[str, str], str] = {}
    for name, schema in (definitions.get("$defs") or {}).items():
        for gvk in schema.get("x-kubernetes-group-version-kind") or ():
            group, api, kind = gvk.get("group", ""), gvk.get("version", ""), gvk.get("kind", "")
            api_version = f"{group}/{api}" if group else api
            index.setdefault((api_version, kind), name)
    base = definitions.get("$id") or "https://kubernetes.io/api/_definitions.json"
    return _Release(base, index, definitions.get("$defs") or {})


def validator(version: Version, api_version: str, kind: str, strict: bool = True):
    """A cached validator for one apiVersion/kind at one release, or None when it has no schema (CRDs)."""
    key = (version, strict, api_version, kind)
    if key in _VALIDATORS:
        return _VALIDATORS[key]
    with _LOCK:
        if key not in _VALIDATORS:
            release = _release(version, strict)
            name = release.index.get((api_version, kind)) if release else None
            _VALIDATORS[key] = (
                _validator_class()({"$ref": f"{release.base}#/$defs/{name}"}, registry=release.registry) if name else None
            )
    return _VALIDATORS[key]


# -- turning jsonschema errors into (field path, message) --------------------------------------
_JSON_TYPES = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array", dict: "object"}


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, (datetime.date, datetime.datetime)):
        return "string"
    return _JSON_TYPES.get(type(value), type(value).__name__)


def short(value: Any, limit: int = 40) -> str:
    """The offending value for a message: scalars quoted as JSON, containers by their type."""
    if isinstance(value, (dict, list)):
        return "an object" if isinstance(value, dict) else "a list"
    text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 4] + '..."'


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _types(schema: Any) -> list[str]:
    """Non-null JSON types a (sub)schema allows, following oneOf/anyOf one level."""
    if not isinstance(schema, dict):
        return []
    found: list[str] = []
    declared = schema.get("type")
    for item in declared if isinstance(declared, list) else [declared] if declared else []:
        if item != "null" and item not in found:
            found.append(item)
    for key in ("oneOf", "anyOf"):
        for sub in schema.get(key) or ():
            for item in _types(sub):
                if item not in found:
                    found.append(item)
    return found


@dataclass(frozen=True)
class Problem:
    path: tuple  # keys and indices from the object root
    message: str


def problems(error: "jsonschema.ValidationError", render_path) -> Iterator[Problem]:
    """One or more placed problems for a jsonschema error; `render_path(tuple)` names a field."""
    path = tuple(error.absolute_path)
    instance = error.instance
    if instance is None:
        return  # null means "unset" to Kubernetes; oneOf over nullable types trips on it
    keyword = error.validator
    if keyword == "additionalProperties" and error.validator_value is False and isinstance(instance, dict):
        schema = error.schema if isinstance(error.schema, dict) else {}
        known = list((schema.get("properties") or {}).keys())
        for key in instance:
            if key in known:
                continue
            hint = difflib.get_close_matches(str(key), known, n=1, cutoff=0.75)
            suffix = f' (did you mean "{hint[0]}"?)' if hint else ""
            yield Problem(path + (key,), f'unknown field "{render_path(path + (key,))}"{suffix}')
    elif keyword == "required" and isinstance(instance, dict):
        match = re.match(r"^'(.*)' is a required property$", error.message)
        missing = [match.group(1)] if match else [k for k in error.validator_value or () if k not in instance]
        for key in missing:
            yield Problem(path + (key,), f'required field "{render_path(path + (key,))}" is missing')
    elif keyword in ("type", "oneOf", "anyOf"):
        allowed = _types(error.schema)
        if allowed and json_type(instance) not in allowed:
            want = " or ".join(_article(t) for t in allowed)
            yield Problem(path, f'field "{render_path(path)}" must be {want}, not the {json_type(instance)} {short(instance)}')
        elif keyword != "type":
            yield Problem(path, f'field "{render_path(path)}" matches none of its allowed forms ({short(instance)})')
    elif keyword == "enum":
        options = ", ".join(json.dumps(v) for v in (error.validator_value or ())[:6])
        yield Problem(path, f'field "{render_path(path)}" is {short(instance)}, expected one of {options}')
    else:
        text = error.message if len(error.message) <= 120 else error.message[:117] + "..."
        yield Problem(path, f'field "{render_path(path) or "(object)"}": {text}')


# -- names and labels (not in the OpenAPI schema; the API server checks them) -------------------
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS_1035 = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")


def is_dns_subdomain(name: str) -> bool:
    return 0 < len(name) <= 253 and all(_DNS_LABEL.match(part) for part in name.split("."))


def is_dns_label(name: str) -> bool:
    return 0 < len(name) <= 63 and bool(_DNS_LABEL.match(name))


def is_dns_1035_label(name: str) -> bool:
    return 0 < len(name) <= 63 and bool(_DNS_1035.match(name))


def is_path_segment(name: str) -> bool:
    return bool(name) and name not in (".", "..") and "/" not in name and "%" not in name


SUBDOMAIN_RULE = 'lower-case letters, digits, "-" and ".", starting and ending with a letter or digit, at most 253 characters'
NAME_RULES = {
    "Service": (is_dns_1035_label, 'lower-case letters, digits and "-", starting with a letter, at most 63 characters'),
    "Namespace": (is_dns_label, 'lower-case letters, digits and "-", starting and ending with a letter or digit, at most 63 characters'),
    "Role": (is_path_segment, 'anything but "/", "%", "." and ".."'),
    "ClusterRole": (is_path_segment, 'anything but "/", "%", "." and ".."'),
    "RoleBinding": (is_path_segment, 'anything but "/", "%", "." and ".."'),
    "ClusterRoleBinding": (is_path_segment, 'anything but "/", "%", "." and ".."'),
    "CertificateSigningRequest": (lambda name: bool(name), "any non-empty name"),
}
DEFAULT_NAME_RULE = (is_dns_subdomain, SUBDOMAIN_RULE)


def name_problem(kind: str, name: str) -> str | None:
    """Why `name` is not a valid metadata.name for this kind (helm lint's per-kind rules), or None."""
    check, rule = NAME_RULES.get(kind, DEFAULT_NAME_RULE)
    return None if check(name) else rule


def label_key_problem(key: str) -> str | None:
    prefix, _, name = key.rpartition("/")
    if "/" in key and not is_dns_subdomain(prefix):
        return f'prefix "{prefix}" must be a DNS subdomain ({SUBDOMAIN_RULE})'
    if not (0 < len(name) <= 63 and _QUALIFIED_NAME.match(name)):
        return 'name part must be 1-63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit'
    return None


def label_value_problem(value: str) -> str | None:
    if len(value) <= 63 and _LABEL_VALUE.match(value):
        return None
    return 'at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit'


# -- a fast first pass -----------------------------------------------------------------------------
# jsonschema's generic machinery costs ~5 ms per pod spec; nearly every object is valid. This walks
# the document once with the few keywords Kubernetes' schemas use and answers "valid" or "not sure";
# only "not sure" objects go through jsonschema for the exact errors. A keyword it does not know
# makes it answer "not sure", so it never hides an error jsonschema would report.
_KNOWN = {"type", "$ref", "properties", "additionalProperties", "items", "required", "enum", "oneOf", "description", "format"}


def _type_ok(value: Any, declared: Any) -> bool:
    for name in declared if isinstance(declared, list) else (declared,):
        if name == "string" and isinstance(value, (str, datetime.date)):
            return True
        if name == "object" and isinstance(value, dict):
            return True
        if name == "array" and isinstance(value, list):
            return True
        if name == "boolean" and isinstance(value, bool):
            return True
        if name == "integer" and (
            isinstance(value, int) and not isinstance(value, bool) or isinstance(value, float) and value.is_integer()
        ):
            return True
        if name == "number" and isinstance(value, (int, float)) and not isinstance(value, bool):
            return True
        if name == "null" and value is None:
            return True
    return False


def surely_valid(value: Any, schema: dict, defs: dict) -> bool:
    """True only when `value` certainly satisfies `schema` (refs resolved in `defs`)."""
    while "$ref" in schema:
        target = defs.get(schema["$ref"].rsplit("/", 1)[-1])
        if target is None or any(k not in ("$ref", "description") and not k.startswith("x-kubernetes") for k in schema):
            return False
        schema = target
    for keyword in schema:
        if keyword not in _KNOWN and not keyword.startswith("x-kubernetes"):
            return False
    declared = schema.get("type")
    if declared is not None and not _type_ok(value, declared):
        return False
    if "enum" in schema and value not in schema["enum"]:
        return False
    if "oneOf" in schema:
        if sum(1 for option in schema["oneOf"] if surely_valid(value, option, defs)) != 1:
            return False
    if isinstance(value, dict):
        for key in schema.get("required") or ():
            if key not in value:
                return False
        properties = schema.get("properties") or {}
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            sub = properties.get(key)
            if sub is not None:
                if not surely_valid(item, sub, defs):
                    return False
            elif extra is False:
                return False
            elif isinstance(extra, dict) and not surely_valid(item, extra, defs):
                return False
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        items = schema["items"]
        return all(surely_valid(item, items, defs) for item in value)
    return True


def definitions(version: Version, strict: bool) -> tuple[dict, dict] | None:
    """($defs, index) of one release, for the fast pass."""
    release = _release(version, strict)
    if release is None:
        return None
    return release.defs, release.index
