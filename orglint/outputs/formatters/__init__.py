"""Built-in output formats, registered through the ``orglint_formatters`` hook.

Each format is a function ``(result, context) -> str``. Modules are imported only when their
format is used, so a plain ``orglint check`` loads no more than the text formatter.
"""

from __future__ import annotations

import importlib
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
