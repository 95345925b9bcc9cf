"""``orglint evidence``: the figures of the configured logs, as text or JSON.

``summary`` builds one plain dict (the JSON output) with k-anonymity applied: any figure
resting on fewer than ``k`` cases is left out and counted as suppressed. The text output is
rendered from that dict, so both always show the same figures. Durations are seconds, shares
0..1 (rounded to 6 places), in the JSON; the text writes them for people.
"""

from __future__ import annotations

import json
from typing import Any

from orglint.evidence.figures import Boundary, Evidence, Latency, duration, share
from orglint.model import Org

TOP = 10
# a typical customer issue touches 4.7 teams: the reference line for teams per case
REFERENCE_TEAMS_PER_CASE = 4.7


def _round(value: float | None, places: int = 6) -> float | None:
    return None if value is None else round(float(value), places)


def _latency(latency: Latency, sla: str | None) -> dict[str, Any]:
    return {"n": latency.n, "p50_s": _round(latency.p50, 1), "p90_s": _round(latency.p90, 1),
            "sla": sla, "breached": _round(latency.breach_share)}


def _boundary(boundary: Boundary) -> dict[str, Any]:
    return {"from": boundary.source, "to": boundary.target, "handoffs": boundary.handoffs,
            "cases": boundary.cases, "ping_pong_rate": _round(boundary.ping_pong_rate),
            "bounce_rate": _round(boundary.bounce_rate)}


def summary(evidence: Evidence, org: Org) -> dict[str, Any]:
    """Every figure ``orglint evidence`` shows, k-anonymous, as JSON-ready values."""
    shown = [item for item in evidence.boundaries if evidence.shown(item.cases)]
    undeclared = [item for item in evidence.undeclared() if evidence.shown(item.cases)]
    declared = []
    for handoff in sorted(org.handoffs.values(), key=lambda item: item.id):
        if handoff.source is None or handoff.target is None:
            continue
        found = evidence.boundary(handoff.source.id, handoff.target.id)
        row: dict[str, Any] = {"handoff": handoff.id, "from": handoff.source.id,
                               "to": handoff.target.id, "handoffs": 0, "cases": 0}
        if found is not None and not evidence.shown(found.cases):
            row.update(handoffs=None, cases=None, suppressed=True)
        elif found is not None:
            row.update(_boundary(found))
            row["acknowledge"] = _latency(found.acknowledge, handoff.sla.get("acknowledge"))
            row["complete"] = _latency(found.complete, handoff.sla.get("complete"))
        declared.append(row)
    distribution = [{"teams": teams, "cases": cases if evidence.shown(cases) else None}
                    for teams, cases in evidence.teams_per_case]
    # the whole-log figures rest on every case: fewer than k cases, and they are suppressed too
    whole = evidence.shown(evidence.cases)
    return {
        "engine": evidence.engine,
        "period": evidence.period,
        "k": evidence.k,
        "cases": evidence.cases,
        "events": evidence.events,
        "teams": evidence.teams,
        "handoffs": evidence.handoffs,
        "boundaries": len(evidence.boundaries),
        "declared_boundaries": sum(1 for item in evidence.boundaries if item.declared),
        "coverage": _round(evidence.coverage) if whole else None,
        "teams_per_case": {"mean": _round(evidence.mean_teams_per_case, 2) if whole else None,
                           "reference": REFERENCE_TEAMS_PER_CASE,
                           "distribution": distribution},
        "ping_pong_share": _round(evidence.ping_pong_share) if whole else None,
        "people_per_case": _round(evidence.people_per_case, 2) if whole else None,
        "journeys": [{"journey": item.journey, "cases": item.cases,
                      "conformance": _round(item.conformance) if item.declared_teams else None,
                      "mean_teams": _round(item.mean_teams, 2),
                      "declared_teams": item.declared_teams}
                     for item in evidence.journeys if evidence.shown(item.cases)],
        "declared": declared,
        "undeclared_top": [_boundary(item) for item in undeclared[:TOP]],
        "suppressed_boundaries": len(evidence.boundaries) - len(shown),
        "logs": [_quality(item) for item in evidence.quality],
    }


def _quality(quality: Any) -> dict[str, Any]:
    return {"log": quality.log, "events": quality.events,
            "missing_timestamp": quality.missing_ts, "unparseable_timestamp": quality.unparseable_ts,
            "missing_case": quality.missing_case, "unmapped_team": quality.unmapped,
            "outside_period": quality.outside_period, "ties": quality.ties}


def render_json(data: dict[str, Any]) -> str:
    """The summary as JSON, keys sorted, two-space indent, one trailing newline."""
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def render_text(data: dict[str, Any]) -> str:
    """The summary as the text ``orglint evidence`` prints: figures, journeys, declared
    handoffs, top undeclared boundaries, what each log left out."""
    k = data["k"]
    lines = [f"Evidence {data['period']} ({data['engine']}; figures on fewer than {k} cases "
             f"are suppressed)"]

    def row(label: str, value: Any, note: str = "") -> None:
        lines.append(f"  {label:<16}{value!s:>10}{('  ' + note) if note else ''}")

    row("cases", data["cases"])
    row("events", data["events"])
    row("teams", data["teams"])
    row("handoffs", data["handoffs"])
    row("boundaries", data["boundaries"], f"{data['declared_boundaries']} declared")
    row("coverage", share(data["coverage"]), "of handoffs cross a declared contract")
    per_case = data["teams_per_case"]
    mean = per_case["mean"]
    row("teams per case", "-" if mean is None else f"{mean:.2f}",
        f"mean (reference: {per_case['reference']} teams for a typical customer issue)")
    for bucket in per_case["distribution"]:
        cases = bucket["cases"]
        part = "suppressed" if cases is None else (
            f"{cases} cases, {share(cases / data['cases'])}" if data["cases"] else "-")
        unit = "team" if bucket["teams"] == 1 else "teams"
        lines.append(f"    {bucket['teams']:>3} {unit:<5}  {part}")
    row("ping-pong", share(data["ping_pong_share"]), "of cases have a path A, B, A")
    if data["people_per_case"] is not None:
        row("people per case", f"{data['people_per_case']:.2f}", "mean, from keyed pseudonyms")
    if data["journeys"]:
        lines.append("Journeys")
        for item in data["journeys"]:
            follows = ("not declared" if item["conformance"] is None else
                       f"{share(item['conformance'])} follow the declared path")
            lines.append(f"  {item['journey']}: {item['cases']} cases, {follows}, "
                         f"{item['mean_teams']:.2f} teams per case ({item['declared_teams']} "
                         f"declared)")
    if data["declared"]:
        lines.append("Declared handoffs (latency p50 / p90, share of handoffs over the SLA)")
        for item in data["declared"]:
            lines.append("  " + _declared_line(item))
    lines.append(f"Top undeclared boundaries ({data['suppressed_boundaries']} boundaries on fewer "
                 f"than {k} cases not shown)")
    for item in data["undeclared_top"]:
        lines.append(f"  {item['from']} -> {item['to']}: {item['handoffs']} handoffs, "
                     f"{item['cases']} cases, ping-pong {share(item['ping_pong_rate'])}")
    if not data["undeclared_top"]:
        lines.append("  none")
    lines.append("Logs")
    for item in data["logs"]:
        left = [f"{item[key]} {label}" for key, label in (
            ("missing_case", "without case"), ("missing_timestamp", "without timestamp"),
            ("unparseable_timestamp", "unparseable timestamp"), ("unmapped_team", "unmapped team"),
            ("outside_period", "outside the period")) if item[key]]
        lines.append(f"  {item['log']}: {item['events']} events"
                     + (f"; left out: {', '.join(left)}" if left else "")
                     + (f"; {item['ties']} ties across teams" if item["ties"] else ""))
    return "\n".join(lines) + "\n"


def _declared_line(item: dict[str, Any]) -> str:
    head = f"{item['handoff']} ({item['from']} -> {item['to']}):"
    if item.get("suppressed"):
        return f"{head} suppressed"
    if not item["handoffs"]:
        return f"{head} not observed"
    parts = [f"{item['handoffs']} handoffs", f"{item['cases']} cases"]
    for kind in ("acknowledge", "complete"):
        latency = item[kind]
        sla = f" (SLA {latency['sla']}: {share(latency['breached'])} over)" if latency["sla"] else ""
        parts.append(f"{kind} {duration(latency['p50_s'])} / {duration(latency['p90_s'])}{sla}")
    return f"{head} {', '.join(parts)}"
