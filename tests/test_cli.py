"""The command line: version, entry points, the rules table, a rule's documentation, JSON
output, fail levels, exit codes and byte-identical output."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from orglint import __version__
from orglint.commands import main

# one finding of each severity, nothing else among the selected rules
ORG = (
    "people:\n"
    "  dan: {name: Dan Okafor}\n"
    "teams:\n"
    "  sales: {name: Sales}\n"
    "  delivery: {name: Delivery, lead: dan}\n"
    "handoffs:\n"
    "  sales-to-delivery: {from: sales, to: delivery}\n"
    "---\n"
    "people:\n"
    "  ana: {name: Ana Silva}\n"
)
SELECT = "ORG006,ORG007,BND001"
ERROR = "org.yaml:7:3: BND001 [error] handoff 'sales-to-delivery' (Sales -> Delivery) has no named owner"
INFO = "org.yaml:10:3: ORG007 [info] person 'ana' (Ana Silva) belongs to no team"
WARNING = "org.yaml:4:3: ORG006 [warning] team 'sales' has no lead"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    (tmp_path / "orglint.yaml").write_text("include: ['**/*.yaml']\n", encoding="utf-8")
    (tmp_path / "org.yaml").write_text(ORG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path



def process(cwd: Path, *argv: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "orglint", *argv], capture_output=True,
                          cwd=cwd, timeout=60)


# --- entry points ---------------------------------------------------------------------------


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == f"orglint {__version__}\n"


def test_python_dash_m_orglint(repo):
    proc = process(repo, "--version")
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, f"orglint {__version__}\n".encode(), b"")


def test_the_command_says_all_and_runs_exit_handlers_before_it_ends(repo, capsys):
    """The ``orglint`` command ends without freeing what the run built (os._exit): what it
    wrote is flushed, exit handlers run, and the code is main's."""
    code = main(["check", "--no-cache", "--select", SELECT])
    expected = capsys.readouterr().out
    probe = ("import atexit, sys\n"
             "atexit.register(lambda: sys.stderr.write('handler ran\\n'))\n"
             "sys.argv = ['orglint', 'check', '--no-cache', '--select', '" + SELECT + "']\n"
             "from orglint.commands import console\nconsole()\n")
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, cwd=repo,
                          timeout=60)
    assert (proc.returncode, proc.stdout.decode(), proc.stderr) == (code, expected,
                                                                    b"handler ran\n")
    assert code == 1 and ERROR in expected


def test_a_closed_output_pipe_ends_the_command_with_2_and_nothing_said(repo):
    proc = subprocess.Popen([sys.executable, "-m", "orglint", "check", "--no-cache"],
                            cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # nobody reads what it says
    err = proc.stderr.read()
    assert (proc.wait(timeout=60), err) == (2, b"")


def test_no_command_prints_help_and_exits_2(cli):
    code, out, _err = cli()
    assert code == 2
    assert out.startswith("usage: orglint ")
    assert "check" in out and "rules" in out


def test_an_unknown_option_is_one_line_and_exit_2(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--bogus"])
    assert exit_.value.code == 2
    assert capsys.readouterr() == ("", "orglint: error: unrecognized arguments: --bogus\n")


# --- check: exit codes, fail levels ---------------------------------------------------------


def test_text_output_and_exit_1_on_an_error(repo, cli):
    code, out, err = cli("check", "--select", SELECT)
    assert (code, err) == (1, "")
    assert out == (
        f"{WARNING}\n"
        f"{ERROR}\n"
        f"{INFO}\n"
        "\n"
        "Found 3 problems (1 error, 1 warning, 1 info) in 1 file.\n"
        "Stage 1 of 4: reactive - 2 teams, 2 people written down, but no customer journey is "
        "mapped with its path and owner.\n"
        "Blocking stage 2 (designed surface):\n"
        "  ORG006 team-without-lead: 1 finding\n"
        "  and it needs a customer journey with a path of teams and one named owner (journeys: "
        "{id: {path: [team, ...], owner: person}})\n"
        "Why each rule matters and how to fix it: 'orglint rule ORG006'.\n"
    )


def test_warnings_do_not_fail_by_default(repo, cli):
    code, out, _ = cli("check", "--select", "ORG006")
    assert code == 0
    assert out.startswith(f"{WARNING}\n\nFound 1 problem (1 warning) in 1 file.\n")


@pytest.mark.parametrize(("select", "fail_on", "expected"), [
    ("ORG006", "warning", 1),
    ("ORG006", "error", 0),
    ("ORG007", "warning", 0),
    ("ORG007", "info", 1),
    ("BND001", "error", 1),
])
def test_fail_on(repo, cli, select, fail_on, expected):
    code, _, err = cli("check", "--select", select, "--fail-on", fail_on)
    assert (code, err) == (expected, "")


def test_exit_zero_reports_but_passes(repo, cli):
    code, out, err = cli("check", "--select", SELECT, "--exit-zero", "--fail-on", "info")
    assert (code, err) == (0, "")
    assert ERROR in out.splitlines()


def test_a_bad_fail_level_is_a_usage_error(repo, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["check", "--fail-on", "never"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    # argparse quotes the choices differently across Python versions
    assert err.startswith("orglint: error: argument --fail-on: invalid choice: 'never' (choose")
    assert err.count("\n") == 1


def test_a_clean_org_exits_0(repo, cli):
    code, out, err = cli("check", "--select", "ORG001")
    assert (code, err) == (0, "")
    assert out.startswith("No problems found in 1 file.\n")


def test_an_unknown_format_is_exit_2(repo, cli):
    code, out, err = cli("check", "--format", "xml")
    assert (code, out) == (2, "")
    assert re.fullmatch(r"orglint: error: unknown format 'xml' \(choose from [a-z, ]+\)\n", err)


def test_exit_codes_of_a_real_process(repo):
    assert process(repo, "check", "--select", "ORG006").returncode == 0
    assert process(repo, "check", "--select", SELECT).returncode == 1
    missing = process(repo, "check", "nope")
    assert (missing.returncode, missing.stdout) == (2, b"")
    assert missing.stderr == b"orglint: error: path 'nope' does not exist\n"


# --- json -----------------------------------------------------------------------------------


def test_json_output_shape(repo, cli):
    code, out, err = cli("check", "--select", SELECT, "--format", "json")
    assert (code, err) == (1, "")
    data = json.loads(out)
    assert data["tool"] == {"name": "orglint", "version": __version__}
    assert data["files"] == ["org.yaml"]
    assert {key: data["summary"][key] for key in
            ("errors", "warnings", "infos", "total", "failed", "fail_on")} == {
        "errors": 1, "warnings": 1, "infos": 1, "total": 3, "failed": True, "fail_on": "error"}
    assert {key: data["stage"][key] for key in ("number", "name", "next")} == {
        "number": 1, "name": "reactive", "next": 2}
    assert [blocker["code"] for blocker in data["stage"]["blockers"]] == ["ORG006"]
    first, second, third = data["findings"]
    assert {key: first[key] for key in
            ("code", "name", "severity", "message", "path", "line", "column", "entity")} == {
        "code": "ORG006", "name": "team-without-lead", "severity": "warning",
        "message": "team 'sales' has no lead", "path": "org.yaml", "line": 4, "column": 3,
        "entity": "team:sales"}
    assert (second["code"], second["line"], second["column"], second["entity"]) == (
        "BND001", 7, 3, "handoff:sales-to-delivery")
    assert (third["code"], third["severity"], third["line"]) == ("ORG007", "info", 10)
    assert re.fullmatch(r"[0-9a-f]{32}", first["fingerprint"])
    assert out.endswith("}\n")


# --- determinism ----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_two_runs_are_byte_identical(repo, fmt):
    (repo / "more.yaml").write_text(
        "teams:\n  billing: {name: Billing}\n  aaa: {}\nmetrics:\n  m: {type: output}\n",
        encoding="utf-8")
    first = process(repo, "check", "--format", fmt)
    second = process(repo, "check", "--format", fmt)
    assert first.returncode == second.returncode == 1
    assert first.stderr == second.stderr == b""
    assert first.stdout == second.stdout
    assert len(first.stdout) > 200


# --- rules and rule -------------------------------------------------------------------------


def table(out: str) -> list[list[str]]:
    return [re.split(r"\s{2,}", line.rstrip()) for line in out.splitlines()]


def test_rules_table(cli, registry):
    code, out, err = cli("rules")
    assert (code, err) == (0, "")
    rows = table(out)
    assert rows[0] == ["CODE", "NAME", "SEVERITY", "STAGE", "DEFAULTS"]
    assert [row[0] for row in rows[1:]] == [item.code for item in registry]
    by_code = {row[0]: row for row in rows[1:]}
    assert by_code["BND001"] == ["BND001", "handoff-owner", "error", "3", "-"]
    assert by_code["ORG007"] == ["ORG007", "person-without-team", "info", "4", "-"]
    assert by_code["GOV005"] == ["GOV005", "escalation-path", "error", "3", "max_levels=3"]
    # columns line up
    starts = {line.index(" " + row[1] + " ") for line, row in zip(out.splitlines()[1:], rows[1:],
                                                                   strict=True)}
    assert len(starts) == 1


def test_rules_as_json(cli):
    _code, out, _ = cli("rules", "--format", "json")
    rules = {item["code"]: item for item in json.loads(out)}
    assert rules["GOV005"] == {
        "code": "GOV005", "name": "escalation-path", "severity": "error", "stage": 3,
        "area": "Governance", "options": {"max_levels": 3},
        "summary": "An escalation path is an ordered list of distinct people, short enough to use.",
        "plugin": "orglint.rules.governance"}


def test_rule_documentation(cli, registry):
    code, out, err = cli("rule", "BND001")
    assert (code, err) == (0, "")
    assert out == (
        "BND001 handoff-owner\n"
        "Severity: error. Blocks stage 3. Area: Boundaries and ownership.\n"
        "\n" + registry.lookup("BND001").doc + "\n")
    assert out.splitlines()[3] == (
        "Every handoff has one named person who owns what happens between the two teams.")
    assert "Fails:" in out and "Passes:" in out
    assert cli("rule", "handoff-owner") == (0, out, "")
    assert cli("rule", "bnd001") == (0, out, "")


def test_rule_documentation_lists_options(cli):
    _code, out, _ = cli("rule", "RAC004")
    assert out.splitlines()[:4] == [
        "RAC004 too-many-consulted",
        "Severity: warning. Blocks stage 4. Area: RACI.",
        "Options:",
        "  max (integer, default 4)",
    ]


def test_an_unknown_rule(cli):
    assert cli("rule", "NOPE") == (2, "", "orglint: error: no rule 'NOPE' (see 'orglint rules')\n")


def test_rules_in_a_real_process(tmp_path):
    proc = process(tmp_path, "rules")
    assert proc.returncode == 0
    assert proc.stdout.decode().splitlines()[0].split() == ["CODE", "NAME", "SEVERITY", "STAGE",
                                                           "DEFAULTS"]
    doc = process(tmp_path, "rule", "GOV001")
    assert doc.returncode == 0
    assert doc.stdout.decode().startswith("GOV001 governance-below-complexity\n")
