"""``--diff-base REV``: the fingerprints of the findings the same check finds at a git
revision, so that ``orglint check`` reports only what is new since then."""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from orglint.engine.baseline import BaselineError
from orglint.engine.check import Settings
from orglint.incremental import cacheable, check_files, revision_key
from orglint.load.discover import discover
from orglint.session import Session, load_all, narrows, run_check


class _NoGit(BaselineError):
    """git is not installed."""


def _git(args: Sequence[str], cwd: Path, env: dict[str, str] | None = None,
         stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False,
                              env=env, input=stdin)
    except FileNotFoundError as exc:
        raise _NoGit("--diff-base needs git, and git is not installed") from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BaselineError(f"git {' '.join(args)}: {reason[-1] if reason else 'failed'}")
    return done.stdout


def fingerprints_at(revision: str, session: Session, paths: Sequence[str],
                    settings: Settings) -> Counter[str]:
    """The fingerprints of the findings the same check finds at a git revision.

    The revision's files are checked out by git into a temporary folder and checked
    with today's config, rules and waivers, from the matching sub-folder, so paths look the
    same as in the working tree; files whose bytes are unchanged are read from the parse
    cache, files checked before as a whole from the results cache, and a tree compared
    against before (same tree id, folder, paths, settings, config and code) is not exported
    at all: its fingerprints are read back. Returns fingerprint -> count; empty when the current folder
    or every path named did not exist at the revision.

    Raises ``BaselineError`` when git is missing, the folder is not in a git repository, or
    the revision is not a commit (or starts with ``-``); ``UsageError`` when no org file is
    found there, as ``discover`` does.
    """
    if not revision.strip() or revision.startswith("-"):
        raise BaselineError(f"--diff-base: '{revision}' is not a revision")
    cwd = session.cwd.resolve()
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], cwd).decode().strip()).resolve()
    except _NoGit:
        raise
    except BaselineError as exc:
        raise BaselineError(f"--diff-base needs a git repository, and {cwd} is not in one "
                            f"({exc})") from exc
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], cwd)
    except BaselineError as exc:
        raise BaselineError(f"--diff-base: no commit '{revision}' in this repository (a "
                            "branch, tag or commit id; a new repository has none yet)") from exc
    # a tree's files are fixed by its id: a revision checked before is read back unopened
    tree = _git(["rev-parse", f"{revision}^{{tree}}"], cwd).decode().strip()
    settings = replace(settings, baseline=None)
    cache = session.parse_cache()
    store, key = None, ""
    if cacheable(session.config, settings, cache):
        store = cache.results()
        where = cwd.relative_to(top).as_posix() if cwd.is_relative_to(top) else str(cwd)
        key = revision_key(session.registry, session.config, settings,
                           ["diff-base", tree, where, *paths])
        known = store.get(key)
        if isinstance(known, dict) and all(isinstance(k, str) and isinstance(v, int)
                                           for k, v in known.items()):
            return Counter(known)
    found = _at_tree(revision, top, cwd, session, paths, settings)
    if store is not None:
        store.put(key, dict(found))
    return found


def _at_tree(revision: str, top: Path, cwd: Path, session: Session, paths: Sequence[str],
             settings: Settings) -> Counter[str]:
    """``fingerprints_at`` for a revision not read back: check it out and check it.

    The revision is checked out by git itself into a temporary index and folder (``read-tree``
    then ``checkout-index``), as a checkout of that commit would write it: writing 20,001
    files through Python's tarfile took three times as long. The repository's own index and
    working tree are not touched."""
    with tempfile.TemporaryDirectory(prefix="orglint-diff-base-", dir=scratch()) as folder:
        old_top = Path(folder).resolve() / "tree"
        env = {**os.environ, "GIT_INDEX_FILE": str(Path(folder).resolve() / "index"),
               # the bytes as committed, as git archive gives them: no smudge filter runs
               # (a Git LFS file stays its pointer; nothing is fetched), no line endings
               # change (.gitattributes read from the empty tree: git 2.40 and later)
               "GIT_ATTR_SOURCE": _empty_tree(top), "GIT_ATTR_NOSYSTEM": "1"}
        _git(["read-tree", revision], top, env)
        _git(["-c", "core.autocrlf=false", "-c", "core.attributesFile=",
              "-c", "filter.lfs.smudge=", "-c", "filter.lfs.process=",
              "-c", "filter.lfs.required=false",
              "checkout-index", "--all", f"--prefix={old_top}/"], top, env)
        old_top.mkdir(exist_ok=True)  # a revision without files
        old_cwd = _moved(cwd, top, old_top)
        if not old_cwd.is_dir():
            return Counter()
        config = replace(session.config, root=_moved(session.config.root, top, old_top),
                         path=_moved(session.config.path, top, old_top)
                         if session.config.path else None)
        # named files are shown from the whole org: the revision's whole org, then
        named_files = narrows(paths, cwd, session.config)
        old_paths = [] if named_files else [
            str(_moved(Path(p) if os.path.isabs(p) else cwd / p, top, old_top)) for p in paths]
        old_paths = [p for p in old_paths if Path(p).exists()]
        if paths and not named_files and not old_paths:  # no folder named existed then
            return Counter()
        files = discover(config, old_paths, old_cwd)
        # unchanged files come from the parse cache by content, and a revision checked
        # before (the usual case: the base of a branch) from the results cache
        cache = session.parse_cache()
        if cacheable(session.config, settings, cache):
            result, _ = check_files(files, old_cwd, settings, session.registry, session.config,
                                    cache, run_check)
        else:
            result = run_check(session.registry, load_all(files, old_cwd, cache), settings)
        return Counter(finding.fingerprint for finding in result.findings)


def _empty_tree(top: Path) -> str:
    """The id of the empty tree in the repository's hash (SHA-1 or SHA-256)."""
    return _git(["hash-object", "-t", "tree", "--stdin"], top, stdin=b"").decode(
        "ascii", "replace").strip()


def scratch() -> str | None:
    """Where the revision is exported: ``$TMPDIR`` when set, else ``/dev/shm`` where it is a
    writable folder (in memory: creating thousands of small files on a disk can cost more
    than checking them), else the system's temporary folder."""
    if os.environ.get("TMPDIR"):
        return None
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK | os.X_OK) else None


def _moved(path: Path, top: Path, new_top: Path) -> Path:
    try:
        return new_top / path.resolve().relative_to(top)
    except ValueError:  # outside the repository: the same file
        return path


