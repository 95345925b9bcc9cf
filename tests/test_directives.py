"""Only YAML comments are directives: text inside any kind of string never waives a finding,
and a directive after other words of a comment counts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from orglint.commands import main
from orglint.load.directives import scan_directives

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DESCRIPTION = "    description: Phones, bookings and check-in at all three clinics.\n"


def check(capsys, monkeypatch, cwd: Path, *argv: str) -> tuple[int, list[str]]:
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("ORGLINT_TODAY", "2026-06-01")
    code = main(["check", "--no-cache", *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and err == ""
    return code, out.splitlines()


@pytest.fixture
def healthy(tmp_path: Path) -> Path:
    folder = tmp_path / "harbor-health"
    shutil.copytree(EXAMPLES / "harbor-health", folder)
    return folder


@pytest.mark.parametrize("description", [
    "    description: |\n      Phones and bookings.\n      # orglint: disable=BND001\n",
    "    description: >-\n      Phones and bookings.\n\n      # orglint: disable=BND001\n",
    '    description: "Phones and bookings.\n      # orglint: disable=BND001"\n',
    "    description: 'Phones and bookings.\n      # orglint: disable=BND001 reason=\"x\"'\n",
    "    description: 'Phone''s and bookings.\n\n      # orglint: disable=BND001'\n",
])
def test_a_directive_inside_a_string_is_text(healthy, capsys, monkeypatch, description):
    teams = healthy / "teams.yaml"
    text = teams.read_text(encoding="utf-8")
    assert DESCRIPTION in text
    teams.write_text(text.replace(DESCRIPTION, description), encoding="utf-8")
    code, lines = check(capsys, monkeypatch, healthy)
    assert code == 0
    assert lines[0] == "No problems found in 12 files."
    assert lines[1].startswith("Stage 4 of 4: ")


def test_a_crafted_string_cannot_waive_a_real_finding(tmp_path, capsys, monkeypatch):
    (tmp_path / "org.yaml").write_text(
        "people:\n  ana: {name: Ana}\n"
        "teams:\n  a: {name: A, lead: ana, members: [ana]}\n  b: {name: B, lead: ana}\n"
        "handoffs:\n"
        '  a-to-b: {from: a, to: b, name: "Intake\n'
        "    # orglint: disable=BND001 reason=hidden\n"
        '    "}\n', encoding="utf-8")
    code, lines = check(capsys, monkeypatch, tmp_path, "--select", "BND001,WVR")
    assert code == 1
    assert lines[:2] == [
        "org.yaml:7:3: BND001 [error] handoff 'a-to-b' (A -> B) has no named owner", ""]


def test_a_directive_after_other_words_of_a_comment_counts(tmp_path, capsys, monkeypatch):
    (tmp_path / "org.yaml").write_text(
        "people:\n  ana: {name: Ana}\n"
        "teams:\n"
        '  a: {name: A, members: [ana]}  # note  # orglint: disable=ORG006 reason="hiring"\n',
        encoding="utf-8")
    code, lines = check(capsys, monkeypatch, tmp_path, "--select", "ORG006,WVR")
    assert (code, lines[0]) == (0, "No problems found in 1 file.")
    assert lines[1:3] == ["Waived 1 finding:", "  inline waiver for ORG006 at org.yaml:4:41: "
                                               '1 finding; reason "hiring", no owner, no expiry']


def test_directives_come_from_comments_of_every_kind():
    text = (
        "a: |  # orglint: disable=A\n"         # a block scalar's header may hold a comment
        "  text # orglint: no\n"
        " # orglint: disable=C\n"              # less indented: the block has ended
        'b: "q\n'
        '  # orglint: no"  # note  # orglint: disable=E\n'
        "c: plain\n"
        "  more # orglint: disable=F\n"
        "e: 'x # orglint: no' #orglint: disable=G\n"
        "g: >-\n"
        "  # orglint: no\n"
        "  ok\n"
        "# orglint: disable=I\n"
        "h: \"''\" # x#orglint: no\n"
        "i: x\u2028# orglint: disable=J\n"     # YAML's scanners break lines at U+2028 too
    )
    assert scan_directives(text) == [
        (1, 7, "disable=A"),
        (3, 2, "disable=C"),
        (5, 27, "disable=E"),
        (7, 8, "disable=F"),
        (8, 22, "disable=G"),
        (12, 1, "disable=I"),
        (15, 1, "disable=J"),
    ]


def test_after_a_syntax_error_nothing_is_a_directive():
    assert scan_directives('# orglint: disable=A\na: "never closed\n# orglint: disable=B\n'
                           ) == [(1, 1, "disable=A")]


def test_a_line_full_of_quotes_is_read_once():
    line = "a: " + "x'\"" * 20_000 + "  # orglint: disable=A\n"
    assert scan_directives(line) == [(1, 60_006, "disable=A")]
