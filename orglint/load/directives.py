"""The ``# orglint:`` comments of a YAML text. What a comment means (a waiver) is decided by
``orglint.engine.waivers``.

Only a YAML comment is a directive, never text inside a string: a ``#`` counts only outside
every scalar (plain, quoted, block or folded, on one line or many) and at a line's start or
after a blank, as YAML says a comment starts. Where the scalars stand comes from the parser
itself: the loader lets a ``Watcher`` see the events it builds documents from (no second
parse), and ``scan_directives`` on its own reads the scanner's tokens. A comment may hold a
directive after other words (``# note  # orglint: disable=...``). Every step is linear in the
text.
"""

from __future__ import annotations

import bisect
import contextlib
import re
from collections.abc import Iterable, Iterator
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
    hold none: nothing tells a comment from a string there. Reads the scanner's tokens; the
    loader uses a ``Watcher`` on its own parse instead.
    """
    watcher = Watcher(text)
    if watcher.wanted:
        with contextlib.suppress(*_scanner_errors()):  # the watcher notes where it stopped
            for _ in watcher.watch(_tokens(text), "ScalarToken"):
                if watcher.past:
                    break
    return watcher.directives()


class Watcher:
    """Finds the directives of ``text`` from the scalars a parser reports while the loader
    reads them: ``watch(events)`` passes the events on unchanged and notes where each scalar
    stands; ``directives()`` then gives what ``scan_directives`` gives. ``wanted`` lists the
    0-based lines that hold the marker (none: nothing to watch)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = _BREAK.split(text) if MARKER in text else []
        self.wanted = [number for number, line in enumerate(self.lines) if MARKER in line]
        self.spans: list[Span] = []
        self.stop: int | float = float("inf")
        self.past = False  # a scalar started below the last wanted line

    def watch(self, events: Iterable[Any], kind: str = "ScalarEvent") -> Iterator[Any]:
        """``events`` (or tokens, with ``kind`` ``ScalarToken``) as they come, noting each
        scalar up to the last wanted line, and the line of a syntax error. Starts afresh: the
        loader may parse a text twice (libyaml, then ruamel's pure parser)."""
        self.spans = spans = []
        self.stop = float("inf")
        self.past = False
        last_line = self.wanted[-1] if self.wanted else -1
        seen = None
        finished = False
        try:
            for event in events:
                seen = event
                if not self.past and event.__class__.__name__ == kind:
                    start, end = event.start_mark, event.end_mark
                    if start.line > last_line:
                        self.past = True
                    elif event.style in ("|", ">"):  # the header line may hold a comment
                        spans.append((start.line + 1, 0, end.line, end.column))
                    else:
                        spans.append((start.line, start.column, end.line, end.column))
                yield event
            finished = True
        except _scanner_errors() as exc:
            marks = [mark for mark in (getattr(exc, "context_mark", None),
                                       getattr(exc, "problem_mark", None)) if mark is not None]
            self.stop = min((mark.line for mark in marks), default=0)
            raise
        finally:
            if not finished and not self.past and self.stop == float("inf"):
                # the reader stopped early (a document refused): what follows is unknown
                self.stop = seen.end_mark.line if seen is not None else 0

    def directives(self) -> list[tuple[int, int, str]]:
        """The directives, from the scalars the last ``watch`` saw."""
        lines, wanted = self.lines, self.wanted
        inside: dict[int, list[tuple[int, int]]] = {number: [] for number in wanted}
        for first, start, last, end in self.spans:
            place = bisect.bisect_left(wanted, first)
            while place < len(wanted) and wanted[place] <= last:
                number = wanted[place]
                inside[number].append((start if number == first else 0,
                                       end if number == last else len(lines[number]) + 1))
                place += 1
        found = []
        for number in wanted:
            if number >= self.stop:
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


def _scanner_errors() -> tuple[type[BaseException], ...]:
    from ruamel.yaml.error import YAMLError as RuamelError

    try:
        from yaml import YAMLError
    except ImportError:  # pragma: no cover - no PyYAML
        return (RuamelError,)
    return (YAMLError, RuamelError)


def _tokens(text: str) -> Iterator[Any]:
    """The scanner's tokens, as they are read: libyaml's, else (where libyaml refuses the
    text, or is missing) ruamel's pure scanner's, which reads YAML 1.2 that an older libyaml
    refuses, as ``documents`` parses."""
    try:
        from yaml._yaml import CParser
    except ImportError:  # pragma: no cover - PyYAML without libyaml, or no PyYAML
        yield from _pure_tokens(text)
        return
    from yaml import YAMLError

    parser = CParser(text)
    given = 0
    try:
        token = parser.get_token()
        while token is not None:
            yield token
            given += 1
            token = parser.get_token()
    except YAMLError:
        # libyaml refused the text: ruamel's scanner decides, past the tokens already given
        for index, token in enumerate(_pure_tokens(text)):
            if index >= given:
                yield token


def _pure_tokens(text: str) -> Iterator[Any]:
    from ruamel.yaml import YAML

    yield from YAML(typ="safe", pure=True).scan(text)
