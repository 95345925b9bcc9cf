"""Runs rules over the Org and applies the config; places the org on the maturity ladder.

No I/O here: the CLI reads files and writes output; the engine turns loaded documents into
findings and a stage. The rules of a large org may be judged on forked workers
(``Settings.processes``), which only send back findings.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from orglint.engine.stage import Stage, stage_of
from orglint.engine.waivers import Waiver, WaiverState, parse_inline, sorted_waivers
from orglint.engine.waivers import apply as apply_waivers
from orglint.finding import SEVERITY_RANK, Finding, Hit, Position
from orglint.load.documents import Document, LoadedFile
from orglint.model import SCHEMA, SYNTAX, UNRESOLVED, Complexity, Org, build_org, rebuild_org
from orglint.registry import Registry, Rule
from orglint.schema.org import KIND_SECTION, validate, value_at


class RuleCrash(Exception):
    """A rule raised: a bug in the rule, reported with exit code 2, never as a finding."""


@dataclass(frozen=True)
class Settings:
    """What the engine needs from the config and the command line, fixed for one run.

    ``select``/``ignore`` hold rule codes, prefixes or names; ``rules`` maps a rule's code or
    name to its config entry (``severity``, ``options``).
    """

    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    fail_on: str = "error"
    rules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # waivers declared by the config and its waiver files (inline ones come with the files)
    waivers: Sequence[Waiver] = ()
    # the date waivers expire against; None means today (ORGLINT_TODAY pins it)
    today: datetime.date | None = None
    # fingerprint -> how many findings the baseline accepts; None when there is no baseline
    baseline: Counter[str] | None = None
    # Org -> Evidence from the configured event logs (orglint/evidence), or None: called once,
    # after the org is built and before the rules run; rules ask for it as the input `evidence`
    observe: Callable[[Org], Any] | None = None
    # the exception rates that make a handoff medium or high complexity (config `complexity`)
    complexity: Complexity = field(default_factory=Complexity)
    # the most processes the rules of a large org may be judged on (1: this one only): the
    # command line gives the processes free when the run starts (orglint.workers)
    processes: int = 1


@dataclass
class CheckResult:
    """One check: the findings shown (sorted), the stage, the resolved org, the rules
    selected, the files read (as displayed), the fail level, the waived findings with their
    waiver, every declared waiver, the findings the baseline accepts, the date waivers were
    judged against, each rule's effective options, and the findings held back while a file
    could not be read."""

    findings: list[Finding]
    stage: Stage
    org: Org
    rules: list[Rule]
    files: list[str]
    fail_on: str = "error"
    waived: list[tuple[Finding, Waiver]] = field(default_factory=list)
    # every declared waiver, used or not, for the waiver register
    waivers: list[Waiver] = field(default_factory=list)
    # findings the baseline accepts: not shown, not failing, still counted for the stage
    baselined: list[Finding] = field(default_factory=list)
    # the date waivers were judged against (Settings.today, else the day of the run)
    today: datetime.date | None = None
    # rule code -> the options it ran with: its defaults under the config's options
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # how work moved (orglint.evidence.figures.Evidence), when the config names event logs
    evidence: Any = None
    # findings not shown because a file could not be read (``Org.unreadable``): they may follow
    # from what it holds, and are judged once it reads (see ``hold_back``)
    held_back: list[Finding] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when a shown finding is at or above the fail level."""
        threshold = SEVERITY_RANK[self.fail_on]
        return any(SEVERITY_RANK[finding.severity] >= threshold for finding in self.findings)

    def counts(self) -> Counter[str]:
        """How many findings of each severity are shown."""
        return Counter(finding.severity for finding in self.findings)

    def limited_to(self, paths: Sequence[str], unreadable: Iterable[str] = ()) -> CheckResult:
        """The same result with only the findings (shown, waived, baselined) in ``paths``,
        given as displayed; ``files`` becomes those paths. The stage stays the org's. The
        shown findings of files in ``unreadable`` stay too: what could not be read changes
        what is found in the named files."""
        keep = set(paths)
        shown = keep | set(unreadable)
        return replace(self, findings=[f for f in self.findings if f.path in shown],
                       waived=[pair for pair in self.waived if pair[0].path in keep],
                       baselined=[f for f in self.baselined if f.path in keep],
                       held_back=[f for f in self.held_back if f.path in keep],
                       files=[path for path in self.files if path in keep] or list(paths))


def prepare(files: Iterable[LoadedFile], complexity: Complexity | None = None,
            like: tuple[Org, Collection[tuple[str, str]]] | None = None
            ) -> tuple[Org, list[str]]:
    """Loaded files -> schema check -> resolved Org (with the org-wide ``complexity``
    setting), keeping syntax and schema problems (and those sources found) with the model's;
    and the files' paths. A file with problems of its own (ORG001) could not be read in full:
    the Org names it in ``unreadable``.

    ``like`` is ``(org, touched)`` when the files say what ``org`` was built from except in
    the entities ``touched``: the same Org is built by ``rebuild_org``, reusing the others."""
    files = list(files)
    syntax: list[Hit] = []
    schema: list[Hit] = []
    problems: dict[str, list[Hit]] = {SYNTAX: syntax, SCHEMA: schema}
    documents = []
    for loaded in files:
        syntax.extend(loaded.problems)
        for kind, found in loaded.source_problems.items():  # what a source found reading
            problems.setdefault(kind, []).extend(found)
        said = {hit.position for hit in loaded.problems} if loaded.documents else set()
        for doc in loaded.documents:
            found = validate(doc)
            if said:  # a value the file could not give is reported there once (ORG001)
                gone = _refused(doc, said)
                found = [hit for hit in found if hit.position not in gone]
            schema.extend(found)
            documents.append(doc)
    unreadable = [loaded.path for loaded in files if loaded.problems]
    if like is not None and list(like[0].unreadable) == unreadable:
        org = rebuild_org(like[0], documents, like[1], problems)
    else:
        org = build_org(documents, complexity, problems, unreadable=unreadable)
    return org, [loaded.path for loaded in files]


def _refused(doc: Document, said: set[Position | None]) -> set[Position]:
    """The places in ``doc`` where the file could not give a value (a refused tag, an unknown
    alias: ORG001 at the place, the value None): the schema's complaint there, that the value
    is missing or empty, would say it twice."""
    places = {(where.line, where.column) for where in said if where is not None}
    gone: set[Position] = set()
    for path, place in doc.values.items():
        if place in places and value_at(doc.data, path, ...) is None:
            gone.add(doc.position(path))
    return gone


def rule_settings(registry: Registry, settings: Settings, item: Rule) -> Mapping[str, Any]:
    """The config entry for a rule, under its code or its name."""
    return settings.rules.get(item.code) or settings.rules.get(item.name) or {}


# the modules of the built-in rule pack (``rules/``, installed as ``orglint.rules``)
BUILT_IN_RULES = "orglint.rules."
# the fewest entities an org must hold for its built-in rules to be shared with a forked
# worker: below it the rules take less time than starting the worker costs
SHARED_ENTITIES = 15_000

# a rule to run: (rule, severity, options)
Job = tuple[Rule, str, Mapping[str, Any]]


def run_rules(org: Org, rules: Iterable[Rule], registry: Registry, settings: Settings,
              inputs: Mapping[str, Any] | None = None, processes: int = 1) -> list[Finding]:
    """Each rule's hits placed at file positions, at the configured severity, sorted, without
    duplicates; ``inputs`` are given to the rules that ask for them by name. With
    ``processes`` above 1 and an org of at least ``SHARED_ENTITIES`` entities, the built-in
    rules are shared with forked workers (``judge_shared``): the result is the same. Raises
    ``RuleCrash`` for the first rule (in the order given) that raises."""
    jobs: list[Job] = []
    for item in rules:
        entry = rule_settings(registry, settings, item)
        severity = entry.get("severity", item.severity)
        if severity != "off":
            jobs.append((item, severity, entry.get("options") or {}))
    if processes > 1 and sum(len(org.section(kind)) for kind in KIND_SECTION) >= SHARED_ENTITIES:
        findings = judge_shared(org, jobs, inputs, processes)
    else:
        findings = judge_all(org, jobs, inputs)
    findings.sort()
    return _unique(findings)


def judge(org: Org, jobs: Iterable[Job], inputs: Mapping[str, Any] | None,
          ) -> tuple[list[Finding], tuple[int, RuleCrash] | None]:
    """The findings of ``jobs`` in order, up to the first rule that raises; with that rule's
    place among the jobs given and its ``RuleCrash`` (None when none raised)."""
    findings: list[Finding] = []
    for number, (item, severity, options) in enumerate(jobs):
        try:
            for hit in item.run(org, options, inputs):
                findings.append(place(org, item, severity, hit))
        except Exception as exc:
            crash = RuleCrash(f"rule {item.code} ({item.plugin}) failed: "
                              f"{type(exc).__name__}: {exc}")
            crash.__cause__ = exc
            return findings, (number, crash)
    return findings, None


def judge_all(org: Org, jobs: Iterable[Job], inputs: Mapping[str, Any] | None) -> list[Finding]:
    """The findings of ``jobs`` in order; raises the ``RuleCrash`` of the first that raises."""
    findings, crash = judge(org, jobs, inputs)
    if crash is not None:
        raise crash[1]
    return findings


def judge_shared(org: Org, jobs: Sequence[Job], inputs: Mapping[str, Any] | None,
                 processes: int) -> list[Finding]:
    """The findings of ``jobs`` (unsorted), the built-in rules judged by this process and
    ``processes - 1`` forked workers together, the others here.

    Each process takes the next rule not yet taken until none is left, the costliest
    (``Rule.cost``) first, so a slow rule never holds the rest up. A worker sends back
    its findings, placed; a worker that fails has its rules judged here. The rules of
    installed plugins and local files are judged here only, as everything they print or
    change stays with this process. Raises ``RuleCrash`` for the
    first job, in order, that raises, as judging them one by one would."""
    from orglint.workers import Claims, Workers, stop_kills_workers

    shared = [number for number, (item, _, _) in enumerate(jobs)
              if item.plugin.startswith(BUILT_IN_RULES)][:Claims.MAX]
    shared.sort(key=lambda number: -jobs[number][0].cost)  # the costliest first
    if len(shared) < 2:
        return judge_all(org, jobs, inputs)
    with Claims(len(shared)) as claims:

        def take() -> tuple[list[int], list[Finding], tuple[int, RuleCrash] | None]:
            """Judge the rules this process takes; their numbers, findings and crash."""
            taken: list[int] = []
            findings: list[Finding] = []
            for claim in claims:
                number = shared[claim]
                taken.append(number)
                found, crash = judge(org, [jobs[number]], inputs)
                findings.extend(found)
                if crash is not None:
                    return taken, findings, (number, crash[1])
            return taken, findings, None

        def task() -> tuple[list[int], list[Finding], tuple[int, str] | None]:
            taken, findings, crash = take()
            return taken, findings, None if crash is None else (crash[0], str(crash[1]))

        crashes: list[tuple[int, RuleCrash]] = []
        with stop_kills_workers(), Workers([task] * (processes - 1)) as workers:
            taken, findings, crash = take()
            crashes.extend([crash] if crash is not None else [])
            for done in workers.results():
                if done is None:  # the worker failed: what it took is judged again below
                    continue
                theirs, found, failed = done
                taken.extend(theirs)
                findings.extend(found)
                if failed is not None:
                    crashes.append((failed[0], RuleCrash(failed[1])))
    judged = set(taken)
    # here: the rules no worker judged (a failed worker's, and those not shared), in order
    left = [number for number in range(len(jobs)) if number not in judged]
    found, crash = judge(org, [jobs[number] for number in left], inputs)
    findings.extend(found)
    if crash is not None:
        crashes.append((left[crash[0]], crash[1]))
    if crashes:
        raise min(crashes, key=lambda pair: pair[0])[1]
    return findings


def place(org: Org, item: Rule, severity: str, hit: Hit) -> Finding:
    """Turn a rule's hit (entity + field) into a finding at a file position."""
    position = hit.position
    if position is None:
        entity = org.get(hit.entity) if hit.entity else None
        position = entity.src.position(hit.field) if entity else Position("<org>", 1, 1)
    return Finding(
        path=position.path,
        line=position.line,
        column=position.column,
        code=item.code,
        message=hit.message,
        severity=severity,
        name=item.name,
        entity=hit.entity,
        field=hit.field,
    )


def _unique(findings: list[Finding]) -> list[Finding]:
    unique: list[Finding] = []
    for finding in findings:
        if not unique or unique[-1] != finding:
            unique.append(finding)
    return unique


def rules_that_ran(registry: Registry, settings: Settings, rules: Iterable[Rule]) -> set[str]:
    """The codes of the selected rules whose configured severity is not ``off``."""
    return {item.code for item in rules
            if rule_settings(registry, settings, item).get("severity") != "off"}


def check(files: Iterable[LoadedFile], registry: Registry, settings: Settings,
          org: Org | None = None) -> CheckResult:
    """Loaded files -> findings, waived and baselined, and the stage. ``org``, when given,
    is the Org ``prepare`` builds from the files (``impact`` builds it from another).

    Rules that ask for the ``waivers`` input run after the waivers were applied (so a waived
    finding never blocks, and those rules know which waivers were used); their own findings
    cannot be waived. With ``settings.observe`` the event logs are read once, after the org is
    built, when a selected rule asks for the ``evidence`` input; those rules receive the
    figures. Raises
    ``RuleCrash`` when a rule raises, ``EvidenceError`` when a log cannot be used.
    """
    files = list(files)
    if org is None:
        org, paths = prepare(files, settings.complexity)
    else:
        paths = [loaded.path for loaded in files]
    rules = registry.select(settings.select, settings.ignore)
    # the logs are read only when a selected rule asks for them (`--ignore EVD` skips them)
    wanted = settings.observe is not None and any("evidence" in item.inputs for item in rules)
    evidence = settings.observe(org) if settings.observe is not None and wanted else None
    late = [item for item in rules if "waivers" in item.inputs]
    # event logs read through DuckDB's threads or Spark's JVM are no state to fork
    processes = settings.processes if settings.observe is None else 1
    found = run_rules(org, [item for item in rules if "waivers" not in item.inputs], registry,
                      settings, {"evidence": evidence}, processes)
    declared, problems = declared_waivers(files, settings)
    today = settings.today or datetime.date.today()
    codes = {**{name: item.code for name, item in registry.by_name.items()},
             **{code: code for code in registry.by_code}}

    def resolve(rule: str) -> str | None:
        return codes.get(rule) or codes.get(rule.upper())

    findings, waived, used = apply_waivers(found, declared, today, resolve)
    # an expired waiver's finding is back when the waiver, were it live, would match one
    _, _, back = apply_waivers(findings, [waiver for waiver in declared if waiver.expired(today)],
                               datetime.date.min, resolve)
    state = WaiverState(declared=declared, used=frozenset(used), back=frozenset(back),
                        ran=frozenset(item.code for item in rules), today=today,
                        problems=tuple(problems), rules=codes)
    findings = sorted([*findings, *run_rules(org, late, registry, settings,
                                             {"waivers": state, "evidence": evidence})])
    readable, held = hold_back(org, registry, findings)
    shown, baselined = apply_baseline(readable, settings.baseline)
    ran = rules_that_ran(registry, settings, rules)
    stage = stage_of(readable, registry, org, ran)
    return CheckResult(
        findings=shown,
        stage=stage,
        org=org,
        rules=rules,
        files=paths,
        fail_on=settings.fail_on,
        waived=waived,
        waivers=declared,
        baselined=baselined,
        today=today,
        options={item.code: {**item.defaults,
                             **(rule_settings(registry, settings, item).get("options") or {})}
                 for item in rules},
        evidence=evidence,
        held_back=held,
    )


def hold_back(org: Org, registry: Registry, findings: list[Finding]
              ) -> tuple[list[Finding], list[Finding]]:
    """Split findings into those shown and those held back while a file could not be read.

    What an unreadable file defines is unknown, so every judgement of how the org is built
    may follow from its absence (a boundary with no handoff, a person in no team, an unused
    waiver): the findings of rules that are not ``integrity`` rules are held back, and so are
    references to ids it may define (``UNRESOLVED``). Integrity findings that stand whatever it
    holds (syntax, schema, duplicate ids, cycles, a reference of the wrong kind) are shown.
    Both lists keep the order given; with every file read, nothing is held back. Nor is
    anything held back while no finding says that a file cannot be read (its rule is not
    selected, or waived there): a held finding must wait behind one that is shown, never
    make a broken org pass."""
    if not org.unreadable:
        return findings, []
    integrity = {item.code for item in registry if item.integrity}
    told = {finding.path for finding in findings if finding.code in integrity}
    if not told.intersection(org.unreadable):
        return findings, []
    unresolved = {(hit.entity, hit.field, hit.message) for hit in org.problems.get(UNRESOLVED, ())}
    shown: list[Finding] = []
    held: list[Finding] = []
    for finding in findings:
        standing = finding.code in integrity and (
            finding.entity, finding.field, finding.message) not in unresolved
        (shown if standing else held).append(finding)
    return shown, held


def declared_waivers(files: Sequence[LoadedFile], settings: Settings
                     ) -> tuple[list[Waiver], list[Hit]]:
    """Every waiver, sorted: the config's, then each file's inline comments; with the problems
    of malformed inline comments."""
    declared = list(settings.waivers)
    problems: list[Hit] = []
    for loaded in files:
        if loaded.directives:
            inline, malformed = parse_inline(loaded.path, loaded.directives)
            declared.extend(inline)
            problems.extend(malformed)
    return sorted_waivers(declared), problems


def apply_baseline(findings: list[Finding], baseline: Counter[str] | None
                   ) -> tuple[list[Finding], list[Finding]]:
    """Split findings into new ones and those the baseline accepts, counting per fingerprint."""
    if baseline is None:
        return findings, []
    budget = Counter(baseline)
    shown: list[Finding] = []
    accepted: list[Finding] = []
    for finding in findings:
        fingerprint = finding.fingerprint
        if budget[fingerprint] > 0:
            budget[fingerprint] -= 1
            accepted.append(finding)
        else:
            shown.append(finding)
    return shown, accepted
