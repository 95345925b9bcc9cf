"""A check that reuses what did not change: the results cache.

A check's result depends on the bytes and shown paths of the org's files, the config file,
the settings of the run (selection, rule options, declared waivers, the date waivers expire
against, complexity), and the code of orglint and of every rule's plugin. ``check_files``
hashes all of those into one key; when a result is stored under it, the findings, waivers
and stage are read back and nothing is parsed, built or judged. The org itself is built
only if something asks for more of it than its name (a report, a plugin's format).

What depends on the run alone is applied after, as usual: the baseline (``--baseline``,
``--diff-base``) and the output. Runs whose result depends on files outside the org (the
config's ``sources`` and ``evidence``) are not cached.
"""

from __future__ import annotations

import datetime
import hashlib
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orglint import __version__
from orglint.engine.check import CheckResult, Settings, apply_baseline
from orglint.load.discover import display
from orglint.load.documents import LoadedFile
from orglint.model import Org

if TYPE_CHECKING:
    from orglint.config import Config
    from orglint.load.cache import ParseCache
    from orglint.registry import Registry

Run = Callable[["Registry", Sequence[LoadedFile], Settings], CheckResult]

FORMAT = 2


def cacheable(config: Config, settings: Settings, cache: ParseCache) -> bool:
    """True when a result with ``config`` and ``settings`` depends on the org's files, the
    config and the code alone (no source or event log is read), and ``cache`` is on."""
    return cache.enabled and not config.sources and settings.observe is None


def check_files(files: Sequence[Path], cwd: Path, settings: Settings, registry: Registry,
                config: Config, parse_cache: ParseCache, run_check: Run,
                loaded: Sequence[LoadedFile] | None = None,
                read: Sequence[bytes | LoadedFile] | None = None) -> tuple[CheckResult, list[str]]:
    """Check the org made of ``files`` (real paths, shown relative to ``cwd``) with
    ``settings``, ``registry`` and ``config`` through the results cache of ``parse_cache``'s
    scope; the result and the shown paths of files that could not be read cleanly (syntax
    or read problems).

    Equal to ``run_check(registry, loaded, settings)`` over the files loaded (findings,
    waivers, stage, baseline), whether the result is read back or computed; a computed
    result is stored. ``loaded``, when given, holds the same files already loaded (in the
    same order): the org is built from them. ``read``, when given, holds what
    ``orglint.load.parallel.read_file`` gave for each file: each is read once.
    """
    from orglint.load.parallel import load_many, read_file

    named = [(str(path), display(path, cwd, resolved=True)) for path in files]
    if read is None:
        read = [read_file(path, shown) for path, shown in named]
    store = parse_cache.results()
    key = result_key(registry, config, settings, [shown for _, shown in named], read)

    def load() -> list[LoadedFile]:
        return list(loaded) if loaded is not None else load_many(named, parse_cache, read=read)

    stored = store.get(key)
    if _well_formed(stored):
        result, unreadable = _from_entry(stored, registry, settings, load)
    else:
        loaded = load()
        result = run_check(registry, loaded, replace(settings, baseline=None))
        unreadable = [item.path for item in loaded if item.problems]
        store.put(key, _entry(result, unreadable))
    shown, baselined = apply_baseline(result.findings, settings.baseline)
    return replace(result, findings=shown, baselined=baselined), unreadable


def result_key(registry: Registry, config: Config, settings: Settings, shown: Sequence[str],
               read: Sequence[bytes | LoadedFile]) -> str:
    """SHA-256 hex of everything a result depends on: the format, orglint's and Python's
    versions and the code of orglint and of the rules' modules, the config file's bytes,
    the settings, and each file's shown path and bytes (or why it cannot be read)."""
    today = settings.today or datetime.date.today()
    digest = hashlib.sha256()
    for part in (f"results-{FORMAT}", __version__, sys.version, code_digest(registry),
                 repr((settings.select, settings.ignore, settings.fail_on)),
                 repr(sorted((str(name), repr(entry)) for name, entry in settings.rules.items())),
                 repr(tuple(settings.waivers)), repr(settings.complexity), today.isoformat()):
        digest.update(part.encode("utf-8", "surrogateescape") + b"\0")
    if config.path is not None:
        from orglint.load.cache import MAX_PACK_BYTES, read_regular

        digest.update(read_regular(Path(config.path), MAX_PACK_BYTES) or b"unreadable")
    digest.update(b"\0files\0")
    for path, raw in zip(shown, read, strict=True):
        digest.update(path.encode("utf-8", "surrogateescape") + b"\0")
        if isinstance(raw, LoadedFile):
            digest.update(b"!" + repr(raw.problems).encode("utf-8", "surrogateescape"))
        else:
            digest.update(hashlib.sha256(raw).digest())
    return digest.hexdigest()


def revision_key(registry: Registry, config: Config, settings: Settings,
                 parts: Sequence[str]) -> str:
    """``result_key`` for a result that ``parts`` determine instead of files (a git tree id
    and where in it the check runs): what the settings, config and code add is the same."""
    return result_key(registry, config, settings, ["\0" + part for part in parts],
                      [b""] * len(parts))


_CODE: dict[tuple[str, ...], str] = {}


def code_digest(registry: Registry) -> str:
    """SHA-256 hex of the source of orglint's package and of every module (with the modules
    beside it) that declares a rule of ``registry``: any edit to the code that judges misses.
    Computed once per process for a set of rule modules."""
    modules = tuple(sorted({item.function.__module__ for item in registry}
                           | {item.plugin for item in registry if item.plugin}))
    known = _CODE.get(modules)
    if known is not None:
        return known
    folders: set[Path] = set()
    files: set[Path] = set()
    package = Path(__file__).resolve().parent
    files.update(package.rglob("*.py"))
    for name in modules:
        module = sys.modules.get(name)
        where = getattr(module, "__file__", None)
        if where:
            folders.add(Path(where).resolve().parent)
    for folder in folders:
        files.update(folder.glob("*.py"))
    digest = hashlib.sha256(repr(modules).encode())
    for path in sorted(files):
        try:
            digest.update(str(path).encode("utf-8", "surrogateescape") + b"\0"
                          + hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            digest.update(b"unreadable")
    _CODE[modules] = digest.hexdigest()
    return _CODE[modules]


# -- an entry: a result without its org, and back ----------------------------------------------

_FIELDS = ("findings", "stage", "files", "fail_on", "waived", "waivers", "today", "options",
           "held_back")


def _entry(result: CheckResult, unreadable: list[str]) -> dict[str, Any]:
    """What is stored of a result computed without a baseline: plain values and orglint's
    value types only (``orglint.load.cache`` reads nothing else back)."""
    entry: dict[str, Any] = {name: getattr(result, name) for name in _FIELDS}
    entry["options"] = {code: dict(options) for code, options in result.options.items()}
    entry["org_name"] = result.org.name
    entry["unreadable"] = unreadable
    entry["format"] = FORMAT
    return entry


def _well_formed(entry: Any) -> bool:
    return isinstance(entry, dict) and entry.get("format") == FORMAT \
        and all(name in entry for name in (*_FIELDS, "org_name", "unreadable"))


def _from_entry(entry: dict[str, Any], registry: Registry, settings: Settings,
                load: Callable[[], list[LoadedFile]]) -> tuple[CheckResult, list[str]]:
    from orglint.engine.check import prepare

    def build() -> Org:
        return prepare(load(), settings.complexity)[0]

    org = lazy_org(build, name=entry["org_name"])
    values = {name: entry[name] for name in _FIELDS}
    result = CheckResult(org=org, rules=registry.select(settings.select, settings.ignore),
                         baselined=[], evidence=None, **values)
    return result, list(entry["unreadable"])


class _LazyOrg(Org):
    """An org that is built when first used beyond the attributes it was given: then it
    becomes the built ``Org`` itself (same object, same class as any other)."""

    def __getattribute__(self, name: str) -> Any:
        known = object.__getattribute__(self, "__dict__")
        if name in known and name != "_build":
            return known[name]
        build = known.pop("_build")
        built = build()
        known.clear()
        known.update(built.__dict__)
        object.__setattr__(self, "__class__", Org)
        return getattr(self, name)


def lazy_org(build: Callable[[], Org], **given: Any) -> Org:
    """An ``Org`` that answers the attributes in ``given`` at once and calls ``build`` (once)
    when anything else is asked of it, then is that org."""
    org = _LazyOrg.__new__(_LazyOrg)
    object.__getattribute__(org, "__dict__").update(given, _build=build)
    return org
