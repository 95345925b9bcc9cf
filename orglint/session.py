"""The I/O edge every command goes through: config, plugins, rules, and the frozen settings of
one run, built once; then the files of the org, found, loaded and checked.

    session = open_session(args.config, paths=args.paths)
    settings = session.settings(select=["BND"], fail_on="warning")
    result = session.check(args.paths, settings)
"""

from __future__ import annotations

import datetime
import os
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orglint.config import Config, ConfigError, find_config, load_config, load_waivers
from orglint.engine.check import CheckResult, Settings, check
from orglint.errors import UsageError
from orglint.finding import Position
from orglint.load.discover import discover, display, in_source, source_paths
from orglint.load.documents import LoadedFile, load_bytes
from orglint.registry import Registry
from orglint.schema.config import MOVED_OPTIONS
from orglint.workers import free_processes

if TYPE_CHECKING:
    from orglint.load.cache import ParseCache
    from orglint.model import Org

Formatter = Callable[..., str]


STDIN = "<stdin>"  # how findings in standard input without --stdin-filename are shown


@dataclass(frozen=True)
class Buffer:
    """Text read from standard input (``orglint check -``), checked as the file ``display``
    (``--stdin-filename``): an editor's unsaved buffer. It replaces that file in the org."""

    display: str
    content: bytes


def narrows(paths: Sequence[str], cwd: Path, config: Config) -> bool:
    """True when paths are given and each names a file, or (with a config file) a folder
    inside the config's folder: the whole org is checked and the findings in those paths
    are shown, as for one file (a subfolder alone is not the org: its references lead out
    of it). A folder outside, or the config's own, is the org as named."""
    if not paths:
        return False
    root = config.root.resolve() if config.path is not None else None
    for path in paths:
        target = cwd / path
        if target.is_file():
            continue
        if root is None or not target.is_dir():
            return False
        if root not in target.resolve().parents:
            return False
    return True


@dataclass(frozen=True)
class Session:
    """One run's config, rules and formatters, found from where the command stands.

    ``formatters`` maps a format name (``text``, ``sarif``, a plugin's) to its function;
    ``plugins`` names the plugins that registered, for ``--version``-style listings;
    ``use_cache`` is False with ``--no-cache``; ``sources`` maps a source type to its reader.
    """

    config: Config
    registry: Registry
    formatters: Mapping[str, Formatter]
    cwd: Path
    plugins: tuple[str, ...] = ()
    use_cache: bool = True
    # source type -> reader (orglint.sources), from the orglint_sources hook
    sources: Mapping[str, Any] = field(default_factory=dict)
    # what one run builds once: its parse cache (orglint.load.cache)
    _run: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def settings(self, select: Sequence[str] | None = None, ignore: Sequence[str] = (),
                 fail_on: str | None = None,
                 baseline: Callable[[Settings], Counter[str] | None] | None = None) -> Settings:
        """The frozen settings of one run: the config's, narrowed by the command line.

        ``select``/``ignore`` add to the config's selectors (``select`` replaces them when
        given); ``baseline``, when given, receives the settings without a baseline and returns
        the fingerprints to accept (``--baseline``, ``--diff-base``). Reads the declared
        waivers; with an ``evidence:`` section, ``observe`` reads the event logs when the check
        runs (orglint/evidence). Raises ``UsageError`` for a selector that matches no rule or a bad
        ``ORGLINT_TODAY``, ``ConfigError`` for a malformed waiver.
        """
        for selector in [*(select or ()), *ignore]:
            if not self.registry.known_selector(selector):
                hint = self.registry.hint(selector, " (see 'orglint rules')")
                raise UsageError(f"'{selector}' matches no rule{hint}")
        config = self.config
        settings = Settings(
            select=tuple(select) if select else tuple(config.select),
            ignore=(*config.ignore, *ignore),
            fail_on=fail_on or config.fail_on,
            rules=config.rules,
            waivers=tuple(load_waivers(config, self.registry, self.display)),
            today=_today(),
            observe=_observer(config),
            complexity=config.complexity,
            processes=free_processes(),
        )
        if baseline is not None:
            settings = replace(settings, baseline=baseline(settings))
        return settings

    def display(self, path: Path) -> str:
        """How a path is shown: relative to the current folder, with forward slashes."""
        return display(path, self.cwd)

    def files(self, paths: Sequence[str]) -> list[Path]:
        """The org's files (real paths, in display order).

        Folders are walked with the config's include and exclude globs; no paths means the
        config's folder. When every path names a file, or a folder inside the config's folder
        (``narrows``), and a config file defines the org, the org is still its whole include
        set (cross-file rules need every file) with the named files added: ``check`` then
        shows the named files' findings. Without a config file nothing says where the org
        ends, so the named files are the org.
        """
        named = self._named(paths)
        if named is None:
            return discover(self.config, paths, self.cwd)
        # a file named by its target's path is the one a link in the include set leads to
        real = {path.resolve() for path in named}
        whole = [path for path in self._whole() if path not in real]
        return sorted({*whole, *named},
                      key=lambda path: display(path, self.cwd, resolved=True))

    def _whole(self) -> list[Path]:
        """The config's whole include set; [] without a config file, or when it is empty."""
        if self.config.path is None:
            return []
        try:
            return discover(self.config, (), self.cwd)
        except UsageError:  # nothing else matches the include globs
            return []

    def load(self, paths: Sequence[str], buffer: Buffer | None = None) -> list[LoadedFile]:
        """The org's files, loaded (from the parse cache where their bytes are unchanged);
        ``buffer`` replaces the file it names, or joins the org when it names none."""
        files = self.files(paths) if buffer is None else self._without(buffer)
        if self.config.sources:  # a source file named on the command line is read by its source
            owned = source_paths(self.config)
            files = [path for path in files if not in_source(path, owned)]
        loaded = load_all(files, self.cwd, self.parse_cache())
        if buffer is not None:
            # in the place of the file it stands for; a nameless buffer joins last, so that
            # an id it repeats is reported in it
            loaded.append(load_bytes(buffer.content, buffer.display))
            if buffer.display != STDIN:
                loaded.sort(key=lambda item: item.path)
        return [*self.read_sources(), *loaded]

    def read_sources(self) -> list[LoadedFile]:
        """The entities of the config's ``sources:``, read every run (they come first: an id
        the ops repo's YAML repeats is reported in the YAML). Raises ``ConfigError`` at the
        entry for a missing path or options that do not fit the files."""
        if not self.config.sources:
            return []
        from orglint.sources import read_sources

        return read_sources(self.config, self.sources, self.display)

    def check(self, paths: Sequence[str], settings: Settings,
              buffer: Buffer | None = None) -> CheckResult:
        """Find, load and check the org under ``paths`` with ``settings``.

        When ``paths`` name only files or folders inside the config's folder (``narrows``),
        or a ``buffer`` stands in for one, the whole org is checked and the result keeps the
        findings in those files (``CheckResult.files`` names them).
        """
        from orglint.incremental import cacheable, check_files

        unreadable: list[str]
        cache = self.parse_cache()
        if buffer is None and cacheable(self.config, settings, cache):  # read back if unchanged
            result, unreadable = check_files(self.files(paths), self.cwd, settings,
                                             self.registry, self.config, cache, run_check)
        else:
            loaded = self.load(paths, buffer)
            result = run_check(self.registry, loaded, settings)
            unreadable = [item.path for item in loaded if item.problems]
        # a file that cannot be read hides what the named files refer to: show why
        if buffer is not None:
            return result.limited_to([buffer.display], unreadable)
        named = self._named(paths)
        if named is not None:
            return result.limited_to([display(path, self.cwd, resolved=True) for path in named],
                                     unreadable)
        return result

    def _named(self, paths: Sequence[str]) -> list[Path] | None:
        """The files ``paths`` name when they narrow what is shown (``narrows``), found once
        a run; None when the paths are the org."""
        cached = self._run.get("named")
        if cached is None or cached[0] != tuple(paths):
            cached = self._run["named"] = (tuple(paths), discover(self.config, paths, self.cwd)
                                           if narrows(paths, self.cwd, self.config) else None)
        named: list[Path] | None = cached[1]
        return named

    def _without(self, buffer: Buffer) -> list[Path]:
        given = self.cwd / buffer.display  # a link's path, as discover shows it, or its target
        replaced = {Path(os.path.abspath(given)), given.resolve()}
        return [path for path in self._whole() if path not in replaced]

    def parse_cache(self) -> ParseCache:
        """The parse cache: off with ``--no-cache``, else where config and environment say;
        one per session, so that what a run reads twice (``--diff-base``) is read once."""
        from orglint.load.cache import ParseCache, cache_folder

        cache: ParseCache | None = self._run.get("parse cache")
        if cache is not None:
            return cache
        if not self.use_cache:
            cache = ParseCache(None)
        else:
            config = self.config
            root = config.root if config.path is not None else None
            scope = f"{self.cwd.resolve()}\0{config.path}"  # one pack per folder and config
            cache = ParseCache(cache_folder(root, config.cache_dir, self.cwd), scope)
        self._run["parse cache"] = cache
        return cache


def _observer(config: Config) -> Callable[[Any], Any] | None:
    """Org -> Evidence when the config names event logs; imports no engine until called."""
    if config.evidence is None:
        return None
    from orglint.evidence import observer

    return observer(config.evidence)


def open_session(config_path: str | None, cwd: Path | None = None,
                 paths: Sequence[str] = (), use_cache: bool = True) -> Session:
    """Config, plugins and rules. Without ``--config``, the config is searched upward from the
    first path checked (``orglint check ../ops`` uses ../ops's config), else from ``cwd``.

    Raises ``UsageError`` when ``config_path`` does not exist, ``ConfigError`` for a config
    that is invalid or configures a rule wrongly, ``PluginError``/``RegistryError`` for a
    plugin that cannot load or declares a rule wrongly.
    """
    from orglint.plugins import (
        build_registry,
        collect_formatters,
        collect_sources,
        make_manager,
        plugin_names,
    )

    cwd = cwd or Path.cwd()
    path: Path | None
    if config_path is not None:
        path = Path(config_path)
        if not path.is_file():
            raise UsageError(f"config file '{config_path}' does not exist")
    else:
        start = cwd / paths[0] if paths else cwd
        path = find_config(start if start.is_dir() else start.parent)
    config = load_config(path, display(path, cwd) if path else None)
    pm = make_manager(config.plugins, config.root)
    pm.hook.orglint_configure(config=config)
    registry = build_registry(pm)
    validate_rule_config(config, registry)
    sources = collect_sources(pm)
    if config.sources:
        from orglint.sources import check_sources

        check_sources(config, sources)
    return Session(config, registry, collect_formatters(pm), cwd, tuple(plugin_names(pm)),
                   use_cache, sources)


def validate_rule_config(config: Config, registry: Registry) -> None:
    """Rule keys must name a rule; options must fit that rule's own schema."""
    problems: list[tuple[Position, str]] = []
    for key, entry in config.rules.items():
        item = registry.lookup(key)
        if item is None:
            problems.append((config.position("rules", key, key=True),
                             f"unknown rule '{key}'{registry.hint(key)}"))
            continue
        options = entry.get("options")
        if isinstance(options, dict):
            for name in options:
                moved = MOVED_OPTIONS.get((item.code, name))
                if moved is not None:
                    problems.append((config.position("rules", key, "options", name, key=True),
                                     f"option '{name}' of {item.code} moved to the config key "
                                     f"'{moved}', one setting for GOV001-GOV004: write "
                                     f"'complexity: {{{moved.split('.')[1]}: "
                                     f"{options[name]}}}' at the top level"))
            options = {name: value for name, value in options.items()
                       if (item.code, name) not in MOVED_OPTIONS}
        if options is not None:
            for path, message in item.validate_options(options):
                unknown = bool(path) and path[0] not in item.options  # edit the option's name
                where = config.position("rules", key, "options", *path, key=unknown)
                problems.append((where, message))
    for key in ("select", "ignore"):
        for index, selector in enumerate(getattr(config, key)):
            if not registry.known_selector(selector):
                problems.append((config.position(key, index),
                                 f"'{selector}' matches no rule{registry.hint(selector)}"))
    if problems:
        problems.sort(key=lambda problem: (problem[0].line, problem[0].column))
        raise ConfigError(problems)


def load_all(files: Iterable[Path], cwd: Path, cache: ParseCache | None = None,
             parallel: bool | None = None,
             read: Sequence[bytes | LoadedFile] | None = None) -> list[LoadedFile]:
    """Real paths (as ``discover`` returns them) -> loaded files in the same order, each from
    the cache when its bytes are unchanged; large sets are parsed on the free cores
    (``parallel`` None decides by size and load: orglint.load.parallel). The result is the
    same either way. ``read`` holds what ``orglint.load.parallel.read_file`` gave for each
    file, when the caller read them already."""
    from orglint.load.cache import ParseCache
    from orglint.load.parallel import load_many

    named = [(str(path), display(path, cwd, resolved=True)) for path in files]
    return load_many(named, cache or ParseCache(None), parallel, read)


# what the run built, kept until the process ends when the run is the whole process (``hold``)
_HELD: list[Any] | None = None


def hold_until_exit() -> None:
    """From now on, what ``run_check`` builds lives until the process exits: the ``orglint``
    command ends with ``os._exit``, and the operating system takes the memory back at once,
    where freeing a large org object by object takes time (0.5 s at 100,000 people)."""
    global _HELD
    _HELD = []


def run_check(registry: Registry, files: Sequence[LoadedFile], settings: Settings,
              org: Org | None = None) -> CheckResult:
    """``engine.check`` (with ``org`` built from ``files`` already, when given) with the
    garbage collector paused: a check builds many containers and few cycles, and collecting
    over the whole org only costs time."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        result = check(files, registry, settings, org)
        if _HELD is not None:
            _HELD.append((files, result))
        return result
    finally:
        if collecting:
            gc.freeze()  # else the next allocation pays a full collection over the whole org
            gc.enable()


def _today() -> datetime.date | None:
    """ORGLINT_TODAY=YYYY-MM-DD pins the date waivers expire against (tests, golden files)."""
    from orglint.engine.waivers import today_from

    value = os.environ.get("ORGLINT_TODAY")
    try:
        return today_from(value)
    except ValueError as exc:
        raise UsageError(f"ORGLINT_TODAY='{value}' is not a date (YYYY-MM-DD)") from exc


__all__ = ["ConfigError", "Session", "UsageError", "open_session", "run_check"]
