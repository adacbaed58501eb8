"""dockerfile-shell-hygiene: shell hygiene in RUN, WORKDIR, CMD and ENTRYPOINT.

What it does: flags RUN pipelines without `set -o pipefail` (or a `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`), relative WORKDIR paths, RUN steps that start with `cd` instead of using WORKDIR, a shell-form CMD or ENTRYPOINT in the final image, CMD/ENTRYPOINT instructions that a later one in the same stage overrides, and the deprecated MAINTAINER.
Why it matters: without pipefail `curl ... | sh` succeeds when the download fails; a shell-form CMD runs the process under `/bin/sh -c`, so it never receives SIGTERM and Kubernetes kills it after the grace period; relative paths and overridden instructions make the image do something other than what the file seems to say.
Example: `RUN curl -fsSL https://example.com/install.sh | sh` or `CMD python app.py`.
Fix: start piped RUNs with `set -o pipefail &&` (or set SHELL once), use absolute WORKDIR paths instead of `cd`, write CMD/ENTRYPOINT in exec form (`CMD ["python", "app.py"]`), keep one of each, and replace MAINTAINER with `LABEL org.opencontainers.image.authors`.
"""

from __future__ import annotations

import re

from bot.dockerfile import Dockerfile, Instruction
from bot.findings import Severity
from checks._docker import Stage, exec_form, final_chain, parse_run, stages
from checks._registry import CheckContext, Hit, register

_POSIX_SHELLS = {"sh", "bash", "ash", "dash", "zsh", "ksh", "mksh"}


def _shell_before(all_stages: list[Stage], stage: Stage, line: int) -> list[str] | None:
    """The SHELL in effect at `line`: this stage's last one before it, else the stage it is built FROM."""
    by_index = {s.index: s for s in all_stages}
    current: Stage | None = stage
    limit = line
    for _ in range(len(all_stages) + 1):
        if current is None:
            return None
        shells = [i for i in current.instructions if i.keyword == "SHELL" and i.line < limit]
        if shells:
            return exec_form(shells[-1].args)
        current = by_index.get(current.base_stage) if current.base_stage is not None else None
        limit = 10**9
    return None


def _pipe_hits(all_stages: list[Stage], stage: Stage, inst: Instruction):
    run = parse_run(inst)
    if not run.script or "pipefail" in run.script:
        return
    piped = [(i, c) for i, c in enumerate(run.commands) if c.piped and i + 1 < len(run.commands)]
    if not piped:
        return
    shell = _shell_before(all_stages, stage, inst.line)
    if shell is not None:
        name = shell[0].rsplit("/", 1)[-1].lower() if shell else ""
        if "pipefail" in " ".join(shell) or name not in _POSIX_SHELLS:
            return
    index, command = piped[0]
    after = run.commands[index + 1].argv[0]
    yield Hit(
        f'RUN pipes "{command.argv[0]}" into "{after}" without "set -o pipefail", so a failing "{command.argv[0]}" goes unnoticed',
        line=inst.line,
    )


@register(
    id="dockerfile-shell-hygiene",
    category="dockerfile",
    severity=Severity.LOW,
    scope="dockerfile",
    anchors=("hadolint DL4006", "hadolint DL3000", "hadolint DL3003", "hadolint DL3025", "hadolint DL4003", "hadolint DL4004",
             "hadolint DL4000", "Trivy DS007", "Trivy DS009", "Trivy DS013", "Trivy DS016", "Trivy DS022", "Checkov CKV_DOCKER_6",
             "Checkov CKV_DOCKER_10"),
)
def check(dockerfile: Dockerfile, ctx: CheckContext):
    all_stages = stages(dockerfile)
    for stage in all_stages:
        for inst in stage.instructions:
            if inst.keyword == "RUN":
                yield from _pipe_hits(all_stages, stage, inst)
                run = parse_run(inst)
                if run.script and run.commands and run.commands[0].argv[0] == "cd":
                    target = " ".join(run.commands[0].argv[1:2])
                    yield Hit(f'RUN starts with "cd {target}"; use WORKDIR to change directory', line=inst.line)
            elif inst.keyword == "WORKDIR":
                path = inst.args.strip().strip("'\"")
                if path and not path.startswith(("/", "$")) and not re.match(r"^[A-Za-z]:[\\/]", path):
                    yield Hit(f'WORKDIR "{path}" is relative; use an absolute path', line=inst.line)
            elif inst.keyword == "MAINTAINER":
                yield Hit("MAINTAINER is deprecated; use LABEL org.opencontainers.image.authors", line=inst.line)
        for keyword in ("CMD", "ENTRYPOINT"):
            found = [i for i in stage.instructions if i.keyword == keyword]
            for earlier in found[:-1]:
                yield Hit(f"{keyword} is overridden by the {keyword} on line {found[-1].line}; only the last one applies", line=earlier.line)
    chain = final_chain(all_stages)
    for keyword in ("CMD", "ENTRYPOINT"):
        effective = sorted((i for s in chain for i in s.instructions if i.keyword == keyword), key=lambda i: i.line)
        if not effective:
            continue
        last = effective[-1]
        if exec_form(last.args) is None and last.args.strip() and not last.args.strip().startswith("exec "):
            yield Hit(f"{keyword} uses the shell form, so the process runs under /bin/sh -c and does not receive SIGTERM", line=last.line)
