"""The ``# orglint:`` comments of a YAML text. What a comment means (a waiver) is decided by
``orglint.engine.waivers``.

Only a YAML comment is a directive, never text inside a string: the event stream carries no
comments, so the text is scanned into tokens (libyaml's scanner through PyYAML, else ruamel's
pure one), and a ``#`` counts only outside every scalar token (plain, quoted, block or folded,
on one line or many) and at a line's start or after a blank, as YAML says a comment starts.
A comment may hold a directive after other words (``# note  # orglint: disable=...``). Every
step is linear in the text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from typing import Any

MARKER = "orglint:"
# a directive inside a comment: its `#` starts the comment or follows a blank
_DIRECTIVE = re.compile(r"#[ \t]*orglint:[ \t]*(?P<body>.*)$")
# the line breaks of YAML's scanners (libyaml and ruamel count lines by these)
_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")

Span = tuple[int, int, int, int]  # 0-based (line, column) where a scalar starts and ends


def scan_directives(text: str) -> list[tuple[int, int, str]]:
    """``[(line, column, text after the marker)]`` of every ``# orglint:`` comment in YAML
    text; line and column (of the directive's ``#``) are 1-based.

    Text inside a scalar (quoted, plain, block or folded, over any number of lines) is never
    a directive. Where the text stops being YAML (a syntax error), the lines from there on
    hold none: nothing tells a comment from a string there.
    """
    if MARKER not in text:
        return []
    lines = _BREAK.split(text)
    wanted = [number for number, line in enumerate(lines) if MARKER in line]
    inside: dict[int, list[tuple[int, int]]] = {number: [] for number in wanted}
    spans, stop = _scalar_spans(text)
    for first, start, last, end in spans:
        place = bisect.bisect_left(wanted, first)
        while place < len(wanted) and wanted[place] <= last:
            number = wanted[place]
            inside[number].append((start if number == first else 0,
                                   end if number == last else len(lines[number]) + 1))
            place += 1
    found = []
    for number in wanted:
        if number >= stop:
            break
        line = lines[number]
        comment = _comment_start(line, inside[number])
        if comment is None:
            continue
        match = _directive(line, comment)
        if match is not None:
            found.append((number + 1, match.start() + 1, match.group("body").strip()))
    return found


def _comment_start(line: str, strings: list[tuple[int, int]]) -> int | None:
    """Where the line's comment starts: the first ``#`` outside ``strings`` (the column
    ranges, sorted and apart, that scalars take on the line) at the start or after a blank;
    None without a comment."""
    index = line.find("#")
    taken = 0
    while index != -1:
        while taken < len(strings) and strings[taken][1] <= index:
            taken += 1
        if taken < len(strings) and strings[taken][0] <= index:
            index = line.find("#", strings[taken][1])
        elif index == 0 or line[index - 1] in " \t":
            return index
        else:
            index = line.find("#", index + 1)
    return None


def _directive(line: str, start: int) -> re.Match[str] | None:
    """The first ``# orglint:`` of the comment that starts at ``start``."""
    match = _DIRECTIVE.search(line, start)
    while match is not None and match.start() != start and line[match.start() - 1] not in " \t":
        match = _DIRECTIVE.search(line, match.start() + 1)
    return match


def _scalar_spans(text: str) -> tuple[list[Span], int | float]:
    """Where the text's scalars stand, and the first line (0-based) past a syntax error
    (infinity when the whole text scans). A block or folded scalar starts on the line after
    its ``|`` or ``>``: the rest of that line may hold a comment."""
    spans: list[Span] = []
    try:
        for token in _tokens(text):
            if type(token).__name__ != "ScalarToken":
                continue
            start, end = token.start_mark, token.end_mark
            if getattr(token, "style", None) in ("|", ">"):
                spans.append((start.line + 1, 0, end.line, end.column))
            else:
                spans.append((start.line, start.column, end.line, end.column))
    except _scanner_errors() as exc:
        marks = [mark for mark in (getattr(exc, "context_mark", None),
                                   getattr(exc, "problem_mark", None)) if mark is not None]
        return spans, min((mark.line for mark in marks), default=0)
    return spans, float("inf")


def _scanner_errors() -> tuple[type[BaseException], ...]:
    from ruamel.yaml.error import YAMLError as RuamelError

    try:
        from yaml import YAMLError
    except ImportError:  # pragma: no cover - no PyYAML
        return (RuamelError,)
    return (YAMLError, RuamelError)


def _tokens(text: str) -> Iterator[Any]:
    """The scanner's tokens: libyaml's where it reads the text, else ruamel's pure scanner's
    (which reads YAML 1.2 that an older libyaml refuses), as ``documents`` parses."""
    try:
        from yaml._yaml import CParser
    except ImportError:  # pragma: no cover - PyYAML without libyaml, or no PyYAML
        yield from _pure_tokens(text)
        return
    from yaml import YAMLError

    scanned = []
    try:
        parser = CParser(text)
        token = parser.get_token()
        while token is not None:
            scanned.append(token)
            token = parser.get_token()
    except YAMLError:
        yield from _pure_tokens(text)
        return
    yield from scanned


def _pure_tokens(text: str) -> Iterator[Any]:
    from ruamel.yaml import YAML

    yield from YAML(typ="safe", pure=True).scan(text)
