"""GitHub Actions workflow commands: one annotation per finding, then the summary.

``::error file=org.yaml,line=7,col=3,title=BND001 handoff-owner::message``. Messages escape
``%`` and line breaks; properties also escape ``:`` and ``,`` (the runner's own rules); other
control characters are shown, never run. GitHub shows
only the first annotations of a step, so when ``GITHUB_STEP_SUMMARY`` is set the Markdown
report is appended to the job summary as well.
"""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING

from orglint.outputs.formatters import visible

if TYPE_CHECKING:
    from orglint.engine.check import CheckResult
    from orglint.finding import Finding
    from orglint.outputs.formatters import FormatContext

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
_LINES = re.compile("([\r\n])")  # split, keeping each break
_BREAKS = {"\r": "%0D", "\n": "%0A"}


def escape_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF percent-encoded, and every other
    control character shown, never run (``visible``), so a name cannot end the command,
    start another or colour the log."""
    return "".join(_BREAKS.get(piece) or visible(piece).replace("%", "%25")
                   for piece in _LINES.split(text))


def escape_property(text: str) -> str:
    """A workflow command's property value: as ``escape_data``, and ``:`` and ``,`` too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    """The ``::error``/``::warning``/``::notice`` command of one finding, on one line."""
    properties = ",".join(f"{key}={escape_property(value)}" for key, value in (
        ("file", finding.path), ("line", str(finding.line)), ("col", str(finding.column)),
        ("title", f"{finding.code} {finding.name}")))
    return f"::{COMMANDS[finding.severity]} {properties}::{escape_data(finding.message)}"


def render(result: CheckResult, context: FormatContext) -> str:
    """The annotations, the summary, the waivers and baseline, and the stage, one per line.

    When ``GITHUB_STEP_SUMMARY`` names a file, the Markdown report is appended to it; a file
    that cannot be written is a warning on stderr, never an error.
    """
    from orglint.engine.waivers import status_lines
    from orglint.outputs.formatters import text

    lines = [annotation(finding) for finding in result.findings]
    rest = [text.summary_line(result), *status_lines(result.waived, len(result.baselined)),
            *text.stage_lines(result)]
    lines.extend(visible(line) for line in rest)
    summary = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        from orglint.outputs.formatters import markdown

        try:
            with open(summary, "a", encoding="utf-8") as handle:
                handle.write(markdown.render(result, context))
        except OSError as exc:  # the annotations still count: warn, do not fail the check
            print(f"orglint: warning: cannot append to GITHUB_STEP_SUMMARY '{summary}': "
                  f"{exc.strerror or type(exc).__name__}", file=sys.stderr)
    return "\n".join(lines) + "\n"
