"""The example source plugin (plugins/orglint-owners), installed the way a user installs it:
into a throwaway virtual environment next to orglint, found through the ``orglint``
entry-point group; its OWNERS files then read as teams and people in every command."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_example_plugin import install, orglint, own_tests_pass

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "plugins" / "orglint-owners"


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A venv that sees this interpreter's packages (orglint among them) plus the plugin."""
    return install(PLUGIN, tmp_path_factory.mktemp("owners"))


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "orglint.yaml").write_text(
        "select: [ORG]\nsources:\n  - {type: owners, path: code, root_team: platform}\n",
        encoding="utf-8")
    for name, text in {"code/OWNERS": "approvers: [Alice]\nreviewers: [bob]\n",
                       "code/api/OWNERS": "reviewers: [bob, carol]\n"}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "journeys.yaml").write_text(
        "journeys:\n  release: {owner: alice, path: [platform, api]}\n", encoding="utf-8")
    return tmp_path


def test_the_plugin_is_not_in_the_interpreter_running_the_suite():
    from importlib.metadata import entry_points

    assert "owners" not in {ep.name for ep in entry_points(group="orglint")}


def test_check_reads_the_owners_files(venv, repo):
    proc = orglint(venv, repo, "check", "--no-cache")
    assert (proc.returncode, proc.stderr) == (0, "")
    # the api team is led through its parent folder's team: two OWNERS files and the YAML
    assert proc.stdout.splitlines()[0] == "No problems found in 3 files."
    proc = orglint(venv, repo, "import", "owners", "code", "-o", "org",
                   "--options", "{root_team: platform}")
    assert (proc.returncode, proc.stderr) == (0, "")
    assert (repo / "org" / "teams.yaml").read_text(encoding="utf-8").splitlines()[1:8] == [
        "teams:", "  # code/OWNERS:1:1", "  platform:", "    name: platform", "    lead: alice",
        "    members: [alice, bob]", "    children: [api]"]


def test_without_the_plugin_the_source_type_is_a_config_error(venv, repo):
    proc = orglint(venv, repo, "check", ORGLINT_DISABLE_PLUGINS="owners")
    assert (proc.returncode, proc.stdout) == (2, "")
    assert proc.stderr == ("orglint.yaml:3:12: config error: unknown source type 'owners'; known: "
                           "backstage, csv-people, github-teams, raci-matrix\n")


def test_the_plugins_own_tests_pass_against_the_installed_copy(venv):
    own_tests_pass(venv, "orglint-owners")
