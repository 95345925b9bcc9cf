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

# a run of blanks is matched once, never retried from each of its places (linear in the line)
_KEY = re.compile(r"""^(?:"[^"]*"\s*|'[^']*'\s*|[^\s#'"{\[][^#]*?):(?:\s|$)""")
_COMMENT = re.compile(r"\s#")
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
    words, at, col = _words(text, problem, context, (line, column),
                            (context_line, context_column or 1) if context_line else None)
    return Explained(f"{words} (YAML: {detail})", at, col)


def explain_failure(text: str, error: Exception) -> Explained:
    """A parser failure that is no YAML error (ruamel asserts on ``%YAML 1.3``), in words."""
    directive = _yaml_directive(text)
    if directive is not None and "version" in str(error):
        version, at = directive
        return Explained(_version_words(version), at, 1)
    return Explained("the YAML parser cannot read this file "
                     f"({type(error).__name__}: {_one_line(str(error))})", 1, 1)


def explain_reader(text: str, error: Exception) -> Explained:
    """The YAML reader's error (a character YAML does not allow), in words, at the character."""
    character = getattr(error, "character", None)
    index = getattr(error, "position", None)
    line, column = (text_position(text, index) if isinstance(index, int)
                    and 0 <= index <= len(text) else (1, 1))
    code = f"U+{character:04X}" if isinstance(character, int) else "a control character"
    return Explained(f"{code} is a control character YAML does not allow in text: remove it "
                     "(in double quotes it may be written as an escape such as \\x07)",
                     line, column)


def text_position(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of the character at ``index`` of ``text``."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _yaml_directive(text: str) -> tuple[str, int] | None:
    for number, content in enumerate(text.splitlines()[:100], start=1):
        if content.startswith("%YAML"):
            return content[len("%YAML"):].split("#")[0].strip(), number
        if content.startswith("---"):
            break
    return None


def _version_words(version: str) -> str:
    return (f"'%YAML {version}': orglint reads YAML 1.2 (and 1.1): write '%YAML 1.2' or "
            "drop the line")


# what a parser names a token, in words
_TOKENS = {"<stream end>": "the end of the file", "<block end>": "the end of a block",
           "<block mapping start>": "a key", "<block sequence start>": "a '- ' list item",
           "?": "a key", "-": "a '- ' list item", "<scalar>": "a value", "<anchor>": "an anchor",
           "<alias>": "an alias", "<tag>": "a tag", ":": "':'", ",": "','", "]": "']'",
           "}": "'}'", "[": "'['", "{": "'{'", "<document start>": "'---'",
           "<document end>": "'...'"}


def _token(problem: str) -> str:
    """The token a parser says it found, in words ('' when it names none)."""
    found = re.search(r"(?:found|got) \(?'([^']*)'", problem)
    if found is None:
        return ""
    return _TOKENS.get(found.group(1), f"'{found.group(1)}'")


def _words(text: str, problem: str, context: str, at: tuple[int, int],
           start: tuple[int, int] | None) -> tuple[str, int, int]:
    """orglint's words for a parser's ``problem`` (in ``context``, found at ``at``; the
    context starts at ``start``), and the 1-based line and column to point at."""
    line, column = at
    token = _token(problem)
    opened = f" on line {start[0]}" if start else ""
    if problem.startswith("expected the node content"):
        if "<stream end>" in problem and "flow" in context:
            bracket = _unclosed_bracket(text)
            if bracket is not None:
                char, at_line, at_col = bracket
                close = "]" if char == "[" else "}"
                return (f"this '{char}' is never closed: add '{close}' after its last item",
                        at_line, at_col)
        return f"a value is missing here, before {token or 'this'}", line, column
    if problem.startswith(("expected ',' or ']'", "expected ',' or '}'")):
        char, close = ("[", "]") if problem.startswith("expected ',' or ']'") else ("{", "}")
        what = "list" if char == "[" else "mapping"
        if "<stream end>" in problem and start:
            return f"this '{char}' is never closed: add '{close}' after its last item", *start
        return (f"the {what} opened with '{char}'{opened} is not closed before {token}: "
                f"separate its items with ',' and end it with '{close}'", line, column)
    if problem.startswith("mapping values are not allowed"):
        return ("': ' cannot stand here: quote the value if ': ' is part of its text, or start "
                "the mapping on a line of its own", line, column)
    if problem.startswith("sequence entries are not allowed"):
        return ("a '- ' list item cannot follow a key's value on the same line: start the list "
                "on the next line, indented", line, column)
    if problem.startswith("mapping keys are not allowed"):
        return "a '?' key cannot stand here", line, column
    if problem.startswith("found character") and "cannot start any token" in problem:
        char = problem.split("'")[1] if problem.count("'") >= 2 else "this character"
        return (f"a value cannot start with '{char}': quote the value", line, column)
    if problem.startswith("found unknown escape character"):
        char = problem.split("'")[1] if problem.count("'") >= 2 else ""
        return (f"'\\{char}' is no escape in double-quoted text: write '\\\\' for a "
                "backslash, or use single quotes", line, column)
    if problem.startswith("expected escape sequence of"):
        digits = re.search(r"of (\d+)", problem)
        count = digits.group(1) if digits else "more"
        return (f"this escape needs {count} hexadecimal digits ('\\x' takes 2, '\\u' 4, "
                "'\\U' 8); use single quotes for a literal backslash", line, column)
    if problem.startswith("found unexpected document separator"):
        return ("a '---' or '...' line inside quoted text ends the document: close the quote "
                "before it, or indent the line", line, column)
    if problem.startswith("found unexpected end of stream"):
        return f"the file ends inside {_context_words(context)}{opened}", line, column
    if problem.startswith("could not find expected ':'"):
        where = start or at
        return (f"line {where[0]} holds text without a ':' after it where a key should stand: "
                "add ': value', or indent it under the key it belongs to", *where)
    if problem.startswith("expected <block end>"):
        if token in ("']'", "'}'"):  # no '[' or '{' is open: the block holds no flow collection
            return f"this {token} closes nothing: remove it", line, column
        return (f"{token or 'this'} cannot stand here: it does not "
                "continue the block above it (check its indentation; a key and a '- ' item "
                "cannot share a level)", line, column)
    if problem.startswith("expected '<document start>'"):
        return (f"{token or 'this'} stands outside the document: a "
                "line indented less than the first one, a stray ']' or '}', or text after a "
                "'%' line without '---'", line, column)
    if problem.startswith("found non-comment content after document end"):
        return "only a comment may follow '...' on its line", line, column
    if problem.startswith("found incompatible YAML document"):
        directive = _yaml_directive(text)
        return _version_words(directive[0] if directive else "?"), line, column
    if problem.startswith("found duplicate YAML directive"):
        return "a second '%YAML' line: a document takes one", line, column
    if "block scalar" in context or problem.startswith("more indented follow up line"):
        if problem.startswith("more indented"):
            return ("the first line of this '|' or '>' text is indented less than a line below "
                    "it: indent the first line as much, or add an indentation digit ('|2')",
                    line, column)
        return ("after '|' or '>' only '-' or '+', a digit 1-9 and a comment may follow: put "
                "the text on the lines below", line, column)
    if "anchor" in context or "alias" in context:
        return ("an anchor ('&name') or alias ('*name') needs a name of letters, digits, '-' "
                "or '_'", line, column)
    if "tag" in context or "tag handle" in problem:
        return ("this tag cannot be read; orglint reads plain data: drop the tag", line, column)
    if "directive" in context:
        return ("this '%' line cannot be read: orglint knows '%YAML 1.2' and '%TAG'",
                line, column)
    if problem.startswith("invalid intendation or unclosed"):
        return ("a '[' or '{' is not closed, or a line inside it is indented less than its key",
                line, column)
    return f"this is not valid YAML{': ' + token + ' cannot stand here' if token else ''}", \
        line, column


def _context_words(context: str) -> str:
    for key, words in (("quoted", "quoted text"), ("flow sequence", "a '[' list"),
                       ("flow mapping", "a '{' mapping"), ("block scalar", "a '|' or '>' text"),
                       ("plain scalar", "a value")):
        if key in context:
            return words
    return "a value"


def _unclosed_bracket(text: str) -> tuple[str, int, int] | None:
    """The last '[' or '{' that no bracket closes, outside quotes and comments, with its
    1-based line and column; None when every one is closed."""
    opened: list[tuple[str, int, int]] = []
    for number, content in enumerate(text.splitlines(), start=1):
        quote = ""
        for index, char in enumerate(content):
            if quote:
                if char == quote:
                    quote = ""
            elif char in "\"'" and (index == 0 or content[index - 1] in " \t[{,:"):
                quote = char
            elif char == "#" and (index == 0 or content[index - 1] in " \t"):
                break
            elif char in "[{":
                opened.append((char, number, index + 1))
            elif char in "]}" and opened:
                opened.pop()
    return opened[-1] if opened else None


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
        comment = _COMMENT.search(stripped)
        content = stripped[:comment.start()].rstrip() if comment else stripped
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
