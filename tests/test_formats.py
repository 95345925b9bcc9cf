"""Every output format, read back by a real parser or validated against its schema, and the
whole outputs compared to golden files (``ORGLINT_UPDATE_GOLDEN=1`` rewrites them)."""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest
from ci_orgs import CONFIG, TROUBLED, run, troubled, write

from orglint.finding import Finding
from orglint.outputs.formatters.github import annotation

HERE = Path(__file__).parent
GOLDEN = HERE / "golden" / "formats"
FORMATS = ("text", "json", "sarif", "github", "junit", "gitlab", "markdown")
SUFFIX = {"text": "txt", "json": "json", "sarif": "sarif", "github": "txt", "junit": "xml",
          "gitlab": "json", "markdown": "md"}


# where the rule documentation is published, for SARIF's helpUri
DOCS_URL = "rule_docs_url: https://docs.example.org/orglint/rules.html\n"


def schema_path(name: str) -> Path:
    """The shared copy (../shared/schemas beside the repo) when present, else the vendored one."""
    shared = Path(__file__).resolve().parents[2] / "shared" / "schemas" / name
    return shared if shared.is_file() else HERE / "schemas" / name


@pytest.fixture
def outputs(tmp_path, capsys, monkeypatch) -> dict[str, str]:
    """One run writing every format with --output next to the terminal's text output."""
    troubled(tmp_path, config=CONFIG + DOCS_URL)
    argv = ["check", "--statistics"]
    for name in FORMATS:
        argv += ["--output", f"{name}:out/{name}.{SUFFIX[name]}"]
    (tmp_path / "out").mkdir()
    code, out, err = run(capsys, monkeypatch, tmp_path, *argv)
    assert (code, err) == (1, "")
    found = {name: (tmp_path / "out" / f"{name}.{SUFFIX[name]}").read_text(encoding="utf-8")
             for name in FORMATS}
    assert found["text"] == out  # the terminal output and --output text:FILE agree
    return found


@pytest.mark.parametrize("name", FORMATS)
def test_whole_output_matches_its_golden_file(outputs, name):
    golden = GOLDEN / f"troubled.{name}.{SUFFIX[name]}"
    if os.environ.get("ORGLINT_UPDATE_GOLDEN"):
        write(golden, outputs[name])
    assert outputs[name] == golden.read_text(encoding="utf-8")


def test_text_says_what_was_waived_and_counts_per_rule(outputs):
    text = outputs["text"]
    assert text.splitlines()[:3] == [
        "org.yaml:10:3: BND001 [error] handoff 'sales-to-delivery' (Sales -> Delivery) has no "
        "named owner",
        "",
        "1  BND001  handoff-owner [error]",
    ]
    assert ("  waiver for BND001 on handoff:delivery-to-billing at orglint.yaml:3:5: 1 finding; "
            'reason "new owner starts in July", owner dan, expires 2026-07-31') in text
    assert ("  inline waiver for BND001 at org.yaml:12:49: 1 finding; "
            'reason "100% sure: hiring, soon", no owner, no expiry') in text
    assert "Waived 2 findings:" in text


# --- SARIF ------------------------------------------------------------------------------------


@pytest.mark.parametrize("setting, uri", [
    (None, None),  # no docs URL configured: no link that may lead nowhere
    ("https://example.org/rules.md", "https://example.org/rules.md#bnd001-handoff-owner"),
    ("https://example.org/rules/{code}.html?n={name}", "https://example.org/rules/BND001.html?n=handoff-owner"),
    ("https://example.org/r.md#{anchor}", "https://example.org/r.md#bnd001-handoff-owner"),
])
def test_sarif_help_uri_follows_the_configured_docs_url(setting, uri, tmp_path, capsys, monkeypatch):
    troubled(tmp_path)
    config = CONFIG + (f"rule_docs_url: '{setting}'\n" if setting else "")
    write(tmp_path / "orglint.yaml", config)
    code, out, err = run(capsys, monkeypatch, tmp_path, "check", "--format", "sarif")
    assert (code, err) == (1, "")
    rules = {rule["id"]: rule for rule in json.loads(out)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["BND001"].get("helpUri") == uri


def test_rule_docs_url_must_be_a_url(tmp_path, capsys, monkeypatch):
    troubled(tmp_path)
    write(tmp_path / "orglint.yaml", CONFIG + "rule_docs_url: docs/rules.md\n")
    code, out, err = run(capsys, monkeypatch, tmp_path, "check")
    assert (code, out) == (2, "")
    assert err == ("orglint.yaml:8:16: config error: key 'rule_docs_url' is 'docs/rules.md'; "
                   "expected a URL (https://...)\n")


def test_sarif_validates_against_the_official_schema(outputs):
    schema = json.loads(schema_path("sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    document = json.loads(outputs["sarif"])
    jsonschema.validate(document, schema)
    assert document["version"] == "2.1.0"


def test_sarif_is_ready_for_github_code_scanning(outputs):
    run_ = json.loads(outputs["sarif"])["runs"][0]
    rules = {rule["id"]: rule for rule in run_["tool"]["driver"]["rules"]}
    bnd = rules["BND001"]
    assert bnd["name"] == "handoff-owner"
    assert bnd["shortDescription"]["text"] == (
        "Every handoff has one named person who owns what happens between the two teams.")
    assert bnd["fullDescription"]["text"].startswith(bnd["shortDescription"]["text"])
    assert "Fails:" not in bnd["fullDescription"]["text"]
    assert "Fails:" in bnd["help"]["text"] and "```yaml" in bnd["help"]["markdown"]
    assert bnd["helpUri"] == "https://docs.example.org/orglint/rules.html#bnd001-handoff-owner"
    assert bnd["defaultConfiguration"] == {"level": "error"}
    assert rules["WVR002"]["defaultConfiguration"] == {"level": "warning"}
    ids = [rule["id"] for rule in run_["tool"]["driver"]["rules"]]
    results = run_["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"],
             r["locations"][0]["physicalLocation"]["region"]["startColumn"],
             "suppressions" in r) for r in results] == [
        ("BND001", 10, 3, False), ("BND001", 11, 3, True), ("BND001", 12, 3, True)]
    for result in results:
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "org.yaml"  # repo-relative
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert re.fullmatch(r"[0-9a-f]{32}", result["partialFingerprints"]["orglint/v1"])
    external, inline = results[1]["suppressions"][0], results[2]["suppressions"][0]
    assert external["kind"] == "external" and inline["kind"] == "inSource"
    assert external["justification"] == ('reason "new owner starts in July", owner dan, '
                                         "expires 2026-07-31")
    assert inline["location"]["physicalLocation"]["region"] == {"startLine": 12,
                                                                "startColumn": 49}


def test_sarif_uris_are_percent_encoded_relative_references():
    from orglint.outputs.formatters.sarif import result_entry

    nasty = Finding(path="teams/a b:c%.yaml", line=3, column=5, code="BND001", message="m",
                    severity="info", name="handoff-owner")
    location = result_entry(nasty, {})["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "teams/a%20b%3Ac%25.yaml"


# --- GitHub workflow commands ---------------------------------------------------------------


def parse_workflow_command(line: str) -> tuple[str, dict[str, str], str]:
    """A workflow command read back as the Actions runner does (ActionCommand.TryParseV2)."""
    assert line.startswith("::")
    end = line.index("::", 2)
    info, message = line[2:end], line[end + 2:]
    name, _, props = info.partition(" ")
    properties = {}
    for pair in filter(None, props.split(",")):
        key, _, value = pair.partition("=")
        properties[key] = (value.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":")
                           .replace("%2C", ",").replace("%25", "%"))
    data = message.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")
    return name, properties, data


def test_github_annotations_parse_back(outputs):
    lines = outputs["github"].splitlines()
    commands = [parse_workflow_command(line) for line in lines if line.startswith("::")]
    assert commands == [("error", {"file": "org.yaml", "line": "10", "col": "3",
                                   "title": "BND001 handoff-owner"},
                         "handoff 'sales-to-delivery' (Sales -> Delivery) has no named owner")]
    assert "Waived 2 findings:" in lines


def test_github_escapes_what_the_runner_would_misread():
    nasty = Finding(path="teams/a,b:c.yaml", line=3, column=5, code="BND001",
                    message="100% sure\r\nline two: a, b", severity="warning",
                    name="handoff-owner")
    line = annotation(nasty)
    assert "\n" not in line and "\r" not in line
    assert parse_workflow_command(line) == (
        "warning", {"file": "teams/a,b:c.yaml", "line": "3", "col": "5",
                    "title": "BND001 handoff-owner"}, "100% sure\r\nline two: a, b")


def test_github_appends_a_markdown_summary_when_the_step_summary_is_set(
        tmp_path, capsys, monkeypatch, outputs):
    troubled(tmp_path / "repo")
    summary = write(tmp_path / "summary.md", "earlier step\n")
    monkeypatch.chdir(tmp_path / "repo")
    monkeypatch.setenv("ORGLINT_TODAY", "2026-06-01")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    from orglint.commands import main

    assert main(["check", "--format", "github"]) == 1
    capsys.readouterr()
    assert summary.read_text(encoding="utf-8") == "earlier step\n" + outputs["markdown"].replace(
        "| Rule | Severity | Findings |\n| --- | --- | --- |\n| BND001 handoff-owner | error | 1 |\n\n",
        "")


def test_github_warns_when_the_step_summary_cannot_be_written(tmp_path, capsys, monkeypatch):
    troubled(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ORGLINT_TODAY", "2026-06-01")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "missing" / "summary.md"))
    from orglint.commands import main

    assert main(["check", "--format", "github"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith("::error file=org.yaml,line=10,col=3,")
    assert err == (f"orglint: warning: cannot append to GITHUB_STEP_SUMMARY "
                   f"'{tmp_path / 'missing' / 'summary.md'}': No such file or directory\n")


# --- JUnit ------------------------------------------------------------------------------------


def test_junit_validates_against_the_jenkins_schema_and_reads_back(outputs, tmp_path):
    import xmlschema
    from junitparser import Failure, JUnitXml, Skipped

    xmlschema.XMLSchema(str(HERE / "schemas" / "junit-10.xsd")).validate(outputs["junit"])
    path = write(tmp_path / "junit.xml", outputs["junit"])
    suites = {suite.name: suite for suite in JUnitXml.fromfile(str(path))}
    assert sorted(suites) == ["org.yaml"]
    suite = suites["org.yaml"]
    assert (suite.tests, suite.failures, suite.skipped, suite.errors) == (3, 1, 2, 0)
    cases = [(case.name, [type(r).__name__ for r in case.result]) for case in suite]
    assert cases == [("BND001 handoff-owner at 10:3", ["Failure"]),
                     ("BND001 handoff-owner at 11:3", ["Skipped"]),
                     ("BND001 handoff-owner at 12:3", ["Skipped"])]
    failure = next(iter(suite)).result[0]
    assert isinstance(failure, Failure)
    assert failure.message == "handoff 'sales-to-delivery' (Sales -> Delivery) has no named owner"
    skipped = list(suite)[2].result[0]
    assert isinstance(skipped, Skipped)
    assert skipped.message.startswith("waived by inline waiver for BND001 at org.yaml:12:49")


def test_junit_shows_a_clean_file_as_a_passed_test(tmp_path, capsys, monkeypatch):
    from ci_orgs import HEALTHY

    write(tmp_path / "org.yaml", HEALTHY)
    code, out, _ = run(capsys, monkeypatch, tmp_path, "check", "--format", "junit",
                       "--select", "BND")
    assert code == 0
    root = ET.fromstring(out)
    assert [(s.get("name"), s.get("tests"), s.get("failures")) for s in root] == [
        ("org.yaml", "1", "0")]


# --- GitLab Code Quality ----------------------------------------------------------------------


def test_gitlab_code_quality_fields_and_unique_fingerprints(outputs, tmp_path, capsys,
                                                            monkeypatch):
    schema = json.loads((HERE / "schemas" / "gitlab-codequality.schema.json").read_text())
    report = json.loads(outputs["gitlab"])
    jsonschema.validate(report, schema)
    assert report[0] == {
        "description": "BND001 handoff 'sales-to-delivery' (Sales -> Delivery) has no named owner",
        "check_name": "BND001",
        "fingerprint": report[0]["fingerprint"],
        "severity": "major",
        "location": {"path": "org.yaml", "lines": {"begin": 10}},
    }
    # waived findings are listed as info issues that say by what, under fingerprints of their own
    assert [(i["severity"], i["location"]["lines"]["begin"]) for i in report[1:]] == [
        ("info", 11), ("info", 12)]
    assert report[2]["description"] == (
        "BND001 handoff 'billing-to-sales' (Billing -> Sales) has no named owner (waived by "
        'inline waiver for BND001 at org.yaml:12:49: reason "100% sure: hiring, soon", no owner, '
        "no expiry)")
    assert len({issue["fingerprint"] for issue in report}) == 3
    # a bigger report, with two findings of one rule on one field: fingerprints stay unique
    org = TROUBLED + "  x-to-y: {from: ghost, to: nobody, owner: zed}\n"
    troubled(tmp_path / "big", org, CONFIG.replace("select: [BND001, WVR]", "select: [ALL]"))
    _, out, _ = run(capsys, monkeypatch, tmp_path / "big", "check", "--format", "gitlab")
    big = json.loads(out)
    jsonschema.validate(big, schema)
    assert len(big) > 5
    assert len({issue["fingerprint"] for issue in big}) == len(big)
    assert {issue["severity"] for issue in big} == {"major", "minor", "info"}


# --- Markdown ---------------------------------------------------------------------------------


def _cells(tokens) -> list[list[str]]:
    rows, row = [], None
    for token in tokens:
        if token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append("".join(child.content for child in token.children or []
                               if child.type in ("text", "code_inline", "text_special")))
        elif token.type == "tr_close":
            rows.append(row)
            row = None
    return rows


def test_markdown_parses_to_tables_whose_cells_are_the_messages(outputs):
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(outputs["markdown"])
    headings = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "heading_open"]
    assert headings == ["orglint: stage 1 of 4, reactive"]  # only BND001 and WVR ran
    rows = _cells(tokens)
    assert rows[:2] == [
        ["Severity", "Rule", "Location", "Message"],
        ["🔴 error", "BND001 handoff-owner", "org.yaml:10:3",
         "handoff 'sales-to-delivery' (Sales -> Delivery) has no named owner"],
    ]
    assert ["BND001 handoff-owner", "error", "1"] in rows  # --statistics
    waived = [row for row in rows if len(row) == 4 and row[3].startswith("inline waiver")]
    assert waived == [["BND001 handoff-owner", "org.yaml:12:3",
                       "handoff 'billing-to-sales' (Billing -> Sales) has no named owner",
                       'inline waiver for BND001 at org.yaml:12:49: reason "100% sure: hiring, '
                       'soon", no owner, no expiry']]
    assert not any(t.type == "html_inline" and "<" in t.content and "details" not in t.content
                   for t in tokens)


def test_markdown_escapes_what_would_break_a_table():
    from markdown_it import MarkdownIt

    from orglint.outputs.formatters.markdown import escape

    text = "a | b <script> *x* `y` [z](u) \\ ~"
    tokens = MarkdownIt("commonmark").enable("table").parse(
        f"| h |\n| --- |\n| {escape(text)} |\n")
    assert _cells(tokens)[1] == [text]


# --- several outputs, unknown formats ---------------------------------------------------------


def test_output_needs_format_and_file(tmp_path, capsys, monkeypatch):
    troubled(tmp_path)
    code, _, err = run(capsys, monkeypatch, tmp_path, "check", "--output", "sarif")
    assert (code, err) == (2, "orglint: error: --output takes FORMAT:FILE, not 'sarif'\n")
    code, _, err = run(capsys, monkeypatch, tmp_path, "check", "--output", "xml:a.xml")
    assert code == 2
    assert err == ("orglint: error: unknown format 'xml' in --output (choose from github, "
                   "gitlab, json, junit, markdown, sarif, text)\n")
    code, out, err = run(capsys, monkeypatch, tmp_path, "check", "--output", "sarif:no/dir.sarif")
    assert (code, out) == (2, "")
    assert err == ("orglint: error: cannot write --output sarif:no/dir.sarif: No such file or "
                   "directory\n")
