"""The report's "Declared vs observed" section: the evidence as rows ready for the templates.

Built from the same k-anonymous figures as ``orglint evidence`` (``summary``), with team names
from the org. Durations are written like the format's (``3.5h``), shares as percentages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from orglint.evidence.figures import Evidence, duration, share
from orglint.evidence.settings import seconds
from orglint.evidence.summary import REFERENCE_TEAMS_PER_CASE, summary
from orglint.model import Org, Ref

MATRIX_LIMIT = 12  # teams in the ping-pong grid; more are listed instead
TOP = 10


@dataclass(frozen=True)
class SlaRow:
    """One SLA of a declared handoff against the observed latency (durations as text)."""

    handoff: str
    boundary: str
    kind: str  # acknowledge | complete
    declared: str
    n: int
    p50: str
    p90: str
    breached: str
    over: bool  # p90 above the SLA


@dataclass(frozen=True)
class Observed:
    """The report's "Declared vs observed" section, as rows ready for the templates."""

    period: str
    cases: int
    events: int
    handoffs: int
    coverage: str
    mean_teams: str
    reference: float
    k: int
    journeys: list[dict[str, Any]]  # journey, cases, mean_teams, declared_teams, follows
    undeclared: list[dict[str, Any]]  # source, target, handoffs, cases, share
    suppressed: int
    sla: list[SlaRow]
    teams: list[str]  # the ping-pong grid's teams (names), empty when there are too many
    grid: list[list[str]]  # rates, "" where no handoff, "·" where suppressed
    ping_pong: list[dict[str, Any]]  # every shown boundary with returns, highest rate first
    risks: list[dict[str, Any]] = field(default_factory=list)  # text, volume


def _name(org: Org, team: str) -> str:
    return org.display(Ref("team", team)) if team in org.teams else team


def observed(evidence: Evidence, org: Org, max_rate: float = 0.1) -> Observed:
    """The section's rows. ``max_rate`` is EVD004's, so the risks match the findings."""
    data = summary(evidence, org)
    shown = [item for item in evidence.boundaries if evidence.shown(item.cases)]
    total = evidence.handoffs or 1
    undeclared = [{"source": _name(org, item["from"]), "target": _name(org, item["to"]),
                   "handoffs": item["handoffs"], "cases": item["cases"],
                   "share": share(item["handoffs"] / total)} for item in data["undeclared_top"]]
    sla = []
    for row in data["declared"]:
        for kind in ("acknowledge", "complete"):
            latency = row.get(kind)
            if not latency or not latency["sla"]:
                continue
            limit = seconds(latency["sla"])
            sla.append(SlaRow(
                handoff=row["handoff"], boundary=f"{_name(org, row['from'])} → {_name(org, row['to'])}",
                kind=kind, declared=latency["sla"], n=latency["n"], p50=duration(latency["p50_s"]),
                p90=duration(latency["p90_s"]), breached=share(latency["breached"]),
                over=bool(limit is not None and latency["p90_s"] is not None
                          and latency["p90_s"] > limit)))
    teams = sorted({team for item in shown for team in item.pair})
    grid: list[list[str]] = []
    if len(teams) <= MATRIX_LIMIT:
        pairs = {item.pair: item for item in evidence.boundaries}
        for source in teams:
            cells = []
            for target in teams:
                item = pairs.get((source, target))
                cells.append("" if item is None else share(item.ping_pong_rate)
                             if evidence.shown(item.cases) else "·")
            grid.append(cells)
    ping_pong = [{"source": _name(org, item.source), "target": _name(org, item.target),
                  "handoffs": item.handoffs, "rate": share(item.ping_pong_rate)}
                 for item in sorted(shown, key=lambda b: (-b.ping_pong_rate, b.source, b.target))
                 if item.returns][:TOP]
    journeys = [{"journey": org.journeys[item["journey"]].name if item["journey"] in org.journeys
                 else item["journey"], "cases": item["cases"], "mean_teams": f"{item['mean_teams']:.2f}",
                 "declared_teams": item["declared_teams"],
                 "follows": share(item["conformance"]) if item["conformance"] is not None else "—"}
                for item in data["journeys"]]
    mean = data["teams_per_case"]["mean"]
    return Observed(
        period=evidence.period, cases=evidence.cases, events=evidence.events,
        handoffs=evidence.handoffs, coverage=share(evidence.coverage),
        mean_teams="—" if mean is None else f"{mean:.2f}", reference=REFERENCE_TEAMS_PER_CASE,
        k=evidence.k, journeys=journeys, undeclared=undeclared,
        suppressed=data["suppressed_boundaries"], sla=sla,
        teams=[_name(org, team) for team in teams] if grid else [], grid=grid,
        ping_pong=ping_pong, risks=_risks(evidence, org, max_rate),
    )


def _risks(evidence: Evidence, org: Org, max_rate: float) -> list[dict[str, Any]]:
    """What the log shows going wrong, weighted by the handoffs or cases it concerns."""
    risks = []
    for item in evidence.boundaries:
        if not evidence.supported(item.cases, item.handoffs):
            continue
        pair = f"{_name(org, item.source)} → {_name(org, item.target)}"
        if not item.declared:
            risks.append((item.handoffs, f"{item.handoffs} handoffs cross the undeclared "
                          f"boundary {pair}"))
        if item.ping_pong_rate > max_rate:
            risks.append((item.returns, f"{item.returns} handoffs {pair} came straight back "
                          f"({share(item.ping_pong_rate)})"))
        for handoff in org.handoffs_at(Ref("team", item.source), Ref("team", item.target)):
            for kind in ("acknowledge", "complete"):
                limit = seconds(handoff.sla[kind]) if kind in handoff.sla else None
                latency = getattr(item, kind)
                if limit is not None and latency.p90 is not None and latency.p90 > limit:
                    risks.append((latency.breaches or 0, f"{latency.breaches} handoffs {pair} "
                                  f"missed the {kind} SLA of {handoff.sla[kind]} "
                                  f"(p90 {duration(latency.p90)})"))
            if handoff.exception_rate is not None and item.bounce_rate > handoff.exception_rate:
                risks.append((item.bounced, f"{item.bounced} cases were sent back across {pair} "
                              f"({share(item.bounce_rate)} against a declared "
                              f"{share(handoff.exception_rate)})"))
    risks.sort(key=lambda risk: (-risk[0], risk[1]))
    return [{"volume": volume, "text": text} for volume, text in risks[:5]]
