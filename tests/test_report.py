"""`orglint report`: contents, escaping of hostile names, Markdown structure, templates, trend.

The Markdown report of each tests/fixtures/report-* folder with an expected.md (a small studio,
an empty org, a teams-only org, broken files, findings to rank, a remediation plan with a
plugin's rule) is compared byte for byte with that golden file. After an intended change of
output, regenerate them and review the diff:

    ORGLINT_UPDATE_GOLDEN=1 pytest tests/test_report.py
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from orglint.commands import main
from orglint.engine.check import Settings, check
from orglint.load.documents import load_text
from orglint.outputs.report.findings import owner_of
from orglint.outputs.report.render import md_escape
from orglint.registry import Registry

FIXTURES = Path(__file__).resolve().parent / "fixtures"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SMALL = FIXTURES / "report-small"
HOSTILE = FIXTURES / "hostile-names"
UPDATE = os.environ.get("ORGLINT_UPDATE_GOLDEN", "") not in ("", "0")
TODAY = "2026-01-15"

HOSTILE_TEXTS = (
    "<script>window.__pwned = 'team'; alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<img src=x onerror=\"window.__pwned='person';alert(1)\">",
    "\"' onmouseover=\"window.__pwned='attr'\" x='",
    "Mal *bold* _under_ [link](javascript:alert(1)) `code`",
    # the org's name; `{{ 7 * 7 }}` in it is data, never evaluated
    "<script>window.__pwned = 'org'; alert(1)</script> & Co | {{ 7 * 7 }}",
)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORGLINT_TODAY", TODAY)


def report(folder: Path, *args: str, monkeypatch: pytest.MonkeyPatch,
           capsys: pytest.CaptureFixture[str]) -> str:
    """The report of an org folder, run from inside it as a user would."""
    monkeypatch.chdir(folder)
    capsys.readouterr()
    assert main(["report", *args]) == 0
    return capsys.readouterr().out


class Page(HTMLParser):
    """Every tag with its attributes, and the text, of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    @classmethod
    def of(cls, html: str) -> Page:
        page = cls()
        page.feed(html)
        page.close()
        return page

    @property
    def plain(self) -> str:
        return " ".join("".join(self.text).split())


class Heading(HTMLParser):
    def __init__(self, level: str) -> None:
        super().__init__(convert_charrefs=True)
        self.level, self.inside = level, False
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == self.level:
            self.inside = True
            self.found.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == self.level:
            self.inside = False

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.found[-1] += data


def headings(html: str, level: str) -> list[str]:
    parser = Heading(level)
    parser.feed(html)
    return [" ".join(text.split()) for text in parser.found]


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Each table of a Markdown document as rows of cell texts (header row first)."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    tables: list[list[list[str]]] = []
    row: list[str] | None = None
    for token in tokens:
        if token.type == "table_open":
            tables.append([])
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            assert row is not None
            tables[-1].append(row)
            row = None
        elif token.type == "inline" and row is not None:
            row.append(token.content)
    return tables


# -- the Markdown report -------------------------------------------------------------------------

GOLDEN = sorted(path.parent for path in FIXTURES.glob("report-*/expected.md"))


@pytest.mark.parametrize("folder", GOLDEN, ids=lambda path: path.name)
def test_markdown_matches_golden(folder: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    text = report(folder, "--format", "markdown", monkeypatch=monkeypatch, capsys=capsys)
    golden = folder / "expected.md"
    if UPDATE:
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def orgs() -> list[Path]:
    examples = sorted(p for p in EXAMPLES.iterdir() if (p / "orglint.yaml").is_file()) \
        if EXAMPLES.is_dir() else []
    return [*GOLDEN, HOSTILE, FIXTURES / "report-large", *examples]


@pytest.mark.parametrize("folder", orgs(), ids=lambda path: path.name)
def test_markdown_tables_have_the_columns_of_their_header(
        folder: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    text = report(folder, "--format", "markdown", monkeypatch=monkeypatch, capsys=capsys)
    tables = markdown_tables(text)
    # summary, ladder, scorecard, a plan, matrix, boundaries, a blueprint, incentives, people,
    # waivers (small only), appendix; an org with little mapped has the first three at least
    mapped = folder in (SMALL, HOSTILE) or folder.parent == EXAMPLES
    assert len(tables) >= (9 if mapped else 3)
    # every `| ... |` line of the source belongs to a table the parser saw
    source_rows = [line for line in text.splitlines() if line.startswith("|")]
    assert sum(len(table) + 1 for table in tables) == len(source_rows)  # +1: the delimiter row
    for table in tables:
        width = len(table[0])
        assert all(len(row) == width for row in table), table[0]
        # markdown-it pads short rows with empty cells: a cell that is empty in every data
        # row of a column would mean a row lost its content to a stray pipe
        data = table[1:]
        for column in range(width):
            assert any(row[column].strip() for row in data), (table[0], column)
    for line in source_rows:
        cells = line.count("|") - line.count("\\|")
        assert cells == source_rows[0].count("|") or cells > 2


def test_markdown_shows_hostile_names_as_text(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    text = report(HOSTILE, "--format", "markdown", monkeypatch=monkeypatch, capsys=capsys)
    html = MarkdownIt("commonmark").enable("table").render(text)
    page = Page.of(html)
    tags = {tag for tag, _ in page.tags}
    assert tags <= {"h1", "h2", "h3", "h4", "p", "table", "thead", "tbody", "tr", "th", "td",
                    "strong", "ol", "ul", "li"}, tags
    for hostile in HOSTILE_TEXTS:
        assert hostile in page.plain, hostile


@pytest.mark.parametrize(("value", "escaped"), [
    ("a|b", "a\\|b"),
    ("<script>", "\\<script>"),
    ("# heading", "\\# heading"),
    ("- item", "\\- item"),
    ("1. first", "1\\. first"),
    ("0.1.0", "0.1.0"),
    ("customer_id", "customer_id"),
    ("_under_", "\\_under\\_"),
    ("[a](b)", "\\[a\\](b)"),
    ("&amp;", "\\&amp;"),
    ("two\nlines", "two lines"),
])
def test_md_escape(value: str, escaped: str) -> None:
    assert md_escape(value) == escaped


# -- the HTML report -------------------------------------------------------------------------------

def test_html_sections_in_order(monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    html = report(SMALL, monkeypatch=monkeypatch, capsys=capsys)
    assert headings(html, "h2") == [
        "Executive summary", "Maturity ladder", "Scorecard by area", "Remediation plan",
        "Boundary matrix",
        "Journey blueprints", "Incentive map", "Single points of failure", "Waiver register",
        "Appendix: every finding",
    ]
    assert headings(html, "h1") == ["Tidewater Studio: organisation audit"]
    plain = Page.of(html).plain
    assert f"Report of {TODAY}" in plain
    assert "Stage 2 of 4: designed surface. Customer journeys are mapped and each has a named owner." in plain
    assert ("Blocking stage 3 (connected): BND002 undesigned-boundary: 1 finding "
            "CTX001 context-dropped: 3 findings INC002 local-downstream: 1 finding "
            "INC003 handoff-quality-unrewarded: 1 finding WVR001 waiver-expired: 1 finding") in plain


def test_html_top_risks_name_their_owner(monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    html = report(SMALL, monkeypatch=monkeypatch, capsys=capsys)
    plain = Page.of(html).plain
    first = ("error blocks stage 3 Journey 'onboarding' crosses from Delivery to Billing but no "
             "handoff contracts that boundary. Lies on New client onboarding (high volume). "
             "Owner: Leo Park (Head of Sales)")
    assert first in plain
    assert "Owner: Carla Diaz (Delivery Lead)" in plain


def test_html_is_self_contained(monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    html = report(SMALL, monkeypatch=monkeypatch, capsys=capsys)
    page = Page.of(html)
    for tag, attrs in page.tags:
        assert tag not in ("script", "link", "img", "iframe", "object", "embed") or (
            tag == "link" and attrs.get("href") == "data:,"), tag
        assert "src" not in attrs, (tag, attrs)
        href = attrs.get("href")
        assert href is None or href.startswith("#") or href == "data:,", href
    assert html.count("url(") == html.count('fill="url(#matrix-grid)"') == 1  # in-page only
    assert "@import" not in html
    assert html.replace('xmlns="http://www.w3.org/2000/svg"', "").count("://") == 0
    assert "@media print" in html
    charts = [attrs for tag, attrs in page.tags if tag == "svg"]
    assert len(charts) >= 4
    assert all(attrs.get("role") == "img" and attrs.get("aria-labelledby") for attrs in charts)


def test_charts_describe_their_data_in_text(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    html = report(SMALL, monkeypatch=monkeypatch, capsys=capsys)
    descriptions = dict(re.findall(r'<desc id="([a-z0-9-]+)-desc">([^<]*)</desc>', html))
    assert descriptions == {
        "ladder": "stage 1 reactive: ✓ met; stage 2 designed surface: ● you are here; "
                  "stage 3 connected: ✗ 7 blockers; stage 4 systemic: not yet",
        "areas": "Structure: 0 errors, 0 warnings, 1 info; Boundaries and ownership: 1 error, "
                 "0 warnings, 0 infos; Governance: 0 errors, 2 warnings, 0 infos; Incentives: "
                 "0 errors, 3 warnings, 0 infos; Context and information: 3 errors, 1 warning, "
                 "0 infos; RACI: 0 errors, 0 warnings, 0 infos (not mapped); Feedback: 0 errors, 3 warnings, "
                 "1 info; Waivers: 1 error, 0 warnings, 0 infos",
        "matrix": "3 teams; 1 contracted and owned, 0 contracted, no owner, "
                  "1 undesigned (no contract)",
        "journey-0": "Sales → Delivery → Billing. Sales to Delivery: contracted and owned; "
                     "Delivery to Billing: undesigned (no contract)",
        "load": "Carla Diaz owns 1 handoff; limit 4",
    }
    # the matrix cells: Sales sends to Delivery under a contract; Delivery to Billing has none
    assert "<title>Sales → Delivery: contracted and owned (Signed deal to kickoff); on New " \
           "client onboarding</title>" in html
    assert "<title>Delivery → Billing: undesigned (no contract); on New client onboarding" \
           "</title>" in html


def test_html_escapes_hostile_names(monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    html = report(HOSTILE, monkeypatch=monkeypatch, capsys=capsys)
    page = Page.of(html)
    tags = {tag for tag, _ in page.tags}
    assert not tags & {"script", "img", "iframe", "marquee", "h1x", "textarea"}
    assert [attrs["href"] for tag, attrs in page.tags if tag == "a"] == [
        "#summary", "#ladder", "#scorecard", "#plan", "#boundaries", "#journeys", "#incentives",
        "#people", "#waivers", "#findings"]
    for _, attrs in page.tags:
        assert not [name for name in attrs if name.startswith("on")], attrs
    # every <style> is ours: the hostile handoff name stays text
    assert html.count("<style>") == 1
    for hostile in HOSTILE_TEXTS:
        assert hostile in page.plain, hostile
    assert "&lt;script&gt;window.__pwned = &#39;team&#39;; alert(1)&lt;/script&gt;" in html
    assert headings(html, "h1") == [HOSTILE_TEXTS[-1] + ": organisation audit"]


def test_output_is_deterministic(monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    first = report(SMALL, monkeypatch=monkeypatch, capsys=capsys)
    second = report(SMALL, "-o", str(tmp_path / "r.html"), monkeypatch=monkeypatch, capsys=capsys)
    assert second == ""
    assert (tmp_path / "r.html").read_text(encoding="utf-8") == first


def test_format_follows_the_output_suffix(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    report(SMALL, "-o", str(tmp_path / "r.md"), monkeypatch=monkeypatch, capsys=capsys)
    assert (tmp_path / "r.md").read_text(encoding="utf-8") == (SMALL / "expected.md").read_text(
        encoding="utf-8")


# -- trend ---------------------------------------------------------------------------------------------

def test_trend_against_previous_json(monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    org = tmp_path / "org"
    shutil.copytree(SMALL, org, ignore=shutil.ignore_patterns("expected.md"))
    monkeypatch.chdir(org)
    capsys.readouterr()
    assert main(["check", "--format", "json", "--exit-zero"]) == 0
    (tmp_path / "before.json").write_text(capsys.readouterr().out, encoding="utf-8")
    text = (org / "org.yaml").read_text(encoding="utf-8")
    # contract the Delivery -> Billing boundary (fixes BND002), and lose Billing's lead
    text = text.replace("metrics:\n", "  delivery-to-billing: {from: delivery, to: billing, "
                        "owner: ben, carries: [customer_id, scope, promises], "
                        "governance: {protocol: docs/billing.md}}\nmetrics:\n")
    text = text.replace("billing: {name: Billing, lead: ben, ", "billing: {name: Billing, ")
    (org / "org.yaml").write_text(text, encoding="utf-8")
    out = report(org, "--format", "markdown", "--previous", str(tmp_path / "before.json"),
                 monkeypatch=monkeypatch, capsys=capsys)
    trend = out[out.index("## Trend"):out.index("## Appendix")]
    better = trend[trend.index("### Got better"):trend.index("### Got worse")]
    worse = trend[trend.index("### Got worse"):]
    assert "- error BND002: journey 'onboarding' crosses from Delivery to Billing but no handoff " \
           "contracts that boundary" in better
    assert "- error CTX001: journey 'onboarding' (New client onboarding): context 'scope' is " \
           "dropped between Delivery and Billing" in better
    assert "FBK002" not in better
    assert "- warning ORG006: team 'billing' has no lead (owner: no owner)" in worse
    assert "stage 2 → 1" in trend
    assert "| errors | 5 | 1 | \\-4 |" in trend


@pytest.mark.parametrize(("content", "message"), [
    (None, "--previous 'missing.json': cannot read: No such file or directory"),
    ("{", "--previous 'bad.json': not JSON: Expecting property name"),
    ('{"stage": {"number": 2}, "findings": [{"code": "X"}]}',
     "--previous 'bad.json': not the output of 'orglint check --format json': finding 0 lacks "
     "fingerprint, severity, message, path, line, column"),
    ("[]", "not the output of 'orglint check --format json': the top level is not an object"),
])
def test_previous_must_be_a_check_json(content: str | None, message: str,
                                       monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    name = "missing.json" if content is None else "bad.json"
    if content is not None:
        (tmp_path / name).write_text(content, encoding="utf-8")
    monkeypatch.chdir(SMALL)
    assert main(["report", "--previous", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err
    assert message.replace(f"'{name}'", f"'{tmp_path / name}'") in err
    assert err.startswith("orglint: error: ")


# -- templates -----------------------------------------------------------------------------------------

def test_template_dir_extends_the_builtin(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str],
                                          tmp_path: Path) -> None:
    (tmp_path / "report.html.j2").write_text(
        '{% extends "orglint/report.html.j2" %}\n'
        "{% block footer %}<footer>Board pack for {{ report.org_name }}</footer>{% endblock %}\n",
        encoding="utf-8")
    html = report(HOSTILE, "--template-dir", str(tmp_path), monkeypatch=monkeypatch,
                  capsys=capsys)
    assert "<footer>Board pack for &lt;script&gt;window.__pwned = &#39;org&#39;" in html
    assert "Executive summary" in html and "Generated by orglint" not in html


@pytest.mark.parametrize(("template", "message"), [
    ("{{ report.__class__.__mro__ }}", "template error in report.html.j2: access to attribute "
                                       "'__class__' of 'Report' object is unsafe."),
    ("{% extends 'report.html.j2' %}", "template report.html.j2 extends itself; extend "
                                       "'orglint/report.html.j2'"),
    ("{% if %}", "template TMP/report.html.j2:1: Expected an expression, got 'end of statement "
                 "block'"),
    # the report's own views are read directly, but their private and dunder names stay shut
    ("{{ report.matrix.__dict__ }}", "template error in report.html.j2: access to attribute "
                                     "'__dict__' of 'Matrix' object is unsafe."),
    ("{{ report.no_such_thing }}", "template error in report.html.j2: 'orglint.outputs.report.Report "
                                   "object' has no attribute 'no_such_thing'"),
])
def test_template_errors_exit_2(template: str, message: str, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "report.html.j2").write_text(template, encoding="utf-8")
    monkeypatch.chdir(SMALL)
    assert main(["report", "--template-dir", str(tmp_path)]) == 2
    expected = message.replace("TMP", str(tmp_path))
    assert capsys.readouterr().err == f"orglint: error: {expected}\n"


def test_missing_template_dir_exits_2(monkeypatch: pytest.MonkeyPatch,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(SMALL)
    assert main(["report", "--template-dir", "no-such-dir"]) == 2
    assert capsys.readouterr().err == "orglint: error: --template-dir 'no-such-dir' is not a folder\n"


def test_check_never_imports_jinja() -> None:
    code = ("import sys\nfrom orglint.commands import main\n"
            f"main(['check', '--exit-zero', {str(SMALL / 'org.yaml')!r}])\n"
            "print('jinja2' in sys.modules, 'orglint.outputs.report' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={**os.environ, "ORGLINT_TODAY": TODAY})
    assert done.stdout.splitlines()[-1] == "False False"


def test_report_json_of_previous_roundtrip(monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str],
                                           tmp_path: Path) -> None:
    """The same org as its own previous run: nothing better, nothing worse."""
    monkeypatch.chdir(SMALL)
    main(["check", "--format", "json"])
    (tmp_path / "same.json").write_text(capsys.readouterr().out, encoding="utf-8")
    json.loads((tmp_path / "same.json").read_text(encoding="utf-8"))
    out = report(SMALL, "--format", "markdown", "--previous", str(tmp_path / "same.json"),
                 monkeypatch=monkeypatch, capsys=capsys)
    assert "0 problems fixed, 0 new problems. Overall: **unchanged**." in out


# -- owners ---------------------------------------------------------------------------------------

OWNERS_ORG = """\
people:
  maya: {name: Maya Chen, title: CEO, founder: true}
  leo: {name: Leo Park, reports_to: maya}
  dan: {name: Dan Okafor, title: Delivery Director, reports_to: maya}
  ines: {name: Ines Costa, reports_to: dan}
teams:
  sales: {name: Sales, lead: leo, members: [leo, dan]}
  delivery: {name: Delivery, members: [dan]}
journeys:
  onboarding: {owner: dan, path: [sales, delivery]}
handoffs:
  sales-to-delivery: {from: sales, to: delivery}
metrics:
  deals: {type: output, owner: sales, rewards: [sales]}
raci:
  scope:
    activities:
      - {activity: Price it, R: [leo], A: leo}
      - {activity: Approve it, A: [dan, leo]}
decisions:
  refunds: {frequency: daily, decided_by: maya}
"""


def test_each_finding_is_owned_by_the_person_who_answers_for_its_entity(
        registry: Registry) -> None:
    result = check([load_text(OWNERS_ORG, "org.yaml")], registry, Settings())
    owners = {(f.code, f.entity, f.field): owner_of(result.org, f, result.waivers) for f in result.findings}
    # a team's lead; a team without one has no owner
    assert owners["ORG006", "team:delivery", None] == "no owner"
    # a handoff nobody owns
    assert owners["BND001", "handoff:sales-to-delivery", None] == "no owner"
    # a metric owned by a team: the team, and its lead
    assert owners["INC001", "metric:deals", None] == "Sales team, led by Leo Park"
    # a RACI activity: its accountable person (the first, when there are two)
    assert owners["RAC001", "raci:scope", "activities.1.A"] == "Dan Okafor (Delivery Director)"
    assert owners["RAC006", "raci:scope", "activities.0"] == "Leo Park"
    # a decision: who takes it
    assert owners["GOV006", "decision:refunds", "decided_by"] == "Maya Chen (CEO)"
    # a person answers to their manager, or for themselves when they have none
    assert owners["ORG007", "person:ines", None] == "Dan Okafor (Delivery Director)"
    assert owners["ORG007", "person:maya", None] == "Maya Chen (CEO)"
    # a journey: its owner
    assert owners["INC005", "journey:onboarding", None] == "Dan Okafor (Delivery Director)"


OVERLOADED_ORG = """\
people:
  ana: {name: Ana Ruiz}
teams:
""" + "".join(f"  t{n}: {{lead: ana, members: [ana]}}\n" for n in range(6)) + "handoffs:\n" + "".join(
    f"  t{n}-to-t{n + 1}: {{from: t{n}, to: t{n + 1}, owner: ana}}\n" for n in range(5))


@pytest.mark.parametrize("limit, over", [(None, True), (10, False), (4, True), (5, False)])
def test_report_judges_overload_with_the_configured_max(
        limit: int | None, over: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """One person owns 5 handoffs: over BND004's default max of 4, not over a configured 10.
    `orglint check` and the report must agree."""
    (tmp_path / "org.yaml").write_text(OVERLOADED_ORG, encoding="utf-8")
    config = "" if limit is None else f"rules: {{BND004: {{options: {{max: {limit}}}}}}}\n"
    (tmp_path / "orglint.yaml").write_text(config, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    main(["check", "--select", "BND004", "--format", "json"])
    flagged = [f["code"] for f in json.loads(capsys.readouterr().out)["findings"]]
    assert flagged == (["BND004"] if over else [])
    text = report(tmp_path, "--format", "markdown", monkeypatch=monkeypatch, capsys=capsys)
    row = next(line for line in text.splitlines() if line.startswith("| Ana Ruiz |"))
    assert row.startswith("| Ana Ruiz | 5 ✗ |" if over else "| Ana Ruiz | 5 |")
