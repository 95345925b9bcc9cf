"""The example plugin, installed the way a user installs it: into a throwaway virtual
environment next to orglint, found through the ``orglint`` entry-point group.

Never installed into the interpreter that runs this suite: the venv lives in tmp_path.
"""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "plugins" / "orglint-segregation"

ORG = """\
people:
  dan: {name: Dan Okafor}
  leo: {name: Leo Park}
teams:
  delivery: {name: Delivery, lead: dan}
  sales: {name: Sales, lead: leo}
raci:
  scope-change:
    name: Scope change on an active project
    activities:
      - activity: Approve the change
        R: [dan]
        A: dan
        C: [leo]
      - {activity: Tell the client, R: [leo], A: leo, I: [dan]}
"""
SOD = ("org.yaml:13:12: SOD001 [warning] Dan Okafor is both responsible (R) and accountable (A) "
       "for activity 'Approve the change' of RACI 'scope-change': the work is approved by the "
       "person who did it")


def _bin(venv: Path, name: str) -> Path:
    return venv / ("Scripts" if os.name == "nt" else "bin") / name


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A venv that sees this interpreter's packages (orglint among them) plus the plugin."""
    base = tmp_path_factory.mktemp("plugin")
    # build from a copy: setuptools leaves build/ and *.egg-info next to the sources
    source = base / "orglint-segregation"
    shutil.copytree(PLUGIN, source, ignore=shutil.ignore_patterns(
        "build", "*.egg-info", "__pycache__", ".*"))
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", "--without-pip",
                    str(venv)], check=True, timeout=120)
    python = _bin(venv, "python")
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True, timeout=60).stdout.strip()
    # --system-site-packages shows the base interpreter's packages; when this suite runs in a
    # venv itself (tox), add that venv's too, so orglint, pip and setuptools are the same ones.
    parents = [*site.getsitepackages(), sysconfig.get_paths()["purelib"]]
    lines = "".join(f"import site; site.addsitedir({p!r})\n" for p in dict.fromkeys(parents))
    Path(purelib, "_orglint_parent.pth").write_text(lines, encoding="utf-8")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps",
                    "--no-build-isolation", "--no-index", str(source)],
                   check=True, timeout=300, capture_output=True)
    return venv


def orglint(venv: Path, cwd: Path, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items()
                   if not key.startswith("ORGLINT_")}
    environment.update(env)
    return subprocess.run([str(_bin(venv, "python")), "-m", "orglint", *argv],
                          capture_output=True, text=True, cwd=cwd, timeout=120, env=environment)


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "orglint.yaml").write_text("select: [SOD001, RAC]\n", encoding="utf-8")
    (tmp_path / "org.yaml").write_text(ORG, encoding="utf-8")
    return tmp_path


def test_the_plugin_is_not_in_the_interpreter_running_the_suite():
    from importlib.metadata import entry_points

    assert "segregation" not in {ep.name for ep in entry_points(group="orglint")}


def test_check_reports_the_plugins_rule(venv, repo):
    proc = orglint(venv, repo, "check")
    assert (proc.returncode, proc.stderr) == (0, "")  # a warning does not fail by default
    assert proc.stdout.split("\n\n")[0].splitlines() == [SOD]
    assert proc.stdout.splitlines()[2] == "Found 1 problem (1 warning) in 1 file."
    # only SOD001 and RAC ran: orglint says so instead of claiming a stage it did not assess
    assert proc.stdout.splitlines()[-2].startswith("Stage 2 (designed surface) was not assessed: ")
    assert proc.stdout.splitlines()[-1] == "Why each rule matters and how to fix it: 'orglint rule SOD001'."


def test_the_plugins_rule_blocks_the_stage_it_declares(venv, repo):
    (repo / "orglint.yaml").write_text("ignore: [ORG007]\n", encoding="utf-8")
    # stage 2 needs a mapped journey: one within a team, which crosses no boundary
    (repo / "journeys.yaml").write_text("journeys:\n  deal: {owner: leo, path: [sales]}\n",
                                        encoding="utf-8")
    proc = orglint(venv, repo, "check", "--format", "json")
    stage = json.loads(proc.stdout)["stage"]
    # SOD001 declares blocks_stage=3: its warning alone keeps this org at stage 2
    assert (stage["number"], [blocker["code"] for blocker in stage["blockers"]]) == (2, ["SOD001"])


def test_the_plugins_rule_is_configured_like_any_rule(venv, repo):
    (repo / "orglint.yaml").write_text(
        "select: [SOD001]\nrules:\n  self-approval: {severity: error}\n", encoding="utf-8")
    proc = orglint(venv, repo, "check")
    assert proc.returncode == 1
    assert proc.stdout.splitlines()[0] == SOD.replace("[warning]", "[error]")
    (repo / "orglint.yaml").write_text(
        "rules:\n  SOD001: {options: {through_teams: maybe}}\n", encoding="utf-8")
    proc = orglint(venv, repo, "check")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == ("orglint.yaml:2:37: config error: option 'through_teams' of SOD001: "
                           "must be of boolean type\n")


def test_rules_and_rule_list_the_plugin(venv, tmp_path):
    rules = orglint(venv, tmp_path, "rules")
    assert rules.returncode == 0
    rows = {line.split()[0]: line.split()[1:4] for line in rules.stdout.splitlines()[1:]}
    assert rows["SOD001"] == ["self-approval", "warning", "3"]
    assert "BND001" in rows
    doc = orglint(venv, tmp_path, "rule", "SOD001")
    assert doc.returncode == 0
    assert doc.stdout.splitlines()[:2] == [
        "SOD001 self-approval", "Severity: warning. Blocks stage 3. Area: SOD."]
    assert "Fails:" in doc.stdout and "Passes:" in doc.stdout


def test_the_disable_switch_turns_the_plugin_off(venv, repo):
    proc = orglint(venv, repo, "check", ORGLINT_DISABLE_PLUGINS="segregation")
    # the config selects a rule nobody provides now: a config error, not a silent pass
    assert (proc.returncode, proc.stderr) == (
        2, "orglint.yaml:1:10: config error: 'SOD001' matches no rule\n")
    (repo / "orglint.yaml").write_text("# defaults\n", encoding="utf-8")
    proc = orglint(venv, repo, "rules", ORGLINT_DISABLE_PLUGINS="segregation")
    assert proc.returncode == 0
    assert "SOD001" not in proc.stdout
    proc = orglint(venv, repo, "check", "--select", "SOD001",
                   ORGLINT_DISABLE_PLUGINS="segregation")
    assert (proc.returncode, proc.stderr) == (
        2, "orglint: error: 'SOD001' matches no rule (see 'orglint rules')\n")


def test_the_plugins_own_tests_pass_against_the_installed_copy(venv):
    tests = venv.parent / "orglint-segregation" / "tests"
    proc = subprocess.run([str(_bin(venv, "python")), "-m", "pytest", "-q", "-p",
                           "no:cacheprovider", str(tests)],
                          capture_output=True, text=True, cwd=tests.parent, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " passed" in proc.stdout.splitlines()[-1]
