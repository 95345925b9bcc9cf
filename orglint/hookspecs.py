"""Every hook an orglint plugin can implement. Implement them with ``@orglint.hookimpl``.

Plugins come from the entry-point group ``orglint`` (the built-in rule pack is registered the
same way), or from modules the config names under ``plugins:``. A hook with a name not listed
here makes orglint fail at start-up, so a misspelled hook is never silently ignored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from orglint.registry import Rule

hookspec = pluggy.HookspecMarker("orglint")


@hookspec
def orglint_rules() -> list[Rule]:
    """Return the rules this plugin adds (objects made by ``@orglint.rule``).

    Called once when the registry is built; every plugin's list is collected. Codes and names
    must be unique across all plugins: a clash stops orglint with exit code 2.
    """


@hookspec
def orglint_formatters() -> dict[str, Any]:
    """Return output formats this plugin adds, as ``{name: format_function}``.

    A format function takes ``(result, context)`` and returns the text to write: ``result`` is
    the engine's ``CheckResult``, ``context`` a ``FormatContext`` (the rules, the working
    folder, the tool version). Every plugin's mapping is collected; a duplicate name is an error.
    """


@hookspec
def orglint_configure(config: Any) -> None:
    """Called with the loaded ``Config`` before the check runs; plugins may read their options.

    Every implementation is called; return values are ignored.
    """
