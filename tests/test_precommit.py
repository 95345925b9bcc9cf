"""The real pre-commit tool runs this repository's hook (``pre-commit try-repo``, then a
``git commit`` through the installed hook): it builds a virtualenv by pip-installing orglint
from this repository, as a user's pre-commit would, then blocks a change that adds an unowned
handoff and lets a healthy org through. Slow (an install), and real."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ci_orgs import HEALTHY, write

REPO = Path(__file__).resolve().parents[1]
UNOWNED = "handoffs:\n  delivery-to-sales: {from: delivery, to: sales}\n"


def _pre_commit() -> list[str] | None:
    if shutil.which("git") is None:
        return None
    found = shutil.which("pre-commit")
    if found:
        return [found]
    try:
        import pre_commit  # noqa: F401
    except ImportError:
        return None
    return [sys.executable, "-m", "pre_commit"]


PRE_COMMIT = _pre_commit()
needs_pre_commit = pytest.mark.skipif(PRE_COMMIT is None, reason="needs git and pre-commit")


def test_tooling_files_beside_the_org_are_not_part_of_it(tmp_path, capsys, monkeypatch):
    from ci_orgs import run

    write(tmp_path / "org.yaml", HEALTHY)
    write(tmp_path / ".pre-commit-config.yaml", "repos: []\n")
    write(tmp_path / ".gitlab-ci.yml", "orglint: {script: [orglint check]}\n")
    code, out, _ = run(capsys, monkeypatch, tmp_path, "check", "--select", "ORG002")
    assert (code, out.splitlines()[0]) == (0, "No problems found in 1 file.")
    code, out, _ = run(capsys, monkeypatch, tmp_path, "check", "--select", "ORG002",
                       ".gitlab-ci.yml")  # named, it is checked
    assert code == 1
    assert out.splitlines()[0] == (".gitlab-ci.yml:1:1: ORG002 [error] unknown section "
                                   "'orglint'; did you mean 'org'?")


@pytest.fixture(scope="module")
def ops_repo(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("precommit")
    repo = root / "ops"
    env = {**os.environ, "PRE_COMMIT_HOME": str(root / "cache"), "HOME": str(root),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
           "GIT_CONFIG_NOSYSTEM": "1"}
    env.pop("ORGLINT_TODAY", None)
    write(repo / "org" / "org.yaml", HEALTHY)
    write(repo / "orglint.yaml", "select: [ORG, BND]\n")
    write(repo / "README.md", "not YAML\n")
    # for the commit test: this repository's committed hook, as a user's config names it
    head = _run(["git", "rev-parse", "HEAD"], REPO, env).stdout.strip()
    write(repo / ".pre-commit-config.yaml",
          f"repos:\n  - repo: {REPO}\n    rev: {head}\n    hooks:\n      - id: orglint\n")
    _run(["git", "init", "-q", "-b", "main"], repo, env)
    _run(["git", "add", "."], repo, env)
    _run(["git", "commit", "-q", "-m", "a healthy org"], repo, env)
    return repo, env


def _run(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False,
                          timeout=900)


def _try_repo(repo: Path, env: dict[str, str], *extra: str) -> subprocess.CompletedProcess[str]:
    assert PRE_COMMIT is not None
    return _run([*PRE_COMMIT, "try-repo", str(REPO), "orglint", *extra], repo, env)


@needs_pre_commit
def test_the_hook_lets_a_healthy_org_through(ops_repo):
    repo, env = ops_repo
    done = _try_repo(repo, env, "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "orglint" in done.stdout and "Passed" in done.stdout


@needs_pre_commit
def test_the_hook_blocks_a_change_that_adds_an_unowned_handoff(ops_repo):
    repo, env = ops_repo
    write(repo / "org" / "handoffs.yaml", UNOWNED)
    _run(["git", "add", "org/handoffs.yaml"], repo, env)
    try:
        done = _try_repo(repo, env)  # the staged change, as at `git commit`
        assert done.returncode == 1, done.stdout + done.stderr
        assert "Failed" in done.stdout
        assert ("org/handoffs.yaml:2:3: BND001 [error] handoff 'delivery-to-sales' "
                "(Delivery -> Sales) has no named owner") in done.stdout
    finally:
        _run(["git", "rm", "-q", "--cached", "org/handoffs.yaml"], repo, env)
        (repo / "org" / "handoffs.yaml").unlink()


@needs_pre_commit
def test_git_commit_with_the_installed_hook_refuses_an_unowned_handoff(ops_repo):
    repo, env = ops_repo
    assert PRE_COMMIT is not None
    installed = _run([*PRE_COMMIT, "install"], repo, env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    commits = _run(["git", "rev-list", "--count", "HEAD"], repo, env).stdout
    write(repo / "org" / "handoffs.yaml", UNOWNED)
    _run(["git", "add", "org/handoffs.yaml"], repo, env)
    refused = _run(["git", "commit", "-m", "add a handoff"], repo, env)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "BND001 [error] handoff 'delivery-to-sales'" in refused.stdout + refused.stderr
    assert _run(["git", "rev-list", "--count", "HEAD"], repo, env).stdout == commits
    # with an owner, the same commit goes through
    write(repo / "org" / "handoffs.yaml", UNOWNED.replace("to: sales}", "to: sales, owner: dan}"))
    _run(["git", "add", "org/handoffs.yaml"], repo, env)
    accepted = _run(["git", "commit", "-m", "add an owned handoff"], repo, env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "orglint...." in accepted.stderr and "Passed" in accepted.stderr  # hook output
