"""Markdown for pull-request comments and job summaries: a headline, the findings as a
table, the stage and what blocks the next one, and what was waived."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from orglint.outputs.formatters import visible

if TYPE_CHECKING:
    from orglint.engine.check import CheckResult
    from orglint.outputs.formatters import FormatContext

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
ICONS = {"error": "🔴 error", "warning": "🟠 warning", "info": "🔵 info"}


def escape(text: str) -> str:
    """Text shown as itself in a table cell: Markdown and HTML characters escaped, one line,
    control characters shown (``visible``)."""
    return visible(_SPECIAL.sub(r"\\\1", text).replace("\r", " ").replace("\n", " "))


def render(result: CheckResult, context: FormatContext) -> str:
    """The Markdown text: headline, findings table, statistics table with
    ``context.statistics``, the stage and what blocks the next, waived and baselined findings."""
    from orglint.engine.waivers import describe
    from orglint.outputs.formatters.text import next_steps, plural, summary_line

    stage = result.stage
    title = "stage not assessed" if stage.number == 0 else f"stage {stage.number} of 4, {stage.name}"
    lines = [f"## orglint: {title}", "",
             visible(summary_line(result)), ""]
    if result.findings:
        lines += ["| Severity | Rule | Location | Message |", "| --- | --- | --- | --- |"]
        lines += [f"| {ICONS[f.severity]} | {f.code} {f.name} | `{visible(f.location)}` | "
                  f"{escape(f.message)} |" for f in result.findings]
        lines.append("")
    if context.statistics and result.findings:
        counts = Counter((f.code, f.name, f.severity) for f in result.findings)
        lines += ["| Rule | Severity | Findings |", "| --- | --- | --- |"]
        lines += [f"| {code} {name} | {severity} | {count} |"
                  for (code, name, severity), count in sorted(counts.items())]
        lines.append("")
    meaning = stage.meaning[:1].upper() + stage.meaning[1:]
    if stage.number == 0:
        lines.append(f"**Stage not assessed.** {escape(meaning)}.")
    else:
        lines.append(f"**Stage {stage.number} of 4: {stage.name}.** {escape(meaning)}.")
    heading, items = next_steps(stage)
    if heading is not None:
        lines += ["", escape(heading)]
    if items:
        lines += ["", *(f"- {escape(item)}" for item in items)]
    if result.waived:
        lines += ["", f"<details><summary>Waived {plural(len(result.waived), 'finding')}"
                      "</summary>", "",
                  "| Rule | Location | Message | Waiver |", "| --- | --- | --- | --- |"]
        lines += [f"| {f.code} {f.name} | `{f.location}` | {escape(f.message)} | "
                  f"{escape(w.label)} at `{w.position}`: {escape(describe(w))} |"
                  for f, w in result.waived]
        lines += ["", "</details>"]
    if result.baselined:
        lines += ["", f"Baseline: {plural(len(result.baselined), 'known finding')} not shown."]
    return "\n".join(lines) + "\n"
