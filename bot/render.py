"""Rendering charts with the real `helm template`: timeout, output cap, on-disk cache, clear errors."""

from __future__ import annotations

import hashlib
from functools import lru_cache
import json
import os
import re
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_cache_dir

from bot.helm import helm_binary, helm_version

DEFAULT_TIMEOUT = 120.0
DEFAULT_OUTPUT_CAP = 64 * 1024 * 1024  # kube-prometheus-stack renders several MB; leave room
CACHE_FORMAT = "1"


@dataclass(frozen=True)
class RenderOptions:
    release_name: str = "release"
    namespace: str = "default"
    values_files: tuple[str, ...] = ()
    set_values: tuple[str, ...] = ()
    kube_version: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    output_cap: int = DEFAULT_OUTPUT_CAP
    use_cache: bool = True


@dataclass
class RenderResult:
    ok: bool
    output: str = ""
    error: str = ""  # one line, for the user
    error_file: str | None = None  # chart-relative template the error is in
    error_line: int | None = None
    warnings: list[str] = field(default_factory=list)
    cache_key: str = ""
    cached: bool = False


class RenderError(Exception):
    pass


def cache_dir() -> Path:
    return Path(os.environ.get("CHARTWARDEN_CACHE_DIR") or user_cache_dir("chartwarden")) / "render"


def chart_digest(root: Path) -> str:
    """Hash of every file under the chart (subcharts included): names, sizes and contents."""
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, root)
            digest.update(rel.encode() + b"\0")
            try:
                with open(path, "rb") as handle:
                    digest.update(handle.read())
            except OSError:
                digest.update(b"<unreadable>")
            digest.update(b"\0")
    return digest.hexdigest()


def render_key(root: Path, options: RenderOptions, binary: str) -> str:
    digest = hashlib.sha256()
    digest.update(CACHE_FORMAT.encode())
    digest.update(chart_digest(root).encode())
    for values_file in options.values_files:
        digest.update(values_file.encode() + b"\0")
        try:
            digest.update(Path(values_file).read_bytes())
        except OSError:
            digest.update(b"<missing>")
    payload = [options.release_name, options.namespace, list(options.set_values), options.kube_version]
    digest.update(json.dumps(payload).encode())
    digest.update(helm_version(binary).encode())
    return digest.hexdigest()


def _command(binary: str, root: Path, options: RenderOptions) -> list[str]:
    cmd = [binary, "template", options.release_name, str(root.resolve()), "--namespace", options.namespace]
    for values_file in options.values_files:
        cmd += ["-f", values_file]
    for assignment in options.set_values:
        cmd += ["--set", assignment]
    if options.kube_version:
        cmd += ["--kube-version", options.kube_version]
        for api in served_apis(options.kube_version):
            cmd += ["--api-versions", api]
    return cmd


@lru_cache(maxsize=4)
def served_apis(kube_version: str) -> tuple[str, ...]:
    """What a cluster of that version serves, as `group/version` and `group/version/Kind`.

    Without a cluster helm answers `.Capabilities.APIVersions.Has` from a short built-in list, so
    charts fall back to old API versions (an APIService as apiregistration.k8s.io/v1beta1 for 1.31).
    The table (bot/data/api-versions.json, from scripts/gen-api-versions.py) covers 1.25 to 1.37;
    other targets use the nearest one.
    """
    table = json.loads((Path(__file__).parent / "data" / "api-versions.json").read_text())
    try:
        major, minor = (int(p) for p in kube_version.lstrip("v").split(".")[:2])
    except ValueError:
        return ()
    known = sorted((int(k.split(".")[0]), int(k.split(".")[1])) for k in table)
    nearest = min(known, key=lambda v: (abs(v[0] - major) * 100 + abs(v[1] - minor)))
    served = table[f"{nearest[0]}.{nearest[1]}"]
    return tuple(api for gv, kinds in served.items() for api in (gv, *(f"{gv}/{kind}" for kind in kinds)))


# "hc/templates/deployment.yaml:9:22" (helm 4) or "(hc/templates/req.yaml:1:6)" (execution error)
_TEMPLATE_POS = re.compile(r"(?P<file>[\w.\-/]+?/(?:templates|charts)/[\w.\-/]+?):(?P<line>\d+)(?::\d+)?")
_YAML_ERROR = re.compile(r"YAML parse error on (?P<file>[\w.\-/]+): .*?line (?P<line>\d+): (?P<msg>.*)")
_METADATA = re.compile(r"^validation: chart\.metadata\.(?P<field>\w+)")
_CHART_YAML = re.compile(r"cannot load Chart\.yaml: (?:error converting YAML to JSON: )?(?:yaml: line (?P<line>\d+): )?(?P<msg>.*)")
_MISSING_DEPS = re.compile(r"missing in charts/ directory: (?P<deps>.+)")
_SYMLINK = re.compile(r"error evaluating symlink (?P<file>/\S+): (?P<msg>.*)")
_VALUES = re.compile(r"(?:cannot load (?P<chart_file>values\.yaml)|failed to parse (?P<user_file>\S+)): (?P<msg>.*)")
_YAML_NO_LINE = re.compile(r"YAML parse error on (?P<file>[\w.\-/]+): (?P<msg>.*)")
_GO_NOISE = re.compile(r"cannot unmarshal yaml document: |error converting YAML to JSON: |error unmarshaling JSON: |while decoding JSON: |json: ")
_GO_LINE = re.compile(r"^yaml: line (?P<line>\d+): (?P<msg>.*)")
_GO_TOP = re.compile(r"^cannot unmarshal (?P<got>\w+) into Go value of type \S+")
_GO_FIELD = re.compile(r"^cannot unmarshal (?P<got>\w+) into Go struct field \S*?\.(?P<field>[\w.]+) of type (?P<want>\S+)")
_JSON_KINDS = {"array": "a list", "object": "a mapping", "string": "a string", "number": "a number", "bool": "a boolean"}


def _go_yaml(message: str) -> tuple[str, int | None]:
    """helm's YAML/JSON decoding error without the layers of Go wording, and its line if it says one."""
    message = _GO_NOISE.sub("", message).strip()
    line = _GO_LINE.match(message)
    if line:
        return (line.group("msg"), int(line.group("line")))
    top = _GO_TOP.match(message)
    if top:
        return (f"the top level is {_JSON_KINDS.get(top.group('got'), top.group('got'))}, not a mapping", None)
    field = _GO_FIELD.match(message)
    if field:
        want = "a mapping" if field.group("want").startswith("map[") else "a list" if field.group("want").startswith("[]") else field.group("want")
        return (f"{field.group('field')} is {_JSON_KINDS.get(field.group('got'), field.group('got'))}, not {want}", None)
    return (re.sub(r"^yaml: ", "", message), None)


def _chart_relative(helm_path: str) -> str:
    """Helm names files "<chart>/templates/x.yaml"; findings use "templates/x.yaml"."""
    return helm_path.split("/", 1)[1] if "/" in helm_path else helm_path


def explain_failure(stderr: str) -> tuple[str, str | None, int | None]:
    """One line saying what failed and where, from helm's multi-line stderr."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error:")]
    text = " ".join(lines[lines.index(errors[0]):] if errors else lines)
    text = text.replace("Use --debug flag to render out invalid YAML", "").strip()
    text = re.sub(r"^Error:\s*", "", text)
    metadata = _METADATA.search(text)
    if metadata:
        return (text, "Chart.yaml", None)
    chart_yaml = _CHART_YAML.search(text)
    if chart_yaml:
        line = int(chart_yaml.group("line")) if chart_yaml.group("line") else None
        message, go_line = _go_yaml(chart_yaml.group("msg"))
        return (f"Chart.yaml does not load: {message}", "Chart.yaml", line or go_line)
    symlink = _SYMLINK.search(text)
    if symlink:
        msg = symlink.group("msg")
        why = "symlink loop" if "too many links" in msg else "broken symlink (its target does not exist)" if "no such file" in msg else f"bad symlink: {msg}"
        return (f"{why}; helm cannot load the chart", symlink.group("file"), None)
    values = _VALUES.search(text)
    if values:
        message, line = _go_yaml(values.group("msg"))
        if values.group("chart_file"):
            return (f"values.yaml does not load: {message}", "values.yaml", line)
        return (f"values file does not load: {message}", values.group("user_file"), line)
    if "don't meet the specifications of the schema" in text:
        return (f"values do not match values.schema.json: {text.split(':', 1)[1].strip()}", "values.schema.json", None)
    missing = _MISSING_DEPS.search(text)
    if missing:
        deps = missing.group("deps").strip().rstrip(".")
        return (f"missing chart dependencies: {deps}; run `helm dependency build` in the chart folder", "Chart.yaml", None)
    yaml_error = _YAML_ERROR.search(text)
    if yaml_error:
        rel = _chart_relative(yaml_error.group("file"))
        return (f"rendered YAML does not parse: {yaml_error.group('msg').strip()}", rel, int(yaml_error.group("line")))
    yaml_error = _YAML_NO_LINE.search(text)
    if yaml_error:
        message, line = _go_yaml(yaml_error.group("msg"))
        return (f"rendered YAML does not parse: {message}", _chart_relative(yaml_error.group("file")), line)
    position = _TEMPLATE_POS.search(text)
    if position:
        rel = _chart_relative(position.group("file"))
        detail = text
        detail = re.sub(r"execution error at \(" + re.escape(position.group(0)) + r"\):\s*", "", detail)
        detail = detail.replace(position.group(0), "").strip(" :")
        detail = re.sub(r'executing "[^"]*" at <([^>]*)>:\s*', r"at <\1>: ", detail)
        detail = re.sub(r"^template:\s*", "", detail).strip(" :")
        return (f"template failed: {detail}", rel, int(position.group("line")))
    return (text or "helm template failed with no message", None, None)


class OutputTooLarge(Exception):
    pass


class _Running:
    """A helm process started now and waited for later, so the caller can work while it runs.

    A watcher thread kills it at the deadline or as soon as its output passes the cap. (Not
    subprocess's own timeout, which polls with sleeps of up to 50 ms and so added that much to
    every render.)
    """

    def __init__(self, cmd: list[str], env: dict, timeout: float, cap: int):
        self.cmd, self.timeout, self.cap = cmd, timeout, cap
        self.out = tempfile.TemporaryFile()
        self.err = tempfile.TemporaryFile()
        self.reason: list[str] = []
        self.finished = threading.Event()
        try:
            self.proc = subprocess.Popen(cmd, stdout=self.out, stderr=self.err, env=env)
        except OSError:
            self.close()
            raise
        self.watcher = threading.Thread(target=self._watch, daemon=True)
        self.watcher.start()

    def _watch(self) -> None:
        deadline = time.monotonic() + self.timeout
        while not self.finished.wait(0.02):
            if time.monotonic() > deadline:
                self.reason.append("timeout")
            elif os.fstat(self.out.fileno()).st_size > self.cap:
                self.reason.append("cap")
            else:
                continue
            self.proc.kill()
            return

    def wait(self) -> int:
        try:
            returncode = self.proc.wait()
        finally:
            self.finished.set()
            self.watcher.join()
        if self.reason == ["timeout"]:
            raise subprocess.TimeoutExpired(self.cmd, self.timeout)
        if self.reason == ["cap"] or os.fstat(self.out.fileno()).st_size > self.cap:
            raise OutputTooLarge()
        return returncode

    def close(self) -> None:
        self.out.close()
        self.err.close()


class RenderJob:
    """A render under way (or already answered from the cache); `result()` waits for it once."""

    def __init__(self, key: str, options: RenderOptions, cached_file: Path, running: _Running | None = None,
                 result: RenderResult | None = None):
        self.key, self.options, self.cached_file = key, options, cached_file
        self._running = running
        self._result = result
        self._lock = threading.Lock()

    def result(self) -> RenderResult:
        with self._lock:
            if self._result is None:
                try:
                    self._result = self._finish()
                finally:
                    self._running.close()
            return self._result

    def _finish(self) -> RenderResult:
        running, key, options = self._running, self.key, self.options
        try:
            returncode = running.wait()
        except OutputTooLarge:
            return RenderResult(False, error=f"rendered output passed the {options.output_cap}-byte cap; helm was stopped", cache_key=key)
        except subprocess.TimeoutExpired:
            return RenderResult(False, error=f"helm template timed out after {options.timeout:g}s", cache_key=key)
        running.err.seek(0)
        stderr = running.err.read(256 * 1024).decode("utf-8", errors="replace")
        if returncode != 0:
            message, rel, line = explain_failure(stderr)
            return RenderResult(False, error=message, error_file=rel, error_line=line, cache_key=key)
        running.out.seek(0)
        output = running.out.read().decode("utf-8", errors="replace")
        warnings = [line.strip() for line in stderr.splitlines() if line.strip()]
        if options.use_cache:
            try:
                self.cached_file.parent.mkdir(parents=True, exist_ok=True)
                tmp = self.cached_file.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
                tmp.write_text(output, encoding="utf-8")
                os.replace(tmp, self.cached_file)
            except OSError:
                pass
        return RenderResult(True, output, warnings=warnings, cache_key=key)


def start_render(root: Path, options: RenderOptions = RenderOptions(), key: str | None = None) -> RenderJob:
    """Start `helm template` (or answer from the cache) and return at once; never raises for helm's
    own failures, which come back from `result()` as a RenderResult with ok=False."""
    binary = helm_binary()
    key = key or (render_key(root, options, binary) if options.use_cache else "")
    cached_file = cache_dir() / key[:2] / f"{key}.yaml"
    if options.use_cache and cached_file.is_file():
        try:
            text = cached_file.read_text(encoding="utf-8")
            return RenderJob(key, options, cached_file, result=RenderResult(True, text, cache_key=key, cached=True))
        except OSError:
            pass
    env = {k: v for k, v in os.environ.items() if not k.startswith("KUBE")}
    env["HELM_CACHE_HOME"] = env.get("HELM_CACHE_HOME", str(Path(tempfile.gettempdir()) / "chartwarden-helm-cache"))
    try:
        running = _Running(_command(binary, root, options), env, options.timeout, options.output_cap)
    except OSError as exc:
        return RenderJob(key, options, cached_file, result=RenderResult(False, error=f"cannot run helm: {exc}", cache_key=key))
    return RenderJob(key, options, cached_file, running=running)


def render(root: Path, options: RenderOptions = RenderOptions(), key: str | None = None) -> RenderResult:
    """Render one chart and wait for it; a failure is a RenderResult with ok=False, never an exception."""
    return start_render(root, options, key).result()
