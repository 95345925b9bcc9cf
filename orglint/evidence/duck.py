"""The DuckDB engine: the evidence SQL in process, out of core (spills to a temporary folder
past ``memory_limit``). Needs the ``orglint[evidence]`` extra."""

from __future__ import annotations

import contextlib
import csv
import gzip
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from orglint.evidence import xes
from orglint.evidence.settings import EvidenceError, EvidenceSettings, LogSpec, empty_file, gzipped, reason
from orglint.finding import Position

# `log` is the log's place in the config (0, 1, ...): small, where a name would cost every row
RAW_COLUMNS = (("log", "SMALLINT"), ("journey", "VARCHAR"), ("case_id", "VARCHAR"),
               ("ts", "DOUBLE"), ("ts_status", "TINYINT"), ("row_no", "BIGINT"),
               ("seq", "DOUBLE"), ("team_value", "VARCHAR"), ("activity", "VARCHAR"),
               ("person", "VARCHAR"), ("event_no", "BIGINT"))
TIMESTAMP_TYPES = ("TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP_NS", "TIMESTAMP_MS",
                   "TIMESTAMP_S", "DATE")


def literal(text: str) -> str:
    """A DuckDB string literal."""
    return "'" + text.replace("'", "''") + "'"


def identifier(name: str) -> str:
    """A DuckDB quoted identifier (a column name as the log spells it)."""
    return '"' + name.replace('"', '""') + '"'


class DuckDBEngine:
    """The evidence SQL on an in-process DuckDB connection with ``memory_limit`` and a private
    temporary folder to spill into; EvidenceError when DuckDB is not installed."""

    name = "duckdb"
    quantile = "quantile_cont"

    def __init__(self, settings: EvidenceSettings) -> None:
        try:
            import duckdb
        except ImportError as exc:
            raise EvidenceError(None, "reading event logs needs DuckDB: "
                                "pip install 'orglint[evidence]'") from exc
        self.duckdb = duckdb
        self.folder = tempfile.TemporaryDirectory(prefix="orglint-evidence-")
        self.con = duckdb.connect(config={"memory_limit": settings.memory_limit,
                                          "temp_directory": self.folder.name})
        self.con.execute("SET enable_progress_bar = false")  # it would write to standard output
        # with ICU loaded, a time without an offset would be local time: pin it to UTC (without
        # ICU the setting does not exist, and DuckDB's own TIMESTAMPTZ is UTC)
        with contextlib.suppress(duckdb.Error):
            self.con.execute("SET TimeZone = 'UTC'")
        self.pseudonym: Callable[[str], str] | None = None
        self.logs: list[str] = []  # per log, the relation of its events (raw_events' parts)
        self.activity = settings.acknowledge_activity is not None  # else never read

    literal = staticmethod(literal)

    def close(self) -> None:
        """Close the connection and delete the temporary folder."""
        self.con.close()
        self.folder.cleanup()

    def __enter__(self) -> DuckDBEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------------

    def load(self, log: LogSpec, person: tuple[str, Callable[[str], str]] | None) -> None:
        """Append one log to ``raw_events``; EvidenceError for a file or column it cannot use."""
        if not log.path.is_file():
            raise EvidenceError(log.where, f"log '{log.display}' does not exist")
        if empty_file(log.path):  # no header, no <log>: a log without events (EVD007)
            empty = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in RAW_COLUMNS)
            self._add(log, f"SELECT {empty} WHERE 1 = 0", table=False)
            return
        if log.timestamp_format:
            self._check_format(log)
        if log.format == "xes":
            self._load_xes(log, person)
            return
        if person is not None and self.pseudonym is None:
            self.pseudonym = person[1]
            self.con.create_function("orglint_pseudonym", person[1], ["VARCHAR"], "VARCHAR",
                                     side_effects=False)
        path = literal(str(log.path))
        if log.format == "csv":
            # the dialect is fixed, never sniffed: a sniffer that guesses wrong drops rows
            columns = ", ".join(f"{literal(name)}: 'VARCHAR'" for name in _csv_header(log))
            # compressed or not by its first bytes, as the header was read (not by its name)
            compression = "gzip" if gzipped(log.path) else "none"
            source = (f"read_csv({path}, header = true, auto_detect = false, delim = ',', "
                      f"quote = '\"', escape = '\"', compression = '{compression}', "
                      f"columns = {{{columns}}})")
        else:
            source = f"read_parquet({path}, file_row_number = true)"
        types = self._describe(log, source)
        if log.format == "parquet":
            types.pop("file_row_number", None)
        missing = [(name, column) for name, column in log.columns.items()
                   if column and column not in types]
        if person is not None and person[0] not in types:
            missing.append(("people", person[0]))
        if missing:
            name, column = missing[0]
            known = ", ".join(sorted(types)) or "none"
            raise EvidenceError(log.where, f"log '{log.name}' has no column '{column}' (mapped as "
                                f"'{name}'; its columns: {known})")
        self._add(log, self._insert(log, source, types, person[0] if person else None),
                  table=log.format == "csv")

    def _describe(self, log: LogSpec, source: str) -> dict[str, str]:
        try:
            rows = self.con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
        except self.duckdb.Error as exc:
            kind = {"csv": "CSV", "parquet": "Parquet"}[log.format]
            raise EvidenceError(log.display, f"cannot read as {kind}: {_unpathed(log, exc)}"
                                ) from exc
        return {str(row[0]): str(row[1]) for row in rows}

    def _check_format(self, log: LogSpec) -> None:
        """EvidenceError at the config's ``timestamp_format`` when DuckDB cannot read it."""
        try:
            self.con.execute(f"SELECT try_strptime('', {literal(log.timestamp_format or '')})")
        except self.duckdb.Error as exc:
            raise EvidenceError(log.timestamp_format_where or log.where,
                                f"timestamp_format '{log.timestamp_format}' is not a strptime "
                                f"format: {reason(exc)}") from exc

    def _insert(self, log: LogSpec, source: str, types: dict[str, str], people: str | None
                ) -> str:
        """The SELECT of one log's events in the columns of ``raw_events``: only the mapped
        columns are read, each once; the row number is the Parquet file's, else NULL (the
        table the CSV is read into numbers its rows)."""
        columns = log.columns
        ts = identifier(columns["timestamp"] or "")
        kind = types[columns["timestamp"] or ""]
        if kind.startswith(TIMESTAMP_TYPES):
            text, parsed = f"CASE WHEN {ts} IS NULL THEN NULL ELSE 'x' END", f"epoch({ts})"
        elif kind in ("VARCHAR",):
            text = ts
            parsed = (f"epoch(try_strptime({ts}, {literal(log.timestamp_format)}))"
                      if log.timestamp_format else f"epoch(TRY_CAST({ts} AS TIMESTAMPTZ))")
        else:  # numbers are epoch seconds
            text, parsed = f"CAST({ts} AS VARCHAR)", f"TRY_CAST({ts} AS DOUBLE)"

        def text_of(name: str) -> str:
            column = columns.get(name)
            return f"CAST({identifier(column)} AS VARCHAR)" if column else "NULL"

        sequence = columns.get("sequence")
        seq = f"TRY_CAST({identifier(sequence)} AS DOUBLE)" if sequence else "NULL"
        person = f"orglint_pseudonym(CAST({identifier(people)} AS VARCHAR))" if people else "NULL"
        journey = literal(log.journey) if log.journey else "NULL"
        if columns.get("journey"):
            journey = f"coalesce({text_of('journey')}, {journey})"
        # a Parquet file numbers its rows; a CSV's are numbered by the table it is read into
        row_no = "file_row_number + 1" if log.format == "parquet" else "CAST(NULL AS BIGINT)"
        return f"""
SELECT {len(self.logs)} AS log, journey, case_id, ts,
       CAST(CASE WHEN ts_text IS NULL OR trim(ts_text) = '' THEN 1
                 WHEN ts IS NULL THEN 2 ELSE 0 END AS TINYINT) AS ts_status,
       row_no, coalesce(seq, row_no) AS seq, team_value, activity, person, row_no AS event_no
FROM (
  SELECT {text_of("case")} AS case_id, {text} AS ts_text, {parsed} AS ts,
         {seq} AS seq, {text_of("team")} AS team_value,
         {text_of("activity") if self.activity else "NULL"} AS activity,
         {person} AS person, {journey} AS journey, {row_no} AS row_no
  FROM {source}
) src
"""

    def _load_xes(self, log: LogSpec, person: tuple[str, Callable[[str], str]] | None) -> None:
        target = Path(self.folder.name) / f"xes-{len(self.logs)}.csv"
        written = 0
        with open(target, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            for batch in xes.read(log, person):
                writer.writerows(batch)
                written += len(batch)
        if not written:  # nothing to read, but the log keeps its place
            target.unlink()
            empty = ", ".join(f"CAST(NULL AS {kind}) AS {name}" for name, kind in RAW_COLUMNS)
            self._add(log, f"SELECT {empty} WHERE 1 = 0", table=False)
            return
        types = ", ".join(f"{literal(name)}: {literal(kind)}" for name, kind in
                          (("case_id", "VARCHAR"), ("ts", "DOUBLE"), ("ts_status", "TINYINT"),
                           ("row_no", "BIGINT"), ("seq", "VARCHAR"), ("team_value", "VARCHAR"),
                           ("activity", "VARCHAR"), ("person", "VARCHAR"), ("journey", "VARCHAR")))
        journey = literal(log.journey) if log.journey else "NULL"
        self._add(log, f"""
SELECT {len(self.logs)} AS log, coalesce(journey, {journey}) AS journey, case_id, ts, ts_status,
       row_no, coalesce(TRY_CAST(seq AS DOUBLE), row_no) AS seq, team_value, activity, person,
       CAST(NULL AS BIGINT) AS event_no
FROM read_csv({literal(str(target))}, header = false, columns = {{{types}}},
              quote = '"', escape = '"', nullstr = '')
""", table=True)
        target.unlink()

    def _add(self, log: LogSpec, select: str, table: bool) -> None:
        """One log's events as the relation ``raw_<n>``: a view over a Parquet file (read
        where it lies, its row numbers its own), else a view over a table (read once, in file
        order, so that a row without a number of its own gets its rowid + 1); ``raw_events``
        is every log's, one after another."""
        name = f"raw_{len(self.logs)}"
        if table:
            statement = f"CREATE TEMP TABLE {name}_rows AS {select}"
            view = (f"CREATE TEMP VIEW {name} AS SELECT log, journey, case_id, ts, ts_status, "
                    f"coalesce(row_no, rowid + 1) AS row_no, coalesce(seq, rowid + 1) AS seq, "
                    f"team_value, activity, person, rowid AS event_no FROM {name}_rows")
        else:
            statement, view = f"CREATE TEMP VIEW {name} AS {select}", None
        try:
            self.con.execute(statement)
            if view is not None:
                self.con.execute(view)
        except self.duckdb.Error as exc:
            raise _csv_error(log, exc) from exc
        self.logs.append(name)
        self.con.execute("CREATE OR REPLACE TEMP VIEW raw_events AS "
                         + " UNION ALL ".join(f"SELECT * FROM {item}" for item in self.logs))

    # -- computing -----------------------------------------------------------------------------

    def table(self, name: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]]
              ) -> None:
        """A small table of declared facts (team map, SLAs, journey steps)."""
        spec = ", ".join(f"{column} {kind}" for column, kind in columns)
        self.con.execute(f"CREATE OR REPLACE TEMP TABLE {name} ({spec})")
        rows = list(rows)
        marks = "(" + ", ".join("?" for _ in columns) + ")"
        for start in range(0, len(rows), 500):  # one statement per 500 rows: executemany is slow
            chunk = rows[start:start + 500]
            self.con.execute(f"INSERT INTO {name} VALUES {', '.join([marks] * len(chunk))}",
                             [value for row in chunk for value in row])

    def materialise(self, name: str, statement: str) -> None:
        """Run ``statement`` and keep its rows as the temporary table ``name``."""
        # the logs are read (a CSV row's number is its place in the table): from here on,
        # no result depends on the order rows come in, and not keeping it is faster
        self.con.execute("SET preserve_insertion_order = false")
        self._execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {statement}")

    def query(self, statement: str) -> list[tuple[Any, ...]]:
        """The rows of ``statement``, as tuples."""
        return list(self._execute(statement).fetchall())

    def _execute(self, statement: str) -> Any:
        """Run a computing statement; EvidenceError (one line) when DuckDB fails, e.g. out of
        memory with nowhere to spill."""
        try:
            return self.con.execute(statement)
        except self.duckdb.Error as exc:
            hint = ("; raise 'memory_limit' in 'evidence:' or free disk space to spill into"
                    if isinstance(exc, self.duckdb.OutOfMemoryException) else "")
            raise EvidenceError(None, f"DuckDB could not compute the evidence: {reason(exc)}"
                                f"{hint}") from exc


def _csv_header(log: LogSpec) -> list[str]:
    """The column names on the first line of a CSV log (gzip or not)."""
    try:
        opener: Any = gzip.open if gzipped(log.path) else open
        with opener(log.path, "rt", encoding="utf-8-sig", newline="") as stream:
            return next(csv.reader(stream), [])
    except (OSError, EOFError, UnicodeDecodeError, csv.Error) as exc:
        raise EvidenceError(log.display, f"cannot read the header: {exc}") from exc


def _csv_error(log: LogSpec, exc: BaseException) -> EvidenceError:
    """DuckDB's several-line CSV error as one line at its place: `e.csv:3:1: not valid CSV: ...`."""
    lines = [line.strip() for line in str(exc).splitlines()]
    found = re.search(r"CSV Error on Line: (\d+)", lines[0] if lines else "")
    if not found:
        return EvidenceError(log.display, f"cannot read: {_unpathed(log, exc)}")
    reason = next((line for line in lines[1:] if line and not line.startswith(
        ("Original Line", "Possible fixes", "*", "file=", "delimiter", "quote", "escape"))),
        "malformed row")
    return EvidenceError(Position(log.display, int(found.group(1)), 1), f"not valid CSV: {reason}")


def _unpathed(log: LogSpec, exc: BaseException) -> str:
    """The engine's reason without the log's absolute path (the message names the log)."""
    text = reason(exc).replace(f"'{log.path}'", "").replace(str(log.path), "")
    return re.sub(r"\s+", " ", text).strip(" :")
