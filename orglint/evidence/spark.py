"""The Spark engine: the same evidence SQL on Apache Spark, for logs that live in a data lake.
Needs the ``orglint[spark]`` extra (and Java). ``--engine spark`` or ``engine: spark``.

Spark is started in local mode unless ``SPARK_MASTER`` (or an active session) says otherwise.
CSV and Parquet logs are read by Spark itself; an XES log is parsed on the driver (streamed, as
with DuckDB) into a CSV file that Spark reads. The session runs with time zone UTC and without
ANSI mode, so an unparseable timestamp is NULL (and counted), never an error.
"""

from __future__ import annotations

import csv
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from orglint.evidence import xes
from orglint.evidence.settings import EvidenceError, EvidenceSettings, LogSpec, empty_file

RAW = ("log", "journey", "case_id", "ts", "ts_status", "row_no", "seq", "team_value", "activity",
       "person", "event_no")
RAW_TYPES = ("int", "string", "string", "double", "int", "bigint", "double", "string", "string",
             "string", "bigint")
TYPES = {"VARCHAR": "string", "DOUBLE": "double", "INTEGER": "int", "BIGINT": "bigint",
         "SMALLINT": "int"}
# strftime directives -> Java DateTimeFormatter patterns
STRFTIME = {"%Y": "yyyy", "%m": "MM", "%d": "dd", "%H": "HH", "%M": "mm", "%S": "ss",
            "%f": "SSSSSS", "%z": "XX", "%b": "MMM", "%y": "yy", "%%": "%", "%I": "hh",
            "%p": "a", "%j": "DDD"}


def literal(text: str) -> str:
    """A Spark SQL string literal (backslash escapes)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def java_pattern(fmt: str) -> str:
    """A strftime format as a Java pattern; ValueError for a directive Spark cannot read."""
    out = []
    for token in re.findall(r"%.|[A-Za-z]+|[^%A-Za-z]+", fmt):
        if token.startswith("%"):
            if token not in STRFTIME:
                raise ValueError(f"the timestamp format directive {token} has no Spark equivalent")
            out.append(STRFTIME[token])
        elif token.isalpha():
            out.append("'" + token + "'")  # letters are pattern symbols in Java: quote them
        else:
            out.append(token.replace("'", "''"))
    return "".join(out)


class SparkEngine:
    """The evidence SQL on a Spark session (local mode unless ``SPARK_MASTER`` says otherwise),
    UTC, without ANSI mode; EvidenceError when PySpark is not installed."""

    name = "spark"
    quantile = "percentile"

    def __init__(self, settings: EvidenceSettings, from_config: bool = False) -> None:
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:
            # name the setting where it was made: the config's key, or the command line's
            where, asked = ((settings.engine_where, "'engine: spark'") if from_config
                            else (None, "--engine spark"))
            raise EvidenceError(where, f"{asked} needs PySpark: pip install "
                                "'orglint[spark]'") from exc
        self.folder = tempfile.TemporaryDirectory(prefix="orglint-spark-")
        builder = (SparkSession.builder.appName("orglint-evidence")
                   .config("spark.sql.session.timeZone", "UTC")
                   .config("spark.sql.ansi.enabled", "false")
                   .config("spark.ui.enabled", "false")
                   .config("spark.ui.showConsoleProgress", "false")
                   .config("spark.sql.shuffle.partitions", os.environ.get(
                       "ORGLINT_SPARK_PARTITIONS", "8")))
        builder = builder.master(os.environ.get("SPARK_MASTER", "local[*]"))
        self.spark = builder.getOrCreate()
        self.spark.sparkContext.setLogLevel("ERROR")
        self.raw: Any = None
        self.loaded = 0  # a log's key in `log` is its place in the config
        self.views: list[str] = []

    literal = staticmethod(literal)

    def close(self) -> None:
        """Drop the views and cached tables of this run and delete the temporary folder."""
        for view in self.views:
            self.spark.catalog.dropTempView(view)
        self.spark.catalog.clearCache()
        self.folder.cleanup()

    # -- reading -------------------------------------------------------------------------------

    def load(self, log: LogSpec, person: tuple[str, Callable[[str], str]] | None) -> None:
        """Add one log to ``raw_events``; EvidenceError for a file or column it cannot use."""
        from pyspark.sql import functions as F

        if not log.path.is_file() and not log.path.is_dir():
            raise EvidenceError(log.where, f"log '{log.display}' does not exist")
        if log.path.is_file() and empty_file(log.path):  # a log without events (EVD007)
            frame = self.spark.createDataFrame([], ", ".join(
                f"{name} {kind}" for name, kind in zip(RAW, RAW_TYPES, strict=True)))
        else:
            frame = (self._xes_frame(log, person) if log.format == "xes"
                     else self._tabular_frame(log, person, F))
        self.loaded += 1
        self.raw = frame if self.raw is None else self.raw.unionByName(frame)
        self.raw.createOrReplaceTempView("raw_events")
        self.views.append("raw_events")

    def _tabular_frame(self, log: LogSpec, person: tuple[str, Callable[[str], str]] | None,
                       F: Any) -> Any:
        from pyspark.errors import AnalysisException

        try:
            if log.format == "csv":
                source = self.spark.read.option("header", True).option("mode", "FAILFAST") \
                    .csv(str(log.path))
            else:
                source = self.spark.read.parquet(str(log.path))
        except AnalysisException as exc:
            raise EvidenceError(log.display, str(exc).splitlines()[0]) from exc
        names = set(source.columns)
        wanted = [(name, column) for name, column in log.columns.items() if column]
        if person is not None:
            wanted.append(("people", person[0]))
        for name, column in wanted:
            if column not in names:
                raise EvidenceError(log.where, f"log '{log.name}' has no column '{column}' "
                                    f"(mapped as '{name}'; its columns: "
                                    f"{', '.join(sorted(names))})")
        # file order, exact: zipWithIndex numbers rows in the order Spark read them
        indexed = source.rdd.zipWithIndex().map(lambda pair: (*pair[0], pair[1] + 1))
        frame = indexed.toDF([*source.columns, "__row"])
        columns = log.columns
        ts_col = F.col(f"`{columns['timestamp']}`")
        kind = dict(source.dtypes)[columns["timestamp"] or ""]
        if kind in ("timestamp", "timestamp_ntz", "date"):
            text, parsed = F.when(ts_col.isNull(), None).otherwise(F.lit("x")), \
                ts_col.cast("timestamp").cast("double")
        elif kind == "string":
            text = ts_col
            if log.timestamp_format:
                try:
                    pattern = java_pattern(log.timestamp_format)
                except ValueError as exc:
                    raise EvidenceError(log.timestamp_format_where or log.where, str(exc)) from exc
                parsed = F.to_timestamp(ts_col, pattern).cast("double")
            else:
                parsed = F.to_timestamp(ts_col).cast("double")
        else:  # numbers are epoch seconds
            text, parsed = ts_col.cast("string"), ts_col.cast("double")

        def text_of(name: str) -> Any:
            column = columns.get(name)
            return F.col(f"`{column}`").cast("string") if column else F.lit(None).cast("string")

        journey = F.lit(log.journey).cast("string")
        if columns.get("journey"):
            journey = F.coalesce(text_of("journey"), journey)
        seq = (F.col(f"`{columns['sequence']}`").cast("double") if columns.get("sequence")
               else F.lit(None).cast("double"))
        pseudonym: Any = F.lit(None).cast("string")
        if person is not None:
            hmac_udf = F.udf(lambda value: person[1](value) if value else None, "string")
            pseudonym = hmac_udf(F.col(f"`{person[0]}`").cast("string"))
        staged = frame.select(
            F.lit(self.loaded).alias("log"), journey.alias("journey"),
            text_of("case").alias("case_id"), text.alias("ts_text"), parsed.alias("ts"),
            F.col("__row").cast("bigint").alias("row_no"), seq.alias("seq"),
            text_of("team").alias("team_value"), text_of("activity").alias("activity"),
            pseudonym.alias("person"))
        status = (F.when(F.col("ts_text").isNull() | (F.trim(F.col("ts_text")) == ""), 1)
                  .when(F.col("ts").isNull(), 2).otherwise(0))
        return staged.select(
            "log", "journey", "case_id", "ts", status.cast("int").alias("ts_status"), "row_no",
            F.coalesce(F.col("seq"), F.col("row_no").cast("double")).alias("seq"),
            "team_value", "activity", "person", F.col("row_no").alias("event_no"))

    def _xes_frame(self, log: LogSpec, person: tuple[str, Callable[[str], str]] | None) -> Any:
        target = Path(self.folder.name) / f"xes-{len(self.views)}.csv"
        with open(target, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            for batch in xes.read(log, person):
                writer.writerows(batch)
        schema = ("case_id string, ts double, ts_status int, row_no bigint, seq string, "
                  "team_value string, activity string, person string, journey string")
        frame = self.spark.read.schema(schema).option("header", False) \
            .option("multiLine", True).option("escape", '"').csv(str(target))
        from pyspark.sql import functions as F

        return frame.select(
            F.lit(self.loaded).alias("log"),
            F.coalesce(F.col("journey"), F.lit(log.journey).cast("string")).alias("journey"),
            "case_id", "ts", "ts_status", "row_no",
            F.coalesce(F.col("seq").cast("double"), F.col("row_no").cast("double")).alias("seq"),
            "team_value", "activity", "person",
            # a line may hold several events: a number of their own, unique (not consecutive)
            F.monotonically_increasing_id().alias("event_no"))

    # -- computing -----------------------------------------------------------------------------

    def table(self, name: str, columns: Sequence[tuple[str, str]],
              rows: Sequence[Sequence[Any]]) -> None:
        """A small table of declared facts as the temporary view ``name``."""
        schema = ", ".join(f"{column} {TYPES[kind]}" for column, kind in columns)
        frame = self.spark.createDataFrame([tuple(row) for row in rows], schema)
        frame.createOrReplaceTempView(name)
        self.views.append(name)

    def materialise(self, name: str, statement: str) -> None:
        """Run ``statement``, cache its rows, and name them ``name``."""
        frame = self.spark.sql(statement).cache()
        frame.createOrReplaceTempView(name)
        self.views.append(name)

    def query(self, statement: str) -> list[tuple[Any, ...]]:
        """The rows of ``statement``, collected to the driver, as tuples."""
        return [tuple(row) for row in self.spark.sql(statement).collect()]
