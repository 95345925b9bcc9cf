"""GitLab Code Quality (a subset of the Code Climate issue format), for
``artifacts: reports: codequality``.

Each finding is an issue with ``description``, ``check_name``, ``fingerprint``, ``severity``
(``info``, ``minor``, ``major``, ``critical`` or ``blocker``), ``location.path`` and
``location.lines.begin``. GitLab shows one issue per fingerprint, so two findings with the
same fingerprint get distinct ones (the second is hashed with its occurrence number).

The report is a bare list with no room for a summary, so a waived finding is listed as an
``info`` issue whose description says which waiver silenced it, why, who owns it and until
when, under a fingerprint of its own: adding a waiver shows in the merge request as the
problem fixed and a waived one introduced. Baselined findings are left out.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from typing import TYPE_CHECKING, Any

from orglint.files import json_text

if TYPE_CHECKING:
    from orglint.engine.check import CheckResult
    from orglint.finding import Finding
    from orglint.outputs.formatters import FormatContext

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def issues(result: CheckResult) -> list[dict[str, Any]]:
    """The Code Quality issues of a result: its findings and its waived findings (as ``info``),
    sorted as findings are, every fingerprint unique."""
    from orglint.engine.waivers import describe

    entries: list[tuple[Finding, str, str, str]] = [
        (f, f.fingerprint, f"{f.code} {f.message}", SEVERITIES[f.severity])
        for f in result.findings]
    entries.extend(
        (f, _hash(f"{f.fingerprint}|waived"),
         f"{f.code} {f.message} (waived by {w.label} at {w.position}: {describe(w)})", "info")
        for f, w in result.waived)
    entries.sort(key=lambda entry: entry[0])
    seen: Counter[str] = Counter()
    found = []
    for finding, fingerprint, description, severity in entries:
        seen[fingerprint] += 1
        if seen[fingerprint] > 1:
            fingerprint = _hash(f"{fingerprint}#{seen[fingerprint]}")
        found.append({
            "description": description,
            "check_name": finding.code,
            "fingerprint": fingerprint,
            "severity": severity,
            "location": {"path": finding.path, "lines": {"begin": finding.line}},
        })
    return found


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def render(result: CheckResult, context: FormatContext) -> str:
    """``issues`` as indented JSON text ending in a newline."""
    return json_text(issues(result))
