"""GitLab Code Quality (a subset of the Code Climate issue format), for
``artifacts: reports: codequality``.

Each finding is an issue with ``description``, ``check_name``, ``fingerprint``, ``severity``
(``info``, ``minor``, ``major``, ``critical`` or ``blocker``), ``location.path`` and
``location.lines.begin``. GitLab shows one issue per fingerprint, so two findings with the
same fingerprint get distinct ones (the second is hashed with its occurrence number). Waived
and baselined findings are not issues: the report is a list with no room for a summary, and
the job log's text output says what was waived.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from orglint.engine import CheckResult
    from orglint.formatters import FormatContext

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def issues(result: CheckResult) -> list[dict[str, Any]]:
    seen: Counter[str] = Counter()
    found = []
    for finding in result.findings:
        fingerprint = finding.fingerprint
        seen[fingerprint] += 1
        if seen[fingerprint] > 1:
            fingerprint = hashlib.sha256(f"{fingerprint}#{seen[fingerprint]}".encode()
                                         ).hexdigest()[:32]
        found.append({
            "description": f"{finding.code} {finding.message}",
            "check_name": finding.code,
            "fingerprint": fingerprint,
            "severity": SEVERITIES[finding.severity],
            "location": {"path": finding.path, "lines": {"begin": finding.line}},
        })
    return found


def render(result: CheckResult, context: FormatContext) -> str:
    return json.dumps(issues(result), indent=2, ensure_ascii=False) + "\n"
