"""Baselines: adopt orglint on a messy org and fail only on new problems.

A baseline file records today's findings by fingerprint (rule + entity + field, see
``Finding.fingerprint``), never by file or line, so comments, reordering and moving entities
between files change nothing. ``--diff-base REV`` builds the same kind of baseline on the fly
from a git revision of the repository.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import tarfile
import tempfile
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orglint.finding import Finding

if TYPE_CHECKING:
    from orglint.engine import Settings
    from orglint.runner import Session

FORMAT = 1


class BaselineError(Exception):
    """A baseline file or a git revision orglint cannot use: exit code 2, one line."""


def dump(findings: Iterable[Finding]) -> str:
    """The baseline file for these findings: JSON, sorted, one entry per finding."""
    entries = sorted(
        ({"fingerprint": f.fingerprint, "code": f.code, "entity": f.entity, "field": f.field,
          "message": f.message} for f in findings),
        key=lambda entry: (entry["code"], entry["entity"] or "", entry["field"] or "",
                           entry["fingerprint"], entry["message"]),
    )
    document = {"orglint_baseline": FORMAT, "findings": entries}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def parse(text: str, shown: str) -> Counter[str]:
    """Fingerprint -> how many findings with it the baseline accepts."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{shown}:{exc.lineno}:{exc.colno}: not a baseline file: {exc.msg}"
                            ) from exc
    if not isinstance(document, dict) or document.get("orglint_baseline") != FORMAT:
        raise BaselineError(f"{shown}:1:1: not an orglint baseline (expected "
                            f"\"orglint_baseline\": {FORMAT}; write one with --write-baseline)")
    entries = document.get("findings")
    if not isinstance(entries, list) or not all(
            isinstance(entry, dict) and isinstance(entry.get("fingerprint"), str)
            for entry in entries):
        raise BaselineError(f"{shown}:1:1: 'findings' must be a list of entries with a "
                            "'fingerprint'")
    return Counter(entry["fingerprint"] for entry in entries)


def read(path: Path, shown: str) -> Counter[str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise BaselineError(f"baseline file '{shown}' does not exist (create it with "
                            "--write-baseline)") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read baseline file '{shown}': {exc}") from exc
    return parse(text, shown)


# --- --diff-base REV -------------------------------------------------------------------------


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
    same as in the working tree.
    """
    from orglint.engine import check
    from orglint.runner import declared_waivers, discover, load_all

    if revision.startswith("-"):
        raise BaselineError(f"--diff-base: '{revision}' is not a revision")
    cwd = session.cwd.resolve()
    top = Path(_git(["rev-parse", "--show-toplevel"], cwd).decode().strip()).resolve()
    _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], cwd)
    archive = _git(["archive", "--format=tar", revision], top)
    with tempfile.TemporaryDirectory(prefix="orglint-diff-base-") as folder:
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
        old_paths = [str(_moved(Path(p) if os.path.isabs(p) else cwd / p, top, old_top))
                     for p in paths]
        old_paths = [p for p in old_paths if Path(p).exists()]
        if paths and not old_paths:
            return Counter()
        files = discover(config, old_paths, old_cwd)
        settings = replace(settings, baseline=None,
                           waivers=settings.waivers or declared_waivers(session))
        result = check(load_all(files, old_cwd), session.registry, settings)
        return Counter(finding.fingerprint for finding in result.findings)


def _moved(path: Path, top: Path, new_top: Path) -> Path:
    try:
        return new_top / path.resolve().relative_to(top)
    except ValueError:  # outside the repository: the same file
        return path


def combine(*baselines: Any) -> Counter[str] | None:
    """The sum of the given baselines, None when none is given."""
    given = [baseline for baseline in baselines if baseline is not None]
    if not given:
        return None
    total: Counter[str] = Counter()
    for baseline in given:
        total.update(baseline)
    return total
