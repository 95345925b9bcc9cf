"""`orglint evidence` and the check with an `evidence:` section, through the real command line:
golden outputs on the real logs, bad input as one line with exit 2, privacy, imports."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("duckdb")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "incident-desk"
INCIDENTS = EXAMPLE / "logs" / "bpic2013-incidents.xes.gz"
RECEIPT = ROOT / "tests" / "fixtures" / "evidence" / "receipt.xes.gz"
GOLDEN = ROOT / "tests" / "golden" / "evidence"
UPDATE = os.environ.get("ORGLINT_UPDATE_GOLDEN", "") not in ("", "0")
ORG = "people:\n  ana: {name: Ana}\nteams:\n  desk: {lead: ana}\n  network: {lead: ana}\n"


def orglint(cwd: Path, *args: str, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if not key.startswith("ORGLINT_")}
    environ.update({"ORGLINT_DISABLE_PLUGIN_AUTOLOAD": "1", "ORGLINT_TODAY": "2026-11-22",
                    **(env or {})})
    done = subprocess.run([sys.executable, "-m", "orglint", *args], cwd=cwd, env=environ,
                          capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert "Traceback" not in done.stdout + done.stderr
    return done


def golden(path: Path, actual: str) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8", newline="\n")
    assert actual == path.read_text(encoding="utf-8"), f"differs from {path}"


def ops_repo(folder: Path, evidence: str, logs: dict[str, bytes | str], org: str = ORG) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "org.yaml").write_text(org, encoding="utf-8")
    (folder / "orglint.yaml").write_text(evidence, encoding="utf-8")
    for name, data in logs.items():
        target = folder / name
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data, encoding="utf-8")
    return folder


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_example_evidence_matches_golden(fmt):
    done = orglint(EXAMPLE, "evidence", "--format", fmt)
    assert (done.returncode, done.stderr) == (0, "")
    suffix = "txt" if fmt == "text" else "json"
    golden(EXAMPLE / f"expected-evidence.{suffix}", done.stdout)


@pytest.mark.parametrize(("name", "log"), [("receipt", RECEIPT), ("bpic2013-groups", INCIDENTS)])
def test_both_shared_logs_with_their_own_team_names(tmp_path, name, log):
    folder = ops_repo(tmp_path, f"evidence:\n  logs: [{{path: '{log}'}}]\n", {})
    text = orglint(folder, "evidence")
    assert (text.returncode, text.stderr) == (0, "")
    golden(GOLDEN / f"{name}.txt", text.stdout)
    again = orglint(folder, "evidence", "--format", "json")
    assert json.loads(again.stdout)["events"] == {"receipt": 8577, "bpic2013-groups": 65533}[name]
    assert orglint(folder, "evidence").stdout == text.stdout  # byte-identical run to run


def test_small_figures_are_suppressed_under_k(tmp_path):
    log = "case,timestamp,team\n" + "".join(
        f"c{n},2024-03-04T09:0{n}:00Z,desk\nc{n},2024-03-04T10:0{n}:00Z,network\n"
        for n in range(6)) + "c9,2024-03-04T09:00:00Z,network\nc9,2024-03-04T09:10:00Z,desk\n"
    folder = ops_repo(tmp_path, "evidence:\n  logs: [{path: events.csv}]\n", {"events.csv": log})
    data = json.loads(orglint(folder, "evidence", "--format", "json").stdout)
    assert data["undeclared_top"] == [{"bounce_rate": 0.0, "cases": 6, "from": "desk",
                                       "handoffs": 6, "ping_pong_rate": 0.0, "to": "network"}]
    assert data["suppressed_boundaries"] == 1
    assert data["teams_per_case"]["distribution"] == [{"cases": 7, "teams": 2}]


BAD_XES = '<?xml version="1.0"?>\n<log>\n  <trace>\n    <event></trace>\n</log>\n'


@pytest.mark.parametrize(("evidence", "logs", "message"), [
    ("evidence:\n  logs: [{path: bad.xes}]\n", {"bad.xes": BAD_XES},
     "orglint: error: bad.xes:4:14: not well-formed XES: mismatched tag"),
    ("evidence:\n  logs: [{path: cut.xes.gz}]\n",
     {"cut.xes.gz": gzip.compress(BAD_XES.encode())[:30]},
     "orglint: error: cut.xes.gz: cannot read: Compressed file ended before the end-of-stream "
     "marker was reached"),
    ("evidence:\n  logs: [{path: notes.xes}]\n", {"notes.xes": "<notes/>\n"},
     "orglint: error: notes.xes:1:1: not an XES log: no <log> element"),
    ("evidence:\n  logs:\n    - {path: e.csv, columns: {team: group}}\n",
     {"e.csv": "case,timestamp,team\nc1,2024-03-04T09:00:00Z,desk\n"},
     "orglint: error: orglint.yaml:3:7: log 'e.csv' has no column 'group' (mapped as 'team'; "
     "its columns: case, team, timestamp)"),
    ("evidence:\n  logs: [{path: missing.parquet}]\n", {},
     "orglint: error: orglint.yaml:2:10: log 'missing.parquet' does not exist"),
    ("evidence:\n  logs: [{path: e.csv, team_map: {'re:(': desk}}]\n", {},
     "orglint.yaml:2:35: config error: 're:(' is not a regular expression: missing ), "
     "unterminated subpattern at position 0"),
    ("evidence:\n  period: {from: 2012-06-30, to: 2012-01-01}\n  logs: [{path: e.csv}]\n", {},
     "orglint.yaml:2:34: config error: the period ends (2012-01-01) before it starts "
     "(2012-06-30); write 'from' first"),
    ("evidence:\n  logs: [{path: e.txt}]\n", {},
     "orglint.yaml:2:17: config error: cannot tell the format of 'e.txt'; name it with "
     "'format: xes|csv|parquet'"),
    ("evidence:\n  logs: [{path: e.csv, colums: {}}]\n", {},
     "orglint.yaml:2:24: config error: unknown field 'colums' in field 'evidence.logs[0]'; "
     "did you mean 'columns'?"),
    ("evidence:\n  people: {column: resource, key_env: ORGLINT_TEST_NO_KEY}\n"
     "  logs: [{path: e.csv}]\n", {"e.csv": "case,timestamp,team,resource\n"},
     "orglint: error: orglint.yaml:2:3: evidence.people needs a key in the environment variable "
     "ORGLINT_TEST_NO_KEY, which is not set"),
    ("include: ['*.yaml']\n", {},
     "orglint: error: the config has no 'evidence:' section naming event logs "
     "(see docs/evidence.md)"),
    ("evidence:\n  journey: incident\n  logs: [{path: e.csv}]\n", {},
     "orglint.yaml:2:3: config error: unknown field 'journey' in section 'evidence'; did you "
     "mean the 'journey' of a log? it goes on each entry of 'logs'"),
    ("evidence:\n  tem_map: {Desk: desk}\n  logs: [{path: e.csv}]\n", {},
     "orglint.yaml:2:3: config error: unknown field 'tem_map' in section 'evidence'; did you "
     "mean the 'team_map' of a log? it goes on each entry of 'logs'"),
    ("evidence:\n  logs: [{path: e.csv, timestamp_format: '%d.%m.%Y %Q'}]\n",
     {"e.csv": "case,timestamp,team\nc1,04.03.2024,desk\n"},
     "orglint: error: orglint.yaml:2:42: timestamp_format '%d.%m.%Y %Q' is not a strptime "
     "format: Failed to parse format specifier %d.%m.%Y %Q: Unrecognized format for "
     "strftime/strptime: %Q"),
    ("evidence:\n  logs: [{path: e.parquet}]\n", {"e.parquet": "case\n"},
     "orglint: error: e.parquet: cannot read as Parquet: File too small to be a Parquet file"),
    ("evidence:\n  logs: [{path: e.parquet}]\n", {"e.parquet": "PAR1" + "x" * 40 + "\n"},
     "orglint: error: e.parquet: cannot read as Parquet: No magic bytes found at end of file"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, evidence, logs, message):
    for command in (["evidence"], ["check"]):
        if command == ["check"] and "no 'evidence:'" in message:
            continue
        done = orglint(ops_repo(tmp_path, evidence, logs), *command)
        assert (done.returncode, done.stdout, done.stderr) == (2, "", message + "\n")


@pytest.mark.parametrize(("log", "message"), [
    ("case,timestamp,team\nc1,2024-03-04T09:00:00Z,desk\nc2,2024,desk,extra\n",
     "e.csv:3:1: not valid CSV: Expected Number of Columns: 3 Found: 4"),
    ('case,timestamp,team\nc1,"2024-03-04,desk\n',
     "e.csv:2:1: not valid CSV: Value with unterminated quote found."),
])
def test_a_broken_csv_is_one_line_and_exit_2(tmp_path, log, message):
    folder = ops_repo(tmp_path, "evidence:\n  logs: [{path: e.csv}]\n", {"e.csv": log})
    done = orglint(folder, "evidence")
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"orglint: error: {message}\n")


def test_an_empty_log_and_one_whose_teams_map_to_nothing_are_findings(tmp_path):
    folder = ops_repo(tmp_path, (
        "evidence:\n  logs:\n    - {path: empty.xes}\n"
        "    - {path: e.csv, team_map: {Desk: desk}}\n"),
        {"empty.xes": '<log xes.version="1.0"/>\n',
         "e.csv": "case,timestamp,team\nc1,2024-03-04T09:00:00Z,Helpdesk\n"})
    done = orglint(folder, "check", "--select", "EVD007")
    assert done.returncode == 0
    assert done.stdout.splitlines()[:2] == [
        "orglint.yaml:3:7: EVD007 [warning] log 'empty.xes' has no events",
        "orglint.yaml:4:7: EVD007 [warning] log 'e.csv': 1 of 1 events have a team value that "
        "maps to no team ('Helpdesk' 1); they are left out",
    ]


def test_a_file_with_nothing_in_it_is_a_log_without_events_in_every_format(tmp_path):
    names = ["e.csv", "e.csv.gz", "e.xes", "e.xes.gz", "e.parquet"]
    folder = ops_repo(tmp_path, "evidence:\n  logs:\n" + "".join(
        f"    - {{path: {name}}}\n" for name in names), {
        name: gzip.compress(b"") if name.endswith(".gz") else b"" for name in names})
    done = orglint(folder, "check", "-q", "--select", "EVD007")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.splitlines() == [
        f"orglint.yaml:{line}:7: EVD007 [warning] log '{name}' has no events"
        for line, name in enumerate(names, start=3)]
    data = json.loads(orglint(folder, "evidence", "--format", "json").stdout)
    assert (data["events"], [log["events"] for log in data["logs"]]) == (0, [0] * 5)


def test_compression_is_told_by_the_content_not_the_name(tmp_path):
    log = "case,timestamp,team\nc1,2024-03-04T09:00:00Z,desk\nc1,2024-03-04T09:30:00Z,network\n"
    folder = ops_repo(tmp_path, "evidence:\n  logs: [{path: plain.csv.gz}, {path: zipped.csv}]\n",
                      {"plain.csv.gz": log, "zipped.csv": gzip.compress(log.encode())})
    data = json.loads(orglint(folder, "evidence", "--format", "json").stdout)
    assert (data["events"], data["handoffs"]) == (4, 2)


def test_a_timestamp_format(tmp_path):
    folder = ops_repo(tmp_path, (
        "evidence:\n  k: 1\n  min_support: 1\n"
        "  logs: [{path: e.csv, timestamp_format: '%d/%m/%Y %H:%M'}]\n"),
        {"e.csv": "case,timestamp,team\nc1,04/03/2024 09:00,desk\nc1,04/03/2024 09:30,network\n"
                  "c1,2024-03-04T10:00:00Z,desk\n"})
    data = json.loads(orglint(folder, "evidence", "--format", "json").stdout)
    assert (data["period"], data["handoffs"], data["logs"][0]["unparseable_timestamp"]) == (
        "2024-03-04..2024-03-04", 1, 1)


PEOPLE_LOG = ("case,timestamp,team,resource\n" + "".join(
    f"c{n},2024-03-04T09:00:00Z,desk,Anneliese\nc{n},2024-03-04T09:30:00Z,network,Bartholomew\n"
    f"c{n},2024-03-04T10:00:00Z,network,Cornelius\n" for n in range(5)))


def test_people_are_read_only_on_opt_in_and_only_as_a_count_of_pseudonyms(tmp_path):
    plain = ops_repo(tmp_path / "plain", "evidence:\n  logs: [{path: e.csv}]\n",
                     {"e.csv": PEOPLE_LOG})
    opted = ops_repo(tmp_path / "opted", (
        "evidence:\n  people: {column: resource, key_env: ORGLINT_TEST_KEY}\n"
        "  logs: [{path: e.csv}]\n"), {"e.csv": PEOPLE_LOG})
    without = orglint(plain, "evidence", "--format", "json")
    assert json.loads(without.stdout)["people_per_case"] is None
    outputs = [orglint(opted, *args, env={"ORGLINT_TEST_KEY": "s3cret"})
               for args in (["evidence", "--format", "json"], ["evidence"],
                            ["check", "--format", "json"])]
    assert json.loads(outputs[0].stdout)["people_per_case"] == 3.0
    for done in outputs:
        for name in ("Anneliese", "Bartholomew", "Cornelius", "s3cret"):
            assert name not in done.stdout + done.stderr


def test_a_check_without_evidence_imports_no_engine(tmp_path):
    probe = ("import sys\nfrom orglint.commands import main\ncode = main(['check', '--no-cache'])\n"
             "print(code, sorted(n for n in ('duckdb', 'pyspark', 'orglint.evidence.observe')"
             " if n in sys.modules))\n")
    plain = ops_repo(tmp_path / "plain", "include: ['*.yaml']\n", {})
    done = subprocess.run([sys.executable, "-c", probe], cwd=plain, capture_output=True,
                          text=True, timeout=120)
    assert done.stdout.splitlines()[-1] == "0 []", done.stdout + done.stderr
    with_logs = ops_repo(tmp_path / "logs", "evidence:\n  logs: [{path: e.csv}]\n",
                         {"e.csv": "case,timestamp,team\nc1,2024-03-04T09:00:00Z,desk\n"})
    done = subprocess.run([sys.executable, "-c", probe], cwd=with_logs, capture_output=True,
                          text=True, timeout=120)
    assert done.stdout.splitlines()[-1] == "0 ['duckdb', 'orglint.evidence.observe']"


def test_the_report_has_a_declared_vs_observed_section():
    markdown = orglint(EXAMPLE, "report", "--format", "markdown")
    assert (markdown.returncode, markdown.stderr) == (0, "")
    section = markdown.stdout.split("\n## Declared vs observed\n", 1)[1].split("\n## ", 1)[0]
    golden(GOLDEN / "incident-desk-observed.md", "## Declared vs observed\n" + section)
    html = orglint(EXAMPLE, "report", "--format", "html").stdout
    assert '<section id="observed" aria-labelledby="observed-h">' in html
    assert '<li><a href="#observed">Declared vs observed</a></li>' in html


def test_without_logs_the_report_has_no_such_section(tmp_path):
    folder = ops_repo(tmp_path, "include: ['*.yaml']\n", {})
    markdown = orglint(folder, "report", "--format", "markdown").stdout
    assert "Declared vs observed" not in markdown and "Evidence" not in markdown


def test_whole_log_figures_on_fewer_than_k_cases_are_suppressed(tmp_path):
    one_case = ("case,timestamp,team\nc1,2024-03-04T09:00:00Z,desk\n"
                "c1,2024-03-04T09:30:00Z,network\nc1,2024-03-04T10:00:00Z,desk\n")
    repo = ops_repo(tmp_path / "one", "evidence:\n  logs: [{path: e.csv}]\n", {"e.csv": one_case})
    data = json.loads(orglint(repo, "evidence", "--format", "json").stdout)
    assert (data["cases"], data["coverage"], data["teams_per_case"]["mean"],
            data["ping_pong_share"]) == (1, None, None, None)
    text = orglint(repo, "evidence").stdout
    assert "  coverage                 -  of handoffs cross a declared contract" in text
    assert "100.0%" not in text


def test_a_period_that_holds_no_event_is_said(tmp_path):
    log = "case,timestamp,team\nc1,2024-03-04T09:00:00Z,desk\nc1,2024-03-04T10:00:00Z,network\n"
    repo = ops_repo(tmp_path, "evidence:\n  period: {from: 2030-01-01, to: 2030-02-01}\n"
                              "  logs: [{path: e.csv}]\n", {"e.csv": log})
    done = orglint(repo, "check", "-q", "--select", "EVD007")
    assert done.stdout == ("orglint.yaml:3:10: EVD007 [warning] log 'e.csv': none of its 2 events "
                           "falls in the configured 'period'; every figure of it is empty\n")
