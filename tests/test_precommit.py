"""The real pre-commit tool runs this repository's hook (``pre-commit try-repo``, then a
``git commit`` through the installed hook): it builds a virtualenv by pip-installing orglint
from this repository, as a user's pre-commit would, then blocks a change that adds an unowned
handoff and lets a healthy org through. The README's snippets run too, against a copy of this
repository tagged as their ``rev`` names it, and so does ``pre-commit autoupdate``; a commit
that changes only a setting (pyproject.toml, the baseline) runs the hook. Slow (installs), and
real."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ci_orgs import HEALTHY, write
from user_machine import IDENTITY, PLACEHOLDER, TAG, block_after

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text(encoding="utf-8")
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


# -- the README's snippets, at the release tag they name --------------------------------------


@pytest.fixture(scope="module")
def hook_env(tmp_path_factory) -> dict[str, str]:
    """One pre-commit cache for the module: each (repository, rev) installs once."""
    root = tmp_path_factory.mktemp("hooks")
    env = {**os.environ, "PRE_COMMIT_HOME": str(root / "cache"), "HOME": str(root), **IDENTITY}
    env.pop("ORGLINT_TODAY", None)
    return env


def _commit_all(repo: Path, env: dict[str, str]) -> None:
    for argv in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"],
                 ["git", "commit", "-q", "--no-verify", "-m", "the ops repo"]):
        done = _run(argv, repo, env)
        assert done.returncode == 0, done.stderr


def _snippet(marker: str, release_repo: Path) -> str:
    config = block_after(README, marker, "yaml")
    assert PLACEHOLDER in config and f"rev: {TAG}" in config
    return config.replace(PLACEHOLDER, str(release_repo))


def _passes_then_refuses_an_unowned_handoff(repo: Path, env: dict[str, str], path: str) -> str:
    """Commits the repository, runs the hook on all of it (it passes), then stages an unowned
    handoff at ``path`` and runs the hook as ``git commit`` would: its refusing output."""
    _commit_all(repo, env)
    assert PRE_COMMIT is not None
    done = _run([*PRE_COMMIT, "run", "--all-files"], repo, env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "orglint" in done.stdout and "Passed" in done.stdout
    write(repo / path, UNOWNED)
    _run(["git", "add", path], repo, env)
    done = _run([*PRE_COMMIT, "run"], repo, env)
    assert done.returncode == 1, done.stdout + done.stderr
    return done.stdout


@needs_pre_commit
def test_readme_snippet_installs_the_hook_at_the_release_tag(tmp_path, hook_env, release_repo):
    repo = tmp_path / "ops"
    write(repo / "org.yaml", HEALTHY)
    write(repo / "orglint.yaml", "select: [ORG, BND]\n")
    write(repo / ".pre-commit-config.yaml", _snippet("pre-commit-snippet", release_repo))
    refused = _passes_then_refuses_an_unowned_handoff(repo, hook_env, "handoffs.yaml")
    assert "handoffs.yaml:2:3: BND001 [error] handoff 'delivery-to-sales'" in refused


@needs_pre_commit
def test_readme_subfolder_snippet_checks_the_org_beside_other_yaml(tmp_path, hook_env,
                                                                   release_repo):
    """The org and its config live in org/, beside a docker-compose.yaml that is no org data;
    neither it nor a config (org/orglint.yaml, the nested org/emea/orglint.yaml of a region
    that also runs orglint on its own) is read as part of the org."""
    repo = tmp_path / "app"
    write(repo / "docker-compose.yaml", "services:\n  web: {image: nginx}\n")
    write(repo / "org" / "orglint.yaml", "include: ['**/*.yaml', '**/*.yml']\n")
    write(repo / "org" / "emea" / "orglint.yaml", "fail_on: warning\n")
    write(repo / "org" / "org.yaml", HEALTHY)
    write(repo / ".pre-commit-config.yaml", _snippet("pre-commit-subfolder", release_repo))
    refused = _passes_then_refuses_an_unowned_handoff(repo, hook_env, "org/handoffs.yaml")
    assert ("org/handoffs.yaml:2:3: BND001 [error] handoff 'delivery-to-sales' "
            "(Delivery -> Sales) has no named owner") in refused
    assert "docker-compose" not in refused and "orglint.yaml" not in refused


@needs_pre_commit
def test_pre_commit_autoupdate_moves_rev_to_the_release_tag(tmp_path, hook_env, release_repo):
    repo = tmp_path / "ops"
    old = _snippet("pre-commit-snippet", release_repo).replace(f"rev: {TAG}", "rev: v0.0.1")
    write(repo / ".pre-commit-config.yaml", old)
    _commit_all(repo, hook_env)
    assert PRE_COMMIT is not None
    done = _run([*PRE_COMMIT, "autoupdate"], repo, hook_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (repo / ".pre-commit-config.yaml").read_text(encoding="utf-8") == old.replace(
        "rev: v0.0.1", f"rev: {TAG}")


# -- the hook runs when any file orglint reads changes ------------------------------------------


def test_the_hook_files_pattern_covers_every_file_orglint_reads():
    hook = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))[0]
    pattern = re.compile(hook["files"])
    reads = ["org.yaml", "org/teams.yml", "orglint.yaml", ".orglint.yaml", "org/orglint.yaml",
             "pyproject.toml", "org/pyproject.toml", ".orglint-baseline.json",
             "waivers/2026.yaml", "ops_plugins/sod.py"]
    assert [name for name in reads if not pattern.search(name)] == []
    others = ["README.md", "docs/handoffs/sales-delivery.md", "app/main.ts", "pyproject.toml.bak"]
    assert [name for name in others if pattern.search(name)] == []


@needs_pre_commit
@pytest.mark.parametrize("change", ["pyproject.toml", ".orglint-baseline.json"])
def test_the_hook_runs_when_only_a_setting_changes(tmp_path, hook_env, change):
    """A commit that changes only how orglint judges the org (a stricter fail_on in
    pyproject.toml, an entry dropped from the baseline) runs the hook, which refuses it."""
    repo = tmp_path / "ops"
    write(repo / "org.yaml", HEALTHY.replace(
        "teams:\n", "teams:\n  billing: {name: Billing, members: [dan]}\n"))  # ORG006 warning
    settings = '[tool.orglint]\nselect = ["ORG006"]\n'
    if change == "pyproject.toml":
        write(repo / "pyproject.toml", settings)
        _commit_all(repo, hook_env)
        write(repo / "pyproject.toml", settings + 'fail_on = "warning"\n')
    else:  # a strict gate that passes because the warning is known
        write(repo / "pyproject.toml",
              settings + 'fail_on = "warning"\nbaseline = ".orglint-baseline.json"\n')
        recorded = subprocess.run([sys.executable, "-m", "orglint", "check", "--no-cache",
                                   "--write-baseline", change], cwd=repo, capture_output=True,
                                  text=True, check=False)
        assert recorded.stdout == f"Wrote 1 finding to {change}.\n", recorded.stderr
        _commit_all(repo, hook_env)
        assert _try_repo(repo, hook_env, "--all-files").returncode == 0
        baseline = json.loads((repo / change).read_text(encoding="utf-8"))
        assert len(baseline["findings"]) == 1
        write(repo / change, json.dumps({**baseline, "findings": []}, indent=2) + "\n")
    _run(["git", "add", change], repo, hook_env)
    staged = _run(["git", "diff", "--cached", "--name-only"], repo, hook_env).stdout.split()
    assert staged == [change]
    done = _try_repo(repo, hook_env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "ORG006 [warning] team 'billing'" in done.stdout
