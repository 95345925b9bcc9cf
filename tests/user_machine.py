"""A user's machine, for the tests that run set-up commands as the docs write them.

A copy of this repository (its files as they are now, committed or not), a release of it (a
git repository tagged ``v`` + the package version, as the docs' ``rev:`` and install lines name
it), a throwaway HOME, and the ``python3`` a user types: one that refuses ``pip install``
outside a virtual environment. Where this machine has an externally managed interpreter
(PEP 668, Debian's /usr/bin/python3) that one is used; elsewhere ``PIP_REQUIRE_VIRTUALENV=1``
makes pip refuse the same way, so a command that installs into the system interpreter fails
here as it does on a stock Debian or Ubuntu.
"""

from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from orglint import __version__

REPO = Path(__file__).resolve().parents[1]
TAG = f"v{__version__}"
# where the docs send users for orglint: the user puts their copy's address in its place
PLACEHOLDER = "https://github.com/your-org/orglint"
IDENTITY = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
            "GIT_CONFIG_NOSYSTEM": "1"}


def block_after(text: str, marker: str, language: str = "sh") -> str:
    """The fenced block that follows ``<!-- marker -->`` in a Markdown text (in a list too)."""
    found = re.search(rf"^( *)<!-- {re.escape(marker)} -->\n\1```{language}\n(.*?\n)\1```",
                      text, re.S | re.M)
    assert found, f"no ```{language} block after <!-- {marker} -->"
    return textwrap.dedent(found.group(2))


def source_files() -> list[str]:
    """This repository's files as a clone would have them, with uncommitted edits."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("needs git and a git checkout of orglint")
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, capture_output=True, check=True).stdout.decode()
    return sorted({name for name in listed.split("\0") if name and (REPO / name).is_file()})


def copy_repo(target: Path) -> Path:
    for name in source_files():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target / name)
    return target


def release(target: Path) -> Path:
    """A git repository of this repository's files with the release tag on its one commit."""
    copy_repo(target)
    env = {**os.environ, **IDENTITY}
    for argv in (["git", "init", "-q", "-b", "main"], ["git", "add", "-A"],
                 ["git", "commit", "-q", "-m", f"orglint {__version__}"], ["git", "tag", TAG]):
        subprocess.run(argv, cwd=target, env=env, check=True, capture_output=True)
    return target


def _interpreter_facts(python: str) -> tuple[bool, bool]:
    """(externally managed, can make a virtual environment with pip) for ``python``."""
    probe = ("import os, sys, sysconfig\n"
             "marker = os.path.join(sysconfig.get_path('stdlib'), 'EXTERNALLY-MANAGED')\n"
             "try:\n    import ensurepip, venv\n    venv_ok = sys.version_info >= (3, 10)\n"
             "except ImportError:\n    venv_ok = False\n"
             "print(os.path.exists(marker), venv_ok)")
    try:
        out = subprocess.run([python, "-c", probe], capture_output=True, text=True, timeout=60,
                             env=_without_this_venv(dict(os.environ))).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return False, False
    return out == ["True", "True"], out[1:] == ["True"]


@functools.cache
def users_python() -> tuple[str, bool]:
    """The interpreter behind the user's ``python3``, and whether it is externally managed."""
    base = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    path = _without_this_venv(dict(os.environ))["PATH"]
    candidates = [shutil.which("python3", path=path), "/usr/bin/python3", base]
    for candidate in dict.fromkeys(c for c in candidates if c and os.path.exists(c)):
        if _interpreter_facts(candidate) == (True, True):
            return candidate, True
    if _interpreter_facts(base)[1]:
        return base, False
    pytest.skip("no Python 3.10+ with the venv module to play the user's python3")


def _without_this_venv(env: dict[str, str]) -> dict[str, str]:
    """The test run's own virtual environment (tox's, or a developer's) is not the user's."""
    venv_bin = {os.path.join(sys.prefix, "bin"), os.environ.get("VIRTUAL_ENV", "") + "/bin"}
    env["PATH"] = os.pathsep.join(part for part in env.get("PATH", "").split(os.pathsep)
                                  if part and part not in venv_bin)
    for key in list(env):
        if key in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP") \
                or key.startswith(("TOX_", "ORGLINT_", "GITHUB_", "PRE_COMMIT")):
            del env[key]
    return env


def user_env(home: Path, pip_cache: Path) -> dict[str, str]:
    """A user's shell: their ``python3`` first on PATH, a fresh HOME, no virtual environment."""
    python, managed = users_python()
    bin_dir = home / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    link = bin_dir / "python3"
    if not link.exists():
        link.symlink_to(python)
    env = _without_this_venv(dict(os.environ))
    env.update(IDENTITY)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    env["HOME"] = str(home)
    if not managed:  # pip outside a virtual environment fails, as on PEP 668 systems
        env["PIP_REQUIRE_VIRTUALENV"] = "1"
    env["PIP_CACHE_DIR"] = str(pip_cache)  # shared by the tests of one run: fewer downloads
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env.pop("CI", None)  # a user's shell, not this CI run
    return env


def sh(command: str, cwd: Path, env: dict[str, str], timeout: float = 900
       ) -> subprocess.CompletedProcess[str]:
    """``command`` as a user's POSIX shell runs it."""
    return subprocess.run(["sh", "-c", command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout, check=False)
