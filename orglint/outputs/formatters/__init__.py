"""Built-in output formats, registered through the ``orglint_formatters`` hook.

Each format is a function ``(result, context) -> str``. Modules are imported only when their
format is used, so a plain ``orglint check`` loads no more than the text formatter.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from orglint import hookimpl

if TYPE_CHECKING:
    from orglint.engine.check import CheckResult
    from orglint.registry import Registry

Formatter = Callable[["CheckResult", "FormatContext"], str]

BUILTIN = {
    "text": "orglint.outputs.formatters.text",
    "json": "orglint.outputs.formatters.json",
    "sarif": "orglint.outputs.formatters.sarif",
    "github": "orglint.outputs.formatters.github",
    "junit": "orglint.outputs.formatters.junit",
    "gitlab": "orglint.outputs.formatters.gitlab",
    "markdown": "orglint.outputs.formatters.markdown",
}


@dataclass
class FormatContext:
    """What a format needs besides the result: the ``registry`` of every known rule, the tool
    ``version``, per-rule counts (``statistics``), ``options`` for a plugin's format (no
    built-in format reads them), and how the terminal output is asked for (``quiet``: findings
    only; ``color``: ANSI colours, only ever for the terminal), and ``rule_docs_url``, where
    each rule's documentation lives (SARIF's ``helpUri``), when the config names it."""

    registry: Registry
    version: str
    statistics: bool = False
    options: dict[str, Any] | None = None
    quiet: bool = False
    color: bool = False
    # the config's rule_docs_url: a rule's documentation, with {code}, {name} and {anchor}
    rule_docs_url: str | None = None


# what a terminal, a log or an XML file must not receive raw: C0 and C1 controls (ESC starts
# a terminal's escape sequences), DEL, the bidirectional overrides that reorder what is shown,
# the non-characters U+FFFE/U+FFFF and lone surrogates (neither UTF-8 nor XML holds them)
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff"
                         "\ud800-\udfff]")


def _shown(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures: ESC as U+241B, LF as U+240A
    if code == 0x7F:
        return "\u2421"
    return f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` as one line that shows every character and runs none: C0 controls as their
    Unicode control pictures (``\\x1b`` -> ``\u241b``, a newline -> ``\u240a``), DEL as
    ``\u2421``, C1 controls, bidirectional overrides, U+FFFE/U+FFFF and lone surrogates as
    ``\\uXXXX``. Linear in the text; text without such characters is returned as it is."""
    return _UNSHOWABLE.sub(_shown, text)


def _lazy(module: str) -> Formatter:
    def render(result: CheckResult, context: FormatContext) -> str:
        function: Formatter = importlib.import_module(module).render
        return function(result, context)

    render.__doc__ = f"Render with {module}."
    return render


@hookimpl
def orglint_formatters() -> dict[str, Formatter]:
    """The built-in formats by name, each importing its module on first use."""
    return {name: _lazy(module) for name, module in BUILTIN.items()}
