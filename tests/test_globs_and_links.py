"""Which files make the org, shown where the user walked to them: include globs matched in
linear time, and links reported at their own path, never at a target outside the repository."""

from __future__ import annotations

import io
import json
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from orglint.commands import main
from orglint.load.discover import Glob

BROKEN = "teams:\n  support: {name: Support, leed: ana}\n"


def reference(pattern: str) -> re.Pattern[str]:
    """The glob as a backtracking regex: right, but exponential on many stars."""
    out = ""
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out, index = out + "(?:.*/)?", index + 3
        elif pattern.startswith("**", index):
            out, index = out + ".*", index + 2
        elif pattern[index] == "*":
            out, index = out + "[^/]*", index + 1
        elif pattern[index] == "?":
            out, index = out + "[^/]", index + 1
        else:
            out, index = out + re.escape(pattern[index]), index + 1
    return re.compile(out + r"\Z")


def test_globs_match_what_the_glob_syntax_says():
    cases = {
        "**/*.yaml": (["a.yaml", "org/a.yaml", "org/x/a.yaml"], ["a.yml", "org/a.yaml/b"]),
        "org/**/*.yaml": (["org/a.yaml", "org/x/y/a.yaml"], ["a.yaml", "orgx/a.yaml"]),
        "org/drafts/**": (["org/drafts/a.yaml", "org/drafts/x/y"], ["org/draft/a.yaml"]),
        "*.yaml": (["a.yaml", ".yaml"], ["org/a.yaml"]),
        "a?c": (["abc"], ["a/c", "ac", "abbc"]),
        "**/skip-*.yaml": (["skip-1.yaml", "x/skip-.yaml"], ["x/skip/1.yaml"]),
        "a**/b": (["ab", "a/b", "ax/b", "a/x/b"], ["a/xb", "b"]),
        "[x].yaml": (["[x].yaml"], ["x.yaml"]),
    }
    for pattern, (matching, other) in cases.items():
        glob = Glob(pattern)
        assert [path for path in matching if not glob.match(path)] == [], pattern
        assert [path for path in other if glob.match(path)] == [], pattern


def test_globs_agree_with_the_backtracking_regex_on_random_patterns():
    rng = random.Random(15)
    disagree = []
    for _ in range(3000):
        pattern = "".join(rng.choice("ab/*?.") for _ in range(rng.randint(0, 8)))
        glob, regex = Glob(pattern), reference(pattern)
        for _ in range(12):
            path = "".join(rng.choice("ab/.") for _ in range(rng.randint(0, 10)))
            if glob.match(path) != bool(regex.match(path)):
                disagree.append((pattern, path))
    assert disagree == []


def test_many_stars_never_blow_up(tmp_path):
    """40 stars against a name with 39 of the letters they need: a backtracking regex tries
    every way to place them (the process would run for hours); here one step per character."""
    (tmp_path / "org.yaml").write_text("org: {name: X}\n", encoding="utf-8")
    (tmp_path / ("a" * 39 + "b" * 30 + ".yaml")).write_text("- 1\n", encoding="utf-8")
    (tmp_path / "orglint.yaml").write_text(
        "include: [org.yaml, '" + "*a" * 40 + "*.yaml', '" + "a" + "*" * 40 + "b.yaml']\n",
        encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "orglint", "check", "--no-cache"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout.splitlines()[0].startswith("a" * 39 + "b" * 30 + ".yaml:1:1: ORG002 ")
    assert "Found 1 problem (1 error) in 2 files." in done.stdout


def check(capsys, monkeypatch, cwd: Path, *argv: str) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    code = main(["check", "--no-cache", "--select", "ORG001,ORG002", *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """A repository whose org/support.yaml links to a file outside it, and org/gone.yaml to
    nothing."""
    shared = tmp_path / "shared-outside"
    shared.mkdir()
    (shared / "support.yaml").write_text(BROKEN, encoding="utf-8")
    repo = tmp_path / "work" / "repo"
    (repo / "org").mkdir(parents=True)
    (repo / "orglint.yaml").write_text("include: ['org/**/*.yaml']\n", encoding="utf-8")
    (repo / "org" / "people.yaml").write_text("people:\n  ana: {name: Ana}\n", encoding="utf-8")
    (repo / "org" / "support.yaml").symlink_to(shared / "support.yaml")
    (repo / "org" / "gone.yaml").symlink_to(tmp_path / "nonexistent" / "x.yaml")
    return repo


def test_a_linked_file_is_shown_at_its_link_in_every_format(linked, capsys, monkeypatch):
    code, out, _ = check(capsys, monkeypatch, linked)
    assert code == 1
    assert out.splitlines()[:2] == [
        "org/gone.yaml:1:1: ORG001 [error] cannot read file: No such file or directory",
        "org/support.yaml:2:28: ORG002 [error] unknown field 'leed' in team 'support'; "
        "did you mean 'lead'?",
    ]
    _, out, _ = check(capsys, monkeypatch, linked, "--format", "sarif")
    uris = [result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for result in json.loads(out)["runs"][0]["results"]]
    assert uris == ["org/gone.yaml", "org/support.yaml"]
    _, out, _ = check(capsys, monkeypatch, linked, "--format", "github")
    assert [line.split(",")[0] for line in out.splitlines()[:2]] == [
        "::error file=org/gone.yaml", "::error file=org/support.yaml"]


def test_a_named_link_is_shown_as_named(linked, capsys, monkeypatch):
    code, out, _ = check(capsys, monkeypatch, linked / "org", "support.yaml")
    assert code == 1
    assert out.splitlines()[:2] == [
        "gone.yaml:1:1: ORG001 [error] cannot read file: No such file or directory",
        "support.yaml:2:28: ORG002 [error] unknown field 'leed' in team 'support'; did you "
        "mean 'lead'?"]
    code, out, err = check(capsys, monkeypatch, linked / "org", "gone.yaml")
    assert (code, out, err) == (2, "", "orglint: error: path 'gone.yaml' does not exist\n")


def test_two_links_to_one_file_read_it_once(linked, capsys, monkeypatch):
    (linked / "org" / "also.yaml").symlink_to(linked / "org" / "support.yaml")
    _, out, _ = check(capsys, monkeypatch, linked)
    assert [line.split(":")[0] for line in out.splitlines() if ": ORG00" in line] == [
        "org/also.yaml", "org/gone.yaml"]


def test_a_buffer_for_a_linked_file_replaces_it(linked, capsys, monkeypatch):
    """The buffer stands for the link: the file behind it is not read too (ORG004 would
    report the team twice)."""
    (linked / "org" / "gone.yaml").unlink()
    monkeypatch.chdir(linked)
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(
        b"teams:\n  support: {name: Support, lead: ana}\n")))
    code = main(["check", "--no-cache", "--select", "ORG001,ORG003,ORG004", "-",
                 "--stdin-filename", "org/support.yaml"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "No problems found in 1 file."
