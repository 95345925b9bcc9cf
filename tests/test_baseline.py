"""Fingerprints, baselines and --diff-base: adopt orglint on a messy org, fail only on new
problems."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess

import pytest
from ci_orgs import run, write

from orglint.finding import Finding

MESSY = """\
people:
  carla: {name: Carla Diaz}
  dan: {name: Dan Roy}
teams:
  sales: {name: Sales, lead: carla, members: [carla, ghost]}
  delivery: {name: Delivery, lead: dan, members: [dan]}
handoffs:
  sales-to-delivery: {from: sales, to: delivery}
  delivery-to-sales: {from: delivery, to: sales, owner: sales}
"""
# the same org: comments added, entities reordered, a handoff moved to another file
PEOPLE_AND_TEAMS = """\
# Who we are
people:
  dan: {name: Dan Roy}      # delivery
  carla: {name: Carla Diaz}  # sales

teams:
  delivery: {name: Delivery, lead: dan, members: [dan]}
  sales: {name: Sales, lead: carla, members: [carla, ghost]}
"""
MOVED_HANDOFFS = """\
# Boundaries
handoffs:
  delivery-to-sales: {from: delivery, to: sales, owner: sales}

  # still looking for an owner
  sales-to-delivery: {from: sales, to: delivery}
"""
NEW_PROBLEM = "  sales-to-sales: {from: sales, to: sales}\n"
CONFIG = "select: [BND001, ORG003]\n"


def finding(message: str, line: int = 1, path: str = "a.yaml", field: str | None = "owner"
            ) -> Finding:
    return Finding(path=path, line=line, column=3, code="BND004", message=message,
                   severity="warning", name="owner-overload", entity="person:carla", field=field)


def test_fingerprints_ignore_positions_files_counts_and_display_names():
    base = finding("Carla Diaz owns 5 boundaries (max 4): 'a-to-b', 'b-to-c'")
    assert finding("Carla D. owns 6 boundaries (max 4): 'a-to-b', 'b-to-c'", line=40,
                   path="other.yaml").fingerprint == base.fingerprint
    assert finding("Carla Diaz owns 5 boundaries (max 4): 'b-to-c', 'a-to-b'"
                   ).fingerprint == base.fingerprint
    # what tells two problems apart: the rule, the entity, the field, the ids quoted
    assert finding("Carla Diaz owns 5 boundaries (max 4): 'a-to-b'").fingerprint != base.fingerprint
    assert finding(base.message, field="backup_owner").fingerprint != base.fingerprint
    # a "did you mean" hint changes when other ids are added: it is not part of the identity
    unknown = Finding(path="a.yaml", line=2, column=9, code="ORG003", severity="error",
                      name="unknown-reference", entity="team:sales", field="lead",
                      message="team 'sales' field 'lead' names unknown person 'ann'; did you "
                              "mean 'ana'?")
    hint = Finding(path="a.yaml", line=2, column=9, code="ORG003", severity="error",
                   name="unknown-reference", entity="team:sales", field="lead",
                   message="team 'sales' field 'lead' names unknown person 'ann'; did you "
                           "mean 'anne'?")
    assert unknown.fingerprint == hint.fingerprint
    syntax = Finding(path="a.yaml", line=3, column=1, code="ORG001", severity="error",
                     name="yaml-syntax", message="duplicate key 'x' (first defined at line 2)")
    moved = Finding(path="a.yaml", line=9, column=1, code="ORG001", severity="error",
                    name="yaml-syntax", message="duplicate key 'x' (first defined at line 7)")
    assert syntax.fingerprint == moved.fingerprint
    # a finding about no entity belongs to its file: the same error elsewhere is another one
    elsewhere = Finding(path="b.yaml", line=3, column=1, code="ORG001", severity="error",
                        name="yaml-syntax", message=syntax.message)
    assert elsewhere.fingerprint != syntax.fingerprint


def _fingerprints(out: str) -> list[tuple[str, str | None, str]]:
    return sorted((f["code"], f["entity"], f["fingerprint"]) for f in json.loads(out)["findings"])


def test_fingerprints_survive_two_runs_comments_reordering_and_moving_files(
        tmp_path, capsys, monkeypatch):
    write(tmp_path / "orglint.yaml", CONFIG)
    write(tmp_path / "org.yaml", MESSY)
    _, first, _ = run(capsys, monkeypatch, tmp_path, "check", "--format", "json")
    _, second, _ = run(capsys, monkeypatch, tmp_path, "check", "--format", "json")
    assert first == second
    sarif_before = _sarif_fingerprints(run(capsys, monkeypatch, tmp_path, "check", "--format",
                                           "sarif")[1])
    (tmp_path / "org.yaml").unlink()
    write(tmp_path / "org" / "people.yaml", PEOPLE_AND_TEAMS)
    write(tmp_path / "org" / "handoffs.yaml", MOVED_HANDOFFS)
    _, edited, _ = run(capsys, monkeypatch, tmp_path, "check", "--format", "json")
    assert [(f["path"], f["line"]) for f in json.loads(edited)["findings"]] != [
        (f["path"], f["line"]) for f in json.loads(first)["findings"]]  # the lines did move
    assert len(_fingerprints(first)) == 3
    assert _fingerprints(edited) == _fingerprints(first)
    sarif = [run(capsys, monkeypatch, tmp_path, "check", "--format", "sarif")[1] for _ in (1, 2)]
    assert sarif[0] == sarif[1]
    assert _sarif_fingerprints(sarif[0]) == sarif_before


def _sarif_fingerprints(text: str) -> list[tuple[str, str]]:
    results = json.loads(text)["runs"][0]["results"]
    return sorted((r["ruleId"], r["partialFingerprints"]["orglint/v1"]) for r in results)


def test_a_baseline_accepts_todays_findings_and_fails_only_on_new_ones(
        tmp_path, capsys, monkeypatch):
    write(tmp_path / "orglint.yaml", CONFIG)
    write(tmp_path / "org.yaml", MESSY)
    code, out, _ = run(capsys, monkeypatch, tmp_path, "check", "--write-baseline", "base.json")
    assert (code, out) == (0, "Wrote 3 findings to base.json.\n")
    baseline = json.loads((tmp_path / "base.json").read_text())
    assert baseline["orglint_baseline"] == 1
    assert [(e["code"], e["entity"], e["field"]) for e in baseline["findings"]] == [
        ("BND001", "handoff:delivery-to-sales", "owner"),
        ("BND001", "handoff:sales-to-delivery", None),
        ("ORG003", "team:sales", "members.1"),
    ]
    code, out, _ = run(capsys, monkeypatch, tmp_path, "check", "--baseline", "base.json")
    assert code == 0
    assert out.startswith("No new problems found in 1 file.\nBaseline: 3 known findings not shown.\n")
    # comments, reordering and moving entities to other files change nothing
    (tmp_path / "org.yaml").unlink()
    write(tmp_path / "org" / "people.yaml", PEOPLE_AND_TEAMS)
    write(tmp_path / "org" / "handoffs.yaml", MOVED_HANDOFFS)
    code, _, _ = run(capsys, monkeypatch, tmp_path, "check", "--baseline", "base.json")
    assert code == 0
    # a new problem still fails, and is the only one shown
    write(tmp_path / "org" / "handoffs.yaml", MOVED_HANDOFFS + NEW_PROBLEM)
    code, out, _ = run(capsys, monkeypatch, tmp_path, "check", "--baseline", "base.json")
    assert code == 1
    assert out.splitlines()[0] == ("org/handoffs.yaml:7:3: BND001 [error] handoff "
                                   "'sales-to-sales' (Sales -> Sales) has no named owner")
    assert "Found 1 problem (1 error) in 2 files." in out
    # the config can name the baseline
    write(tmp_path / "orglint.yaml", CONFIG + "baseline: base.json\n")
    code, out, _ = run(capsys, monkeypatch, tmp_path, "check")
    assert code == 1 and "Baseline: 3 known findings not shown." in out


def test_a_second_copy_of_a_baselined_problem_is_new(tmp_path, capsys, monkeypatch):
    write(tmp_path / "orglint.yaml", "select: [ORG001]\n")
    write(tmp_path / "a.yaml", "a: 1\na: 2\n")
    run(capsys, monkeypatch, tmp_path, "check", "--write-baseline", "base.json")
    write(tmp_path / "b.yaml", "a: 1\na: 2\n")
    code, out, _ = run(capsys, monkeypatch, tmp_path, "check", "--baseline", "base.json")
    assert code == 1
    assert out.splitlines()[:2] == [
        "b.yaml:2:1: ORG001 [error] duplicate key 'a' (first defined at line 1)", ""]


def test_a_known_problem_of_one_file_never_hides_the_same_problem_in_another(
        tmp_path, capsys, monkeypatch):
    write(tmp_path / "orglint.yaml", "select: [ORG001, ORG002]\n")
    write(tmp_path / "m.yaml", "org: {}\norg: {}\n")
    write(tmp_path / "list.yaml", "- 1\n")
    run(capsys, monkeypatch, tmp_path, "check", "--write-baseline", "base.json")
    # m.yaml and list.yaml are fixed; a.yaml and b.yaml, sorted first, break the same way
    write(tmp_path / "m.yaml", "org: {}\n")
    write(tmp_path / "list.yaml", "{}\n")
    write(tmp_path / "a.yaml", "org: {}\norg: {}\n")
    write(tmp_path / "b.yaml", "- 1\n")
    code, out, _ = run(capsys, monkeypatch, tmp_path, "check", "--baseline", "base.json")
    assert code == 1
    assert [line for line in out.splitlines() if ": ORG00" in line] == [
        "a.yaml:2:1: ORG001 [error] duplicate key 'org' (first defined at line 1)",
        "b.yaml:1:1: ORG002 [error] a file must be a mapping of sections (people, teams, "
        "journeys, ...)",
    ]
    # while the known file still has its problem, it stays accepted
    write(tmp_path / "m.yaml", "org: {}\norg: {}\n")
    code, out, _ = run(capsys, monkeypatch, tmp_path, "check", "--baseline", "base.json")
    assert next(line for line in out.splitlines() if ": ORG00" in line).startswith("a.yaml:2:1:")
    assert "Baseline: 1 known finding not shown." in out


def test_sarif_tells_the_same_problem_in_two_files_apart(tmp_path, capsys, monkeypatch):
    write(tmp_path / "orglint.yaml", "select: [ORG001]\n")
    write(tmp_path / "a.yaml", "a: 1\na: 2\n")
    write(tmp_path / "b.yaml", "a: 1\na: 2\n")
    code, out, _ = run(capsys, monkeypatch, tmp_path, "check", "--format", "sarif")
    assert code == 1
    results = json.loads(out)["runs"][0]["results"]
    assert [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in results] == ["a.yaml", "b.yaml"]
    prints = [r["partialFingerprints"]["orglint/v1"] for r in results]
    assert len(set(prints)) == 2


def test_a_hint_is_cut_with_the_blanks_and_the_mark_before_it():
    def item(message: str) -> Finding:
        return Finding(path="a.yaml", line=1, column=1, code="ORG003", severity="error",
                       name="unknown-reference", entity="team:sales", field="lead",
                       message=message)

    bare = item("names unknown person 'x    y'").fingerprint
    assert item("names unknown person 'x    y' ;  did you mean 'z'?").fingerprint == bare
    assert item("names unknown person 'x    y'\t\tthat is the name of 'z'").fingerprint == bare
    assert item("names unknown person 'x    y' or 'z'").fingerprint != bare


@pytest.mark.parametrize(("text", "error"), [
    (None, "orglint: error: baseline file 'base.json' does not exist (create it with "
           "--write-baseline)\n"),
    ("{oops", "orglint: error: base.json:1:2: not a baseline file: Expecting property name "
              "enclosed in double quotes\n"),
    ('{"findings": []}', "orglint: error: base.json:1:1: not an orglint baseline (expected "
                         "\"orglint_baseline\": 1; write one with --write-baseline)\n"),
    ('{"orglint_baseline": 1, "findings": [1]}',
     "orglint: error: base.json:1:1: 'findings' must be a list of entries with a 'fingerprint'\n"),
])
def test_a_bad_baseline_is_a_usage_error(tmp_path, capsys, monkeypatch, text, error):
    write(tmp_path / "org.yaml", MESSY)
    if text is not None:
        write(tmp_path / "base.json", text)
    code, out, err = run(capsys, monkeypatch, tmp_path, "check", "--baseline", "base.json")
    assert (code, out, err) == (2, "", error)


# --- --diff-base ------------------------------------------------------------------------------


def git(cwd, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True,
                          env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                               "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
                               "HOME": str(cwd), "PATH": os.environ.get("PATH", "")})
    return done.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_diff_base_reports_only_findings_new_since_a_revision(tmp_path, capsys, monkeypatch):
    repo = tmp_path / "repo"
    write(repo / "ops" / "orglint.yaml", CONFIG)
    write(repo / "ops" / "org.yaml", MESSY)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "messy org")
    # a working-tree edit: moved into two files with comments, plus one new problem
    (repo / "ops" / "org.yaml").unlink()
    write(repo / "ops" / "people.yaml", PEOPLE_AND_TEAMS)
    write(repo / "ops" / "handoffs.yaml", MOVED_HANDOFFS + NEW_PROBLEM)
    code, out, err = run(capsys, monkeypatch, repo / "ops", "check", "--diff-base", "HEAD")
    assert (code, err) == (1, "")
    assert out.splitlines()[:2] == [
        "handoffs.yaml:7:3: BND001 [error] handoff 'sales-to-sales' (Sales -> Sales) has no "
        "named owner", ""]
    assert "Baseline: 3 known findings not shown." in out
    code, out, err = run(capsys, monkeypatch, repo / "ops", "check", "--diff-base", "nope")
    assert code == 2
    assert err == ("orglint: error: --diff-base: no commit 'nope' in this repository (a branch, "
                   "tag or commit id; a new repository has none yet)\n")
    code, out, err = run(capsys, monkeypatch, repo / "ops", "check", "--diff-base", "")
    assert (code, err) == (2, "orglint: error: --diff-base: '' is not a revision\n")
    code, out, err = run(capsys, monkeypatch, tmp_path, "check", "--diff-base", "HEAD",
                         str(repo / "ops"))
    assert code == 2 and err.startswith(
        f"orglint: error: --diff-base needs a git repository, and {tmp_path.resolve()} is not "
        "in one (git rev-parse --show-toplevel: fatal: not a git repository")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_diff_base_reads_the_bytes_as_committed_and_leaves_the_repository_alone(
        tmp_path, capsys, monkeypatch):
    """The revision is checked out into a folder and index of its own: the repository's index
    and working tree stay as they were, and no smudge filter runs (a Git LFS setup that
    cannot fetch, here a smudge that fails, does not stop the run)."""
    repo = tmp_path / "repo"
    write(repo / "ops" / "orglint.yaml", CONFIG)
    write(repo / "ops" / "org.yaml", MESSY)
    write(repo / ".gitattributes", "*.yaml filter=lfs diff=lfs merge=lfs\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "filter.lfs.clean", "cat")
    git(repo, "config", "filter.lfs.smudge", "false")  # a checkout that would fetch, and fail
    git(repo, "config", "filter.lfs.required", "true")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "messy org")
    write(repo / "ops" / "org.yaml", MESSY.replace("handoffs:\n", "handoffs:\n" + NEW_PROBLEM))
    index = (repo / ".git" / "index").read_bytes()
    status = git(repo, "status", "--porcelain")
    code, out, err = run(capsys, monkeypatch, repo / "ops", "check", "--diff-base", "HEAD")
    assert (code, err) == (1, "")
    assert "Baseline: 3 known findings not shown." in out
    assert (repo / ".git" / "index").read_bytes() == index
    assert git(repo, "status", "--porcelain") == status


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_diff_base_applies_to_named_files_and_to_standard_input(tmp_path, capsys, monkeypatch):
    repo = tmp_path / "repo"
    write(repo / "orglint.yaml", CONFIG)
    write(repo / "people.yaml", PEOPLE_AND_TEAMS)
    write(repo / "handoffs.yaml", MOVED_HANDOFFS)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "messy org")
    write(repo / "handoffs.yaml", MOVED_HANDOFFS + NEW_PROBLEM)
    new = ("handoffs.yaml:7:3: BND001 [error] handoff 'sales-to-sales' (Sales -> Sales) has no "
           "named owner")
    code, out, err = run(capsys, monkeypatch, repo, "check", "--diff-base", "HEAD",
                         "handoffs.yaml")
    assert (code, err) == (1, "")
    assert out.splitlines()[0] == new
    assert "Baseline: 2 known findings not shown." in out
    code, out, err = run(capsys, monkeypatch, repo, "check", "--diff-base", "HEAD", "people.yaml")
    assert (code, err) == (0, "")
    assert "Baseline: 1 known finding not shown." in out
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(
        (MOVED_HANDOFFS + NEW_PROBLEM).encode())))
    code, out, err = run(capsys, monkeypatch, repo, "check", "--diff-base", "HEAD",
                         "--stdin-filename", "handoffs.yaml", "-")
    assert (code, err) == (1, "")
    assert out.splitlines()[0] == new
    assert "Baseline: 2 known findings not shown." in out
