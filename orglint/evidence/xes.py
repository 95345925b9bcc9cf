"""XES event logs (IEEE 1849), ``.xes`` or ``.xes.gz``, streamed: never a whole DOM.

The file is fed in chunks to expat (the parser under ``xml.etree.iterparse``, used directly so
that every event keeps its line number). Only the attributes the column mapping names are
kept, and only those directly inside a ``<trace>`` or ``<event>``; nested (meta) attributes
are skipped. A ``<global scope="...">`` gives defaults for attributes an element omits.
"""

from __future__ import annotations

import datetime
import gzip
import re
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO
from xml.parsers import expat

from orglint.evidence.settings import EvidenceError, LogSpec, gzipped
from orglint.finding import Position

ATTRIBUTE_TAGS = frozenset({"string", "date", "int", "float", "boolean", "id"})
CHUNK = 1 << 20

# (case_id, epoch seconds or None, ts_status, line, sequence value or None, team value,
#  activity, person, journey)
Row = tuple[str | None, float | None, int, int, str | None, str | None, str | None, str | None,
            str | None]


def timestamp(text: str | None) -> tuple[float | None, int]:
    """ISO-8601 text -> (epoch seconds UTC, status 0 parsed | 1 missing | 2 unparseable).
    A time without an offset is taken as UTC."""
    if text is None or not text.strip():
        return None, 1
    value = text.strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    value = _FRACTION.sub(lambda m: m.group(1)[:7].ljust(7, "0"), value)  # 3.10 wants 0, 3 or 6
    try:
        moment = datetime.datetime.fromisoformat(value)
    except ValueError:
        return None, 2
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.timezone.utc)
    return moment.timestamp(), 0


_FRACTION = re.compile(r"(\.[0-9]+)(?=[+-]|$)")


def read(spec: LogSpec, person: tuple[str, Callable[[str], str]] | None = None
         ) -> Iterator[list[Row]]:
    """The log's events in file order, in batches. ``person`` is (resource attribute,
    pseudonymiser); without it that attribute is never read. EvidenceError when the file is not
    XES, or when no event or trace carries a mapped attribute."""
    reader = _Reader(spec, person)
    try:
        with _open(spec.path) as stream:
            while True:
                chunk = stream.read(CHUNK)
                reader.parser.Parse(chunk, not chunk)
                if reader.rows:
                    batch, reader.rows = reader.rows, []
                    yield batch
                if not chunk:
                    break
    except expat.ExpatError as exc:
        where = Position(spec.display, exc.lineno, exc.offset + 1)
        raise EvidenceError(where, f"not well-formed XES: {expat.ErrorString(exc.code)}") from exc
    except (OSError, EOFError, zlib.error) as exc:
        raise EvidenceError(spec.display, f"cannot read: {_reason(exc)}") from exc
    if not reader.seen_log:
        raise EvidenceError(Position(spec.display, 1, 1), "not an XES log: no <log> element")
    if reader.events:
        for name in ("case", "timestamp", "team", "activity", "sequence", "journey"):
            key = spec.columns.get(name)
            if key and not reader.present.get(name):
                raise EvidenceError(spec.where, f"log '{spec.name}': no {_SCOPE[name]} has the "
                                    f"attribute '{key}' mapped as '{name}'")


_SCOPE = {"case": "trace", "timestamp": "event", "team": "event", "activity": "event",
          "sequence": "event", "journey": "trace"}


def _open(path: Path) -> IO[bytes]:
    if gzipped(path):
        return gzip.GzipFile(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


class _Reader:
    def __init__(self, spec: LogSpec, person: tuple[str, Callable[[str], str]] | None) -> None:
        columns = spec.columns
        self.case_key = columns["case"] or ""
        self.journey_key = columns.get("journey")
        self.event_keys = {name: key for name, key in columns.items()
                           if key and name in ("timestamp", "team", "activity", "sequence")}
        self.person = person
        self.wanted = {key for key in (*self.event_keys.values(), self.case_key, self.journey_key,
                                       person[0] if person else None) if key}
        self.present: dict[str, int] = {}
        self.events = 0
        self.rows: list[Row] = []
        self.seen_log = False
        self.defaults: dict[str, dict[str, str]] = {"trace": {}, "event": {}}
        self.global_scope: str | None = None
        self.trace: dict[str, str] | None = None
        self.pending: list[tuple[int, dict[str, str]]] = []
        self.event: dict[str, str] | None = None
        self.event_line = 0
        self.depth = 0  # attribute nesting below the current trace, event or global
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        self.parser = parser

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        tag = tag.rpartition(":")[2]
        if self.depth:
            self.depth += 1
            return
        target: dict[str, str] | None
        if self.event is not None:
            target = self.event
        elif self.global_scope is not None:
            target = self.defaults.setdefault(self.global_scope, {})
        elif self.trace is not None:
            if tag == "event":
                self.event = {}
                self.event_line = self.parser.CurrentLineNumber
                return
            target = self.trace
        else:
            if tag == "log":
                self.seen_log = True
            elif tag == "trace":
                self.trace = {}
            elif tag == "global":
                self.global_scope = attrs.get("scope", "event")
            elif tag in ATTRIBUTE_TAGS or tag in ("list", "container"):
                self.depth = 1  # a log-level attribute, possibly nested: skip it
            return
        if tag in ATTRIBUTE_TAGS:
            key = attrs.get("key")
            if key in self.wanted:  # only what the mapping names: most attributes are not
                target[key] = attrs.get("value", "")
        self.depth = 1

    def end(self, tag: str) -> None:
        tag = tag.rpartition(":")[2]
        if self.depth:
            self.depth -= 1
            return
        if tag == "event" and self.event is not None:
            self.pending.append((self.event_line, self.event))
            self.event = None
        elif tag == "trace" and self.trace is not None:
            self.flush_trace()
            self.trace = None
        elif tag == "global":
            self.global_scope = None

    def flush_trace(self) -> None:
        assert self.trace is not None
        trace = {**self.defaults["trace"], **self.trace}
        case = trace.get(self.case_key)
        if case is not None:
            self.present["case"] = 1
        journey = trace.get(self.journey_key) if self.journey_key else None
        if journey is not None:
            self.present["journey"] = 1
        keys = self.event_keys
        defaults = self.defaults["event"]
        present = self.present
        for line, attributes in self.pending:
            event = {**defaults, **attributes} if defaults else attributes
            values = {name: event.get(key) for name, key in keys.items()}
            for name, value in values.items():
                if value is not None:
                    present[name] = 1
            ts, status = timestamp(values.get("timestamp"))
            pseudonym = None
            if self.person is not None:
                raw = event.get(self.person[0])
                pseudonym = self.person[1](raw) if raw else None
            self.rows.append((case, ts, status, line, values.get("sequence"), values.get("team"),
                              values.get("activity"), pseudonym, journey))
        self.events += len(self.pending)
        self.pending = []
