"""The plugin manager: the built-in pack and installed plugins through the entry-point group
``orglint``, local plugins only when the config names them.

Environment switches:

- ``ORGLINT_DISABLE_PLUGINS=name,name``: do not load these entry points (``builtin`` included);
- ``ORGLINT_DISABLE_PLUGIN_AUTOLOAD=1``: load no installed plugin but the built-in pack.

A pre-commit hook runs on untrusted pull requests: orglint never imports code because it sits
in the folder being checked, only what ``plugins:`` in the config names explicitly.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pluggy

from orglint import hookspecs
from orglint.registry import Registry, RegistryError, Rule

GROUP = "orglint"
BUILTIN = "builtin"


class PluginError(Exception):
    """A plugin could not be loaded or broke the hook contract."""


def disabled_plugins() -> set[str]:
    """The plugin names in ``ORGLINT_DISABLE_PLUGINS`` (comma-separated, blanks dropped)."""
    names = os.environ.get("ORGLINT_DISABLE_PLUGINS", "")
    return {name.strip() for name in names.split(",") if name.strip()}


def make_manager(local_plugins: Iterable[str] = (), base: Path | None = None) -> pluggy.PluginManager:
    """A plugin manager holding the hookspecs, the installed plugins (unless autoload is off),
    the built-in pack and formats, and ``local_plugins``: paths to ``.py`` files (relative to
    ``base``, by default the current folder) or importable module names.

    Raises ``PluginError`` when a plugin fails to import, a local file is missing, or a plugin
    implements a hook ``orglint.hookspecs`` does not declare.
    """
    pm = pluggy.PluginManager(GROUP)
    pm.add_hookspecs(hookspecs)
    blocked = disabled_plugins()
    for name in blocked:
        pm.set_blocked(name)
    autoload = os.environ.get("ORGLINT_DISABLE_PLUGIN_AUTOLOAD", "") in ("", "0")
    try:
        if autoload:
            pm.load_setuptools_entrypoints(GROUP)
        elif BUILTIN not in blocked:
            _register_builtin(pm)
    except Exception as exc:  # a broken third-party plugin must not look like an orglint bug
        raise PluginError(f"could not load an installed orglint plugin: {exc}") from exc
    if BUILTIN not in blocked and pm.get_plugin(BUILTIN) is None:
        _register_builtin(pm)  # running from a source tree without installed metadata
    from orglint.outputs import formatters

    pm.register(formatters, "orglint.outputs.formatters")
    for spec in local_plugins:
        _register_local(pm, spec, base or Path.cwd())
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        raise PluginError(str(exc)) from exc
    return pm


def _register_builtin(pm: pluggy.PluginManager) -> None:
    module = importlib.import_module("orglint.rules")
    if pm.is_registered(module):
        return
    pm.register(module, BUILTIN)


def _register_local(pm: pluggy.PluginManager, spec: str, base: Path) -> None:
    """A config-named plugin: a path to a .py file (relative to the config) or a module name."""
    if spec in disabled_plugins():
        return  # disabled plugins are not imported at all
    try:
        if spec.endswith(".py") or "/" in spec:
            path = (base / spec).resolve()
            if not path.is_file():
                raise PluginError(f"plugin file not found: {spec}")
            name = f"orglint_local_{path.stem}"
            loader_spec = importlib.util.spec_from_file_location(name, path)
            if loader_spec is None or loader_spec.loader is None:
                raise PluginError(f"cannot import plugin file {spec}")
            module = importlib.util.module_from_spec(loader_spec)
            sys.modules[name] = module
            loader_spec.loader.exec_module(module)
        else:
            module = importlib.import_module(spec)
    except PluginError:
        raise
    except Exception as exc:
        raise PluginError(f"plugin {spec!r} failed to import: {type(exc).__name__}: {exc}") from exc
    pm.register(module, spec)


def build_registry(pm: pluggy.PluginManager) -> Registry:
    """The registry of every rule the plugins' ``orglint_rules`` return.

    Raises ``RegistryError`` for an item that is not a ``Rule``, or a bad or clashing code,
    name, severity, stage or option.
    """
    rules: list[Rule] = []
    for plugin_rules in pm.hook.orglint_rules():
        for item in plugin_rules or []:
            if not isinstance(item, Rule):
                raise RegistryError(f"orglint_rules returned {item!r}, not a Rule (use @orglint.rule)")
            rules.append(item)
    return Registry(rules)


def collect_formatters(pm: pluggy.PluginManager) -> dict[str, Any]:
    """Every output format, ``{name: function(result, context) -> str}``.

    Raises ``PluginError`` when two plugins define the same format name.
    """
    found: dict[str, Any] = {}
    for mapping in reversed(pm.hook.orglint_formatters()):
        for name, function in (mapping or {}).items():
            if name in found:
                raise PluginError(f"output format {name!r} is defined twice")
            found[name] = function
    return found


def plugin_names(pm: pluggy.PluginManager) -> list[str]:
    """The names the plugins are registered under (``builtin``, entry points, ``plugins:``
    entries, the built-in formats module), sorted."""
    return sorted(name for name, _ in pm.list_name_plugin() if name)
