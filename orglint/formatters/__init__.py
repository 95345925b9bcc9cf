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
    from orglint.engine import CheckResult
    from orglint.registry import Registry

Formatter = Callable[["CheckResult", "FormatContext"], str]

BUILTIN = {
    "text": "orglint.formatters.text",
    "json": "orglint.formatters.json",
    "sarif": "orglint.formatters.sarif",
    "github": "orglint.formatters.github",
    "junit": "orglint.formatters.junit",
    "gitlab": "orglint.formatters.gitlab",
    "markdown": "orglint.formatters.markdown",
}


@dataclass
class FormatContext:
    registry: Registry
    version: str
    statistics: bool = False
    options: dict[str, Any] | None = None


def _lazy(module: str) -> Formatter:
    def render(result: CheckResult, context: FormatContext) -> str:
        function: Formatter = importlib.import_module(module).render
        return function(result, context)

    render.__doc__ = f"Render with {module}."
    return render


@hookimpl
def orglint_formatters() -> dict[str, Formatter]:
    return {name: _lazy(module) for name, module in BUILTIN.items()}
