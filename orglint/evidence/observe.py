"""Read the configured event logs once and compute every figure against the declared org.

``observe(settings, org) -> Evidence`` is the one entry point: the check path calls it (through
``Settings.observe``, see orglint/evidence/__init__.py), so does ``orglint evidence``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from orglint.evidence import sql
from orglint.evidence.figures import Boundary, Evidence, JourneyFigures, Latency, LogQuality, moment
from orglint.evidence.settings import EvidenceError, EvidenceSettings, LogSpec, seconds
from orglint.model import Org, Ref

UNMAPPED_SHOWN = 5


class Engine(Protocol):
    """What an engine provides: ``raw_events`` loaded, small tables, materialised steps."""

    name: str
    quantile: str

    def literal(self, text: str) -> str:
        """``text`` as a string literal of the engine's SQL."""
        ...

    def load(self, log: LogSpec, person: tuple[str, Callable[[str], str]] | None) -> None:
        """Append one log to ``raw_events`` (``person``: resource column and pseudonymiser)."""
        ...

    def table(self, name: str, columns: Sequence[tuple[str, str]],
              rows: Sequence[Sequence[Any]]) -> None:
        """A small table ``name`` of ``(column, SQL type)`` columns holding ``rows``."""
        ...

    def materialise(self, name: str, statement: str) -> None:
        """Run ``statement`` and keep its rows under ``name`` for the statements after it."""
        ...

    def query(self, statement: str) -> list[tuple[Any, ...]]:
        """The rows of ``statement`` as tuples."""
        ...

    def close(self) -> None:
        """Release everything of the run: connections, views, temporary files."""
        ...


def open_engine(settings: EvidenceSettings, name: str | None = None) -> Engine:
    """The engine ``name`` (else the config's): DuckDB or Spark, imported only now."""
    chosen = name or settings.engine
    if chosen == "spark":
        from orglint.evidence.spark import SparkEngine

        return SparkEngine(settings, from_config=name is None)
    from orglint.evidence.duck import DuckDBEngine

    return DuckDBEngine(settings)


def pseudonymiser(settings: EvidenceSettings) -> tuple[str, Callable[[str], str]] | None:
    """(resource column, keyed HMAC-SHA256) when the config opts in to people, else None."""
    if settings.people is None:
        return None
    key = os.environ.get(settings.people.key_env)
    if not key:
        raise EvidenceError(settings.where, f"evidence.people needs a key in the environment "
                            f"variable {settings.people.key_env}, which is not set")
    secret = key.encode("utf-8")

    def pseudonym(value: str) -> str:
        return hmac.new(secret, value.encode("utf-8"), hashlib.sha256).hexdigest()[:16]

    return settings.people.column, pseudonym


def observe(settings: EvidenceSettings, org: Org, engine_name: str | None = None) -> Evidence:
    """Every figure of the configured logs, held against ``org``'s declared boundaries, SLAs
    and journeys. EvidenceError (one line, with the place) when a log cannot be used."""
    engine = open_engine(settings, engine_name)
    try:
        return _observe(engine, settings, org)
    finally:
        engine.close()


def _observe(engine: Engine, settings: EvidenceSettings, org: Org) -> Evidence:
    person = pseudonymiser(settings)
    for log in settings.logs:
        engine.load(log, person)
    start, end = settings.period_bounds

    def run(statement: str) -> str:
        return sql.render(statement, quantile=engine.quantile, start=start, end=end,
                          acknowledge_activity=settings.acknowledge_activity,
                          literal=engine.literal)

    values = _map_teams(engine, settings, org, run)
    _declare(engine, org, values.codes)
    for name, statement in sql.steps(settings.acknowledge_activity):
        engine.materialise(name, run(statement))
    results = {name: engine.query(run(statement)) for name, statement in sql.FIGURES.items()}
    people = engine.query(run(sql.PEOPLE_PER_CASE))[0][0] if person is not None else None
    return _evidence(settings, org, engine.name, results, values, people)


@dataclass
class Values:
    """Per log, what its team values came to: every figure of TEAM_VALUES, summed."""

    counts: dict[str, list[Any]] = field(default_factory=dict)  # log -> summed quality row
    unmapped: dict[str, list[tuple[str, int]]] = field(default_factory=lambda: defaultdict(list))
    teams: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # log -> ids
    used: int = 0  # events that count
    first: float | None = None
    last: float | None = None
    observed: set[str] = field(default_factory=set)  # team ids holding an event that counts
    # team id -> the small number the SQL carries instead (in the order of the ids), and back
    codes: dict[str, int] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)


def _map_teams(engine: Engine, settings: EvidenceSettings, org: Org,
               run: Callable[[str], str]) -> Values:
    """The ``team_map`` table from each log's distinct team values, and the totals. A value
    the ``team_map`` sends to an id that is no team of the org is left out, as unmapped."""
    rows = []
    values = Values()
    for key, value, events, used, first, last, *quality in engine.query(run(sql.TEAM_VALUES)):
        log = settings.logs[int(key)]  # `log` in the SQL is the log's place in the config
        _add_quality(values.counts.setdefault(log.name, [0, 0, None, 0, None, 0, None, 0]),
                     [events, *quality[:-1]])
        team = log.team_map.team(value) if value is not None else None
        if team is not None and log.team_map.entries and team not in org.teams:
            team = None  # a mapped id that names no team: the map is wrong (EVD007 says where)
        if team is None:
            values.unmapped[log.name].append(("" if value is None else value, int(events)))
            continue
        rows.append((key, value, team))
        values.teams[log.name].add(team)
        if used:
            values.used += int(used)
            values.observed.add(team)
            values.first = first if values.first is None else min(values.first, first)
            values.last = last if values.last is None else max(values.last, last)
    # the SQL carries a team as a small number: less to sort and hash than its id, per event
    values.names = sorted({team for _, _, team in rows})
    values.codes = {team: code for code, team in enumerate(values.names)}
    engine.table("team_map", (("log", "SMALLINT"), ("value", "VARCHAR"), ("team", "SMALLINT")),
                 [(key, value, values.codes[team]) for key, value, team in rows])
    return values


def _add_quality(total: list[Any], row: list[Any]) -> None:
    """Add one value's (events, missing, first, unparseable, first, no case, first, outside)
    to its log's: counts add up, first places take the smallest."""
    for index, value in enumerate(row):
        if index in (2, 4, 6):  # a first place
            if value is not None:
                total[index] = value if total[index] is None else min(total[index], value)
        else:
            total[index] += int(value or 0)


def _declare(engine: Engine, org: Org, codes: dict[str, int]) -> None:
    """The declared facts the SQL holds the logs against: SLAs and journey paths, with each
    team as its number in ``codes`` (a team that holds no event has none, and can match
    nothing)."""
    slas: dict[tuple[int, int], tuple[float | None, float | None]] = {}
    for handoff in sorted(org.handoffs.values(), key=lambda item: item.id):
        if handoff.source is None or handoff.target is None or not handoff.sla:
            continue
        if handoff.source.id not in codes or handoff.target.id not in codes:
            continue
        pair = (codes[handoff.source.id], codes[handoff.target.id])
        ack = seconds(handoff.sla["acknowledge"]) if "acknowledge" in handoff.sla else None
        done = seconds(handoff.sla["complete"]) if "complete" in handoff.sla else None
        slas.setdefault(pair, (ack, done))
    engine.table("sla", (("source", "SMALLINT"), ("target", "SMALLINT"),
                         ("acknowledge_s", "DOUBLE"), ("complete_s", "DOUBLE")),
                 [(source, target, ack, done) for (source, target), (ack, done) in slas.items()])
    teams: set[tuple[str, int]] = set()
    steps: set[tuple[str, int, int]] = set()
    for journey in org.journeys.values():
        teams.update((journey.id, codes[ref.id]) for ref in journey.path if ref.id in codes)
        steps.update((journey.id, codes[source.id], codes[target.id])
                     for _, source, target in journey.boundaries()
                     if source.id in codes and target.id in codes)
    engine.table("journey_teams", (("journey", "VARCHAR"), ("team", "SMALLINT")), sorted(teams))
    engine.table("journey_steps", (("journey", "VARCHAR"), ("source", "SMALLINT"),
                                   ("target", "SMALLINT")), sorted(steps))


def _evidence(settings: EvidenceSettings, org: Org, engine: str,
              results: dict[str, list[tuple[Any, ...]]], values: Values,
              people: float | None) -> Evidence:
    names = values.names  # the SQL's team numbers -> team ids
    latencies = {(names[row[0]], names[row[1]]): row[2:] for row in results["latencies"]}
    boundaries = []
    for source_code, target_code, handoffs, cases, returns, bounced in results["boundary_counts"]:
        source, target = names[source_code], names[target_code]
        ack_n, ack50, ack90, ack_over, done_n, done50, done90, done_over = latencies[(source, target)]
        contracts = tuple(sorted(item.id for item in org.handoffs_at(Ref("team", source),
                                                                    Ref("team", target))))
        boundaries.append(Boundary(
            source=source, target=target, handoffs=int(handoffs), cases=int(cases),
            returns=int(returns), bounced=int(bounced),
            acknowledge=Latency(int(ack_n), ack50, ack90, None if ack_over is None else int(ack_over)),
            complete=Latency(int(done_n), done50, done90, None if done_over is None else int(done_over)),
            declared=contracts,
        ))
    boundaries.sort(key=lambda item: (item.source, item.target))
    distribution: dict[int, int] = defaultdict(int)
    journeys: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # cases, conforming, teams, pp
    ping_pong = 0
    for journey, team_count, cases, conforming, pp in results["teams_per_case"]:
        distribution[int(team_count)] += int(cases)
        ping_pong += int(pp)
        if journey is not None:
            figures = journeys[journey]
            figures[0] += int(cases)
            figures[1] += int(conforming)
            figures[2] += int(team_count) * int(cases)
            figures[3] += int(pp)
    journey_figures = []
    for journey, (cases, conforming, team_sum, pp) in sorted(journeys.items()):
        declared = org.journeys.get(journey)
        journey_figures.append(JourneyFigures(
            journey=journey, cases=cases, conforming=conforming if declared else 0,
            mean_teams=team_sum / cases if cases else 0.0,
            declared_teams=len({ref.id for ref in declared.path}) if declared else 0,
            ping_pong=pp))
    return Evidence(
        events=values.used, cases=sum(distribution.values()), teams=len(values.observed),
        first=moment(values.first), last=moment(values.last), boundaries=tuple(boundaries),
        journeys=tuple(journey_figures),
        teams_per_case=tuple(sorted(distribution.items())), ping_pong_cases=ping_pong,
        quality=_quality(settings, org, results, values), k=settings.k,
        min_support=settings.min_support, people_per_case=people, engine=engine,
        observed_teams=frozenset(values.observed),
    )


def _quality(settings: EvidenceSettings, org: Org, results: dict[str, list[tuple[Any, ...]]],
             values: Values) -> tuple[LogQuality, ...]:
    ties = {settings.logs[int(row[0])].name: (int(row[1]), int(row[2])) for row in results["ties"]}
    out = []
    for log in settings.logs:
        (events, missing, first_missing, bad, first_bad, no_case, first_no_case,
         outside) = values.counts.get(log.name, [0, 0, None, 0, None, 0, None, 0])
        unmapped = sorted(values.unmapped.get(log.name, []), key=lambda item: (-item[1], item[0]))
        unknown = tuple(sorted(team for team in values.teams.get(log.name, ())
                               if team not in org.teams))
        tie_count, tied_cases = ties.get(log.name, (0, 0))
        stray = tuple((key, team, where or log.where) for key, team, where in log.team_map.entries
                      if team not in org.teams)
        out.append(LogQuality(
            log=log.name, where=log.where, events=events,
            missing_ts=missing, first_missing_ts=first_missing,
            unparseable_ts=bad, first_unparseable_ts=first_bad,
            missing_case=no_case, first_missing_case=first_no_case,
            outside_period=outside,
            unmapped=sum(count for _, count in unmapped),
            unmapped_values=tuple(unmapped[:UNMAPPED_SHOWN]),
            unknown_teams=unknown, unknown_targets=stray, ties=tie_count, tied_cases=tied_cases,
            sequenced=bool(log.columns.get("sequence")),
            row_word="line" if log.format == "xes" else "row",
        ))
    return tuple(out)
