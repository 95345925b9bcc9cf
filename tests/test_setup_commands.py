"""The set-up commands of the README and docs/ci.md, run exactly as they are written.

Each command is taken from the document (so the test and the docs cannot drift) and run by a
POSIX shell in a copy of this repository, with a throwaway HOME and, as ``python3``, an
interpreter that refuses ``pip install`` outside a virtual environment (see user_machine.py).
They install from the package index like a user's machine does: slow (a few installs), and real.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from test_examples import TODAY
from user_machine import PLACEHOLDER, REPO, TAG, block_after, copy_repo, sh, user_env

from orglint import __version__

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

README = (REPO / "README.md").read_text(encoding="utf-8")
CI_DOC = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
NORTHWIND = REPO / "examples" / "northwind-services"


def test_readme_install_command_works_where_the_system_python_is_externally_managed(
        tmp_path: Path, pip_cache: Path) -> None:
    command = block_after(README, "install-command").strip()
    clone = copy_repo(tmp_path / "orglint")
    env = user_env(tmp_path / "home", pip_cache)
    env["ORGLINT_TODAY"] = TODAY  # the day the example's golden output describes
    done = sh(command, clone, env)
    # the example has errors: exit 1, and exactly the output the README promises
    assert done.returncode == 1, done.stdout + done.stderr
    golden = (NORTHWIND / "expected.txt").read_text(encoding="utf-8")
    assert done.stdout.endswith(golden), done.stdout[-2000:] + done.stderr
    assert (clone / ".venv" / "bin" / "orglint").is_file()


def test_readme_test_command_makes_its_own_virtualenv_and_runs_tox(
        tmp_path: Path, pip_cache: Path) -> None:
    """The README's test command, exactly as written, with tox's environment list narrowed to
    ``lint`` by ``TOX_ENV=lint`` in the environment (tox reads any option from ``TOX_<NAME>``).

    The whole list would run this test suite inside itself, this test included, without end.
    ``lint`` still runs every step of the command for real: the virtual environment on an
    externally managed ``python3``, ``pip install tox`` into it, tox reading tox.ini, building
    an environment and running its command. The ``py`` and ``type`` environments are what
    ``.ci/run`` runs through this same command (test_ci_runs_the_readme_test_command).
    """
    command = block_after(README, "test-command").strip()
    clone = copy_repo(tmp_path / "orglint")
    env = user_env(tmp_path / "home", pip_cache)
    env["TOX_ENV"] = "lint"
    done = sh(command, clone, env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert "lint: OK" in done.stdout and "congratulations" in done.stdout, done.stdout[-3000:]
    assert (clone / ".venv" / "bin" / "tox").is_file()
    assert (clone / ".tox" / "lint").is_dir()


def test_ci_runs_the_readme_test_command() -> None:
    command = block_after(README, "test-command").strip()
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in script, ".ci/run does not run the README's test command as written"
    # and installs nothing into the system interpreter on the way
    assert not [line for line in script if re.search(r"\bpip3? install\b", line)
                and line != command]


def test_install_commands_leave_the_virtualenv_out_of_git() -> None:
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".venv/" in ignored


# -- versions: the snippets name a tag a release has ---------------------------------------


def test_the_version_is_written_once() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert "version" in project["project"]["dynamic"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "orglint.__version__"}


@pytest.mark.parametrize("doc", ["README.md", "docs/ci.md"])
def test_pre_commit_snippets_name_the_release_tag(doc: str) -> None:
    text = (REPO / doc).read_text(encoding="utf-8")
    revs = re.findall(r"^\s*rev:\s*(\S+)", text, re.M)
    assert revs, f"{doc} shows no pre-commit snippet"
    assert set(revs) == {TAG}, f"{doc}: rev must be the release tag {TAG}"
    assert "pre-commit autoupdate" in text


@pytest.mark.parametrize("doc", ["README.md", "docs/ci.md"])
def test_docs_name_no_other_version(doc: str) -> None:
    text = (REPO / doc).read_text(encoding="utf-8")
    versions = set(re.findall(r"(?:orglint[@=]=?|@)v?(\d+\.\d+\.\d+)\b", text))
    assert versions <= {__version__}, f"{doc} names versions {versions}"


def test_ci_doc_install_line_installs_the_release(tmp_path: Path, pip_cache: Path,
                                                  release_repo: Path) -> None:
    """docs/ci.md's install line, in a fresh virtual environment, with the placeholder address
    replaced by a local release (a git repository tagged as the line names it)."""
    lines = re.findall(r"^\s*(?:- )?(?:run: )?(pip install .*git\+.*)$", CI_DOC, re.M)
    assert lines, "docs/ci.md has no install line from the repository"
    assert len(set(lines)) == 1, f"docs/ci.md installs in different ways: {lines}"
    line = lines[0]
    assert PLACEHOLDER in line and f"@{TAG}" in line
    local = line.replace(PLACEHOLDER, f"file://{release_repo}")
    env = user_env(tmp_path / "home", pip_cache)
    done = sh(f"python3 -m venv venv && . venv/bin/activate && {local} && orglint --version",
              tmp_path, env)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert done.stdout.splitlines()[-1] == f"orglint {__version__}"
    checked = sh(f"{tmp_path}/venv/bin/orglint check --no-cache", NORTHWIND, {**env, "ORGLINT_TODAY": TODAY})
    assert checked.stdout == (NORTHWIND / "expected.txt").read_text(encoding="utf-8")
