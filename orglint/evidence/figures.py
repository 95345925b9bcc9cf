"""The evidence as values: what the SQL found, at team level, ready for rules and outputs.

Units: durations in seconds, rates and shares 0..1, counts of events, handoffs or cases.
Nothing here names a person or a case: case ids never leave the engine, and people appear
only as a count of pseudonyms per case, when the config opts in. Figures resting on fewer
than ``k`` cases are marked ``suppressed`` and outputs show them as such.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from orglint.evidence.settings import seconds
from orglint.finding import Position


def moment(epoch: float | None) -> datetime.datetime | None:
    """Epoch seconds as an aware UTC datetime; None stays None."""
    if epoch is None:
        return None
    return datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc)


def duration(value: float | None) -> str:
    """Seconds as the format writes durations: ``45s``, ``12m``, ``3.5h``, ``2.1d``."""
    if value is None:
        return "-"
    if value < 60:
        return f"{value:.0f}s"
    if value < 3600:
        return f"{value / 60:.0f}m"
    if value < 86400:
        return f"{value / 3600:.1f}h"
    return f"{value / 86400:.1f}d"


def share(value: float | None) -> str:
    """A share 0..1 as a percentage with one decimal (``12.5%``); ``-`` for None."""
    return "-" if value is None else f"{value * 100:.1f}%"



@dataclass(frozen=True)
class Latency:
    """Handoff latency in seconds: how many handoffs were timed, the median and p90, and how
    many exceeded the declared SLA (None when no SLA is declared)."""

    n: int = 0
    p50: float | None = None
    p90: float | None = None
    breaches: int | None = None

    @property
    def breach_share(self) -> float | None:
        """Share of timed handoffs over the SLA, 0..1; None without an SLA or a handoff."""
        return self.breaches / self.n if self.breaches is not None and self.n else None


@dataclass(frozen=True)
class Boundary:
    """One observed boundary: the directed pair of teams (source -> target)."""

    source: str
    target: str
    handoffs: int
    cases: int  # distinct cases that crossed it
    returns: int  # handoffs A -> B followed at once by B -> A (ping-pong)
    bounced: int  # cases that crossed A -> B and later crossed B -> A
    acknowledge: Latency = field(default_factory=Latency)
    complete: Latency = field(default_factory=Latency)
    declared: tuple[str, ...] = ()  # ids of the handoffs declared for this pair

    @property
    def pair(self) -> tuple[str, str]:
        """``(source, target)`` team ids."""
        return (self.source, self.target)

    @property
    def ping_pong_rate(self) -> float:
        """Share of this boundary's handoffs that came straight back, 0..1."""
        return self.returns / self.handoffs if self.handoffs else 0.0

    @property
    def bounce_rate(self) -> float:
        """Share of the cases crossing it that were later sent back across it, 0..1."""
        return self.bounced / self.cases if self.cases else 0.0


@dataclass(frozen=True)
class JourneyFigures:
    """The cases of the logs that name this journey, against its declared path."""

    journey: str
    cases: int
    conforming: int  # cases whose every team is on the path and every handoff a step forward
    mean_teams: float  # distinct teams per case
    declared_teams: int  # distinct teams on the declared path (0: not declared)
    ping_pong: int  # cases with a path A, B, A somewhere

    @property
    def conformance(self) -> float:
        """Share of the journey's cases that follow its declared path, 0..1."""
        return self.conforming / self.cases if self.cases else 0.0


@dataclass(frozen=True)
class LogQuality:
    """What could not be used in one log, each count with the first place it happened."""

    log: str
    where: Position  # the log's entry in the config
    events: int = 0
    missing_ts: int = 0
    first_missing_ts: int | None = None
    unparseable_ts: int = 0
    first_unparseable_ts: int | None = None
    missing_case: int = 0
    first_missing_case: int | None = None
    outside_period: int = 0
    unmapped: int = 0  # events whose team value maps to no team
    unmapped_values: tuple[tuple[str, int], ...] = ()  # the most frequent, with counts
    unknown_teams: tuple[str, ...] = ()  # team ids taken as they stand that the org lacks
    # team_map entries whose team id the org does not declare: (key, team id, where the id is)
    unknown_targets: tuple[tuple[str, str, Position], ...] = ()
    ties: int = 0  # events tied in time with the previous event of another team
    tied_cases: int = 0
    sequenced: bool = False  # a sequence column breaks ties
    row_word: str = "row"  # "line" for XES


@dataclass(frozen=True)
class Evidence:
    """Every figure of one run over the configured logs."""

    events: int
    cases: int
    teams: int
    first: datetime.datetime | None
    last: datetime.datetime | None
    boundaries: tuple[Boundary, ...]
    journeys: tuple[JourneyFigures, ...]
    teams_per_case: tuple[tuple[int, int], ...]  # (distinct teams, cases), ascending
    ping_pong_cases: int
    quality: tuple[LogQuality, ...]
    k: int = 5
    min_support: int = 20
    people_per_case: float | None = None  # only when the config opts in to people
    engine: str = "duckdb"
    observed_teams: frozenset[str] = frozenset()  # team ids that hold at least one event

    # how messages write figures, for rules that import nothing but orglint and the model
    share = staticmethod(share)
    duration = staticmethod(duration)
    seconds = staticmethod(seconds)

    @property
    def handoffs(self) -> int:
        """Every observed handoff, all boundaries."""
        return sum(item.handoffs for item in self.boundaries)

    @property
    def declared_handoffs(self) -> int:
        """Observed handoffs whose boundary has a declared handoff."""
        return sum(item.handoffs for item in self.boundaries if item.declared)

    @property
    def coverage(self) -> float | None:
        """Share of observed handoffs that cross a declared contract, 0..1."""
        return self.declared_handoffs / self.handoffs if self.handoffs else None

    @property
    def mean_teams_per_case(self) -> float | None:
        """Distinct teams per case, on average; None without cases."""
        total = sum(cases for _, cases in self.teams_per_case)
        return sum(t * c for t, c in self.teams_per_case) / total if total else None

    @property
    def ping_pong_share(self) -> float | None:
        """Share of cases with a path A, B, A somewhere, 0..1; None without cases."""
        return self.ping_pong_cases / self.cases if self.cases else None

    @property
    def period(self) -> str:
        """``2010-03-31..2012-05-22`` (UTC days of the first and last event), or ``no events``."""
        if self.first is None or self.last is None:
            return "no events"
        return f"{self.first.date().isoformat()}..{self.last.date().isoformat()}"

    def boundary(self, source: str, target: str) -> Boundary | None:
        """The observed boundary source -> target (team ids), or None if never crossed."""
        return self._by_pair.get((source, target))

    @property
    def _by_pair(self) -> dict[tuple[str, str], Boundary]:
        cached: dict[tuple[str, str], Boundary] | None = self.__dict__.get("_pairs")
        if cached is None:
            cached = {item.pair: item for item in self.boundaries}
            object.__setattr__(self, "_pairs", cached)
        return cached

    def shown(self, cases: int) -> bool:
        """Whether a figure resting on ``cases`` cases may be shown (k-anonymity)."""
        return cases >= self.k

    def supported(self, cases: int, observations: int) -> bool:
        """Whether a finding may rest on these counts: shown, and ``min_support`` observed."""
        return self.shown(cases) and observations >= self.min_support

    def undeclared(self) -> list[Boundary]:
        """Observed boundaries no handoff declares, most handoffs first."""
        return sorted((item for item in self.boundaries if not item.declared),
                      key=lambda item: (-item.handoffs, item.source, item.target))
