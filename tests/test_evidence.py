"""Evidence: the definitions on small logs computed by hand, every reader, privacy and k."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from orglint.config import load_config
from orglint.engine.check import prepare
from orglint.evidence import xes
from orglint.evidence.figures import Boundary, Latency
from orglint.evidence.observe import observe
from orglint.evidence.settings import EvidenceError, TeamMap, parse, seconds
from orglint.load.documents import load_text

pytest.importorskip("duckdb")

ORG = """
people:
  ana: {name: Ana Ruiz}
teams:
  desk: {lead: ana}
  network: {lead: ana}
  vendor: {lead: ana}
journeys:
  incident: {owner: ana, path: [desk, network, vendor]}
handoffs:
  desk-to-network: {from: desk, to: network, owner: ana, sla: {acknowledge: 30m, complete: 2h}}
"""

# c1: desk, network, desk, network    ping-pong; handoffs d>n (10m), n>d (5m), d>n (20m)
# c2: desk, network, vendor           follows the path; d>n (1h), n>v (2h)
# c3: network (one team)              follows; no handoff
# c4: vendor, desk                    off the path (a step backwards); v>d (30m)
LOG = """case,timestamp,team,activity
c1,2024-03-04T09:00:00Z,desk,Opened
c1,2024-03-04T09:10:00Z,network,Queued
c1,2024-03-04T09:15:00Z,network,Accepted
c1,2024-03-04T09:20:00Z,desk,Queued
c1,2024-03-04T09:40:00Z,network,Queued
c2,2024-03-04T08:00:00Z,desk,Opened
c2,2024-03-04T09:00:00Z,network,Queued
c2,2024-03-04T09:30:00Z,network,Accepted
c2,2024-03-04T11:30:00Z,vendor,Queued
c3,2024-03-05T09:00:00Z,network,Opened
c4,2024-03-06T09:00:00Z,vendor,Opened
c4,2024-03-06T09:30:00Z,desk,Closed
"""


def evidence_for(tmp_path: Path, log: str = LOG, org: str = ORG, extra: str = "",
                 name: str = "events.csv", engine: str | None = None):
    (tmp_path / name).write_text(log, encoding="utf-8")
    config = tmp_path / "orglint.yaml"
    config.write_text(f"evidence:\n  k: 1\n  min_support: 1\n{extra}"
                      f"  logs: [{{path: {name}, journey: incident, columns: {{activity: activity}}}}]\n",
                      encoding="utf-8")
    settings = load_config(config, "orglint.yaml").evidence
    assert settings is not None
    built, _ = prepare([load_text(org, "org.yaml")])
    return observe(settings, built, engine)


def test_definitions_on_a_small_log(tmp_path):
    found = evidence_for(tmp_path)
    assert (found.events, found.cases, found.teams, found.handoffs) == (12, 4, 3, 6)
    assert found.period == "2024-03-04..2024-03-06"
    assert found.boundaries == (
        Boundary("desk", "network", handoffs=3, cases=2, returns=1, bounced=1,
                 acknowledge=Latency(3, 1200.0, 3120.0, 1),
                 complete=Latency(3, 1200.0, 4560.0, 0), declared=("desk-to-network",)),
        Boundary("network", "desk", handoffs=1, cases=1, returns=1, bounced=1,
                 acknowledge=Latency(1, 300.0, 300.0), complete=Latency(1, 300.0, 300.0)),
        Boundary("network", "vendor", handoffs=1, cases=1, returns=0, bounced=0,
                 acknowledge=Latency(1, 7200.0, 7200.0), complete=Latency(1, 7200.0, 7200.0)),
        Boundary("vendor", "desk", handoffs=1, cases=1, returns=0, bounced=0,
                 acknowledge=Latency(1, 1800.0, 1800.0), complete=Latency(1, 1800.0, 1800.0)),
    )
    assert found.coverage == 0.5
    assert found.teams_per_case == ((1, 1), (2, 2), (3, 1))
    assert found.mean_teams_per_case == 2.0
    assert (found.ping_pong_cases, found.ping_pong_share) == (1, 0.25)
    (journey,) = found.journeys
    assert (journey.journey, journey.cases, journey.conforming, journey.declared_teams) == (
        "incident", 4, 2, 3)
    assert found.observed_teams == frozenset({"desk", "network", "vendor"})


def test_acknowledge_runs_to_the_configured_activity(tmp_path):
    found = evidence_for(tmp_path, extra="  acknowledge_activity: Accepted\n")
    # c1's first d>n is accepted 15m after desk's last event; c2's after 1.5h; c1's second
    # d>n and every other handoff has no "Accepted" in the receiving stretch: not timed
    assert found.boundary("desk", "network").acknowledge == Latency(2, 3150.0, 4950.0, 1)
    assert found.boundary("vendor", "desk").acknowledge == Latency(0, None, None, None)


def test_the_period_keeps_whole_days_and_counts_what_it_leaves_out(tmp_path):
    found = evidence_for(tmp_path, extra="  period: {from: 2024-03-05, to: 2024-03-05}\n")
    assert (found.events, found.cases, found.handoffs, found.period) == (1, 1, 0,
                                                                         "2024-03-05..2024-03-05")
    assert found.quality[0].outside_period == 11


def _observe_file(folder: Path, name: str, data: bytes):
    folder.mkdir()
    (folder / name).write_bytes(data)
    config = folder / "orglint.yaml"
    config.write_text(f"evidence:\n  k: 1\n  min_support: 1\n  logs: [{{path: {name}, "
                      f"journey: incident, columns: {{activity: activity}}}}]\n", encoding="utf-8")
    settings = load_config(config, "orglint.yaml").evidence
    assert settings is not None
    return observe(settings, prepare([load_text(ORG, "org.yaml")])[0])


def test_parquet_with_native_timestamps_and_gzip_csv_give_the_same_figures(tmp_path):
    import duckdb

    (tmp_path / "csv").mkdir()
    from_csv = evidence_for(tmp_path / "csv")
    parquet = tmp_path / "events.parquet"
    duckdb.sql(f"COPY (SELECT \"case\", CAST(\"timestamp\" AS TIMESTAMPTZ) AS \"timestamp\", "
               f"team, activity FROM read_csv('{tmp_path / 'csv' / 'events.csv'}')) "
               f"TO '{parquet}' (FORMAT parquet)")
    for found in (_observe_file(tmp_path / "pq", "events.parquet", parquet.read_bytes()),
                  _observe_file(tmp_path / "gz", "events.csv.gz", gzip.compress(LOG.encode()))):
        assert found.boundaries == from_csv.boundaries
        assert found.teams_per_case == from_csv.teams_per_case
        assert found.journeys == from_csv.journeys


XES = """<?xml version="1.0" encoding="UTF-8" ?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <global scope="event">
    <string key="org:group" value="UNKNOWN"/>
  </global>
  <string key="concept:name" value="a log-level attribute"/>
  <trace>
    <string key="concept:name" value="case-1"/>
    <event>
      <string key="org:group" value="Desk"/>
      <string key="concept:name" value="Opened"/>
      <string key="org:resource" value="Anne"/>
      <date key="time:timestamp" value="2024-03-04T10:00:00.000+01:00"/>
    </event>
    <event>
      <container key="details">
        <string key="org:group" value="nested, not the team"/>
      </container>
      <date key="time:timestamp" value="2024-03-04T09:30:00Z"/>
    </event>
    <event>
      <string key="org:group" value="Network"/>
      <date key="time:timestamp" value="not a time"/>
    </event>
  </trace>
  <trace>
    <string key="concept:name" value="case-2"/>
    <event>
      <string key="org:group" value="Network"/>
    </event>
  </trace>
</log>
"""


def test_xes_is_streamed_with_globals_nested_attributes_and_lines(tmp_path):
    path = tmp_path / "log.xes.gz"
    path.write_bytes(gzip.compress(XES.encode()))
    settings = parse({"logs": [{"path": str(path)}]}, tmp_path, lambda *p, **k: None)
    rows = [row for batch in xes.read(settings.logs[0]) for row in batch]
    assert rows == [
        ("case-1", 1709542800.0, 0, 9, None, "Desk", "Opened", None, None),
        ("case-1", 1709544600.0, 0, 15, None, "UNKNOWN", None, None, None),
        ("case-1", None, 2, 21, None, "Network", None, None, None),
        ("case-2", None, 1, 28, None, "Network", None, None, None),
    ]


def test_xes_reads_the_resource_only_when_asked_and_only_as_a_pseudonym(tmp_path):
    path = tmp_path / "log.xes"
    path.write_text(XES, encoding="utf-8")
    settings = parse({"logs": [{"path": str(path)}]}, tmp_path, lambda *p, **k: None)
    rows = [row for batch in xes.read(settings.logs[0], ("org:resource", str.upper))
            for row in batch]
    assert [row[7] for row in rows] == ["ANNE", None, None, None]


@pytest.mark.parametrize(("text", "expected"), [
    ("30m", 1800.0), ("4h", 14400.0), ("2d", 172800.0), ("1w", 604800.0), ("1.5h", 5400.0),
    ("PT4H", 14400.0), ("P1DT2H30M", 95400.0), ("P1W", 604800.0), ("soon", None), ("P", None),
])
def test_durations_in_seconds(text, expected):
    assert seconds(text) == expected


def test_team_map_exact_values_before_patterns_in_order():
    import re

    team_map = TeamMap((("V5 3rd", "vendor"),),
                       ((re.compile(r".* 3rd"), "third"), (re.compile(r".*"), "desk")))
    assert [team_map.team(v) for v in ("V5 3rd", "G1 3rd", "G1", "")] == [
        "vendor", "third", "desk", "desk"]
    assert TeamMap().team("as-is") == "as-is"
    assert TeamMap((("a", "b"),)).team("c") is None


def test_a_log_that_does_not_exist_is_one_error(tmp_path):
    config = tmp_path / "orglint.yaml"
    config.write_text("evidence:\n  logs: [{path: missing.csv}]\n", encoding="utf-8")
    settings = load_config(config, "orglint.yaml").evidence
    assert settings is not None
    with pytest.raises(EvidenceError) as raised:
        observe(settings, prepare([load_text(ORG, "org.yaml")])[0])
    assert str(raised.value) == "orglint.yaml:2:10: log 'missing.csv' does not exist"


@pytest.mark.parametrize(("config", "command_line", "message"), [
    ("evidence:\n  engine: spark\n  logs: [{path: e.csv}]\n", None,
     "orglint.yaml:2:11: 'engine: spark' needs PySpark: pip install 'orglint[spark]'"),
    ("evidence:\n  logs: [{path: e.csv}]\n", "spark",
     "--engine spark needs PySpark: pip install 'orglint[spark]'"),
])
def test_spark_missing_names_where_it_was_asked_for(tmp_path, monkeypatch, config, command_line,
                                                      message):
    import sys

    monkeypatch.setitem(sys.modules, "pyspark.sql", None)  # as if PySpark were not installed
    (tmp_path / "orglint.yaml").write_text(config, encoding="utf-8")
    (tmp_path / "e.csv").write_text(LOG, encoding="utf-8")
    settings = load_config(tmp_path / "orglint.yaml", "orglint.yaml").evidence
    assert settings is not None
    with pytest.raises(EvidenceError) as raised:
        observe(settings, prepare([load_text(ORG, "org.yaml")])[0], command_line)
    assert str(raised.value) == message
