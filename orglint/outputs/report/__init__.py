"""The leadership report as data: a pure view-model built from a check result and its Org.

``build(result, today=..., previous=...)`` returns a :class:`Report` of plain values, in the
order the report shows them; the templates (``orglint/outputs/templates/report.*.j2``) only lay them
out, and ``orglint.outputs.report.render`` turns them into HTML or Markdown. Nothing here imports
Jinja, reads files or depends on the clock: the date is given.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from orglint.engine.check import CheckResult
from orglint.engine.stage import STAGES, Stage
from orglint.finding import SEVERITIES, Finding
from orglint.model import Org, Ref
from orglint.registry import AREAS, Rule

from .findings import (
    NO_OWNER,
    AreaGroup,
    FindingView,
    Owners,
    Ranking,
    Risk,
    area_of,
    describe_owner,
    finding_view,
    grouped,
    top_risks,
)
from .matrix import Matrix, boundary_matrix
from .people import PersonLoad, people_load
from .plan import Phase, remediation_plan
from .scorecard import AreaScore, area_scores
from .views import JourneyView, MetricView, incentive_map, journey_blueprints


@dataclass(frozen=True)
class RuleCount:
    """A rule with the number of its open findings (errors and warnings) on one stage."""

    code: str
    name: str
    summary: str
    count: int


@dataclass(frozen=True)
class Step:
    """One rung of the maturity ladder: ``met``, ``current``, ``next`` (with its blockers, or
    the structure it needs that is not written down: ``missing``), ``ahead``, or
    ``unassessed`` on every rung when the files cannot be read."""

    number: int
    name: str
    meaning: str
    status: str
    blockers: tuple[RuleCount, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def open_count(self) -> int:
        """The open findings of all its blockers."""
        return sum(item.count for item in self.blockers)


@dataclass(frozen=True)
class WaiverView:
    """A waiver for the register: its texts as shown, ``expires`` a date or ``never``,
    ``status`` (``active``, ``unused``, ``expired`` or ``no expiry``), how many findings it
    ``waived``, and ``where`` it is declared (``path:line``)."""

    rule: str
    target: str
    owner: str
    reason: str
    expires: str
    status: str
    waived: int
    where: str
    inline: bool


@dataclass(frozen=True)
class TrendLine:
    """One count (a severity or an area) before and after."""

    label: str
    before: int
    after: int

    @property
    def change(self) -> int:
        """After minus before: negative is fewer findings."""
        return self.after - self.before


@dataclass
class Trend:
    """The comparison with an earlier run (``source`` names its file): both stage numbers,
    counts before and after, and the findings fixed and new since."""

    source: str
    stage_before: int
    stage_after: int
    lines: list[TrendLine]
    fixed: list[FindingView]
    new: list[FindingView]

    @property
    def direction(self) -> str:
        """``better`` or ``worse`` (the stage first, then fixed against new findings),
        ``mixed`` (as many fixed as new) or ``unchanged``."""
        if self.stage_after != self.stage_before:
            return "better" if self.stage_after > self.stage_before else "worse"
        if len(self.new) == len(self.fixed):
            return "unchanged" if not self.new else "mixed"
        return "better" if len(self.fixed) > len(self.new) else "worse"


@dataclass
class Report:
    """Everything the report shows, as plain values in display order: the org, date
    (``YYYY-MM-DD``) and tool version, the stage and the next one (``stage_title``, then what
    keeps it from the next stage: ``stage_heading`` and its ``stage_items``, the words of
    ``orglint check``), finding counts by severity, area scores, top risks, the ladder, the
    remediation plan, the boundary matrix, journeys, incentives, people's load
    (``overload_limit``: BND004's ``max`` handoffs per owner), waivers, the trend (None
    without a previous run), the findings, shown and waived, and the shown ones grouped by
    area and rule (``appendix``)."""

    org_name: str
    date: str
    version: str
    files: int
    stage: int
    stage_name: str
    stage_meaning: str
    stage_title: str
    stage_heading: str
    stage_items: list[str]
    next_stage: int | None
    next_stage_name: str
    counts: dict[str, int]
    areas: list[AreaScore]
    risks: list[Risk]
    ladder: list[Step]
    plan: list[Phase]
    matrix: Matrix
    journeys: list[JourneyView]
    incentives: list[MetricView]
    people: list[PersonLoad]
    founders: list[PersonLoad]
    overload_limit: int
    waivers: list[WaiverView]
    waived_count: int
    trend: Trend | None
    findings: list[FindingView]
    waived_findings: list[FindingView]
    appendix: list[AreaGroup]
    severities: tuple[str, ...] = SEVERITIES
    entities: dict[str, int] = field(default_factory=dict)
    # "Declared vs observed" (orglint.evidence.view.Observed), when the config names event logs
    evidence: Any = None

    @property
    def total(self) -> int:
        """The number of findings shown, every severity."""
        return sum(self.counts.values())


def build(result: CheckResult, *, today: date, version: str,
          previous: dict[str, Any] | None = None, previous_name: str = "",
          rules: Iterable[Rule] = (), observed: Mapping[str, int] | None = None) -> Report:
    """The report of one check run, dated ``today``, by orglint ``version``. ``previous`` is
    an earlier ``orglint check --format json`` output (as ``render.load_previous`` reads it;
    its file is named ``previous_name``) to compare with; ``rules`` adds rules known beyond
    the selected ones; ``observed`` maps entity references (``journey:onboarding``,
    ``handoff:sales-to-delivery``) to the cases seen on them in event logs, which then rank the
    risks and the plan before the declared volume (see ``reach.ReachIndex``)."""
    org = result.org
    known = {item.code: item for item in [*rules, *result.rules]}
    owners = Owners(org, result.waivers)
    findings = [finding_view(org, known, finding, owners=owners) for finding in result.findings]
    waived_pairs = list(getattr(result, "waived", []) or [])
    stage = result.stage
    next_name = STAGES[stage.next][0] if stage.next else ""
    limit = _option(result, known, "BND004", "max", 4)
    loads = people_load(org)
    ranking = Ranking(org, known, result.findings, stage.next, observed)
    title, heading, items = stage_section(stage, known, result.findings)
    return Report(
        org_name=org.name or "Unnamed organisation",
        date=today.isoformat(),
        version=version,
        files=len(result.files),
        stage=stage.number,
        stage_name=stage.name,
        stage_meaning=stage.meaning,
        stage_title=title,
        stage_heading=heading,
        stage_items=items,
        next_stage=stage.next,
        next_stage_name=next_name,
        counts={severity: result.counts()[severity] for severity in SEVERITIES},
        areas=[area for area in area_scores(result.rules, result.findings,
                                            [pair[0] for pair in waived_pairs], org,
                                            result.waivers)
               if area.prefix != "EVD" or result.evidence is not None],  # no logs: not assessed
        risks=top_risks(org, known, result.findings, stage.next, ranking=ranking, owners=owners),
        ladder=ladder(result.findings, known, stage),
        plan=remediation_plan(org, known, result.findings, ranking, owners=owners),
        matrix=boundary_matrix(org),
        journeys=journey_blueprints(org),
        incentives=incentive_map(org),
        people=[load for load in loads if load.total],
        founders=[load for load in loads if load.founder],
        overload_limit=limit,
        waivers=waiver_register(org, result, today),
        waived_count=len(waived_pairs),
        trend=trend(previous, previous_name, result, known) if previous is not None else None,
        findings=findings,
        waived_findings=[finding_view(org, known, pair[0], owners=owners) for pair in waived_pairs],
        appendix=grouped(findings, known),
        entities={kind: len(getattr(org, kind)) for kind in
                  ("people", "teams", "journeys", "handoffs", "metrics")},
        evidence=_observed(result),
    )


def _observed(result: CheckResult) -> Any:
    """The "Declared vs observed" section, judged with EVD004's ``max_rate`` as the check ran."""
    if result.evidence is None:
        return None
    from orglint.evidence.view import observed

    max_rate = float((result.options.get("EVD004") or {}).get("max_rate", 0.1))
    return observed(result.evidence, result.org, max_rate)

def _option(result: CheckResult, known: dict[str, Rule], code: str, option: str,
            default: int) -> int:
    """A rule's option as the check ran it (the config's value over the default); the rule's
    default when it did not run, ``default`` when no such rule is known."""
    ran = result.options.get(code)
    if ran is not None and option in ran:
        return int(ran[option])
    item = known.get(code)
    return int(item.defaults.get(option, default) if item else default)

def stage_section(stage: Stage, known: dict[str, Rule],
                  findings: Iterable[Finding]) -> tuple[str, str, list[str]]:
    """The stage in the words of ``orglint check``: a title (``Stage 2 of 4: designed
    surface``, ``Stage not assessed``), then a heading and items for what keeps the org from
    the next stage (``next_steps``: its blocking rules with their counts, the rules that did
    not run, or the structure to write first); when not assessed, the rules whose findings
    must be fixed first, with their counts. ("", []) at stage 4."""
    from orglint.outputs.formatters.text import next_steps, plural

    if stage.number == 0:
        broken = Counter((f.code, f.name) for f in findings
                         if f.code in known and known[f.code].integrity)
        return ("Stage not assessed", "Fix these first, then the stage can be judged:",
                [f"{code} {name}: {plural(count, 'finding')}"
                 for (code, name), count in sorted(broken.items())])
    heading, items = next_steps(stage)
    return f"Stage {stage.number} of 4: {stage.name}", heading or "", items


def ladder(findings: Iterable[Finding], known: dict[str, Rule], stage: Stage) -> list[Step]:
    """Each stage (1-4) with the open errors and warnings of the rules that block it, and its
    status against the org's ``stage``: ``met``, ``current``, ``next`` (with the structure
    it needs, when that is missing) or ``ahead``; every rung ``unassessed`` at stage 0."""
    current = stage.number
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for finding in findings:
        item = known.get(finding.code)
        if item is not None and finding.severity != "info":
            counts[item.blocks_stage][finding.code] += 1
    steps = []
    for number, (name, meaning) in STAGES.items():
        if number == 0:  # "not assessed" is no rung of the ladder
            continue
        if current == 0:
            status = "unassessed"
        elif number <= current:
            status = "current" if number == current else "met"
        else:
            status = "next" if number == current + 1 else "ahead"
        blockers = tuple(RuleCount(code, known[code].name, known[code].summary, count)
                         for code, count in sorted(counts[number].items()))
        missing = stage.missing if status == "next" else ()
        steps.append(Step(number, name, meaning, status, blockers, missing))
    return steps


# -- waivers and trend --------------------------------------------------------------------------

def waiver_register(org: Org, result: CheckResult, today: date) -> list[WaiverView]:
    """Every waiver of ``result`` with its owner, reason and expiry, in declaration order;
    its status judged on ``today``."""
    used = Counter(id(pair[1]) for pair in getattr(result, "waived", []) or [])
    views = []
    for waiver in getattr(result, "waivers", []) or []:
        expires = getattr(waiver, "expires", None)
        expired = bool(waiver.expired(today)) if hasattr(waiver, "expired") else False
        if expired:
            status = "expired"
        elif expires is None:
            status = "no expiry"
        else:
            status = "active" if used[id(waiver)] else "unused"
        owner_id = getattr(waiver, "owner", None) or ""
        owner = describe_owner(org, Ref("person", owner_id)) if owner_id in org.people else owner_id
        path, line = getattr(waiver, "path", "") or "", getattr(waiver, "line", 0) or 0
        views.append(WaiverView(
            rule=str(getattr(waiver, "rule", "")), target=str(getattr(waiver, "target", "") or ""),
            owner=owner or NO_OWNER, reason=str(getattr(waiver, "reason", "") or ""),
            expires=expires.isoformat() if isinstance(expires, date) else "never",
            status=status, waived=used[id(waiver)],
            where=f"{path}:{line}" if path and line else str(path),
            inline=bool(getattr(waiver, "inline", False)),
        ))
    return views


def trend(previous: dict[str, Any], name: str, result: CheckResult,
          known: dict[str, Rule]) -> Trend:
    """What got better and worse since an earlier ``orglint check --format json`` output.

    ``name`` names that output's file. Findings are matched by fingerprint (rule + entity +
    field), so moving a block of YAML does not count as a change.
    """
    org = result.org
    before = {item["fingerprint"]: item for item in previous["findings"]}
    after = {finding.fingerprint: finding for finding in result.findings}
    lines = []
    now = result.counts()
    then = Counter(str(item["severity"]) for item in previous["findings"])
    for severity in SEVERITIES:
        lines.append(TrendLine(f"{severity}s", then[severity], now[severity]))
    then_area = Counter(area_of(known, str(item["code"])) for item in previous["findings"])
    now_area = Counter(area_of(known, finding.code) for finding in result.findings)
    for area in sorted(set(then_area) | set(now_area), key=_area_order):
        lines.append(TrendLine(area, then_area[area], now_area[area]))
    fixed = [FindingView(location=f"{item['path']}:{item['line']}:{item['column']}",
                         code=str(item["code"]), name=str(item.get("name", "")),
                         severity=str(item["severity"]), message=str(item["message"]),
                         area=area_of(known, str(item["code"])), owner="")
             for key, item in before.items() if key not in after]
    new = [finding_view(org, known, finding) for key, finding in after.items() if key not in before]
    return Trend(source=name, stage_before=int(previous["stage"]["number"]),
                 stage_after=result.stage.number, lines=lines, fixed=fixed, new=new)


def _area_order(area: str) -> tuple[int, str]:
    names = list(AREAS.values())
    return (names.index(area), area) if area in names else (len(names), area)


__all__ = ["AreaScore", "Report", "build"]
