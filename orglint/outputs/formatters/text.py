"""`path:line:col: CODE [severity] message`, then a summary and the stage."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from orglint.engine.waivers import status_lines
from orglint.finding import SEVERITY_RANK
from orglint.outputs.formatters import visible

if TYPE_CHECKING:
    from orglint.engine.check import CheckResult
    from orglint.engine.stage import Stage
    from orglint.finding import Finding
    from orglint.outputs.formatters import FormatContext


def plural(count: int, word: str) -> str:
    """``1 error``, ``2 errors``; ``info`` has no plural."""
    if count == 1:
        return f"1 {word}"
    return f"{count} {word if word == 'info' else word + 's'}"


def summary_line(result: CheckResult) -> str:
    """``Found 3 problems (1 error, 2 warnings) in 4 files.``, or ``No problems found in 4
    files.``"""
    counts = result.counts()
    files = plural(len(result.files), "file")
    if not result.findings and result.baselined:  # the baseline hides what still blocks
        return f"No new problems found in {files}."
    if not result.findings:
        return f"No problems found in {files}."
    parts = ", ".join(plural(counts[level], level) for level in ("error", "warning", "info")
                      if counts[level])
    return f"Found {plural(len(result.findings), 'problem')} ({parts}) in {files}."


def held_back_line(count: int) -> str:
    """How many findings wait for the files that cannot be read (docs/check.md)."""
    one = count == 1
    return (f"{plural(count, 'more finding')} {'is' if one else 'are'} held back until every "
            f"file can be read: {'it' if one else 'they'} may follow from what the unread part "
            "holds.")


def stage_headline(stage: Stage) -> str:
    """``Stage 2 of 4: designed surface - MEANING.``, or ``Stage not assessed: WHY.``"""
    if stage.number == 0:
        return f"Stage not assessed: {stage.meaning}."
    return f"Stage {stage.number} of 4: {stage.name} - {stage.meaning}."


def next_steps(stage: Stage) -> tuple[str | None, list[str]]:
    """What keeps the org from the next stage: a heading and its items (the blocking rules
    with their counts, then the structure the next stage also needs; or only that structure);
    (None, []) at stage 4 and when not assessed."""
    if stage.next is None:
        return None, []
    from orglint.engine.stage import STAGES

    named = f"{stage.next} ({STAGES[stage.next][0]})"
    if stage.unassessed:
        return (f"Stage {named} was not assessed: "
                f"{unassessed_text(stage.unassessed)}.", [])
    if stage.missing and not stage.blockers:
        return f"Stage {named} needs what is not written down yet:", \
            list(stage.missing)
    by_rule = Counter((finding.code, finding.name) for finding in stage.blockers)
    return f"Blocking stage {named}:", [*(f"{code} {name}: {plural(count, 'finding')}"
                                    for (code, name), count in sorted(by_rule.items())),
                                  *(f"and it needs {need}" for need in stage.missing)]


def stage_lines(result: CheckResult) -> list[str]:
    """The stage, then what keeps the org from the next one, indented by two spaces."""
    heading, items = next_steps(result.stage)
    lines = [stage_headline(result.stage)]
    if heading is not None:
        lines.append(heading)
        lines.extend(f"  {item}" for item in items)
    return lines


def unassessed_text(codes: tuple[str, ...]) -> str:
    """Why a stage was not assessed: the rules that block it did not run."""
    shown = ", ".join(codes[:6]) + (f" and {len(codes) - 6} more" if len(codes) > 6 else "")
    verb = "did"
    return f"{shown} {verb} not run (--select, --ignore or severity off)"


def statistics_lines(result: CheckResult) -> list[str]:
    """One line per rule and severity with its count of findings, sorted by code."""
    counts = Counter((f.code, f.name, f.severity) for f in result.findings)
    width = max((len(str(count)) for count in counts.values()), default=1)
    return [f"{count:>{width}}  {code}  {name} [{severity}]"
            for (code, name, severity), count in sorted(counts.items())]


# termcolor's names, per severity; the code is bold, the location plain
COLORS = {"error": "red", "warning": "yellow", "info": "cyan"}


def finding_line(finding: Finding, color: bool = False) -> str:
    """``path:line:col: CODE [severity] message``, with ANSI colours when ``color``; what the
    path and message hold is shown, never run (``visible``: an escape sequence in a name
    cannot colour, move or clear the terminal)."""
    location, message = visible(finding.location), visible(finding.message)
    if not color:
        return f"{location}: {finding.code} [{finding.severity}] {message}"
    from termcolor import colored

    code = colored(finding.code, attrs=["bold"], force_color=True)
    severity = colored(f"[{finding.severity}]", COLORS.get(finding.severity), force_color=True)
    return f"{location}: {code} {severity} {message}"


def more_line(result: CheckResult) -> str:
    """Where to read more: the documentation of the rule that blocks the next stage most
    often (of the most frequent rule when nothing blocks), among the most severe of those
    findings (an error before any warning), ties to the lowest code."""
    findings = result.stage.blockers or result.findings
    worst = max(SEVERITY_RANK[finding.severity] for finding in findings)
    codes = Counter(finding.code for finding in findings
                    if SEVERITY_RANK[finding.severity] == worst)
    code = min(codes, key=lambda item: (-codes[item], item))
    return f"Why each rule matters and how to fix it: 'orglint rule {code}'."


def render(result: CheckResult, context: FormatContext) -> str:
    """One ``path:line:col: CODE [severity] message`` line per finding (coloured with
    ``context.color``), then, unless ``context.quiet``, the statistics with
    ``context.statistics``, the summary, waived and baselined findings, the stage, and where
    to read more."""
    lines = [finding_line(finding, context.color) for finding in result.findings]
    if context.quiet:
        return "".join(line + "\n" for line in lines)
    if lines:
        lines.append("")
    rest = []
    if context.statistics and result.findings:
        rest.extend(statistics_lines(result))
        rest.append("")
    rest.append(summary_line(result))
    if result.held_back:
        rest.append(held_back_line(len(result.held_back)))
    rest.extend(status_lines(result.waived, len(result.baselined)))
    rest.extend(stage_lines(result))
    if result.findings:
        rest.append(more_line(result))
    lines.extend(visible(line) for line in rest)  # waiver reasons and owners are the user's
    return "\n".join(lines) + "\n"
