"""Configuration: ``orglint.yaml``, ``.orglint.yaml`` or ``[tool.orglint]`` in pyproject.toml,
found by searching upward from the current folder (or named with ``--config``)."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orglint.engine.waivers import Waiver, reason_text
from orglint.finding import Position
from orglint.load.documents import Document, load_file
from orglint.load.syntax import text_position
from orglint.model.complexity import Complexity
from orglint.schema.config import KINDS, TARGET_PATTERN, validate_config, validate_waiver_file

if TYPE_CHECKING:
    from orglint.evidence.settings import EvidenceSettings
    from orglint.registry import Registry

CONFIG_NAMES = ("orglint.yaml", ".orglint.yaml")
DEFAULT_INCLUDE = ["**/*.yaml", "**/*.yml"]


@dataclass(frozen=True)
class SourceSpec:
    """One entry of ``sources:``: its ``type`` (a source reader's name), ``path`` as written
    (a file or folder relative to the config's folder), its ``options`` (every other key of
    the entry) and its ``index`` in the list, for messages about it."""

    type: str
    path: str
    options: dict[str, Any] = field(default_factory=dict)
    index: int = 0


class ConfigError(Exception):
    """The configuration is wrong; ``problems`` is ``list[(Position, message)]``, 1-based."""

    def __init__(self, problems: list[tuple[Position, str]]) -> None:
        super().__init__("; ".join(f"{pos}: {message}" for pos, message in problems))
        self.problems = problems


@dataclass
class Config:
    """One config file as read and validated (the defaults when ``path`` is None).

    ``root`` is the folder globs and relative paths are resolved against (the config's);
    ``include``/``exclude`` are globs over paths relative to it; ``select``/``ignore`` rule
    selectors; ``fail_on`` a severity; ``rules`` ``{code or name: {severity, options}}``;
    ``plugins`` local plugin specs; ``waivers`` the records as written; ``waiver_files``,
    ``baseline`` and ``cache_dir`` paths relative to ``root``; ``sources`` the entries of
    ``sources:``; ``document`` where each key stands.
    """

    path: Path | None = None
    root: Path = field(default_factory=Path.cwd)
    include: list[str] = field(default_factory=lambda: list(DEFAULT_INCLUDE))
    exclude: list[str] = field(default_factory=list)
    select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    fail_on: str = "error"
    rules: dict[str, dict[str, Any]] = field(default_factory=dict)
    plugins: list[str] = field(default_factory=list)
    waivers: list[dict[str, Any]] = field(default_factory=list)
    waiver_files: list[str] = field(default_factory=list)
    baseline: str | None = None
    cache_dir: str | None = None
    rule_docs_url: str | None = None
    # the org-wide exception rates that make a handoff medium or high complexity
    complexity: Complexity = field(default_factory=Complexity)
    evidence: EvidenceSettings | None = None  # the event logs to read (docs/evidence.md)
    sources: list[SourceSpec] = field(default_factory=list)
    # where each config key stands, for messages about its values
    document: Document | None = None

    def position(self, *path: Any, key: bool = False) -> Position:
        """Where the value (or with ``key``, the key) at ``path`` stands in the config, else
        its nearest written ancestor; line 1, column 1 of the file (``<defaults>`` without
        one) when there is no document."""
        if self.document is not None:
            return self.document.position(path, key=key)
        return Position(str(self.path or "<defaults>"), 1, 1)


def find_config(start: Path) -> Path | None:
    """The nearest config file in ``start`` or its parents: ``orglint.yaml``,
    ``.orglint.yaml``, or a ``pyproject.toml`` with a ``[tool.orglint]`` table; None if none."""
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_section(pyproject):
            return pyproject
    return None


def _has_tool_section(pyproject: Path) -> bool:
    """Whether a pyproject.toml holds orglint's settings, in any TOML spelling
    (``[tool.orglint]``, ``[tool]`` with ``orglint = ...``, dotted keys). A file that does not
    parse counts when it mentions ``[tool.orglint``: loading it then says what is wrong."""
    try:
        raw = pyproject.read_bytes()
    except OSError:
        return False
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:  # loading it says it is not UTF-8, rather than ignoring it
        return b"[tool.orglint" in raw
    if "orglint" not in text:
        return False
    try:
        tool = _toml().loads(text).get("tool")
    except ValueError:  # TOMLDecodeError, or an integer too long to read
        return "[tool.orglint" in text
    return isinstance(tool, dict) and "orglint" in tool


def _toml() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    return tomllib


def load_config(path: Path | None, display: str | None = None) -> Config:
    """Read and validate a config file (YAML, or ``[tool.orglint]`` of a pyproject.toml);
    ``path`` None gives the defaults. ``display`` is the path shown in messages.

    Raises ``ConfigError`` with positions when the file cannot be read or parsed, is not a
    mapping, or breaks the config schema (rule names and options are checked later, against
    the registry).
    """
    if path is None:
        return Config()
    display = display or str(path)
    if path.name == "pyproject.toml":
        data, document = _read_pyproject(path, display)
    else:
        try:
            loaded = load_file(str(path), display)
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            raise ConfigError([(Position(display, 1, 1), f"cannot read: {reason}")]) from exc
        if loaded.problems:
            raise ConfigError([(hit.position or Position(display, 1, 1), hit.message)
                               for hit in loaded.problems])
        document = loaded.documents[0] if loaded.documents else Document(display, None)
        data = document.data
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError([(document.position(()), "the config must be a mapping")])
    problems = [*_unusable_values(data, document), *_repeated_plugins(data, document, path)]
    if problems:
        raise ConfigError(problems)
    _validate(data, document)
    config = Config(path=path, root=path.parent.resolve(), document=document)
    for key in ("include", "exclude", "select", "ignore", "plugins", "waivers", "waiver_files"):
        if key in data:
            setattr(config, key, list(data[key]))
    for key in ("fail_on", "baseline", "cache_dir", "rule_docs_url"):
        if key in data:
            setattr(config, key, data[key])
    config.rules = dict(data.get("rules") or {})
    config.complexity = read_complexity(data.get("complexity"), document)
    if data.get("evidence") is not None:
        from orglint.evidence.settings import EvidenceError, parse

        try:
            config.evidence = parse(data["evidence"], config.root, config.position)
        except EvidenceError as exc:
            raise ConfigError([(exc.where if isinstance(exc.where, Position)
                                else config.position("evidence"), exc.message)]) from exc
    config.sources = [SourceSpec(entry["type"], entry["path"],
                                 {k: v for k, v in entry.items() if k not in ("type", "path")}, index)
                      for index, entry in enumerate(data.get("sources") or [])]
    return config


def read_complexity(given: Any, document: Document) -> Complexity:
    """The validated ``complexity`` key (``{medium_rate: 0.05, high_rate: 0.2}``, shares of
    cases from 0 to 1; either may be left out) as a ``Complexity``. Raises ``ConfigError`` for
    a medium rate above the high one."""
    if not given:
        return Complexity()
    complexity = Complexity(**{name: float(value) for name, value in given.items()})
    if complexity.medium_rate > complexity.high_rate:
        raise ConfigError([(document.position(("complexity", "medium_rate")),
                            f"complexity.medium_rate ({complexity.medium_rate:g}) is above "
                            f"complexity.high_rate ({complexity.high_rate:g})")])
    return complexity


def _validate(data: dict[str, Any], document: Document) -> None:
    problems = validate_config(data, document)
    if problems:
        raise ConfigError(problems)


def _read_pyproject(path: Path, display: str) -> tuple[Any, Document]:
    tomllib = _toml()
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - raw.rfind(b"\n", 0, exc.start)
        raise ConfigError([(Position(display, line, column),
                            f"not UTF-8 text: byte 0x{raw[exc.start]:02x} is invalid")]) from exc
    except OSError as exc:
        raise ConfigError([(Position(display, 1, 1), f"cannot read: {exc}")]) from exc
    except tomllib.TOMLDecodeError as exc:
        line, column = _toml_error_position(exc, text)
        raise ConfigError([(Position(display, line, column), f"invalid TOML: {exc}")]) from exc
    except ValueError as exc:  # an integer of more digits than Python converts
        long = re.search(r"[0-9_]{4000,}", text)
        line, column = text_position(text, long.start()) if long else (1, 1)
        raise ConfigError([(Position(display, line, column),
                            "a number of more than 4,000 digits; orglint reads numbers up "
                            "to 64 bits")]) from exc
    tool = data.get("tool", {})
    section = tool.get("orglint", {}) if isinstance(tool, dict) else {}
    document = _toml_positions(text, display, section)
    if not isinstance(section, dict):
        table = re.search(r"^[ \t]*(?:tool[ \t]*\.[ \t]*)?\"?orglint\"?[ \t]*=", text, re.M)
        line, column = text_position(text, table.start()) if table else (1, 1)
        raise ConfigError([(Position(display, line, column),
                            "tool.orglint must be a table of settings ([tool.orglint]), not "
                            f"{_toml_kind(section)}")])
    return section, document


def _toml_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    return "a number" if isinstance(value, (int, float)) else "a date or time"


def _unusable_values(data: Any, document: Document, path: tuple[Any, ...] = ()
                     ) -> list[tuple[Position, str]]:
    """Config values no setting can use, wherever they stand: text holding a NUL character
    (no path or name can), a NaN (it passes every bound) and an integer beyond 64 bits (TOML's
    integers; YAML's are bounded when read)."""
    from orglint.load.documents import MAX_INT
    from orglint.schema.org import dotted

    found: list[tuple[Position, str]] = []
    name = dotted(path) if path else "the config"
    if isinstance(data, str):
        if "\x00" in data:
            found.append((document.position(path), f"'{name}' holds a NUL character (\\0), "
                                                   "which no path or name can hold"))
    elif isinstance(data, float) and data != data:
        found.append((document.position(path), f"'{name}' is not a number (nan)"))
    elif isinstance(data, int) and not isinstance(data, bool) and abs(data) > MAX_INT:
        found.append((document.position(path), f"'{name}' is a number beyond 64 bits"))
    elif isinstance(data, dict):
        for key, item in data.items():
            if isinstance(key, str) and "\x00" in key:
                found.append((document.position((*path, key), key=True),
                              f"a key in '{name}' holds a NUL character (\\0)"))
                continue
            found.extend(_unusable_values(item, document, (*path, key)))
    elif isinstance(data, list):
        for index, item in enumerate(data):
            found.extend(_unusable_values(item, document, (*path, index)))
    return found


def _repeated_plugins(data: dict[str, Any], document: Document, path: Path
                      ) -> list[tuple[Position, str]]:
    """A plugin named twice under ``plugins:`` (the same module, or the same file however its
    path is spelled) is a config error: it would be imported and registered twice."""
    plugins = data.get("plugins")
    if not isinstance(plugins, list):
        return []
    first: dict[str, int] = {}
    found = []
    for index, entry in enumerate(plugins):
        if not isinstance(entry, str) or not entry:
            continue  # the schema says what is wrong with it
        spot = entry
        if entry.endswith(".py") or "/" in entry or "\\" in entry:
            spot = str((path.parent / entry).resolve())
        if spot in first:
            line = document.position(("plugins", first[spot])).line
            found.append((document.position(("plugins", index)),
                          f"plugin '{entry}' is listed twice under plugins: (first on line "
                          f"{line}); list it once"))
        else:
            first[spot] = index
    return found


def _toml_error_position(exc: Exception, text: str) -> tuple[int, int]:
    """tomllib names the place only in its message: `(at line 2, column 10)`."""
    import re

    if getattr(exc, "lineno", None):
        return exc.lineno, exc.colno  # type: ignore[attr-defined]
    found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
    if found:
        return int(found.group(1)), int(found.group(2))
    if "end of document" in str(exc):
        return text.count("\n") + 1, len(text.rsplit("\n", 1)[-1]) + 1
    return 1, 1


_TOML_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY = re.compile(r"^\s*([A-Za-z0-9_\-.\" ]+?)\s*=\s*")
_TOML_TOKEN = re.compile(r"(?P<key>[A-Za-z0-9_\-]+|\"[^\"]*\")\s*=\s*|\"(?:[^\"\\]|\\.)*\"|'[^']*'|[{},]")


def _toml_parts(name: str) -> tuple[str, ...]:
    """A dotted TOML key as its parts, quotes and spaces around them dropped."""
    return tuple(part.strip().strip('"').strip("'") for part in name.split("."))


def _toml_positions(text: str, display: str, section: Any) -> Document:
    """TOML parsers keep no positions: find the place of each key of [tool.orglint], of its
    sub-tables (``[tool.orglint.rules]``), of each table of an array of tables
    (``[[tool.orglint.waivers]]``, by its index), of each inline table of an array written
    one per line, and of the keys of an inline table on its line. A value is placed just
    after its ``=``; a path not found falls back to the nearest one found
    (``Document.position``)."""
    document = Document(display, section)
    prefix: tuple[Any, ...] | None = None  # the path of the table being read; None: not ours
    counts: dict[tuple[str, ...], int] = {}
    array: tuple[Any, ...] | None = None  # an array written over several lines, and its items
    items = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if array is not None:  # inside an array written over several lines
            stripped = line.lstrip()
            if stripped.startswith("{"):
                column = len(line) - len(stripped) + 1
                document.values.setdefault((*array, items), (number, column))
                _inline_keys(document, line, (*array, items), number)
                items += 1
            elif stripped.startswith("]"):
                array = None
            continue
        header = _TOML_HEADER.match(line)
        if header:
            parts = _toml_parts(header.group(2))
            if parts[:2] != ("tool", "orglint"):
                prefix = None
                continue
            path: tuple[Any, ...] = parts[2:]
            if header.group(1) == "[[":
                index = counts.get(path, 0)
                counts[path] = index + 1
                path = (*path, index)
            prefix = path
            column = line.index("[") + 1
            if path:
                document.keys.setdefault(path, (number, column))
            document.values.setdefault(path, (number, column))
            continue
        if prefix is None:
            continue
        key = _TOML_KEY.match(line)
        if key is None:
            continue
        path = (*prefix, *_toml_parts(key.group(1)))
        column = len(line) - len(line.lstrip()) + 1
        document.keys.setdefault(path, (number, column))
        document.values.setdefault(path, (number, key.end() + 1))
        rest = line[key.end():].strip()
        if rest.startswith("{"):
            _inline_keys(document, line, path, number)
        elif rest.startswith("[") and "]" not in rest.split("#", 1)[0]:
            array, items = path, 0  # its items follow, one per line
        elif rest.startswith("[{"):
            document.values.setdefault((*path, 0), (number, key.end() + 2))
            _inline_keys(document, line, (*path, 0), number)
    return document


def _inline_keys(document: Document, line: str, path: tuple[Any, ...], number: int) -> None:
    """The keys of the inline table that starts on ``line`` (``{a = 1, b = {c = 2}}``),
    nested ones too, placed under ``path``; quoted text is skipped."""
    stack = [path]
    last: tuple[Any, ...] | None = None  # the path of the key just read
    position = line.find("{") + 1
    for token in _TOML_TOKEN.finditer(line, position):
        text = token.group()
        if text == "{":
            stack.append(last if last is not None else stack[-1])
        elif text == "}":
            if len(stack) == 1:
                return
            stack.pop()
        elif token.group("key") is not None:
            last = (*stack[-1], token.group("key").strip('"'))
            document.keys.setdefault(last, (number, token.start() + 1))
            document.values.setdefault(last, (number, token.end() + 1))
        elif text == ",":
            last = None


# --- waivers declared in the config and its waiver files ---------------------------------------


def waivers_from(document: Document, records: Any, *base: Any) -> list[Waiver]:
    """Waivers from validated records (``[{rule, target, reason?, owner?, expires?}]``), each
    placed at its item ``(*base, index)`` of ``document``."""
    waivers = []
    for index, record in enumerate(records or []):
        position = document.position((*base, index))
        waivers.append(Waiver(
            rule=str(record["rule"]),
            target=record["target"],
            reason=reason_text(record.get("reason")),
            owner=record.get("owner"),
            expires=record.get("expires"),
            path=position.path,
            line=position.line,
            column=position.column,
            inline=False,
        ))
    return waivers


def load_waivers(config: Config, registry: Registry, display: Any = str) -> list[Waiver]:
    """Every waiver the config declares, its own and those of its waiver files (read from
    disk, shown as ``display(path)``).

    Raises ``ConfigError`` with positions for a waiver file that does not exist or does not
    parse, and a record that is malformed, names no registered rule or has a target that is
    not ``KIND:ID``; ``OSError`` when an existing waiver file cannot be read.
    """
    waivers: list[Waiver] = []
    problems: list[tuple[Position, str]] = []
    if config.document is not None and config.waivers:
        waivers.extend(waivers_from(config.document, config.waivers, "waivers"))
    for index, name in enumerate(config.waiver_files):
        path = config.root / name
        if not path.is_file():
            problems.append((config.position("waiver_files", index),
                             f"waiver file '{name}' does not exist"))
            continue
        loaded = load_file(str(path), display(path))
        problems.extend((hit.position or Position(str(path), 1, 1), hit.message)
                        for hit in loaded.problems)
        for document in loaded.documents:
            found, errors = read_waiver_file(document)
            problems.extend(errors)
            waivers.extend(found)
    for waiver in waivers:
        if registry.lookup(waiver.rule) is None:
            problems.append((waiver.position, f"waiver names no rule '{waiver.rule}'"
                                              + registry.hint(waiver.rule, " (see 'orglint rules')")))
        if not re.match(TARGET_PATTERN, waiver.target or ""):
            problems.append((waiver.position, f"waiver target '{waiver.target}' must be "
                                              f"KIND:ID (handoff:sales-to-delivery); kinds: "
                                              f"{', '.join(KINDS)}"))
    if problems:
        raise ConfigError(problems)
    return waivers


def read_waiver_file(document: Document) -> tuple[list[Waiver], list[tuple[Position, str]]]:
    """A waiver file's records as ``(waivers, [])``, or ``([], problems)`` with the problems
    that make it invalid as ``list[(Position, message)]``."""
    records, problems = validate_waiver_file(document)
    if problems:
        return [], problems
    return waivers_from(document, records, "waivers"), []


