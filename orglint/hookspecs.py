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
    """Return the rules this plugin adds: ``list[Rule]``, objects made by ``@orglint.rule``.

    Called when the registry is built, after ``orglint_configure``; every plugin's list is
    collected (no first result wins). Anything that is not a ``Rule``, or a code or name
    another plugin uses, stops orglint with exit code 2.
    """


@hookspec
def orglint_formatters() -> dict[str, Any]:
    """Return output formats this plugin adds, as ``{name: format_function}``.

    A format function takes ``(result, context)`` and returns the text to write: ``result`` is
    the engine's ``CheckResult``, ``context`` a ``FormatContext`` (the registry of known rules,
    the tool version, whether ``--statistics`` was asked for). Every plugin's mapping is
    collected; a name defined twice stops orglint with exit code 2.
    """


@hookspec
def orglint_configure(config: Any) -> None:
    """Called once with the loaded ``Config`` (``orglint.config.Config``), before the rules
    are collected and before any check runs; a plugin may read what it needs from it.

    Every implementation is called; return values are ignored.
    """
