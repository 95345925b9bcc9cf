"""The ``# orglint:`` comments of a YAML text: the loader's own scan, since the event stream
carries no comments. What a comment means (a waiver) is decided by ``orglint.engine.waivers``."""

from __future__ import annotations

import re

MARKER = "orglint:"
_DIRECTIVE = re.compile(r"#\s*orglint:\s*(?P<body>.*)$")
# a quote opens a quoted scalar only where a scalar can start: after these, or at the start
_SCALAR_START = frozenset(":[{,-?")


def scan_directives(text: str) -> list[tuple[int, int, str]]:
    """``[(line, column, text after the marker)]`` of every ``# orglint:`` comment in YAML
    text; line and column (of the ``#``) are 1-based.

    The event stream carries no comments, so the loader calls this on the raw text, and only
    when the text contains the marker at all. A ``#`` inside a quoted scalar is not a comment.
    """
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if MARKER not in line:
            continue
        start = _comment_start(line)
        if start is None:
            continue
        match = _DIRECTIVE.match(line, start)
        if match is not None:
            found.append((number, start + 1, match.group("body").strip()))
    return found


def _comment_start(line: str) -> int | None:
    """Where the line's comment starts, skipping quoted scalars; None without a comment."""
    quote = None
    index = 0
    while index < len(line):
        char = line[index]
        if quote == '"':
            if char == "\\":
                index += 1
            elif char == '"':
                quote = None
        elif quote == "'":
            if char == "'":
                if line.startswith("''", index):
                    index += 1
                else:
                    quote = None
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index
        elif char in "\"'":
            before = line[:index].rstrip()
            if not before or before[-1] in _SCALAR_START:
                quote = char
        index += 1
    return None
