"""Runs rules over the Org and applies the config; places the org on the maturity ladder.

No I/O here: the CLI reads files and writes output; the engine turns loaded documents into
findings and a stage.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from orglint.finding import SEVERITY_RANK, Finding, Hit, Position
from orglint.loader import LoadedFile
from orglint.model import Org, build_org
from orglint.registry import Registry, Rule
from orglint.schema import validate
from orglint.waivers import WAIVER_RULES, Waiver, WaiverState, parse_inline, sorted_waivers
from orglint.waivers import apply as apply_waivers

STAGES = {
    1: ("reactive", "problems are handled as they surface; the structure is not yet written down"),
    2: ("designed surface", "customer journeys are mapped and each has a named owner"),
    3: ("connected", "every boundary is contracted, owned and governed; incentives reach "
        "downstream; RACI is sound"),
    4: ("systemic", "no single points of failure or founder bottleneck; SLAs measured, context "
        "shared, feedback loops in place"),
}


class RuleCrash(Exception):
    """A rule raised: a bug in the rule, reported with exit code 2, never as a finding."""


@dataclass(frozen=True)
class Stage:
    number: int
    blockers: tuple[Finding, ...] = ()
    # rules that block the next stage but did not run (--select/--ignore, severity off): the
    # org cannot be placed above a stage that was not assessed
    unassessed: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return STAGES[self.number][0]

    @property
    def meaning(self) -> str:
        return STAGES[self.number][1]

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < 4 else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "name": self.name,
            "meaning": self.meaning,
            "next": self.next,
            "blockers": [finding.as_dict() for finding in self.blockers],
            "unassessed": list(self.unassessed),
        }


@dataclass
class Settings:
    """What the engine needs from the config and the command line."""

    select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    fail_on: str = "error"
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    # waivers declared by the config and its waiver files (inline ones come with the files)
    waivers: Sequence[Waiver] = ()
    # the date waivers expire against; None means today (ORGLINT_TODAY pins it)
    today: datetime.date | None = None
    # fingerprint -> how many findings the baseline accepts; None when there is no baseline
    baseline: Counter[str] | None = None
    # Org -> Evidence from the configured event logs (orglint/evidence), or None: called once
    # after the org is built, before the rules run; the EVD rules read ``org.evidence``
    observe: Callable[[Org], Any] | None = None


@dataclass
class CheckResult:
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

    @property
    def failed(self) -> bool:
        threshold = SEVERITY_RANK[self.fail_on]
        return any(SEVERITY_RANK[finding.severity] >= threshold for finding in self.findings)

    def counts(self) -> Counter[str]:
        return Counter(finding.severity for finding in self.findings)


def prepare(files: Iterable[LoadedFile]) -> tuple[Org, list[str]]:
    """Loaded files -> schema check -> resolved Org, with ORG001/ORG002 kept as problems."""
    files = list(files)
    syntax: list[Hit] = []
    schema: list[Hit] = []
    documents = []
    for loaded in files:
        syntax.extend(loaded.problems)
        for doc in loaded.documents:
            schema.extend(validate(doc))
            documents.append(doc)
    org = build_org(documents)
    org.problems["ORG001"].extend(syntax)
    org.problems["ORG002"].extend(schema)
    return org, [loaded.path for loaded in files]


def rule_settings(registry: Registry, settings: Settings, item: Rule) -> dict[str, Any]:
    """The config entry for a rule, under its code or its name."""
    return settings.rules.get(item.code) or settings.rules.get(item.name) or {}


def run_rules(org: Org, rules: Iterable[Rule], registry: Registry, settings: Settings) -> list[Finding]:
    findings = []
    for item in rules:
        entry = rule_settings(registry, settings, item)
        severity = entry.get("severity", item.severity)
        if severity == "off":
            continue
        try:
            for hit in item.run(org, entry.get("options") or {}):
                findings.append(place(org, item, severity, hit))
        except Exception as exc:
            raise RuleCrash(f"rule {item.code} ({item.plugin}) failed: "
                            f"{type(exc).__name__}: {exc}") from exc
    findings.sort()
    return _unique(findings)


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


def stage_of(findings: Iterable[Finding], registry: Registry,
             ran: Collection[str] | None = None) -> Stage:
    """The highest stage whose blocking rules, and those below, ran and found no error or
    warning. ``ran`` holds the codes that ran; a rule that could block a stage but did not run
    leaves that stage unassessed (``--ignore ALL`` never earns stage 4)."""
    blocking: dict[int, list[Finding]] = {2: [], 3: [], 4: []}
    for finding in findings:
        item = registry.by_code.get(finding.code)
        if item is None or finding.severity == "info":
            continue
        blocking[item.blocks_stage].append(finding)
    for number in (2, 3, 4):
        if blocking[number]:
            return Stage(number - 1, tuple(blocking[number]))
        if ran is not None:
            missing = tuple(item.code for item in registry if item.blocks_stage == number
                            and item.severity != "info" and item.code not in ran)
            if missing:
                return Stage(number - 1, unassessed=missing)
    return Stage(4)


def rules_that_ran(registry: Registry, settings: Settings, rules: Iterable[Rule]) -> set[str]:
    return {item.code for item in rules
            if rule_settings(registry, settings, item).get("severity") != "off"}


def check(files: Iterable[LoadedFile], registry: Registry, settings: Settings) -> CheckResult:
    files = list(files)
    org, paths = prepare(files)
    if settings.observe is not None:
        org.evidence = settings.observe(org)
    rules = registry.select(settings.select, settings.ignore)
    # waivers apply before the stage is computed, so a waived finding never blocks; the rules
    # that judge the waivers run after them, knowing which waivers were used
    late = [item for item in rules if item.prefix == WAIVER_RULES]
    found = run_rules(org, [item for item in rules if item.prefix != WAIVER_RULES], registry,
                      settings)
    state = waiver_state(files, registry, settings, rules)
    findings, waived, state.used = apply_waivers(found, state.waivers, state.today, state.code)
    org.waiver_state = state
    findings = sorted([*findings, *run_rules(org, late, registry, settings)])
    shown, baselined = apply_baseline(findings, settings.baseline)
    return CheckResult(
        findings=shown,
        stage=stage_of(findings, registry, rules_that_ran(registry, settings, rules)),
        org=org,
        rules=rules,
        files=paths,
        fail_on=settings.fail_on,
        waived=waived,
        waivers=state.waivers,
        baselined=baselined,
        today=state.today,
    )


def waiver_state(files: Sequence[LoadedFile], registry: Registry, settings: Settings,
                 rules: Sequence[Rule]) -> WaiverState:
    """Every waiver: the config's, then each file's inline comments."""
    state = WaiverState(today=settings.today or datetime.date.today(),
                        ran={item.code for item in rules},
                        rules={**{k: r.code for k, r in registry.by_name.items()},
                               **{code: code for code in registry.by_code}})
    declared = list(settings.waivers)
    for loaded in files:
        if loaded.directives:
            inline, problems = parse_inline(loaded.path, loaded.directives)
            declared.extend(inline)
            state.problems.extend(problems)
    state.waivers = sorted_waivers(declared)
    return state


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
