"""EVD: the declared org held against how work actually moved, from the configured event logs.

Every rule here asks for the ``evidence`` input (the figures of orglint/evidence, computed once
per check) and yields nothing without an ``evidence:`` section. A finding needs ``min_support``
observations and rests on at least ``k`` cases; every message carries the count, the period and
the figure.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from orglint import Hit, rule
from orglint.model import Handoff, Org, Ref

from .boundaries import OpenEnds

if TYPE_CHECKING:  # the evidence modules load only when a run reads event logs
    from orglint import Boundary, Evidence

SLA_KINDS = ("acknowledge", "complete")


def _team(org: Org, team: str) -> str:
    return org.display(Ref("team", team)) if team in org.teams else team


def _pair(org: Org, boundary: Boundary) -> str:
    return f"{_team(org, boundary.source)} -> {_team(org, boundary.target)}"


def _at_team(org: Org, evidence: Evidence, boundary: Boundary, message: str) -> Hit:
    """A hit on the sending team, else the receiving team, else the first log's config entry."""
    for team in (boundary.source, boundary.target):
        if team in org.teams:
            return org.teams[team].finding(None, message)
    return Hit(message, position=evidence.quality[0].where if evidence.quality else None)


def _declared(org: Org, boundary: Boundary) -> Handoff | None:
    handoffs = org.handoffs_at(Ref("team", boundary.source), Ref("team", boundary.target))
    return min(handoffs, key=lambda item: item.id) if handoffs else None


@rule("EVD001", "undeclared-boundary", severity="warning", blocks_stage=3)
def undeclared_boundary(org: Org, evidence: Evidence | None) -> Iterator[Hit]:
    """Work crosses a boundary between two teams that no handoff contract covers.

    The event log shows cases moving from one team to the other at least `min_support`
    times, yet nobody has agreed what crosses, who owns it or how fast. That is the
    undesigned gap where customers wait: declare the handoff, or find out why work goes there.
    (The examples of the EVD rules read the log below each as the cases of journey
    `incident`, with `min_support: 1` and `k: 1`.)

    Fails:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      desk: {name: Service desk, lead: ana}
      network: {name: Network, lead: ana}
    ```

    ```csv
    case,timestamp,team
    c1,2024-03-04T09:00:00Z,desk
    c1,2024-03-04T09:20:00Z,network
    ```

    Passes:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      desk: {name: Service desk, lead: ana}
      network: {name: Network, lead: ana}
    handoffs:
      desk-to-network: {from: desk, to: network, owner: ana}
    ```

    ```csv
    case,timestamp,team
    c1,2024-03-04T09:00:00Z,desk
    c1,2024-03-04T09:20:00Z,network
    ```
    """
    if evidence is None:
        return
    total = evidence.handoffs
    ends: OpenEnds | None = None
    for boundary in evidence.undeclared():
        if not evidence.supported(boundary.cases, boundary.handoffs):
            continue
        if ends is None:
            ends = OpenEnds(org)
        if ends.at(Ref("team", boundary.source), Ref("team", boundary.target)):
            continue  # a handoff whose team is misspelt or missing may contract it
        yield _at_team(org, evidence, boundary, (
            f"undeclared boundary {_pair(org, boundary)}: {boundary.handoffs} handoffs in "
            f"{boundary.cases} cases in {evidence.period} ({evidence.share(boundary.handoffs / total)} of "
            f"all handoffs) cross no handoff contract"))


@rule("EVD002", "contract-unused", severity="info", blocks_stage=4)
def contract_unused(org: Org, evidence: Evidence | None) -> Iterator[Hit]:
    """A declared handoff between two teams that both appear in the logs was never used.

    The contract may describe a route work no longer takes, or the log may map the teams
    differently from the org. Either way the declared org and the real one disagree, and a
    contract nobody uses is one nobody maintains.

    Fails:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      desk: {name: Service desk, lead: ana}
      network: {name: Network, lead: ana}
    handoffs:
      network-to-desk: {from: network, to: desk, owner: ana}
    ```

    ```csv
    case,timestamp,team
    c1,2024-03-04T09:00:00Z,desk
    c1,2024-03-04T09:20:00Z,network
    ```

    Passes:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      desk: {name: Service desk, lead: ana}
      network: {name: Network, lead: ana}
    handoffs:
      network-to-desk: {from: network, to: desk, owner: ana}
    ```

    ```csv
    case,timestamp,team
    c1,2024-03-04T09:00:00Z,network
    c1,2024-03-04T09:20:00Z,desk
    ```
    """
    if evidence is None:
        return
    seen = evidence.observed_teams
    for handoff in org.handoffs.values():
        if handoff.source is None or handoff.target is None:
            continue
        if handoff.source.id not in seen or handoff.target.id not in seen:
            continue
        if evidence.boundary(handoff.source.id, handoff.target.id) is None:
            yield handoff.finding(None, (
                f"handoff '{handoff.id}' ({org.display(handoff.source)} -> "
                f"{org.display(handoff.target)}) was never observed in {evidence.period}: 0 of "
                f"{evidence.handoffs} handoffs cross it"))


@rule("EVD003", "sla-breached", severity="warning", blocks_stage=4)
def sla_breached(org: Org, evidence: Evidence | None) -> Iterator[Hit]:
    """A declared SLA is breached: the observed p90 latency exceeds the declared time.

    An SLA that one case in ten misses is not the service the customer gets. The p90 of the
    acknowledge latency (last event of the sending team to the first of the receiving team)
    and of the complete latency (to the receiving team's last event) are held against the
    handoff's `sla`.

    Fails:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      desk: {name: Service desk, lead: ana}
      network: {name: Network, lead: ana}
    handoffs:
      desk-to-network: {from: desk, to: network, owner: ana, sla: {acknowledge: 30m}}
    ```

    ```csv
    case,timestamp,team
    c1,2024-03-04T09:00:00Z,desk
    c1,2024-03-04T11:00:00Z,network
    ```

    Passes:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      desk: {name: Service desk, lead: ana}
      network: {name: Network, lead: ana}
    handoffs:
      desk-to-network: {from: desk, to: network, owner: ana, sla: {acknowledge: 4h}}
    ```

    ```csv
    case,timestamp,team
    c1,2024-03-04T09:00:00Z,desk
    c1,2024-03-04T11:00:00Z,network
    ```
    """
    if evidence is None:
        return
    for handoff in org.handoffs.values():
        if handoff.source is None or handoff.target is None:
            continue
        boundary = evidence.boundary(handoff.source.id, handoff.target.id)
        if boundary is None:
            continue
        for kind in SLA_KINDS:
            limit = evidence.seconds(handoff.sla[kind]) if kind in handoff.sla else None
            latency = getattr(boundary, kind)
            if limit is None or latency.p90 is None or latency.p90 <= limit:
                continue
            if not evidence.supported(boundary.cases, latency.n):
                continue
            yield handoff.finding(f"sla.{kind}", (
                f"handoff '{handoff.id}' ({_pair(org, boundary)}): {kind} p90 is "
                f"{evidence.duration(latency.p90)} against an SLA of {handoff.sla[kind]}; "
                f"{evidence.share(latency.breach_share)} of {latency.n} handoffs breached it in "
                f"{evidence.period}"))


@rule("EVD004", "ping-pong", severity="warning", blocks_stage=4,
      options={"max_rate": {"type": "number", "min": 0, "max": 1, "default": 0.1}})
def ping_pong(org: Org, options: dict[str, Any], evidence: Evidence | None
              ) -> Iterator[Hit]:
    """Work sent across a boundary comes straight back too often: a path A, B, A.

    Ping-pong is the customer's case bouncing between two teams, each sure it belongs to
    the other. Above `max_rate` of the handoffs on a boundary, the contract between the two
    teams does not say clearly enough what crosses and when.

    Fails:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      desk: {name: Service desk, lead: ana}
      network: {name: Network, lead: ana}
    handoffs:
      desk-to-network: {from: desk, to: network, owner: ana}
      network-to-desk: {from: network, to: desk, owner: ana}
    ```

    ```csv
    case,timestamp,team
    c1,2024-03-04T09:00:00Z,desk
    c1,2024-03-04T09:20:00Z,network
    c1,2024-03-04T09:40:00Z,desk
    ```

    Passes:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      desk: {name: Service desk, lead: ana}
      network: {name: Network, lead: ana}
    handoffs:
      desk-to-network: {from: desk, to: network, owner: ana}
      network-to-desk: {from: network, to: desk, owner: ana}
    ```

    ```csv
    case,timestamp,team
    c1,2024-03-04T09:00:00Z,desk
    c1,2024-03-04T09:20:00Z,network
    c2,2024-03-04T09:40:00Z,network
    c2,2024-03-04T10:00:00Z,desk
    ```
    """
    if evidence is None:
        return
    limit = float(options["max_rate"])
    for boundary in evidence.boundaries:
        if boundary.ping_pong_rate <= limit or not evidence.supported(boundary.cases,
                                                                      boundary.handoffs):
            continue
        message = (f"ping-pong on {_pair(org, boundary)}: {evidence.share(boundary.ping_pong_rate)} of "
                   f"{boundary.handoffs} handoffs came straight back in {evidence.period}, above "
                   f"{evidence.share(limit)}")
        handoff = _declared(org, boundary)
        yield (handoff.finding(None, message) if handoff is not None
               else _at_team(org, evidence, boundary, message))


@rule("EVD005", "journey-drift", severity="warning", blocks_stage=4,
      options={"min_share": {"type": "number", "min": 0, "max": 1, "default": 0.5}})
def journey_drift(org: Org, options: dict[str, Any], evidence: Evidence | None
                  ) -> Iterator[Hit]:
    """Most cases of a journey do not follow its declared path.

    A case follows the path when every team it visits is on the path and every handoff is a
    step forward along it (it may start late and stop early). When fewer than `min_share` of
    the cases do, the journey map describes a service the customer does not get.

    Fails:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      desk: {name: Service desk, lead: ana}
      network: {name: Network, lead: ana}
    journeys:
      incident: {owner: ana, path: [desk, network]}
    handoffs:
      desk-to-network: {from: desk, to: network, owner: ana}
    ```

    ```csv
    case,timestamp,team
    c1,2024-03-04T09:00:00Z,network
    c1,2024-03-04T09:20:00Z,desk
    ```

    Passes:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      desk: {name: Service desk, lead: ana}
      network: {name: Network, lead: ana}
    journeys:
      incident: {owner: ana, path: [desk, network]}
    handoffs:
      desk-to-network: {from: desk, to: network, owner: ana}
    ```

    ```csv
    case,timestamp,team
    c1,2024-03-04T09:00:00Z,desk
    c1,2024-03-04T09:20:00Z,network
    ```
    """
    if evidence is None:
        return
    least = float(options["min_share"])
    for figures in evidence.journeys:
        journey = org.journeys.get(figures.journey)
        if journey is None or not journey.path or figures.conformance >= least:
            continue
        if not journey.known("path"):
            continue  # a team misspelt on the path: the declared path is not known
        if not evidence.supported(figures.cases, figures.cases):
            continue
        path = " -> ".join(ref.id for ref in journey.path)
        yield journey.finding("path", (
            f"journey '{journey.id}': {evidence.share(figures.conformance)} of {figures.cases} cases in "
            f"{evidence.period} followed the declared path ({path}), below {evidence.share(least)}; "
            f"they touched {figures.mean_teams:.1f} teams on average against "
            f"{figures.declared_teams} declared"))


@rule("EVD006", "exceptions-understated", severity="warning", blocks_stage=3)
def exceptions_understated(org: Org, evidence: Evidence | None) -> Iterator[Hit]:
    """More cases are sent back across a handoff than its declared exception rate allows.

    The exception rate sets the governance a boundary needs (GOV001, GOV004). When the log
    shows a larger share of cases crossing and later coming back (B -> A after A -> B), the
    declared rate understates the judgement the boundary really needs.

    Fails:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      desk: {name: Service desk, lead: ana}
      network: {name: Network, lead: ana}
    handoffs:
      desk-to-network: {from: desk, to: network, owner: ana, exception_rate: 0.1}
    ```

    ```csv
    case,timestamp,team
    c1,2024-03-04T09:00:00Z,desk
    c1,2024-03-04T09:20:00Z,network
    c1,2024-03-04T09:40:00Z,desk
    ```

    Passes:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      desk: {name: Service desk, lead: ana}
      network: {name: Network, lead: ana}
    handoffs:
      desk-to-network: {from: desk, to: network, owner: ana, exception_rate: 0.1}
    ```

    ```csv
    case,timestamp,team
    c1,2024-03-04T09:00:00Z,desk
    c1,2024-03-04T09:20:00Z,network
    ```
    """
    if evidence is None:
        return
    for handoff in org.handoffs.values():
        if handoff.source is None or handoff.target is None or handoff.exception_rate is None:
            continue
        boundary = evidence.boundary(handoff.source.id, handoff.target.id)
        if boundary is None or boundary.bounce_rate <= handoff.exception_rate:
            continue
        if not evidence.supported(boundary.cases, boundary.cases):
            continue
        yield handoff.finding("exception_rate", (
            f"handoff '{handoff.id}' ({_pair(org, boundary)}): {evidence.share(boundary.bounce_rate)} of "
            f"{boundary.cases} cases were sent back in {evidence.period}, above the declared "
            f"exception rate of {evidence.share(handoff.exception_rate)}"))


@rule("EVD007", "log-quality", severity="warning", blocks_stage=4)
def log_quality(org: Org, evidence: Evidence | None) -> Iterator[Hit]:
    """Part of an event log could not be used: no figure may silently rest on less.

    Events without a case, with a missing or unparseable timestamp, or whose team value maps
    to no team are left out of every figure, each counted here with the first place it occurs.
    A ``team_map`` entry whose team id the org does not declare is a slip in the map: it is
    named at its place, with the closest team id, and its events are left out as unmapped.
    Without a ``team_map`` the log's values are the team ids; those the org does not declare
    make boundaries nobody can contract.

    Fails:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      desk: {name: Service desk, lead: ana}
    ```

    ```csv
    case,timestamp,team
    c1,2024-03-04T09:00:00Z,desk
    c1,yesterday,desk
    ```

    Passes:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      desk: {name: Service desk, lead: ana}
    ```

    ```csv
    case,timestamp,team
    c1,2024-03-04T09:00:00Z,desk
    c1,2024-03-04T09:20:00Z,desk
    ```
    """
    if evidence is None:
        return
    for quality in evidence.quality:
        name, word, total = quality.log, quality.row_word, quality.events
        if not total:
            yield Hit(f"log '{name}' has no events", position=quality.where)
            continue
        for count, first, what in (
            (quality.missing_case, quality.first_missing_case, "have no case id"),
            (quality.missing_ts, quality.first_missing_ts, "have no timestamp"),
            (quality.unparseable_ts, quality.first_unparseable_ts, "have an unparseable timestamp"),
        ):
            if count:
                yield Hit(f"log '{name}': {count} of {total} events {what}, first at {word} "
                          f"{first}; they are left out", position=quality.where)
        if quality.outside_period and quality.outside_period == total:
            yield Hit(f"log '{name}': none of its {total} events falls in the configured "
                      "'period'; every figure of it is empty", position=quality.where)
        if quality.unmapped:
            values = ", ".join(f"'{value}' {count}" for value, count in quality.unmapped_values)
            yield Hit(f"log '{name}': {quality.unmapped} of {total} events have a team value that "
                      f"maps to no team ({values}); they are left out", position=quality.where)
        for key, team, where in quality.unknown_targets:
            yield Hit(f"log '{name}': team_map maps '{key}' to '{team}', which is not a team of "
                      f"the org{_closest(org, team)}; its events are left out as unmapped",
                      position=where)
        if quality.unknown_teams:
            shown = ", ".join(f"'{team}'" for team in quality.unknown_teams[:5])
            more = len(quality.unknown_teams) - 5
            yield Hit(f"log '{name}': its teams {shown}{f' and {more} more' if more > 0 else ''} "
                      f"are not teams of the org; map them with 'team_map'",
                      position=quality.where)


def _closest(org: Org, team: str) -> str:
    """` (did you mean 'x'?)` with the org's closest team id, else the ids it has."""
    close = difflib.get_close_matches(team, sorted(org.teams), n=1, cutoff=0.6)
    if close:
        return f" (did you mean '{close[0]}'?)"
    known = sorted(org.teams)
    if not known:
        return " (it declares no team)"
    shown = ", ".join(known[:8]) + (f" and {len(known) - 8} more" if len(known) > 8 else "")
    return f" (its teams: {shown})"


@rule("EVD008", "timestamp-ties", severity="info", blocks_stage=4)
def timestamp_ties(org: Org, evidence: Evidence | None) -> Iterator[Hit]:
    """Events of different teams in one case share a timestamp, so their order is a guess.

    Which team handed the case to which is read from the order of events. When two events of
    different teams carry the same time, orglint falls back on their order in the file; name a
    `sequence` column in the log's `columns` to make the order explicit.

    Fails:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      desk: {name: Service desk, lead: ana}
      network: {name: Network, lead: ana}
    ```

    ```csv
    case,timestamp,team
    c1,2024-03-04T09:00:00Z,desk
    c1,2024-03-04T09:00:00Z,network
    ```

    Passes:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      desk: {name: Service desk, lead: ana}
      network: {name: Network, lead: ana}
    ```

    ```csv
    case,timestamp,team
    c1,2024-03-04T09:00:00Z,desk
    c1,2024-03-04T09:00:01Z,network
    ```
    """
    if evidence is None:
        return
    for quality in evidence.quality:
        if quality.ties and not quality.sequenced:
            yield Hit(f"log '{quality.log}': {quality.ties} events in {quality.tied_cases} cases "
                      f"share their timestamp with the previous event, held by another team; "
                      f"their order, and so the handoff, rests on the order of the file",
                      position=quality.where)
