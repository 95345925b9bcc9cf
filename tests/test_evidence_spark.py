"""The same SQL on Spark gives the same figures as on DuckDB (Spark in local mode).

Runs where PySpark and Java are installed (`tox -e spark`); skipped elsewhere.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest.importorskip("pyspark")
pytest.importorskip("duckdb")
if shutil.which("java") is None:
    pytest.skip("Spark needs Java", allow_module_level=True)

from test_evidence import LOG, ORG

from orglint.engine.check import prepare
from orglint.evidence.observe import observe
from orglint.evidence.settings import parse
from orglint.load.documents import load_text

ROOT = Path(__file__).resolve().parent.parent
INCIDENTS = ROOT / "examples" / "incident-desk" / "logs" / "bpic2013-incidents.xes.gz"


def both(settings, org):
    return observe(settings, org, "duckdb"), observe(settings, org, "spark")


def test_the_small_log_with_an_acknowledge_activity(tmp_path):
    (tmp_path / "events.csv").write_text(LOG, encoding="utf-8")
    settings = parse({"k": 1, "min_support": 1, "acknowledge_activity": "Accepted",
                      "logs": [{"path": "events.csv", "journey": "incident",
                                "columns": {"activity": "activity"}}]},
                     tmp_path, lambda *path, **kind: None)
    duck, spark = both(settings, prepare([load_text(ORG, "org.yaml")])[0])
    assert spark.boundaries == duck.boundaries
    assert (spark.teams_per_case, spark.journeys, spark.quality) == (
        duck.teams_per_case, duck.journeys, duck.quality)


def test_the_incident_log_mapped_to_three_lines():
    settings = parse({"logs": [{"path": str(INCIDENTS), "journey": "incident", "team_map": {
        "re:.* 3rd": "third-line", "re:.* 2nd": "second-line", "re:.*": "service-desk"}}]},
        INCIDENTS.parent, lambda *path, **kind: None)
    org = prepare([load_text(
        "people: {ana: {name: Ana}}\nteams: {service-desk: {lead: ana}, second-line: {lead: ana},"
        " third-line: {lead: ana}}\njourneys: {incident: {owner: ana, path: [service-desk, "
        "second-line, third-line]}}\n", "org.yaml")])[0]
    duck, spark = both(settings, org)
    assert [(b.pair, b.handoffs, b.cases, b.returns, b.bounced) for b in spark.boundaries] == [
        (b.pair, b.handoffs, b.cases, b.returns, b.bounced) for b in duck.boundaries]
    for mine, theirs in zip(spark.boundaries, duck.boundaries, strict=True):
        for kind in ("acknowledge", "complete"):
            assert getattr(mine, kind).p90 == pytest.approx(getattr(theirs, kind).p90)
    assert (spark.events, spark.cases, spark.teams_per_case, spark.journeys) == (
        duck.events, duck.cases, duck.teams_per_case, duck.journeys)


def test_a_file_with_nothing_in_it_is_a_log_without_events(tmp_path):
    (tmp_path / "events.csv").write_text(LOG, encoding="utf-8")
    (tmp_path / "empty.csv").write_bytes(b"")
    settings = parse({"k": 1, "min_support": 1, "logs": [
        {"path": "events.csv", "journey": "incident"}, {"path": "empty.csv"}]},
        tmp_path, lambda *path, **kind: None)
    duck, spark = both(settings, prepare([load_text(ORG, "org.yaml")])[0])
    assert [item.events for item in spark.quality] == [12, 0]
    assert (spark.boundaries, spark.quality) == (duck.boundaries, duck.quality)
