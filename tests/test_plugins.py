"""Plugins: local plugins only when the config names them, the disable switch, duplicate and
misspelled declarations refused with one line and exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

RULE_PLUGIN = '''\
from orglint import hookimpl, rule

open({marker!r}, "a").write("imported\\n")


@rule("ACME001", "team-needs-name", severity="warning", blocks_stage=4,
      options={{"min_length": {{"type": "integer", "min": 1, "default": 1}}}})
def team_needs_name(org, options):
    """A team has no display name."""
    for team in org.teams.values():
        if len(team.name if team.given("name") else "") < options["min_length"]:
            yield team.finding(None, f"team '{{team.id}}' has no name of "
                                     f"{{options['min_length']}}+ letters")


@hookimpl
def orglint_rules():
    return [team_needs_name]
'''

ORG = "teams:\n  sales: {name: Sales}\n  ops: {}\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "org.yaml", ORG)
    return tmp_path



def findings(out: str) -> list[str]:
    return out.split("\n\n", 1)[0].splitlines() if "\n\n" in out else []


def plugin(repo: Path, name: str = "acme.py") -> Path:
    marker = repo / "imported.txt"
    write(repo / name, RULE_PLUGIN.format(marker=str(marker)))
    return marker


def test_a_plugin_file_in_the_checked_folder_is_never_imported_unless_named(repo, cli,
                                                                           monkeypatch):
    monkeypatch.delitem(sys.modules, "orglint_local_acme", raising=False)
    marker = plugin(repo)
    write(repo / "orglint.yaml", "select: [ORG]\n")
    code, out, err = cli("check")
    assert (code, err) == (0, "")
    assert not marker.exists()
    assert "orglint_local_acme" not in sys.modules
    code, out, err = cli("rules")
    assert "ACME001" not in out
    assert not marker.exists()


def test_a_plugin_named_in_the_config_adds_its_rule(repo, cli):
    marker = plugin(repo)
    write(repo / "orglint.yaml", "plugins: [acme.py]\nselect: [ACME]\n")
    code, out, err = cli("check")
    assert (code, err) == (0, "")
    assert findings(out) == ["org.yaml:3:3: ACME001 [warning] team 'ops' has no name of 1+ letters"]
    assert marker.read_text() == "imported\n"


def test_a_plugin_rules_options_come_from_the_config_and_are_validated(repo, cli):
    plugin(repo)
    write(repo / "orglint.yaml", (
        "plugins: [acme.py]\nselect: [ACME]\n"
        "rules:\n  team-needs-name: {options: {min_length: 6}}\n"))
    code, out, err = cli("check")
    assert (code, err) == (0, "")
    assert findings(out) == [
        "org.yaml:2:3: ACME001 [warning] team 'sales' has no name of 6+ letters",
        "org.yaml:3:3: ACME001 [warning] team 'ops' has no name of 6+ letters",
    ]
    write(repo / "orglint.yaml", (
        "plugins: [acme.py]\n"
        "rules:\n  ACME001: {options: {min_length: 0}}\n"))
    assert cli("check") == (
        2, "", "orglint.yaml:3:35: config error: option 'min_length' of ACME001: min value is 1\n")


def test_a_plugin_named_as_a_module(repo, cli, monkeypatch):
    lib = repo / "lib"
    plugin(lib, "acme_rules.py")
    monkeypatch.syspath_prepend(str(lib))
    write(repo / "orglint.yaml", "plugins: [acme_rules]\nselect: [ACME001]\n")
    code, out, err = cli("check", "org.yaml")
    assert (code, err) == (0, "")
    assert findings(out) == ["org.yaml:3:3: ACME001 [warning] team 'ops' has no name of 1+ letters"]
    sys.modules.pop("acme_rules", None)


def test_the_disable_switch_keeps_a_named_plugin_from_being_imported(repo, cli, monkeypatch):
    marker = plugin(repo)
    write(repo / "orglint.yaml", "plugins: [acme.py]\n")
    monkeypatch.setenv("ORGLINT_DISABLE_PLUGINS", "acme.py")
    code, out, err = cli("rules")
    assert (code, err) == (0, "")
    assert "ACME001" not in out
    assert not marker.exists()


def test_the_disable_switch_turns_off_the_builtin_pack(repo, cli, monkeypatch):
    monkeypatch.setenv("ORGLINT_DISABLE_PLUGINS", "builtin")
    code, out, err = cli("rules")
    assert err == ""
    assert (code, out.splitlines()) == (0, ["CODE  NAME  SEVERITY  STAGE  DEFAULTS"])
    assert cli("check", "--select", "ORG006") == (
        2, "", "orglint: error: 'ORG006' matches no rule (see 'orglint rules')\n")


def test_autoload_off_still_loads_the_builtin_pack(repo, cli, monkeypatch):
    monkeypatch.setenv("ORGLINT_DISABLE_PLUGIN_AUTOLOAD", "1")
    code, out, err = cli("check", "--select", "ORG006")
    assert (code, err) == (0, "")
    assert findings(out) == ["org.yaml:2:3: ORG006 [warning] team 'sales' has no lead",
                             "org.yaml:3:3: ORG006 [warning] team 'ops' has no lead"]


DUPLICATE = '''\
from orglint import hookimpl, rule


@rule({code!r}, {name!r}, severity="warning", blocks_stage=4)
def again(org):
    """Again."""
    return []


@hookimpl
def orglint_rules():
    return [again]
'''


@pytest.mark.parametrize(("code", "name", "message"), [
    ("ORG006", "another-lead-rule",
     "rule 'ORG006' from orglint.rules.structure: code already registered by orglint_local_dup"),
    ("ACME009", "team-without-lead",
     "rule 'ORG006' from orglint.rules.structure: name 'team-without-lead' already used by "
     "ACME009"),
    ("acme9", "bad-code", "rule 'acme9' from orglint_local_dup: a code is 2-5 capital letters "
     "and 3 digits (BND001)"),
    ("ACME009", "Bad Name", "rule 'ACME009' from orglint_local_dup: name 'Bad Name' must be a "
     "lower-case slug"),
])
def test_duplicate_or_malformed_rules_are_refused(repo, cli, code, name, message):
    write(repo / "dup.py", DUPLICATE.format(code=code, name=name))
    write(repo / "orglint.yaml", "plugins: [dup.py]\n")
    assert cli("check") == (2, "", f"orglint: error: {message}\n")


@pytest.mark.parametrize("cost", ["-1", "'high'", "True", "1.5"])
def test_a_rule_with_a_cost_that_is_no_whole_number_is_refused(repo, cli, cost):
    write(repo / "costly.py", "from orglint import collect, hookimpl, rule\n\n\n"
          f"@rule('ACME010', 'costly', severity='info', blocks_stage=4, cost={cost})\n"
          "def costly(org):\n    \"\"\"Costly.\"\"\"\n    yield from ()\n\n\n"
          "@hookimpl\ndef orglint_rules():\n    return collect(globals())\n")
    write(repo / "orglint.yaml", "plugins: [costly.py]\n")
    assert cli("check") == (2, "", "orglint: error: rule 'ACME010' from orglint_local_costly: "
                                   "cost must be a whole number, 0 or more\n")


def test_a_misspelled_hook_fails_at_start(repo, cli):
    write(repo / "typo.py", "from orglint import hookimpl\n\n\n@hookimpl\ndef orglint_rule():\n"
                            "    return []\n")
    write(repo / "orglint.yaml", "plugins: [typo.py]\n")
    code, out, err = cli("check")
    assert (code, out) == (2, "")
    assert err == (f"orglint: error: unknown hook 'orglint_rule' in plugin <module "
                   f"'orglint_local_typo' from '{repo / 'typo.py'}'>\n")


def test_a_plugin_that_fails_to_import(repo, cli):
    write(repo / "broken.py", "1 / 0\n")
    write(repo / "orglint.yaml", "plugins: [broken.py, missing.py]\n")
    assert cli("check") == (
        2, "", "orglint: error: plugin 'broken.py' failed to import: ZeroDivisionError: "
               "division by zero\n")
    write(repo / "orglint.yaml", "plugins: [missing.py]\n")
    assert cli("check") == (2, "", "orglint: error: plugin file not found: missing.py\n")
    write(repo / "orglint.yaml", "plugins: [no_such_module_here]\n")
    assert cli("check") == (
        2, "", "orglint: error: plugin 'no_such_module_here' failed to import: "
               "ModuleNotFoundError: No module named 'no_such_module_here'\n")


def test_a_rule_that_crashes_is_exit_2_not_a_traceback(repo, cli):
    write(repo / "crash.py", (
        "from orglint import hookimpl, rule\n\n\n"
        "@rule('ACME002', 'crashes', severity='error', blocks_stage=4)\n"
        "def crashes(org):\n"
        "    \"\"\"Crashes.\"\"\"\n"
        "    yield from {}['x']\n\n\n"
        "@hookimpl\ndef orglint_rules():\n    return [crashes]\n"))
    write(repo / "orglint.yaml", "plugins: [crash.py]\n")
    assert cli("check") == (
        2, "", "orglint: error: rule ACME002 (orglint_local_crash) failed: KeyError: 'x'\n")


def test_local_plugin_in_a_real_process(repo):
    marker = plugin(repo)
    write(repo / "orglint.yaml", "select: [ORG006]\n")
    proc = subprocess.run([sys.executable, "-m", "orglint", "check"], capture_output=True,
                          text=True, cwd=repo, timeout=60)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert not marker.exists()
    write(repo / "orglint.yaml", "plugins: [acme.py]\nselect: [ACME001]\n")
    proc = subprocess.run([sys.executable, "-m", "orglint", "check"], capture_output=True,
                          text=True, cwd=repo, timeout=60)
    assert findings(proc.stdout) == [
        "org.yaml:3:3: ACME001 [warning] team 'ops' has no name of 1+ letters"]
    assert marker.exists()
