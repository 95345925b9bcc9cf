"""The boundary matrix at any size: built from the boundaries that exist (never a team × team
grid), shown as a grid of at most 40 rows: the teams, or above 40 teams groups along the team
tree, with the busiest boundaries and every boundary in an appendix, in HTML and Markdown.

The grouped sections of a generated org of 200 teams are compared byte for byte with
tests/golden/report/generated-200-teams.md; after an intended change, regenerate and review:

    ORGLINT_UPDATE_GOLDEN=1 pytest tests/test_report_matrix.py
"""

from __future__ import annotations

import importlib.util
import os
import random
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from orglint.commands import main
from orglint.engine.check import prepare
from orglint.load.documents import load_text
from orglint.model import Org
from orglint.outputs.report import boundary_matrix
from orglint.outputs.report.render import md_escape

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "report" / "generated-200-teams.md"
UPDATE = os.environ.get("ORGLINT_UPDATE_GOLDEN", "") not in ("", "0")

_spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
assert _spec is not None and _spec.loader is not None
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORGLINT_TODAY", "2026-01-15")


def org_of(text: str) -> Org:
    org, _ = prepare([load_text(text, "org.yaml")])
    return org


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated org of 1,000 people: 200 teams in a tree four wide (benchmarks/generate.py)."""
    out = tmp_path_factory.mktemp("generated") / "org"
    generate.write(out, 1000)
    (out / "orglint.yaml").write_text("include: ['**/*.yaml']\n", encoding="utf-8")
    return out


def rendered(folder: Path, fmt: str, monkeypatch: pytest.MonkeyPatch,
             capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.chdir(folder)
    monkeypatch.setenv("ORGLINT_CACHE_DIR", str(folder.parent / "cache"))
    capsys.readouterr()
    assert main(["report", "--format", fmt]) == 0
    return capsys.readouterr().out


def section(markdown: str, heading: str) -> str:
    """The Markdown from ``## heading`` up to the next ``## `` heading."""
    start = markdown.index(f"\n## {heading}\n")
    end = markdown.find("\n## ", start + 1)
    return markdown[start + 1:end + 1 if end != -1 else len(markdown)]


def table_rows(markdown: str) -> list[list[str]]:
    """The data rows of every table in ``markdown``, as cell texts."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    rows: list[list[str]] = []
    row: list[str] | None = None
    inside_body = False
    for token in tokens:
        if token.type == "tbody_open":
            inside_body = True
        elif token.type == "tbody_close":
            inside_body = False
        elif token.type == "tr_open" and inside_body:
            row = []
        elif token.type == "tr_close" and row is not None:
            rows.append(row)
            row = None
        elif token.type == "inline" and row is not None:
            row.append(token.content)
    return rows


# -- sparse: work grows with the boundaries ----------------------------------------------------

@pytest.mark.parametrize("people", [1000, 5000])
def test_one_cell_is_built_per_boundary(people: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A generated org has one handoff per team (to the next) and journeys along them: as
    many boundaries as teams. The matrix builds one cell for each, not one per pair of teams
    (40,000 and a million here), and its grid has at most 40 rows."""
    org = generated_org(people)
    module = sys.modules[boundary_matrix.__module__]
    real = module.Cell
    built: list[Any] = []

    def counting(*args: Any, **kwargs: Any) -> Any:
        cell = real(*args, **kwargs)
        built.append(cell)
        return cell

    monkeypatch.setattr(module, "Cell", counting)
    matrix = boundary_matrix(org)
    pairs = {(h.source.id, h.target.id) for h in org.handoffs.values()
             if h.source is not None and h.target is not None}
    pairs |= {(a.id, b.id) for j in org.journeys.values() for _, a, b in j.boundaries()}
    teams = people // 5
    assert len(pairs) == teams
    assert len(built) == len(matrix.boundaries) == len(pairs)
    assert {(c.source, c.target) for c in built} == {
        (org.teams[a].name, org.teams[b].name) for a, b in pairs}
    assert len(matrix.labels) <= 40
    assert len(matrix.squares) == len({(r, c) for r, c, _ in matrix.squares}) <= 40 * 40
    assert sum(block.total for block in matrix.blocks) == teams


def generated_org(people: int) -> Org:
    """The resolved Org of the generated org of ``people`` people, one file per team."""
    org, _ = prepare([load_text("\n".join(generate.emit(sections)) + "\n", f"{team}.yaml")
                      for team, sections in generate.build(people)])
    return org


# -- the grid: teams up to 40, groups of the team tree above --------------------------------------

TREE = """
teams:
  top:  {name: Top}
  a:    {name: A, parent: top}
  b:    {name: B, parent: top}
  a1:   {name: A1, parent: a}
  a2:   {name: A2, parent: a}
  b1:   {name: B1, parent: b}
  b2:   {name: B2, parent: b}
  loner: {name: Loner, children: [b3]}
  b3:   {name: B3}
handoffs:
  h1: {from: a1, to: a2, owner: top}
  h2: {from: a2, to: b1}
  h3: {from: b2, to: b1}
  h4: {from: b3, to: a1}
journeys:
  j: {name: J, path: [a1, b2, a2]}
"""


def test_up_to_the_limit_the_grid_shows_the_teams() -> None:
    matrix = boundary_matrix(org_of(TREE))
    assert not matrix.grouped
    assert matrix.labels == matrix.teams == ["A1", "A2", "B1", "B2", "B3"]
    assert matrix.rows == [["", "!", "", "✗", ""],
                           ["", "", "!", "", ""],
                           ["", "", "", "", ""],
                           ["", "✗", "!", "", ""],
                           ["!", "", "", "", ""]]
    assert [(c.source, c.target, c.state) for c in matrix.boundaries] == [
        ("A1", "B2", "undesigned"), ("B2", "A2", "undesigned"), ("A1", "A2", "unowned"),
        ("A2", "B1", "unowned"), ("B2", "B1", "unowned"), ("B3", "A1", "unowned")]
    assert matrix.counts == {"owned": 0, "unowned": 4, "undesigned": 2}


def test_above_the_limit_teams_are_grouped_as_deep_as_the_limit_allows() -> None:
    """Five teams, at most three rows: cut one level below the top, the groups are A, B and
    B3 (each with the teams under it); one level deeper every team would be its own group.
    With two rows the cut is at the top: Top, and Loner, which lists B3 among its `children`
    (a team that names no `parent` sits under the team listing it)."""
    assert [(g.name, g.team, g.teams) for g in boundary_matrix(org_of(TREE), limit=2).groups] \
        == [("Top", "top", 4), ("Loner", "loner", 1)]
    matrix = boundary_matrix(org_of(TREE), limit=3)
    assert matrix.grouped and matrix.level == 1
    assert [(g.name, g.team, g.teams) for g in matrix.groups] == [
        ("A", "a", 2), ("B", "b", 2), ("B3", "b3", 1)]
    # A1 → A2 contracted (a team owns it: no person); A1 → B2 and B2 → A2 undesigned
    assert matrix.rows == [["! 1", "✗ 1", ""], ["✗ 1", "! 1", ""], ["! 1", "", ""]]
    assert [(b.source, b.target, b.undesigned, b.unowned, b.owned) for b in matrix.blocks] == [
        ("A", "B", 1, 1, 0), ("B", "A", 1, 0, 0), ("A", "A", 0, 1, 0), ("B", "B", 0, 1, 0),
        ("B3", "A", 0, 1, 0)]
    assert matrix.blocks[0].tip == ("A → B: 2 boundaries: 1 undesigned (no contract), "
                                    "1 contracted, no owner, 0 contracted and owned")
    assert [c.source + ">" + c.target for c in matrix.busiest] == [
        "A1>B2", "B2>A2", "A1>A2", "A2>B1", "B2>B1", "B3>A1"]
    assert len(matrix.boundaries) == 6


def test_when_even_the_top_is_too_wide_the_least_busy_share_a_row() -> None:
    """Six teams without a parent, two rows: the busiest team keeps its row (then the
    earliest among equals), the rest are "Other teams"."""
    chain = "\n".join(f"  t{n}: {{name: T{n}}}" for n in range(6))
    handoffs = "\n".join(f"  h{n}: {{from: t{n}, to: t{n + 1}, owner: t{n}}}" for n in range(5))
    extra = "  x: {from: t3, to: t0, owner: t3}\n"
    matrix = boundary_matrix(org_of(f"teams:\n{chain}\nhandoffs:\n{handoffs}\n{extra}"), limit=2)
    assert matrix.level == 0
    assert [(g.name, g.teams) for g in matrix.groups] == [("T3", 1), ("Other teams", 5)]
    assert matrix.rows == [["", "! 2"], ["! 1", "! 3"]]


def test_a_parent_cycle_is_cut_and_every_team_still_has_a_group() -> None:
    text = """
teams:
  a: {name: A, parent: c}
  b: {name: B, parent: a}
  c: {name: C, parent: b}
  d: {name: D, parent: c}
  e: {name: E}
handoffs:
  h1: {from: a, to: b}
  h2: {from: c, to: d}
  h3: {from: d, to: e}
  h4: {from: e, to: a}
"""
    matrix = boundary_matrix(org_of(text), limit=2)
    assert sum(group.teams for group in matrix.groups) == 5
    assert sum(block.total for block in matrix.blocks) == 4


# -- the rendered report of a generated org --------------------------------------------------------

def test_a_large_org_shows_the_grouped_matrix_and_every_boundary_in_markdown(
        generated: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    text = rendered(generated, "markdown", monkeypatch, capsys)
    shown = section(text, "Boundary matrix") + section(text, "Appendix: every boundary")
    if UPDATE:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(shown, encoding="utf-8")
    assert shown == GOLDEN.read_text(encoding="utf-8")
    # the appendix lists every boundary of the YAML, each once: handoffs and journey steps
    listed = table_rows(section(text, "Appendix: every boundary"))
    expected = set()
    for _, sections in generate.build(1000):
        for handoff in sections["handoffs"].values():
            expected.add((handoff["from"], handoff["to"]))
        for journey in sections.get("journeys", {}).values():
            expected |= set(zip(journey["path"], journey["path"][1:], strict=False))
    name = {f"t{n:04d}": f"Team {n}" for n in range(200)}
    assert sorted((row[0], row[1]) for row in listed) == sorted(
        (name[a], name[b]) for a, b in expected)
    assert text.index("## Appendix: every boundary") < text.index("## Appendix: every finding")


def test_a_large_org_shows_the_same_in_html(generated: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    html = rendered(generated, "html", monkeypatch, capsys)
    markdown = rendered(generated, "markdown", monkeypatch, capsys)
    assert re.findall(r'<desc id="matrix-desc">([^<]*)</desc>', html) == [
        "200 teams in 21 groups; 197 contracted and owned, 3 contracted, no owner, "
        "0 undesigned (no contract)"]
    assert '<a href="#every-boundary">Appendix: every boundary</a>' in html
    # every boundary of the Markdown appendix is a row of the HTML appendix, in the same order
    appendix = html[html.index('<section id="every-boundary"'):html.index('<section id="findings"')]
    cells = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td>", appendix)
    listed = table_rows(section(markdown, "Appendix: every boundary"))
    assert cells == [(row[0], row[1]) for row in listed]
    assert len(cells) == 200
    # the chart draws one square per pair of groups that meet: the rows of "Boundaries
    # between groups" in the Markdown
    chart = html[html.index('aria-labelledby="matrix-title'):]
    chart = chart[:chart.index("</svg>")]
    part = section(markdown, "Boundary matrix")
    blocks = table_rows(part[part.index("Boundaries between groups"):part.index("Busiest")])
    assert chart.count("<g><title>") == len(blocks)
    assert "<title>Team 6 → Team 6: 18 boundaries: 0 undesigned (no contract), 1 contracted, " \
           "no owner, 17 contracted and owned</title>" in chart


# -- Markdown escaping keeps its meaning on its quick path -----------------------------------------

def reference_md_escape(value: object) -> str:
    """md_escape as every value once went through it: each substitution in turn."""
    text = re.sub(r"\s+", " ", str(value))
    text = re.sub(r"([\\`*\[\]<|~])", r"\\\1", text)
    text = re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", text)
    text = re.sub(r"&(?=[A-Za-z0-9#])", r"\\&", text)
    text = re.sub(r"^( ?)([#+=>-])", r"\1\\\2", text)
    return re.sub(r"^( ?[0-9]+)([.)])(?= |$)", r"\1\\\2", text)


def test_md_escape_returns_what_the_full_substitutions_return() -> None:
    rng = random.Random(14)
    alphabet = "aZ09 _.)#+=>-&*|<`~[]\\\n\t\u00a0é,:;'\"/()!?%@$^{}"
    values: list[object] = [0, 7, 1234, 2.5, "1. first", "12) x", "Team 5", "a  b", "a b ",
                            "Journey 105", "t0106-to-t0107", "customer_id", "x_", "-1"]
    values += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 9)))
               for _ in range(20000)]
    for value in values:
        assert md_escape(value) == reference_md_escape(value), value


def test_journeys_on_one_boundary_are_gathered_without_comparing_every_pair() -> None:
    """3,000 journeys cross the same boundary: each name is kept once, in order, without
    comparing it to every name gathered before (which took 4.5 million comparisons)."""
    compared = [0]

    class Name(str):
        __hash__ = str.__hash__

        def __eq__(self, other: object) -> bool:
            compared[0] += 1
            return str.__eq__(self, other)

    journeys = "".join(f"  j{n}: {{name: J{n}, path: [a, b]}}\n" for n in range(3000))
    org = org_of("teams:\n  a: {name: A}\n  b: {name: B}\njourneys:\n" + journeys)
    for journey in org.journeys.values():
        journey.name = Name(journey.name)
    matrix = boundary_matrix(org)
    assert [len(cell.journeys) for cell in matrix.boundaries] == [3000]
    assert matrix.boundaries[0].journeys[:2] == ("J0", "J1")
    assert compared[0] < 3000
