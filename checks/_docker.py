"""Shared helpers for image references and Dockerfiles: stages, ARG substitution, RUN shell commands.

Everything here is a pure function of text; nothing raises on odd input (a rule must never crash).
"""

from __future__ import annotations

import fnmatch
import json
import re
import shlex
from dataclasses import dataclass, field

from bot.dockerfile import Dockerfile, Instruction

# -- image references -------------------------------------------------------------------------
DOCKER_HUB = "docker.io"
_HUB_ALIASES = {"index.docker.io", "registry-1.docker.io", "registry.hub.docker.com", "docker.io"}


@dataclass(frozen=True)
class ImageRef:
    raw: str
    registry: str  # "docker.io" when the reference names none
    path: str  # repository path inside the registry ("library/nginx" for official images)
    tag: str | None
    digest: str | None

    @property
    def full_name(self) -> str:
        return f"{self.registry}/{self.path}"


def parse_image(reference: str) -> ImageRef:
    """`nginx` -> docker.io/library/nginx; `host:5000/team/app:1.2@sha256:...` keeps registry, tag, digest."""
    raw = reference.strip()
    rest, digest = (raw.split("@", 1) + [None])[:2] if "@" in raw else (raw, None)
    tag = None
    last = rest.rsplit("/", 1)[-1]
    if ":" in last:
        rest, tag = rest.rsplit(":", 1)
    first, slash, remainder = rest.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost"):
        registry, path = first.lower(), remainder
    else:
        registry, path = DOCKER_HUB, rest if slash else f"library/{rest}"
    if registry in _HUB_ALIASES:
        registry = DOCKER_HUB
    return ImageRef(raw, registry, path, tag, digest or None)


def has_digest(image: ImageRef) -> bool:
    return bool(image.digest) and re.match(r"^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$", image.digest or "") is not None


def registry_matches(image: ImageRef, pattern: str) -> bool:
    """`docker.io`, `*.azurecr.io` match the registry; `ghcr.io/acme` matches repositories under that path."""
    pattern = re.sub(r"^[a-z]+://", "", str(pattern).strip()).rstrip("/")
    if not pattern:
        return False
    host, slash, prefix = pattern.partition("/")
    host = DOCKER_HUB if host.lower() in _HUB_ALIASES else host.lower()
    if not fnmatch.fnmatchcase(image.registry, host):
        return False
    if not slash:
        return True
    return image.path == prefix or image.path.startswith(prefix + "/")


def frozen_registry(image: ImageRef) -> bool:
    """k8s.gcr.io (and its gcr.io/google_containers alias) is frozen: no new images since April 2023."""
    if image.registry == "k8s.gcr.io":
        return True
    return image.registry == "gcr.io" and image.path.split("/", 1)[0] in ("google_containers", "google-containers")


# -- Dockerfile stages and variables ------------------------------------------------------------
_VAR = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_]\w*)(?P<mod>:?[-+][^}]*)?\}|(?P<plain>[A-Za-z_]\w*))")


def substitute(text: str, variables: dict[str, str | None]) -> str | None:
    """`${BASE:-alpine}:${TAG}` with ARG defaults; None when a variable has no known value."""
    unresolved = False

    def replace(match: re.Match) -> str:
        nonlocal unresolved
        name = match.group("braced") or match.group("plain")
        value = variables.get(name)
        modifier = match.group("mod") or ""
        if modifier.lstrip(":").startswith("-"):
            return value if value else modifier.lstrip(":")[1:]
        if modifier.lstrip(":").startswith("+"):
            return modifier.lstrip(":")[1:] if value else ""
        if value is None:
            unresolved = True
            return ""
        return value

    result = _VAR.sub(replace, text)
    return None if unresolved else result


def parse_arg(args: str) -> list[tuple[str, str | None]]:
    """`ARG A=1 B` -> [("A", "1"), ("B", None)]."""
    out = []
    for token in split_words(args):
        name, eq, value = token.partition("=")
        if re.match(r"^[A-Za-z_]\w*$", name):
            out.append((name, value if eq else None))
    return out


def parse_env(args: str) -> list[tuple[str, str]]:
    """`ENV A=1 B="x y"` and the legacy `ENV A some value` form."""
    words = split_words(args)
    if not words:
        return []
    if "=" not in words[0]:
        name, _, value = args.strip().partition(" ")
        return [(name, value.strip())] if re.match(r"^[A-Za-z_][\w.\-]*$", name) else []
    out = []
    for token in words:
        name, eq, value = token.partition("=")
        if eq and re.match(r"^[A-Za-z_][\w.\-]*$", name):
            out.append((name, value))
    return out


def split_words(text: str) -> list[str]:
    """Shell-like word split that never raises (an unclosed quote falls back to whitespace)."""
    try:
        return shlex.split(text, comments=False, posix=True)
    except ValueError:
        return text.split()


def exec_form(args: str) -> list[str] | None:
    """The JSON array of an exec-form instruction (`CMD ["a", "b"]`), else None."""
    text = args.strip()
    if not text.startswith("["):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return [str(v) for v in value] if isinstance(value, list) else None


def split_flags(args: str) -> tuple[dict[str, str], str]:
    """Leading `--flag[=value]` options of an instruction, and the rest of its arguments."""
    flags: dict[str, str] = {}
    rest = args.strip()
    while rest.startswith("--"):
        token, _, after = rest.partition(" ")
        name, _, value = token[2:].partition("=")
        if name.lower() == "mount":  # RUN may carry several mounts
            flags[f"mount:{len(flags)}"] = value
        else:
            flags.setdefault(name.lower(), value)
        rest = after.strip()
    return flags, rest


@dataclass
class Stage:
    index: int
    start: Instruction | None  # the FROM instruction (None for instructions before any FROM)
    image: str  # the FROM argument as written
    name: str | None  # the `AS name`
    base_stage: int | None  # index of an earlier stage this one builds FROM
    instructions: list[Instruction] = field(default_factory=list)


def global_args(dockerfile: Dockerfile) -> dict[str, str | None]:
    """ARGs declared before the first FROM (the only ones FROM lines can use), with their defaults."""
    out: dict[str, str | None] = {}
    for inst in dockerfile.instructions:
        if inst.stage >= 0:
            break
        if inst.keyword == "ARG":
            for name, value in parse_arg(inst.args):
                out[name] = substitute(value, out) if value and "$" in value else value
    return out


def stages(dockerfile: Dockerfile) -> list[Stage]:
    out: list[Stage] = []
    names: dict[str, int] = {}
    for inst in dockerfile.instructions:
        if inst.stage < 0:
            continue
        if inst.keyword == "FROM" and (not out or out[-1].index != inst.stage):
            _, rest = split_flags(inst.args)
            words = rest.split()
            image = words[0] if words else ""
            name = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
            base = names.get(image.lower())
            out.append(Stage(inst.stage, inst, image, name, base))
            if name:
                names[name.lower()] = inst.stage
        if out:
            out[-1].instructions.append(inst)
    return out


def final_chain(all_stages: list[Stage]) -> list[Stage]:
    """The final stage and the earlier stages it is built FROM: what ends up in the image."""
    if not all_stages:
        return []
    by_index = {s.index: s for s in all_stages}
    chain = [all_stages[-1]]
    while chain[-1].base_stage is not None and chain[-1].base_stage in by_index and len(chain) <= len(all_stages):
        chain.append(by_index[chain[-1].base_stage])
    return chain


# -- RUN commands --------------------------------------------------------------------------------
_SEPARATORS = {"&&", "||", ";", "|", "&", "(", ")", ";;", "|&", "{", "}", "\n"}
_REDIRECTS = {">", ">>", "<", "<<", ">&", "<&", "&>", "&>>", ">|", "<<<", "<>"}
_PREFIX_WORDS = {"sudo", "exec", "command", "time", "nice", "nohup", "env", "then", "else", "do", "if", "!", "xargs"}


@dataclass(frozen=True)
class Command:
    argv: tuple[str, ...]
    piped: bool = False  # its output goes into a `|`


@dataclass(frozen=True)
class Run:
    instruction: Instruction
    flags: dict
    script: str  # the shell text ("" for exec form)
    commands: tuple[Command, ...]
    exec_form: bool

    def mounts(self, kind: str) -> list[str]:
        """Targets of `--mount=type=<kind>,target=...` flags."""
        out = []
        for name, value in self.flags.items():
            if not name.startswith("mount"):
                continue
            options = dict(part.partition("=")[::2] for part in value.split(","))
            if options.get("type") == kind:
                out.append(options.get("target") or options.get("dst") or options.get("destination") or "")
        return out

    def has_cache_mount(self, *paths: str) -> bool:
        return any(t.rstrip("/").startswith(p.rstrip("/")) for t in self.mounts("cache") for p in paths)


def _tokens(script: str) -> list[str]:
    text = script.replace("\\\n", " ")
    try:
        lexer = shlex.shlex(text, posix=True, punctuation_chars=";&|()<>")
        lexer.whitespace_split = True
        lexer.commenters = ""
        return list(lexer)
    except ValueError:
        return re.findall(r"&&|\|\||[;|&()<>]|[^\s;|&()<>]+", text)


def commands(script: str) -> tuple[Command, ...]:
    """Simple commands of a shell script, each with its arguments (prefixes like sudo and VAR=x removed)."""
    out: list[Command] = []
    current: list[str] = []
    skip_next = False

    def flush(piped: bool) -> None:
        words = list(current)
        while words and (words[0] in _PREFIX_WORDS or re.match(r"^[A-Za-z_]\w*=", words[0])):
            prefix = words.pop(0)
            while words and prefix in ("sudo", "env", "nice", "xargs", "time", "command") and words[0].startswith("-"):
                words.pop(0)
        if words:
            out.append(Command(tuple(words), piped))
        current.clear()

    for token in _tokens(script):
        if skip_next:
            skip_next = False
            continue
        if token in _REDIRECTS or (token and set(token) <= set("<>&") and token not in _SEPARATORS):
            skip_next = token not in ("&",)
            if current and re.fullmatch(r"\d", current[-1]):
                current.pop()  # the fd number of `2>&1`
            continue
        if token in _SEPARATORS or (token and set(token) <= set(";&|()")):
            flush(token in ("|", "|&"))
            continue
        current.append(token)
    flush(False)
    return tuple(out)


def parse_run(inst: Instruction) -> Run:
    flags, rest = split_flags(inst.args)
    argv = exec_form(rest)
    if argv is not None:
        if len(argv) >= 3 and argv[0].rsplit("/", 1)[-1] in ("sh", "bash", "ash", "dash", "zsh") and argv[1] in ("-c", "-ec", "-xc", "-exc"):
            return Run(inst, flags, argv[2], commands(argv[2]), True)
        return Run(inst, flags, "", (Command(tuple(argv)),) if argv else (), True)
    return Run(inst, flags, rest, commands(rest), False)


def runs(instructions: list[Instruction]) -> list[Run]:
    return [parse_run(i) for i in instructions if i.keyword == "RUN"]


# -- package managers ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Install:
    manager: str  # "apt-get", "apt", "apk", "pip", "npm", "gem", "go", "yum", "dnf", "microdnf", "zypper", "yarn"
    subcommand: str
    options: tuple[str, ...]
    packages: tuple[str, ...]
    argv: tuple[str, ...]


# options that take a separate value, per manager
_VALUE_OPTIONS = {
    "apt": {"-o", "--option", "-t", "--target-release", "--default-release", "-c", "--config-file", "-a", "--host-architecture"},
    "apk": {"-t", "--virtual", "-X", "--repository", "-p", "--root", "--arch", "--cache-dir", "--keys-dir", "--repositories-file"},
    "pip": {"-r", "--requirement", "-c", "--constraint", "-i", "--index-url", "--extra-index-url", "-f", "--find-links",
            "-t", "--target", "--prefix", "--root", "--trusted-host", "--platform", "--python-version", "--implementation",
            "--abi", "--src", "--upgrade-strategy", "--progress-bar", "--cache-dir", "--log", "--timeout", "--retries",
            "--proxy", "--cert", "--client-cert", "--global-option", "--config-settings", "-C", "--no-binary",
            "--only-binary", "-e", "--editable", "--python"},
    "npm": {"--prefix", "--registry", "--cache", "--tag", "--omit", "--include", "-w", "--workspace"},
    "gem": {"-v", "--version", "-i", "--install-dir", "-n", "--bindir", "-s", "--source", "-P", "--trust-policy", "--platform"},
    "go": {"-tags", "-ldflags", "-gcflags", "-o", "-mod", "-modfile", "-p", "-pkgdir", "-toolexec", "-overlay"},
    "yum": {"-c", "--config", "-x", "--exclude", "--releasever", "--installroot", "--enablerepo", "--disablerepo",
            "--setopt", "-d", "--debuglevel", "-e", "--errorlevel", "--repo", "--repoid", "--nodocs"},
    "zypper": {"-t", "--type", "-r", "--repo", "--from", "-n"},
    "yarn": {"--cache-folder", "--modules-folder", "--network-timeout", "--registry"},
}
_VALUE_OPTIONS["zypper"] -= {"-n"}
_VALUE_OPTIONS["yum"] -= {"--nodocs"}
_SUBCOMMANDS_AFTER_GLOBAL = {"zypper"}


def _manager(argv: tuple[str, ...]) -> tuple[str, list[str]] | None:
    """Which package manager a command runs, and the words after it."""
    if not argv:
        return None
    head = argv[0].rsplit("/", 1)[-1]
    rest = list(argv[1:])
    if re.fullmatch(r"python[\d.]*", head) and rest[:2] == ["-m", "pip"]:
        return "pip", rest[2:]
    if head == "uv" and rest[:1] == ["pip"]:
        return "pip", rest[1:]
    if re.fullmatch(r"pip[\d.]*", head):
        return "pip", rest
    if head in ("apt-get", "apt", "aptitude"):
        return head if head != "aptitude" else "apt-get", rest
    if head in ("apk", "npm", "gem", "go", "yum", "dnf", "microdnf", "tdnf", "zypper", "yarn"):
        return head, rest
    return None


def _family(manager: str) -> str:
    return {"apt-get": "apt", "apt": "apt", "dnf": "yum", "microdnf": "yum", "tdnf": "yum"}.get(manager, manager)


def parse_install(command: Command) -> Install | None:
    """A package manager command split into subcommand, options and package arguments."""
    found = _manager(command.argv)
    if found is None:
        return None
    manager, rest = found
    value_options = _VALUE_OPTIONS.get(_family(manager), set())
    options: list[str] = []
    positional: list[str] = []
    skip = False
    for word in rest:
        if skip:
            skip = False
            options[-1] = f"{options[-1]}={word}"
            continue
        if word.startswith("-") and len(word) > 1:
            options.append(word)
            if "=" not in word and word in value_options:
                skip = True
            continue
        positional.append(word)
    if not positional:
        return Install(manager, "", tuple(options), (), command.argv)
    return Install(manager, positional[0], tuple(options), tuple(positional[1:]), command.argv)


def installs(run: Run) -> list[Install]:
    out = []
    for command in run.commands:
        parsed = parse_install(command)
        if parsed is not None:
            out.append(parsed)
    return out


def option_given(install: Install, *names: str) -> bool:
    """Whether any of the options is set (`-y`, `--yes`, `--no-cache`); combined short flags count (`-qy`)."""
    for option in install.options:
        flag = option.split("=", 1)[0]
        if flag in names:
            return True
        if flag.startswith("-") and not flag.startswith("--") and len(flag) > 2:
            if any(len(n) == 2 and n.startswith("-") and n[1] in flag[1:] for n in names):
                return True
    return False
