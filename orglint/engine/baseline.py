"""Baselines: adopt orglint on a messy org and fail only on new problems.

A baseline file records today's findings by fingerprint (rule + entity + field, see
``Finding.fingerprint``), never by file or line, so comments, reordering and moving entities
between files change nothing. ``--diff-base REV`` builds the same kind of baseline on the fly
from a git revision of the repository (``orglint.commands.diff_base``).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from orglint.files import json_text
from orglint.finding import Finding
from orglint.load.syntax import text_position

FORMAT = 1


class BaselineError(Exception):
    """A baseline file or a git revision orglint cannot use: exit code 2, one line."""


def dump(findings: Iterable[Finding]) -> str:
    """The baseline file for these findings: JSON text, sorted, one entry per finding (its
    fingerprint, code, entity, field and message)."""
    entries = sorted(
        ({"fingerprint": f.fingerprint, "code": f.code, "entity": f.entity, "field": f.field,
          "message": f.message} for f in findings),
        key=lambda entry: (entry["code"], entry["entity"] or "", entry["field"] or "",
                           entry["fingerprint"], entry["message"]),
    )
    document = {"orglint_baseline": FORMAT, "findings": entries}
    return json_text(document)


def parse(text: str, shown: str) -> Counter[str]:
    """A baseline's text (``shown``: its path in messages) as fingerprint -> how many
    findings with it the baseline accepts.

    Raises ``BaselineError`` (``path:line:col: ...``) when it is not JSON or not an orglint
    baseline of this format.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{shown}:{exc.lineno}:{exc.colno}: not a baseline file: {exc.msg}"
                            ) from exc
    except ValueError as exc:  # an integer of more digits than Python converts
        long = re.search(r"[0-9]{4000,}", text)
        at = long.start() if long else 0
        line, column = text_position(text, at)
        raise BaselineError(f"{shown}:{line}:{column}: not a baseline file: a number of more "
                            "than 4,300 digits") from exc
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
    """The baseline file at ``path`` as ``parse`` reads it. Raises ``BaselineError`` when it
    does not exist, cannot be read or is not a baseline."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise BaselineError(f"baseline file '{shown}' does not exist (create it with "
                            "--write-baseline)") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read baseline file '{shown}': {exc}") from exc
    return parse(text, shown)


# --- --diff-base REV -------------------------------------------------------------------------


def combine(*baselines: Any) -> Counter[str] | None:
    """The sum of the given baselines (each a fingerprint ``Counter`` or None), None when none
    is given."""
    given = [baseline for baseline in baselines if baseline is not None]
    if not given:
        return None
    total: Counter[str] = Counter()
    for baseline in given:
        total.update(baseline)
    return total
