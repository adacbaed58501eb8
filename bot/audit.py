"""The one pipeline every front door uses: discover -> render -> check -> locate -> suppress -> score."""

from __future__ import annotations

import hashlib
import itertools
import os
import pickle
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable

from bot import dockerfile as dockerfile_mod
from bot.chart import ChartSource
from bot.config import RepoConfig
from bot.discover import Discovery, InputProblem, Target, discover, display_path
from bot.findings import Finding, Location, Severity
from bot.locate import ChartLocator, ManifestLocator, ValuesFile
from bot.manifests import ManifestError, parse_manifest, parse_rendered
from bot.helm import helm_binary
from bot.render import RenderOptions, cache_dir, render_key, start_render
from bot.score import Score, score
from bot.suppress import CommentIndex, by_annotation, by_config
from checks._k8s import K8sObject, Release
from checks._registry import CheckContext, Hit, Rule, all_rules


@dataclass(frozen=True)
class AuditOptions:
    values_files: tuple[str, ...] = ()
    set_values: tuple[str, ...] = ()
    kube_version: str | None = None  # overrides the config's kubernetesVersion
    release_name: str | None = None
    namespace: str | None = None
    use_cache: bool = True
    jobs: int = 0  # 0: one per CPU
    timeout: float = 120.0


@dataclass
class TargetResult:
    target: Target
    findings: list[Finding] = field(default_factory=list)
    error: InputProblem | None = None
    score: Score | None = None
    objects: int = 0
    cached: bool = False
    skipped: list[str] = field(default_factory=list)  # "rule: Kind/name: why", checks that could not judge


@dataclass
class AuditResult:
    results: list[TargetResult]
    problems: list[InputProblem]
    rules: dict[str, Rule]
    config: RepoConfig
    baseline: dict | None = None  # {"revision", "new", "fixed", "existing"} after --baseline
    skipped: list[InputProblem] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return [f for result in self.results for f in result.findings]

    @property
    def errors(self) -> list[InputProblem]:
        return self.problems + [r.error for r in self.results if r.error]


def active_rules(config: RepoConfig) -> list[Rule]:
    rules = all_rules()
    return [
        rule
        for rule in rules.values()
        if (rule.enabled or rule.id in config.enable) and rule.id not in config.disable
    ]


class _Runner:
    """Runs the active rules over one target's inputs and places every hit."""

    def __init__(self, rules: list[Rule], config: RepoConfig, ctx: CheckContext):
        self.config = config
        self.ctx = ctx
        self.by_scope: dict[str, list[Rule]] = {}
        for rule in rules:
            self.by_scope.setdefault(rule.scope, []).append(rule)
        self.comments = CommentIndex()

    def _call(self, rule: Rule, arg, problems: list[InputProblem], where: str) -> Iterable[Hit]:
        try:
            return list(rule.func(arg, self.ctx) or ())
        except Exception as exc:  # a bug in one rule must not lose the rest of the audit
            detail = " ".join(str(exc).split())
            detail = detail if len(detail) <= 160 else detail[:157] + "..."
            problems.append(InputProblem(where, None, f"rule {rule.id} failed: {type(exc).__name__}: {detail}"))
            return []

    def object_rule_hits(self, objects: list[K8sObject], problems, where):
        for obj in objects:
            for rule in self.by_scope.get("object", ()):
                if rule.kinds is None or obj.kind in rule.kinds:
                    for hit in self._call(rule, obj, problems, where):
                        yield rule, hit if hit.obj is not None else replace(hit, obj=obj)

    def release_rule_hits(self, release: Release, problems, where):
        for rule in self.by_scope.get("release", ()):
            for hit in self._call(rule, release, problems, where):
                yield rule, hit

    def chart_rule_hits(self, chart: ChartSource, problems, where):
        for rule in self.by_scope.get("chart", ()):
            for hit in self._call(rule, chart, problems, where):
                yield rule, hit

    def finding(self, rule: Rule, hit: Hit, target: str, location: Location | None, abs_path: Path | None) -> Finding:
        severity = self.config.severity.get(rule.id) or hit.severity or rule.severity
        obj = hit.obj
        found = Finding(
            rule_id=rule.id,
            severity=severity,
            category=rule.category,
            message=hit.message,
            target=target,
            object_ref=obj.ref if obj is not None else "",
            field_path=hit.path,
            location=location,
            fix_hint=rule.section("Fix"),
            source_file=obj.source if obj is not None else (hit.file or ""),
        )
        reason = by_annotation(obj.annotations, rule.id) if obj is not None else None
        if reason is None and obj is not None and obj.is_workload:
            reason = by_annotation(obj.pod_annotations, rule.id)
        if reason is None and abs_path is not None and location is not None:
            reason = self.comments.reason(abs_path, location.line, rule.id)
        if reason is None:
            reason = by_config(self.config, found)
        return found.suppress(reason) if reason is not None else found


def _chart_abs(chart: ChartSource, display: str, values_files: list[ValuesFile]) -> Path | None:
    for vf in values_files:
        if vf.display == display:
            return vf.path
    prefix = chart.display + "/" if chart.display not in ("", ".") else ""
    if display.startswith(prefix):
        return chart.root / display[len(prefix):]
    return None


def _engine_digest() -> str:
    """Changes whenever the engine or a rule changes, so cached results never outlive the code."""
    global _ENGINE_DIGEST
    if _ENGINE_DIGEST is None:
        digest = hashlib.sha256()
        for package in ("bot", "checks"):
            folder = Path(__file__).resolve().parent.parent / package
            for path in sorted(folder.rglob("*.py")):
                stat = path.stat()
                digest.update(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
        _ENGINE_DIGEST = digest.hexdigest()
    return _ENGINE_DIGEST


_ENGINE_DIGEST: str | None = None


def _result_cache_file(render_key_: str, target: Target, config: RepoConfig) -> Path:
    digest = hashlib.sha256(f"{render_key_}\0{target.display}\0{config!r}\0{_engine_digest()}".encode()).hexdigest()
    return cache_dir().parent / "results" / digest[:2] / f"{digest}.pickle"


def _audit_chart(target: Target, runner: _Runner, options: AuditOptions, config: RepoConfig) -> TargetResult:
    """A cached result when nothing that shapes it changed (chart, values, options, config, code)."""
    render_options = _render_options(options, config)
    if not options.use_cache:
        return _audit_chart_uncached(target, runner, options, config, render_options, None)
    key = render_key(target.path, render_options, helm_binary())
    cached = _result_cache_file(key, target, config)
    try:
        with open(cached, "rb") as handle:
            result = pickle.load(handle)
        result.cached = True
        return result
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
        pass
    result = _audit_chart_uncached(target, runner, options, config, render_options, key)
    if result.error is None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as handle:
                pickle.dump(result, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, cached)
        except OSError:
            pass
    return result


def _render_options(options: AuditOptions, config: RepoConfig) -> RenderOptions:
    return RenderOptions(
        release_name=options.release_name or config.release_name,
        namespace=options.namespace or config.namespace,
        values_files=tuple(str(Path(v).resolve()) for v in options.values_files),
        set_values=options.set_values,
        kube_version=options.kube_version or config.kubernetes_version,
        timeout=options.timeout,
        use_cache=options.use_cache,
    )


def _audit_chart_uncached(
    target: Target, runner: _Runner, options: AuditOptions, config: RepoConfig, render_options: RenderOptions, key: str | None
) -> TargetResult:
    chart = ChartSource(target.path, target.display)
    result = TargetResult(target)
    values_files = [ValuesFile(display_path(Path(v)), Path(v)) for v in options.values_files]
    problems: list[InputProblem] = []
    objects: list[K8sObject] = []
    locator = ChartLocator(chart, values_files)
    if chart.chart_yaml.get("type") == "library":
        rendered = None  # library charts only hold helpers: nothing to render, chart rules still apply
        early = list(runner.chart_rule_hits(chart, problems, target.display))
    else:
        # helm runs on one core while the chart-level rules run here on the other
        job = start_render(target.path, render_options, key)
        chart.render_wait = lambda: job.result().ok
        early = list(runner.chart_rule_hits(chart, problems, target.display))
        locator.prepare()
        rendered = job.result()
    if rendered is None:
        pass
    elif not rendered.ok:
        if rendered.error_file and os.path.isabs(rendered.error_file):  # a -f values file
            shown = display_path(Path(rendered.error_file))
        else:
            shown = f"{target.display}/{rendered.error_file}" if rendered.error_file else target.display
        line = rendered.error_line
        field_name = re.match(r"validation: chart\.metadata\.(\w+)", rendered.error)
        if field_name and line is None:
            line = chart.key_line("Chart.yaml", field_name.group(1))
        result.error = InputProblem(shown, line, rendered.error)
    else:
        objects, parse_errors = parse_rendered(rendered.output)
        for error in parse_errors:
            problems.append(InputProblem(f"{target.display}/{error.source}", error.line, str(error)))
    result.objects = len(objects)
    release = Release(objects, render_options.release_name, render_options.namespace)
    hits = itertools.chain(
        early,
        runner.object_rule_hits(objects, problems, target.display),
        runner.release_rule_hits(release, problems, target.display),
    )
    for rule, hit in hits:
        if hit.skipped:
            result.skipped.append(_skip_line(rule, hit))
            continue
        if hit.file is not None:
            location = Location(hit.file if hit.file in {v.display for v in values_files} else f"{target.display}/{hit.file}", hit.line)
        elif hit.obj is not None:
            location = locator.locate(hit.obj, hit.path, hit.value_hint)
        else:
            location = Location(f"{target.display}/Chart.yaml")
        abs_path = _chart_abs(chart, location.file, values_files) if location else None
        result.findings.append(runner.finding(rule, hit, target.display, location, abs_path))
    if problems and result.error is None:
        result.error = problems[0]
    return result


def _audit_manifest_group(targets: list[Target], runner: _Runner) -> dict[Target, TargetResult]:
    """Manifests in one folder are one release: cross-object rules see every file's objects
    (a Deployment in deploy.yaml, its HPA in hpa.yaml), findings stay with each object's file."""
    results: dict[Target, TargetResult] = {}
    owner: dict[int, Target] = {}
    per_target: dict[Target, list[K8sObject]] = {}
    for target in targets:
        result = results[target] = TargetResult(target)
        try:
            objects = parse_manifest(target.path.read_text(encoding="utf-8", errors="replace"), target.display)
        except ManifestError as exc:
            result.error = InputProblem(target.display, exc.line, f"invalid YAML: {exc}")
            continue
        except OSError as exc:
            result.error = InputProblem(target.display, None, f"cannot read: {exc.strerror}")
            continue
        result.objects = len(objects)
        per_target[target] = objects
        for obj in objects:
            owner[id(obj)] = target
    release = Release([obj for objects in per_target.values() for obj in objects])

    def place(rule: Rule, hit: Hit, target: Target) -> None:
        result = results[target]
        if hit.skipped:
            result.skipped.append(_skip_line(rule, hit))
            return
        location = ManifestLocator(target.display).locate(hit.obj, hit.path) if hit.obj is not None else Location(target.display, hit.line)
        result.findings.append(runner.finding(rule, hit, target.display, location, target.path))

    problems: list[InputProblem] = []
    for target, objects in per_target.items():
        for rule, hit in runner.object_rule_hits(objects, problems, target.display):
            place(rule, hit, target)
    if per_target:
        first = next(iter(per_target))
        where = first.display if len(per_target) == 1 else (os.path.dirname(first.display) or ".")
        for rule, hit in runner.release_rule_hits(release, problems, where):
            place(rule, hit, owner.get(id(hit.obj), first) if hit.obj is not None else first)
    for problem in problems:
        for target in per_target:
            if problem.display == target.display and results[target].error is None:
                results[target].error = problem
                break
        else:
            if per_target and results[first].error is None:
                results[first].error = problem
    return results


def _audit_dockerfile(target: Target, runner: _Runner) -> TargetResult:
    result = TargetResult(target)
    try:
        parsed = dockerfile_mod.load(target.path, target.display)
    except OSError as exc:
        result.error = InputProblem(target.display, None, f"cannot read: {exc.strerror}")
        return result
    except dockerfile_mod.DockerfileError as exc:
        result.error = InputProblem(target.display, exc.line, str(exc))
        return result
    problems: list[InputProblem] = []
    for rule in runner.by_scope.get("dockerfile", ()):
        for hit in runner._call(rule, parsed, problems, target.display):
            location = Location(target.display, hit.line)
            result.findings.append(runner.finding(rule, hit, target.display, location, target.path))
    if problems:
        result.error = problems[0]
    return result


def _skip_line(rule: Rule, hit: Hit) -> str:
    where = f"{hit.obj.ref}: " if hit.obj is not None else ""
    return f"{rule.id}: {where}{hit.message}"


def _sort_key(finding: Finding):
    loc = finding.location
    return (loc.file if loc else "~", loc.line or 0 if loc else 0, -finding.severity, finding.rule_id, finding.message)


def audit_targets(
    discovery: Discovery, config: RepoConfig, options: AuditOptions = AuditOptions(), progress: Callable | None = None
) -> AuditResult:
    rules = active_rules(config)
    kube = options.kube_version or config.kubernetes_version
    major, minor = (int(p) for p in kube.lstrip("v").split(".")[:2])
    ctx = CheckContext(kube_version=(major, minor), options=config.options)
    runner = _Runner(rules, config, ctx)

    folders: dict[Path, list[Target]] = {}
    for target in discovery.targets:
        if target.kind == "manifest":
            folders.setdefault(target.path.parent.resolve(), []).append(target)
    manifests: dict[Target, TargetResult] = {}
    for group in folders.values():
        manifests.update(_audit_manifest_group(group, runner))

    def one(target: Target) -> TargetResult:
        if target.kind == "chart":
            result = _audit_chart(target, runner, options, config)
        elif target.kind == "manifest":
            result = manifests[target]
        else:
            result = _audit_dockerfile(target, runner)
        result.findings.sort(key=_sort_key)
        result.score = score(result.findings)
        if progress is not None:
            progress(result, len(discovery.targets))
        return result

    jobs = options.jobs or os.cpu_count() or 2
    if len(discovery.targets) > 1 and jobs > 1:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            results = list(pool.map(one, discovery.targets))
    else:
        results = [one(t) for t in discovery.targets]
    return AuditResult(results, list(discovery.problems), all_rules(), config, skipped=list(discovery.skipped))


def audit(
    paths: list[str],
    config: RepoConfig = RepoConfig(),
    options: AuditOptions = AuditOptions(),
    progress: Callable | None = None,
    root: Path | None = None,
) -> AuditResult:
    """Audit `paths`; with `root`, paths are read and shown relative to it instead of the working folder."""
    return audit_targets(discover(paths, root), config, options, progress)


def exit_code(result: AuditResult, fail_on: Severity | None) -> int:
    """0 clean, 1 findings at or above the threshold, 2 usage or input error."""
    if result.errors:
        return 2
    if fail_on is not None and any(not f.suppressed and f.severity >= fail_on for f in result.findings):
        return 1
    return 0
