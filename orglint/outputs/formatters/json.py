"""A JSON document: tool version, files, summary, stage with its blockers, findings."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from orglint.files import json_text

if TYPE_CHECKING:
    from orglint.engine.check import CheckResult
    from orglint.outputs.formatters import FormatContext


def document(result: CheckResult, context: FormatContext) -> dict[str, Any]:
    """The JSON document as a dict: tool, org, files, summary, stage, findings, waived findings
    with their waiver, every waiver, and per-code counts with ``context.statistics``."""
    counts = result.counts()
    data: dict[str, Any] = {
        "tool": {"name": "orglint", "version": context.version},
        "org": result.org.name,
        "files": result.files,
        "summary": {
            "errors": counts["error"],
            "warnings": counts["warning"],
            "infos": counts["info"],
            "total": len(result.findings),
            "waived": len(result.waived),
            "baselined": len(result.baselined),
            "failed": result.failed,
            "fail_on": result.fail_on,
        },
        "stage": result.stage.as_dict(),
        "findings": [finding.as_dict() for finding in result.findings],
        "waived": [{**finding.as_dict(), "waiver": waiver.as_dict()}
                   for finding, waiver in result.waived],
        "waivers": [waiver.as_dict() for waiver in result.waivers],
    }
    if context.statistics:
        counts = Counter(finding.code for finding in result.findings)
        data["statistics"] = dict(sorted(counts.items()))
    return data


def render(result: CheckResult, context: FormatContext) -> str:
    """``document`` as indented JSON text ending in a newline."""
    return json_text(document(result, context))
