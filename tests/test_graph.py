"""`orglint graph`: golden output on the firm example, escaping, determinism, exit codes."""

from __future__ import annotations

import re
from pathlib import Path

import pydot
import pytest

from orglint.commands import main
from orglint.engine.check import prepare
from orglint.load.documents import load_text
from orglint.outputs.graph import build, mermaid_ids, mermaid_label, render

ROOT = Path(__file__).resolve().parent.parent
NORTHWIND = ROOT / "examples" / "northwind-services"
GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.mark.parametrize(("argv", "golden"), [
    ([], "graph-northwind.mmd"),
    (["--format", "mermaid"], "graph-northwind.mmd"),
    (["--format", "dot"], "graph-northwind.dot"),
])
def test_northwind_matches_golden(monkeypatch: pytest.MonkeyPatch,
                                  capsys: pytest.CaptureFixture[str], argv: list[str],
                                  golden: str) -> None:
    monkeypatch.chdir(NORTHWIND)
    assert main(["graph", *argv]) == 0
    captured = capsys.readouterr()
    assert captured.out == (GOLDEN / golden).read_text(encoding="utf-8")
    assert captured.err == ""
    assert main(["graph", *argv]) == 0
    assert capsys.readouterr().out == captured.out, "the same org gives the same bytes"


def test_northwind_golden_says_what_the_org_says() -> None:
    """The golden is not just whatever came out: its edges are the example's handoffs."""
    text = (GOLDEN / "graph-northwind.mmd").read_text(encoding="utf-8")
    assert '  t_delivery -->|"no owner"| t_sales' in text  # the unowned change request
    assert "  linkStyle 4 stroke:#d62728,stroke-width:3px,color:#d62728" in text
    assert '  t_sales -.->|"no handoff: Scope change on an active project"| t_billing' in text
    assert '  t_leadership -.->|"no handoff: Annual retainer renewal"| t_billing' in text
    assert text.count("-->") == 6 and text.count("-.->") == 2


HOSTILE = """\
people:
  dan: {name: 'Dan "the | man" <b>#1</b>'}
teams:
  a.b: {name: 'Quote " pipe | hash # [x] {y} `z`'}
  a-b: {name: "Back\\\\slash \\\\n and\\nnewline"}
  end: {name: end}
journeys:
  j: {name: 'J "1"', path: [a.b, end]}
handoffs:
  h1: {from: a.b, to: a-b, owner: dan}
  h2: {from: a-b, to: end}
"""


def hostile_graph() -> tuple[str, str]:
    org, _ = prepare([load_text(HOSTILE, "hostile.yaml")])
    return render(build(org), "mermaid"), render(build(org), "dot")


def test_hostile_names_are_escaped_for_mermaid() -> None:
    mermaid, _ = hostile_graph()
    assert mermaid == (
        "flowchart LR\n"
        '  t_a_b["Quote #quot; pipe #124; hash #35; #91;x#93; #123;y#125; #96;z#96;"]\n'
        '  t_a_b_2["Back\\slash \\n and newline"]\n'
        '  t_end["end"]\n'
        '  t_a_b -->|"Dan #quot;the #124; man#quot; #lt;b#gt;#35;1#lt;/b#gt;"| t_a_b_2\n'
        '  t_a_b_2 -->|"no owner"| t_end\n'
        '  t_a_b -.->|"no handoff: J #quot;1#quot;"| t_end\n'
        "  linkStyle 1 stroke:#d62728,stroke-width:3px,color:#d62728\n"
    )
    for line in mermaid.splitlines()[1:]:
        # outside the quoted labels only plain ids and arrows remain
        bare = re.sub(r'"[^"]*"', '""', line)
        assert re.fullmatch(r'  (t_\w+\[""\]|t_\w+ -(->|\.->)\|""\| t_\w+|linkStyle .*)', bare)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # pydot's own use of pyparsing
def test_hostile_names_are_escaped_for_dot() -> None:
    _, dot = hostile_graph()
    assert dot == (
        "digraph handoffs {\n"
        "  rankdir=LR;\n"
        "  node [shape=box, style=rounded];\n"
        '  "a.b" [label="Quote \\" pipe | hash # [x] {y} `z`"];\n'
        '  "a-b" [label="Back\\\\slash \\\\n and newline"];\n'
        '  "end" [label="end"];\n'
        '  "a.b" -> "a-b" [label="Dan \\"the | man\\" <b>#1</b>"];\n'
        '  "a-b" -> "end" [label="no owner", color="#d62728", fontcolor="#d62728", '
        "penwidth=2];\n"
        '  "a.b" -> "end" [label="no handoff: J \\"1\\"", style=dashed];\n'
        "}\n"
    )
    parsed = pydot.graph_from_dot_data(dot)
    assert parsed is not None and len(parsed) == 1
    graph = parsed[0]
    assert [node.get_name() for node in graph.get_nodes() if node.get_name() != "node"] == [
        '"a.b"', '"a-b"', '"end"']
    assert [(e.get_source(), e.get_destination()) for e in graph.get_edges()] == [
        ('"a.b"', '"a-b"'), ('"a-b"', '"end"'), ('"a.b"', '"end"')]


def test_mermaid_ids_are_plain_and_unique() -> None:
    assert mermaid_ids(["a.b", "a-b", "a_b", "a_b_2"]) == {
        "a.b": "t_a_b", "a-b": "t_a_b_2", "a_b": "t_a_b_3", "a_b_2": "t_a_b_2_2"}
    assert mermaid_label("a\r\n\tb") == "a b"


def test_problems_are_noted_but_the_graph_is_drawn(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "orglint.yaml").write_text("include: ['*.yaml']\n", encoding="utf-8")
    (tmp_path / "org.yaml").write_text(
        "teams:\n  a: {name: A}\n  b: {name: B}\nhandoffs:\n  h: {from: a, to: ghost}\n",
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["graph"]) == 0
    captured = capsys.readouterr()
    assert captured.out == 'flowchart LR\n  t_a["A"]\n  t_b["B"]\n'
    assert captured.err == ("orglint: note: some files have problems; the graph shows what "
                            "resolved (run 'orglint check')\n")


def test_unknown_format_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["graph", "--format", "svg"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'svg'" in capsys.readouterr().err


def test_docs_show_the_golden_output() -> None:
    docs = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    shown = re.search(r"```mermaid\n(.*?)```", docs, re.S)
    assert shown is not None
    assert shown.group(1) == (GOLDEN / "graph-northwind.mmd").read_text(encoding="utf-8")
