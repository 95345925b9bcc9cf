"""The ``evidence:`` section of the config: which event logs to read and how.

Pure Python, no engine imported: ``orglint check`` validates this section on every run, and
imports DuckDB or Spark only when the section is there.

```yaml
evidence:
  min_support: 20            # fewest observations before a finding is raised
  k: 5                       # figures resting on fewer cases are suppressed
  period: {from: 2012-01-01, to: 2012-06-30}      # optional, whole UTC days, both included
  acknowledge_activity: Accepted                    # optional, see docs/evidence.md
  logs:
    - path: logs/incidents.xes.gz                  # .xes, .xes.gz, .csv, .csv.gz, .parquet
      journey: incident                             # optional: the journey its cases travel
      columns: {case: concept:name, timestamp: time:timestamp, team: org:group,
                activity: concept:name, sequence: null, journey: null}  # journey: per case
      timestamp_format: "%Y-%m-%d %H:%M:%S"         # optional (strftime), else ISO-8601
      team_map: {V30: first-line, "re:V5.*": second-line}
```
"""

from __future__ import annotations

import datetime
import difflib
import gzip
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orglint.errors import UsageError
from orglint.finding import Position
from orglint.schema.evidence import (
    LOG_SCHEMA,
    PATTERN_PREFIX,
    TABULAR_COLUMNS,
    XES_COLUMNS,
)


class EvidenceError(UsageError):
    """An event log cannot be used: one line, with the place (file:line:col or row) if known;
    the command line prints it like any usage error and exits 2."""

    def __init__(self, where: Position | str | None, message: str) -> None:
        super().__init__(f"{where}: {message}" if where is not None else message)
        self.where = where
        self.message = message


@dataclass(frozen=True)
class TeamMap:
    """Log values -> team ids: exact values first, then ``re:`` patterns (full match) in order.

    An empty map takes every log value as a team id as it stands.
    """

    exact: tuple[tuple[str, str], ...] = ()
    patterns: tuple[tuple[re.Pattern[str], str], ...] = ()
    # every entry as the config wrote it: (key, team id, where the team id stands)
    entries: tuple[tuple[str, str, Position | None], ...] = ()

    def team(self, value: str) -> str | None:
        """The team id of a log value, or None when it maps to no team."""
        if not self.exact and not self.patterns:
            return value
        for known, team in self.exact:
            if known == value:
                return team
        for pattern, team in self.patterns:
            if pattern.fullmatch(value):
                return team
        return None

    @property
    def teams(self) -> set[str]:
        """Every team id the map names."""
        return {team for _, team in self.exact} | {team for _, team in self.patterns}


@dataclass(frozen=True)
class LogSpec:
    """One event log: where it is, how its columns map, how its team values map to team ids."""

    name: str
    path: Path
    display: str  # the path as the config wrote it, for messages
    format: str
    columns: dict[str, str | None]
    team_map: TeamMap
    where: Position  # the log's entry in the config
    journey: str | None = None
    timestamp_format: str | None = None
    timestamp_format_where: Position | None = None  # where the config writes it


@dataclass(frozen=True)
class People:
    """Opt-in: the resource column, read only to be pseudonymised with a keyed HMAC."""

    column: str
    key_env: str


@dataclass(frozen=True)
class EvidenceSettings:
    """The ``evidence:`` section, validated: logs, engine, ``min_support`` (observations),
    ``k`` (cases), the period (``start``/``end`` dates, both included), the acknowledge
    activity, DuckDB's memory limit, the people opt-in, and where the section stands."""

    logs: tuple[LogSpec, ...]
    engine: str = "duckdb"
    min_support: int = 20
    k: int = 5
    start: datetime.date | None = None
    end: datetime.date | None = None
    acknowledge_activity: str | None = None
    memory_limit: str = "1GB"
    people: People | None = None
    where: Position = field(default_factory=lambda: Position("orglint.yaml", 1, 1))
    engine_where: Position | None = None  # where the config names the engine, if it does

    @property
    def period_bounds(self) -> tuple[float | None, float | None]:
        """The period as epoch seconds (UTC): start of the first day, end of the last."""
        def epoch(day: datetime.date) -> float:
            moment = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.timezone.utc)
            return moment.timestamp()
        return (epoch(self.start) if self.start else None,
                epoch(self.end + datetime.timedelta(days=1)) if self.end else None)


def parse(data: dict[str, Any], root: Path, position: Any) -> EvidenceSettings:
    """The validated ``evidence:`` mapping -> settings. ``position(*path)`` places a config key."""
    logs = []
    names: set[str] = set()
    for index, entry in enumerate(data["logs"]):
        display = entry["path"]
        path = Path(display) if Path(display).is_absolute() else root / display
        fmt = entry.get("format") or _format_of(display)
        if fmt is None:
            raise EvidenceError(position("evidence", "logs", index, "path"),
                                f"cannot tell the format of '{display}'; name it with "
                                f"'format: xes|csv|parquet'")
        name = entry.get("name") or Path(display).name
        if name in names:
            raise EvidenceError(position("evidence", "logs", index, "path"),
                                f"two logs are named '{name}'; give one a 'name'")
        names.add(name)
        defaults = XES_COLUMNS if fmt == "xes" else TABULAR_COLUMNS
        columns: dict[str, str | None] = {**defaults, **(entry.get("columns") or {})}
        for required in ("case", "timestamp", "team"):
            if not columns.get(required):
                raise EvidenceError(position("evidence", "logs", index, "columns"),
                                    f"log '{name}' needs a '{required}' column")
        logs.append(LogSpec(
            name=name, path=path, display=display, format=fmt, columns=columns,
            team_map=_team_map(entry.get("team_map") or {}, position, index),
            where=position("evidence", "logs", index),
            journey=entry.get("journey"), timestamp_format=entry.get("timestamp_format"),
            timestamp_format_where=(position("evidence", "logs", index, "timestamp_format")
                                    if entry.get("timestamp_format") else None),
        ))
    period = data.get("period") or {}
    if period.get("from") and period.get("to") and period["from"] > period["to"]:
        raise EvidenceError(position("evidence", "period", "to"),
                            f"the period ends ({period['to']}) before it starts "
                            f"({period['from']}); write 'from' first")
    people = data.get("people")
    return EvidenceSettings(
        logs=tuple(logs),
        engine=data.get("engine", "duckdb"),
        min_support=data.get("min_support", 20),
        k=data.get("k", 5),
        start=period.get("from"),
        end=period.get("to"),
        acknowledge_activity=data.get("acknowledge_activity"),
        memory_limit=data.get("memory_limit", "1GB"),
        people=People(people["column"], people["key_env"]) if people else None,
        where=position("evidence"),
        engine_where=position("evidence", "engine") if "engine" in data else None,
    )


def _format_of(path: str) -> str | None:
    lowered = path.lower()
    for suffix, fmt in ((".xes", "xes"), (".xes.gz", "xes"), (".csv", "csv"), (".csv.gz", "csv"),
                        (".parquet", "parquet"), (".pq", "parquet")):
        if lowered.endswith(suffix):
            return fmt
    return None


def _team_map(raw: dict[str, str], position: Any, index: int) -> TeamMap:
    exact, patterns = [], []
    entries = tuple((key, team, position("evidence", "logs", index, "team_map", key))
                    for key, team in raw.items())
    for key, team in raw.items():
        if key.startswith(PATTERN_PREFIX):
            try:
                patterns.append((re.compile(key[len(PATTERN_PREFIX):]), team))
            except re.error as exc:
                raise EvidenceError(position("evidence", "logs", index, "team_map", key, key=True),
                                    f"'{key}' is not a regular expression: {exc}") from exc
        else:
            exact.append((key, team))
    return TeamMap(tuple(exact), tuple(patterns), entries)


def misplaced(name: str) -> str | None:
    """A hint for an unknown key written on the ``evidence:`` section itself that is (or is
    close to) a key of each log: ``journey`` -> "did you mean 'logs[].journey'? ..."; None
    when it is not."""
    close = difflib.get_close_matches(name, list(LOG_SCHEMA), n=1, cutoff=0.6)
    if not close:
        return None
    return f"did you mean the '{close[0]}' of a log? it goes on each entry of 'logs'"


def gzipped(path: Path) -> bool:
    """Whether the file is gzip-compressed, by its first bytes (never by its name)."""
    with open(path, "rb") as probe:
        return probe.read(2) == b"\x1f\x8b"


def empty_file(path: Path) -> bool:
    """Whether a log file holds nothing (a gzip file: nothing once decompressed): a log
    without events, whatever its format. False when it cannot be read: the reader says why."""
    try:
        if path.stat().st_size == 0:
            return True
        if gzipped(path):
            with gzip.open(path, "rb") as stream:
                return not stream.read(1)
    except (OSError, EOFError, zlib.error):
        return False
    return False


def reason(exc: BaseException) -> str:
    """An engine's error as one line without its class (``Invalid Input Error: ``) or the
    absolute paths it names."""
    lines = str(exc).strip().splitlines()
    text = lines[0] if lines else type(exc).__name__
    return re.sub(r"^[A-Z][A-Za-z ]*(Error|Exception):\s*", "", text)


_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}
_ISO = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?"
                  r"(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?\Z", re.ASCII)


def seconds(duration: str) -> float | None:
    """``30m``, ``4h``, ``2d``, ``1w`` or ISO-8601 (``P1DT2H``; a year is 365 days, a month 30)
    in seconds; None when the text is not a duration."""
    text = duration.strip()
    if text and text[-1] in _UNITS:
        try:
            return float(text[:-1]) * _UNITS[text[-1]]
        except ValueError:
            return None
    found = _ISO.match(text)
    if not found or text == "P":
        return None
    years, months, weeks, days, hours, minutes, secs = (int(g or 0) for g in found.groups())
    return float(((((years * 365 + months * 30 + weeks * 7 + days) * 24 + hours) * 60
                   + minutes) * 60) + secs)
