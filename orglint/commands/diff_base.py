"""``--diff-base REV``: the fingerprints of the findings the same check finds at a git
revision, so that ``orglint check`` reports only what is new since then."""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from orglint.engine.baseline import BaselineError
from orglint.engine.check import Settings
from orglint.incremental import cacheable, check_files, revision_key
from orglint.load.discover import discover
from orglint.session import Session, load_all, only_files, run_check


def _git(args: Sequence[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise BaselineError("--diff-base needs git, and git is not installed") from exc
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BaselineError(f"git {' '.join(args)}: {reason[-1] if reason else 'failed'}")
    return done.stdout


def fingerprints_at(revision: str, session: Session, paths: Sequence[str],
                    settings: Settings) -> Counter[str]:
    """The fingerprints of the findings the same check finds at a git revision.

    The revision's files are exported with ``git archive`` into a temporary folder and checked
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
    if revision.startswith("-"):
        raise BaselineError(f"--diff-base: '{revision}' is not a revision")
    cwd = session.cwd.resolve()
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).decode().strip()).resolve()
    _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], cwd)
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
    """``fingerprints_at`` for a revision not read back: export it and check it."""
    archive = _git(["archive", "--format=tar", revision], top)
    with tempfile.TemporaryDirectory(prefix="orglint-diff-base-", dir=scratch()) as folder:
        old_top = Path(folder).resolve()
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            if hasattr(tarfile, "data_filter"):
                tar.extractall(old_top, filter="data")
            else:  # pragma: no cover - Python without extraction filters
                tar.extractall(old_top)
        old_cwd = _moved(cwd, top, old_top)
        if not old_cwd.is_dir():
            return Counter()
        config = replace(session.config, root=_moved(session.config.root, top, old_top),
                         path=_moved(session.config.path, top, old_top)
                         if session.config.path else None)
        # named files are shown from the whole org: the revision's whole org, then
        old_paths = [] if only_files(paths, cwd) else [
            str(_moved(Path(p) if os.path.isabs(p) else cwd / p, top, old_top)) for p in paths]
        old_paths = [p for p in old_paths if Path(p).exists()]
        if paths and not old_paths:
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


