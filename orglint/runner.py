"""The I/O edge shared by every command: config, plugins, file discovery and loading."""

from __future__ import annotations

import difflib
import os
import re
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orglint.config import Config, ConfigError, find_config, load_config
from orglint.engine import CheckResult, Settings, check
from orglint.finding import Position
from orglint.loader import LoadedFile
from orglint.registry import Registry

if TYPE_CHECKING:
    from orglint.cache import ParseCache

SKIP_DIRS = frozenset({"node_modules", "__pycache__", "venv"})


class UsageError(Exception):
    """A command-line or environment problem: exit code 2, one line."""


@dataclass
class Session:
    config: Config
    registry: Registry
    formatters: dict[str, Any]
    cwd: Path
    plugins: list[str] = field(default_factory=list)
    use_cache: bool = True  # `--no-cache` turns the parse cache off


def open_session(config_path: str | None, cwd: Path | None = None,
                 paths: Sequence[str] = ()) -> Session:
    """Config, plugins and rules. Without ``--config``, the config is searched upward from the
    first path checked (``orglint check ../ops`` uses ../ops's config), else from ``cwd``."""
    from orglint.plugins import build_registry, collect_formatters, make_manager, plugin_names

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
    return Session(config, registry, collect_formatters(pm), cwd, plugin_names(pm))


def validate_rule_config(config: Config, registry: Registry) -> None:
    """Rule keys must name a rule; options must fit that rule's own schema."""
    problems: list[tuple[Position, str]] = []
    for key, entry in config.rules.items():
        item = registry.lookup(key)
        if item is None:
            choices = [*registry.by_code, *registry.by_name]
            close = difflib.get_close_matches(key, choices, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append((config.position("rules", key, key=True), f"unknown rule '{key}'{hint}"))
            continue
        options = entry.get("options")
        if options is not None:
            for path, message in item.validate_options(options):
                unknown = bool(path) and path[0] not in item.options  # edit the option's name
                where = config.position("rules", key, "options", *path, key=unknown)
                problems.append((where, message))
    for key in ("select", "ignore"):
        for index, selector in enumerate(getattr(config, key)):
            if not registry.known_selector(selector):
                problems.append((config.position(key, index), f"'{selector}' matches no rule"))
    if problems:
        problems.sort(key=lambda problem: (problem[0].line, problem[0].column))
        raise ConfigError(problems)


# Paths `discover` returned are already resolved; resolving costs a syscall per component, and
# an ops repo has thousands of files.
_RESOLVED: dict[Path, Path] = {}


def _real(path: Path) -> Path:
    real = _RESOLVED.get(path)
    return real if real is not None else path.resolve()


def display(path: Path, cwd: Path) -> str:
    """Paths are shown relative to the current folder, with forward slashes."""
    text, base = str(_real(path)), str(_real(cwd))
    if os.sep == "/" and text.startswith(base) and text[len(base) : len(base) + 1] == "/":
        return text[len(base) + 1 :]  # below the current folder: what relpath would say
    try:
        return Path(os.path.relpath(_real(path), _real(cwd))).as_posix()
    except ValueError:  # another drive on Windows
        return _real(path).as_posix()


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob with `**` as a compiled regex over forward-slash relative paths."""
    out = ""
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out += "(?:.*/)?"
            index += 3
        elif pattern.startswith("**", index):
            out += ".*"
            index += 2
        elif pattern[index] == "*":
            out += "[^/]*"
            index += 1
        elif pattern[index] == "?":
            out += "[^/]"
            index += 1
        else:
            out += re.escape(pattern[index])
            index += 1
    return re.compile(out + r"\Z")


def discover(config: Config, paths: Sequence[str], cwd: Path) -> list[Path]:
    """The org's files: named files as given, folders walked with include/exclude globs."""
    include = [glob_regex(p) for p in config.include]
    exclude = [glob_regex(p) for p in config.exclude]
    skip = {p.resolve() for p in _not_org_files(config)}
    _RESOLVED.clear()  # remember this discovery's paths only: files come and go
    found: dict[Path, None] = {}
    roots = [Path(p) for p in paths] if paths else [config.root]
    for root in roots:
        root = root if root.is_absolute() else cwd / root
        if not root.exists():
            raise UsageError(f"path '{display(root, cwd)}' does not exist")
        if root.is_file():
            found[root.resolve()] = None
            continue
        if not root.is_dir():
            raise UsageError(f"'{display(root, cwd)}' is neither a file nor a folder")
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
            real_folder = Path(folder).resolve()  # os.walk does not enter linked folders
            # per folder, not per file: thousands of files share a handful of folders
            in_root = Path(folder).relative_to(root).as_posix()
            in_config = _relative_to_config(real_folder, config)
            # hidden files, like hidden folders, are tooling (.pre-commit-config.yaml,
            # .gitlab-ci.yml), not the org; name one on the command line to check it
            for name in sorted(n for n in files if not n.startswith(".")):
                rel = name if in_root == "." else f"{in_root}/{name}"
                if os.path.islink(os.path.join(folder, name)):
                    try:
                        real = Path(folder, name).resolve()
                    except (OSError, RuntimeError):  # a symlink loop: reading it reports it
                        real = Path(os.path.abspath(os.path.join(folder, name)))
                    # globs apply relative to the config's folder when the root lies inside it
                    anchor = _relative_to_config(real, config)
                else:
                    real = real_folder / name
                    anchor = None if in_config is None else (
                        name if in_config == "." else f"{in_config}/{name}")
                candidates = {rel, anchor} if anchor else {rel}
                if not any(r.match(c) for r in include for c in candidates):
                    continue
                if any(r.match(c) for r in exclude for c in candidates):
                    continue
                if real in skip or _special(real):
                    continue
                found[real] = None
    _RESOLVED.update((path, path) for path in found)
    _RESOLVED[cwd] = cwd.resolve()
    if not found:
        where = ", ".join(paths) if paths else display(config.root, cwd) or "."
        raise UsageError(f"no org files found in {where} (include: {', '.join(config.include)})")
    return sorted(found, key=lambda p: display(p, cwd))


def _special(path: Path) -> bool:
    """A FIFO, socket or device matched a glob: reading it could block forever, so skip it.
    A file that cannot be examined is kept, and reading it reports why."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _relative_to_config(real: Path, config: Config) -> str | None:
    try:
        return real.relative_to(config.root).as_posix()
    except ValueError:
        return None


def _not_org_files(config: Config) -> Iterable[Path]:
    """The config, its waiver files and baseline are not part of the org."""
    if config.path is not None:
        yield config.path
    for name in config.waiver_files:
        yield config.root / name
    if config.baseline:
        yield config.root / config.baseline


def load_all(files: Iterable[Path], cwd: Path, cache: ParseCache | None = None,
             parallel: bool | None = None) -> list[LoadedFile]:
    """Files in order, each from the cache when its bytes are unchanged; large sets are parsed
    on two cores (``parallel`` None decides by size). The result is the same either way."""
    from orglint.cache import ParseCache, load_many

    named = [(str(path), display(path, cwd)) for path in files]
    return load_many(named, cache or ParseCache(None), parallel)


def parse_cache(session: Session) -> ParseCache:
    """The session's parse cache: off with `--no-cache`, else where config and env say."""
    from orglint.cache import ParseCache, cache_folder

    if not session.use_cache:
        return ParseCache(None)
    config = session.config
    root = config.root if config.path is not None else None
    scope = f"{_real(session.cwd)}\0{config.path}"  # one pack per folder and config
    return ParseCache(cache_folder(root, config.cache_dir, session.cwd), scope)


def settings_for(config: Config, select: Sequence[str] | None = None,
                 ignore: Sequence[str] = (), fail_on: str | None = None) -> Settings:
    return Settings(
        select=list(select) if select else config.select,
        ignore=[*config.ignore, *ignore],
        fail_on=fail_on or config.fail_on,
        rules=config.rules,
        today=_today(),
        observe=_observer(config),
    )


def _observer(config: Config) -> Any:
    """Org -> Evidence when the config names event logs; imports no engine until called."""
    if config.evidence is None:
        return None
    from orglint.evidence import observer

    return observer(config.evidence)


def _today() -> Any:
    """ORGLINT_TODAY=YYYY-MM-DD pins the date waivers expire against (tests, golden files)."""
    from orglint.waivers import today_from

    value = os.environ.get("ORGLINT_TODAY")
    try:
        return today_from(value)
    except ValueError as exc:
        raise UsageError(f"ORGLINT_TODAY='{value}' is not a date (YYYY-MM-DD)") from exc


def run_check(session: Session, paths: Sequence[str], settings: Settings) -> CheckResult:
    import gc

    collecting = gc.isenabled()
    gc.disable()  # a check builds many containers and few cycles: spare the collector
    try:
        return check(load_for_check(session, paths, settings), session.registry, settings)
    finally:
        if collecting:
            gc.freeze()  # else the next allocation pays a full collection over the whole org
            gc.enable()


def load_for_check(session: Session, paths: Sequence[str], settings: Settings) -> list[LoadedFile]:
    """The org's files, loaded, once the selectors are known and the waivers read."""
    for selector in [*settings.select, *settings.ignore]:
        if not session.registry.known_selector(selector):
            raise UsageError(f"'{selector}' matches no rule (see 'orglint rules')")
    if not settings.waivers:
        settings.waivers = declared_waivers(session)
    files = discover(session.config, paths, session.cwd)
    return load_all(files, session.cwd, parse_cache(session))


def declared_waivers(session: Session) -> list[Any]:
    """The config's waivers and those of its waiver files; ConfigError when one is malformed."""
    from orglint.waivers import load_declared

    return load_declared(session.config, session.registry, lambda path: display(path, session.cwd))


__all__ = ["ConfigError", "Session", "UsageError", "open_session", "run_check"]
