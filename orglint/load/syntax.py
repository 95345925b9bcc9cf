"""YAML syntax errors in words a person can act on, at the line to edit.

A YAML parser reports where it noticed a problem, which is often a line after the one to fix,
and in its own terms (``expected <block end>, but found '<block mapping start>'``). For the
common mistakes (a line indented less or more than the keys around it, a tab, a quote never
closed) this module finds the line to edit from the text and says what is wrong there; the
parser's words follow as detail. Anything else keeps the parser's message and position.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_KEY = re.compile(r"""^(?:"[^"]*"|'[^']*'|[^\s#'"{\[][^#]*?)\s*:(?:\s|$)""")
_BLOCK_SCALAR = re.compile(r":\s*[|>][-+0-9]*\s*$|^-\s*[|>][-+0-9]*\s*$")
_INDENT_PROBLEMS = ("expected <block end>", "mapping values are not allowed here",
                    "could not find expected ':'", "did not find expected key",
                    "did not find expected '-' indicator")


@dataclass(frozen=True)
class Explained:
    """A syntax error as shown: ``message`` at 1-based ``line`` and ``column``."""

    message: str
    line: int
    column: int


def explain(text: str, problem: str, context: str, line: int, column: int,
            context_line: int | None = None, context_column: int | None = None) -> Explained:
    """The plain-words version of a parser error (``problem``/``context`` as the parser gave
    them, at 1-based ``line``:``column``; the context's own position when it has one)."""
    detail = f"{problem} ({context})" if context and context != problem else problem
    if "'\\t'" in problem or ("\\t" in problem and "token" in problem):
        found = _first_tab(text, line)
        if found is not None:
            return Explained(f"a tab cannot indent YAML: use spaces (YAML: {detail})", *found)
    if "quoted scalar" in context and "end of stream" in problem and context_line:
        return Explained(f"this quoted text is never closed: add the closing quote "
                         f"(YAML: {detail})", context_line, context_column or 1)
    if any(problem.startswith(start) for start in _INDENT_PROBLEMS):
        found_indent = _indentation(text, line)
        if found_indent is not None:
            message, at, col = found_indent
            return Explained(f"{message} (YAML: {detail})", at, col)
    return Explained(detail, line, column)


def _first_tab(text: str, until: int) -> tuple[int, int] | None:
    for number, content in enumerate(text.splitlines()[:until], start=1):
        lead = content[: len(content) - len(content.lstrip(" \t"))]
        if "\t" in lead:
            return number, lead.index("\t") + 1
    return None


@dataclass
class _Line:
    number: int
    indent: int
    text: str  # without the indentation and any trailing comment

    @property
    def item(self) -> bool:
        return self.text == "-" or self.text.startswith("- ")

    @property
    def body(self) -> str:
        """What follows a list item's dash, else the line."""
        return self.text[1:].lstrip() if self.item else self.text

    @property
    def key(self) -> str | None:
        match = _KEY.match(self.body)
        return match.group(0).rstrip().rstrip(":").strip("'\"") if match else None

    @property
    def opens(self) -> bool:
        """True when lines below it may be indented more: it ends with a key and no value."""
        return self.text.endswith(":") or self.text == "-"

    @property
    def inner(self) -> int | None:
        """Where the keys of a mapping that starts on a list item's line stand."""
        return self.indent + 2 if self.item and self.key is not None else None


def _content_lines(text: str, until: int) -> list[_Line]:
    """The lines up to ``until`` that carry keys or items: no blank or comment lines, no lines
    inside block scalars or flow collections that span lines."""
    found: list[_Line] = []
    scalar_at: int | None = None  # indentation of the line that opened a block scalar
    depth = 0
    for number, raw in enumerate(text.splitlines()[:until], start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if scalar_at is not None:
            if indent > scalar_at:
                continue
            scalar_at = None
        if depth > 0:
            depth += _depth(stripped)
            continue
        content = re.sub(r"\s+#.*$", "", stripped)
        found.append(_Line(number, indent, content))
        if _BLOCK_SCALAR.search(content):
            scalar_at = indent
        depth = max(_depth(content), 0)
    return found


def _depth(text: str) -> int:
    return text.count("[") + text.count("{") - text.count("]") - text.count("}")


def _indentation(text: str, until: int) -> tuple[str, int, int] | None:
    """The first line up to ``until`` whose indentation fits no open block: the message, its
    line and column, or None when every line fits."""
    levels: list[tuple[int, _Line]] = []  # open indentation levels and the line of each
    previous: _Line | None = None
    for current in _content_lines(text, until):
        if previous is None:
            levels.append((current.indent, current))
        elif current.indent > previous.indent:
            if previous.opens or (previous.inner == current.indent):
                levels.append((current.indent, current))
            else:
                return (_more(current, previous), current.number, current.indent + 1)
        elif current.indent < previous.indent:
            above = levels[-1]
            while levels and levels[-1][0] > current.indent:
                above = levels.pop()
            if not levels or levels[-1][0] != current.indent:
                return (_less(current, above, levels[-1] if levels else None),
                        current.number, current.indent + 1)
        if current.inner is not None and (not levels or levels[-1][0] != current.inner):
            levels.append((current.inner, current))
        previous = current
    return None


def _more(current: _Line, previous: _Line) -> str:
    what = f"'{previous.key}' on line {previous.number} already has a value" \
        if previous.key is not None else f"line {previous.number} holds a value"
    return (f"line {current.number} is indented more than line {previous.number}, but {what}: "
            f"indent it like line {previous.number}, or move that value onto its own line")


def _less(current: _Line, above: tuple[int, _Line], outer: tuple[int, _Line] | None) -> str:
    choices = f"{above[0]} like line {above[1].number}"
    if outer is not None:
        choices += f", or {outer[0]} like line {outer[1].number}"
    return (f"line {current.number} is indented less than the lines above it: "
            f"{current.indent} {'space' if current.indent == 1 else 'spaces'} where they "
            f"use {choices}")
