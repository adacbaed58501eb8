"""dockerfile-multi-stage: build toolchains stay out of the final image.

What it does: flags a single-stage Dockerfile whose image keeps a build toolchain: a compiler or SDK base image (golang, rust, maven, gradle, a JDK, dotnet/sdk), build packages installed and not removed in the same RUN (gcc, make, build-essential, `*-dev` headers, ...), or a compile step (`go build`, `cargo build`, `mvn package`, `gradle build`, `dotnet publish`, `npm run build`).
Why it matters: compilers, headers and dev dependencies make the image several times larger and hand an attacker who gets into the container the tools to build exploits; none of it is needed at run time.
Example: `FROM golang:1.23`, `COPY . .`, `RUN go build -o /app`, `CMD ["/app"]`.
Fix: build in a first stage and copy only the artefact into a small runtime stage (`FROM golang:1.23 AS build` ... `FROM gcr.io/distroless/static` + `COPY --from=build /app /app`).
"""

from __future__ import annotations

import re

from bot.dockerfile import Dockerfile
from bot.findings import Severity
from checks._docker import global_args, installs, parse_image, runs, stages, substitute
from checks._registry import CheckContext, Hit, register

_TOOLCHAIN_IMAGES = {"golang", "rust", "maven", "gradle", "sbt", "gcc", "buildpack-deps", "haskell", "swift", "clojure"}
_JDK_IMAGES = {"openjdk", "eclipse-temurin", "amazoncorretto", "sapmachine", "ibmjava", "ibm-semeru-runtimes"}
_BUILD_PACKAGES = {
    "gcc", "g++", "gcc-c++", "clang", "make", "cmake", "build-essential", "build-base", "autoconf", "automake", "libtool",
    "musl-dev", "libc-dev", "libc6-dev", "golang", "golang-go", "go", "rust", "rustc", "cargo", "maven", "gradle",
    "default-jdk", "nodejs-dev",
}
_SYSTEM_MANAGERS = {"apt-get", "apt", "apk", "yum", "dnf", "microdnf", "tdnf", "zypper"}
_REMOVALS = re.compile(r"\b(?:apk\s+del|apt-get\s+(?:-\S+\s+)*(?:purge|remove|autoremove)|(?:yum|dnf|microdnf)\s+(?:-\S+\s+)*(?:remove|erase))\b")
_COMPILE = {
    "go": {"build"}, "cargo": {"build"}, "mvn": {"package", "install", "verify"}, "mvnw": {"package", "install", "verify"},
    "gradle": {"build", "assemble", "bootJar", "installDist", "shadowJar"}, "gradlew": {"build", "assemble", "bootJar", "installDist", "shadowJar"},
    "dotnet": {"publish", "build"}, "gcc": None, "g++": None, "cc": None, "clang": None,
}


def _package_name(spec: str) -> str:
    name = re.split(r"[=<>~/]", spec, maxsplit=1)[0]
    return re.sub(r"-\d[\w.+:~-]*$", "", name).lower()


def _base_evidence(image: str) -> str | None:
    ref = parse_image(image)
    repo = ref.path.rsplit("/", 1)[-1].lower()
    tag = (ref.tag or "").lower()
    if repo in _TOOLCHAIN_IMAGES or (repo in _JDK_IMAGES and "jre" not in tag) or ref.path.lower().endswith("dotnet/sdk"):
        return f'base image "{image}"'
    return None


def _compile_step(argv: tuple[str, ...]) -> str | None:
    head = argv[0].rsplit("/", 1)[-1]
    if head in ("npm", "yarn", "pnpm") and len(argv) >= 2 and (argv[1] == "build" or argv[1:3] == ("run", "build")):
        return " ".join(argv[:3] if argv[1] == "run" else argv[:2])
    if head not in _COMPILE:
        return None
    subcommands = _COMPILE[head]
    if subcommands is None:
        return head
    words = [a for a in argv[1:] if not a.startswith("-")]
    if words and words[0] in subcommands:
        return f"{head} {words[0]}"
    return None


@register(
    id="dockerfile-multi-stage",
    category="dockerfile",
    severity=Severity.INFO,
    scope="dockerfile",
    anchors=("hadolint DL3022", "Trivy DS006", "Checkov CKV_DOCKER_11"),
)
def check(dockerfile: Dockerfile, ctx: CheckContext):
    all_stages = stages(dockerfile)
    if len(all_stages) != 1:
        return
    stage = all_stages[0]
    evidence: list[tuple[int, str]] = []
    image = substitute(stage.image, global_args(dockerfile)) if "$" in stage.image else stage.image
    if image and stage.start is not None:
        found = _base_evidence(image)
        if found:
            evidence.append((stage.start.line, found))
    for run in runs(stage.instructions):
        removed = bool(_REMOVALS.search(run.script))
        for install in installs(run):
            if install.manager not in _SYSTEM_MANAGERS or install.subcommand not in ("install", "add", "in"):
                continue
            names = [_package_name(p) for p in install.packages]
            build = [n for n in names if n in _BUILD_PACKAGES or n.endswith(("-dev", "-devel")) or re.match(r"^openjdk-\d+-jdk", n)]
            if build and not removed:
                evidence.append((run.instruction.line, "installs " + ", ".join(f'"{n}"' for n in build[:3])))
        for command in run.commands:
            step = _compile_step(command.argv)
            if step:
                evidence.append((run.instruction.line, f'runs "{step}"'))
    if evidence:
        shown = "; ".join(text for _, text in evidence[:3]) + ("; ..." if len(evidence) > 3 else "")
        yield Hit(f"single-stage build ships its build toolchain in the final image: {shown}", line=evidence[0][0])
