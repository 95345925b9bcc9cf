"""Every output escapes or drops what its format cannot hold: names and file names that carry
terminal escapes, control characters, U+FFFE and bidirectional overrides."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import jsonschema
import pytest

from orglint.commands import main

SARIF_SCHEMA = Path(__file__).resolve().parent / "schemas" / "sarif-schema-2.1.0.json"
ORG = r"""people:
  ana: {name: "Ana\e[2J\e[31m"}
teams:
  a: {name: "Sales\e]0;pwned\a\f\0\uFFFE\u202e", lead: ana, members: [ana]}
  b: {name: "Line\nbreak\r", lead: ana, members: [ana]}
handoffs:
  a-to-b: {from: a, to: b}
  b-to-a: {from: b, to: a, owner: "ghost\e[31m"}
"""
EVIL_FILE = "evil\x1b[31m.yaml"
# what must never reach a terminal or an XML file raw (a newline only as a line's end)
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
SALES = "Sales\u241b]0;pwned\u2407\u240c\u2400\\ufffe\\u202e"
LINE = "Line\u240abreak\u240d"


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "org.yaml").write_text(ORG, encoding="utf-8")
    (tmp_path / EVIL_FILE).write_text("people:\n  bo: {name: Bo}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ORGLINT_TODAY", "2026-06-01")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return tmp_path


def output(capsys, *argv: str) -> str:
    code = main(["check", "--no-cache", "--select", "BND001,ORG003,ORG007", *argv])
    out, err = capsys.readouterr()
    assert (code, err) == (1, "")
    return out


def test_text_shows_escapes_and_controls_and_runs_none(hostile, capsys):
    out = output(capsys)
    assert RAW.search(out) is None
    assert out.splitlines()[:3] == [
        "evil\u241b[31m.yaml:2:3: ORG007 [info] person 'bo' (Bo) belongs to no team",
        f"org.yaml:7:3: BND001 [error] handoff 'a-to-b' ({SALES} -> {LINE}) has no named owner",
        "org.yaml:8:35: ORG003 [error] handoff 'b-to-a' field 'owner' names unknown person or "
        "team 'ghost\u241b[31m'",
    ]
    coloured = output(capsys, "--color", "always")
    assert [RAW.sub("", line) for line in coloured.splitlines()[:1]] == [
        "evil\u241b[31m.yaml:2:3: [1mORG007[0m [36m[info][0m person 'bo' (Bo) belongs to no "
        "team"]


def test_json_and_gitlab_hold_the_names_exactly(hostile, capsys):
    for fmt in ("json", "gitlab"):
        out = output(capsys, "--format", fmt)
        assert re.search("[\x00-\x09\x0b-\x1f]", out) is None  # JSON escapes them
        data = json.loads(out)
        messages = [f["message"] for f in data["findings"]] if fmt == "json" else \
            [issue["description"] for issue in data]
        assert any("Sales\x1b]0;pwned\x07\x0c\x00\ufffe\u202e -> Line\nbreak\r" in message
                   for message in messages), fmt


def test_sarif_is_valid_and_its_uris_are_encoded(hostile, capsys):
    out = output(capsys, "--format", "sarif")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validate(json.loads(out), schema)
    uris = sorted({r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                   for r in json.loads(out)["runs"][0]["results"]})
    assert uris == ["evil%1B%5B31m.yaml", "org.yaml"]


def test_junit_is_well_formed_xml(hostile, capsys):
    out = output(capsys, "--format", "junit")
    assert RAW.search(out.replace("\n", "")) is None
    root = ET.fromstring(out.encode("utf-8"))
    names = [suite.get("name") for suite in root.iter("testsuite")]
    assert names == ["evil\u241b[31m.yaml", "org.yaml"]
    failures = [failure.get("message") for failure in root.iter("failure")]
    assert failures == [f"handoff 'a-to-b' ({SALES} -> {LINE}) has no named owner",
                        "handoff 'b-to-a' field 'owner' names unknown person or team "
                        "'ghost\u241b[31m'"]


def test_github_annotations_stay_one_command_each(hostile, capsys):
    out = output(capsys, "--format", "github")
    assert RAW.search(out.replace("\n", "")) is None
    lines = out.splitlines()
    assert [line.split("::")[1].split(",")[0] for line in lines[:3]] == [
        "notice file=evil\u241b[31m.yaml", "error file=org.yaml", "error file=org.yaml"]
    assert lines[0].startswith("::notice file=evil\u241b[31m.yaml,line=2,col=3,")
    assert lines[1].endswith(f"::handoff 'a-to-b' ({SALES} -> Line%0Abreak%0D) has no named "
                             "owner")
    assert len([line for line in lines if line.startswith("::")]) == 3


def test_markdown_shows_controls_in_one_table_row_each(hostile, capsys):
    out = output(capsys, "--format", "markdown")
    assert RAW.search(out.replace("\n", "")) is None
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    assert len(rows) == 2 + 3  # header, rule line, one row a finding


def test_a_config_error_is_one_line_whatever_the_value_holds(hostile, capsys):
    (hostile / "orglint.yaml").write_text('fail_on: "err\\nor\\e[31m"\n', encoding="utf-8")
    code = main(["check", "--no-cache"])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    # the value as it would be written in a double-quoted YAML string, on one line
    assert err == ("orglint.yaml:1:10: config error: key 'fail_on' is 'err\\nor\\x1b[31m'; "
                   "expected one of: error, warning, info\n")


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_the_report_shows_controls_and_writes_none(hostile, capsys, fmt):
    """HTML and Markdown hold no raw control character, bidirectional override or U+FFFE:
    each shows as ``visible`` shows it, in text, attributes and the inline charts alike."""
    code = main(["report", "--format", fmt])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert RAW.search(out.replace("\n", "")) is None
    if fmt == "html":
        assert "Sales\u241b]0;pwned\u2407\u240c\u2400\\ufffe\\u202e" in out
        assert "Line\u240abreak\u240d" in out
    else:  # blanks are one space, Markdown's own characters escaped
        assert "Sales\u241b\\]0;pwned\u2407 \u2400\\\\ufffe\\\\u202e" in out
        assert "Line break " in out


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "gitlab", "github"])
def test_a_file_name_that_is_not_utf8_is_shown_in_every_format(tmp_path, monkeypatch, capsys,
                                                               fmt):
    """A file name's bytes that are not UTF-8 reach every output without an internal error;
    SARIF gives them as the percent-encoded bytes of the name."""
    (tmp_path / os.fsdecode(b"bad\xff.yaml")).write_text("people:\n  bo: {name: Bo}\n",
                                                        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(["check", "--no-cache", "--select", "ORG007", "--format", fmt])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    out.encode("utf-8")  # writable to a UTF-8 stream
    if fmt == "sarif":
        sarif = json.loads(out)
        jsonschema.validate(sarif, json.loads(SARIF_SCHEMA.read_text(encoding="utf-8")))
        location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "bad%FF.yaml"
