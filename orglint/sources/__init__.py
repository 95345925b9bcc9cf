"""Sources: the org where it already lives (an HR export, a Backstage catalog, GitHub team
files, a RACI spreadsheet), read every run as entities of the orglint format.

A source reader turns files of another format into ``SourceDocument``s, documents in the
orglint format whose positions point into the files read; they go through the same schema
check and model builder as the ops repo's YAML, so a duplicate id is ORG004 naming both places
and every finding points at the source file. Readers come from the ``orglint_sources`` hook
(the built-in ones too, see ``orglint.sources.builtin``); the config's ``sources:`` names them.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orglint.finding import Position
from orglint.load.documents import LoadedFile

if TYPE_CHECKING:
    from orglint.config import Config, SourceSpec

Display = Callable[[Path], str]


@dataclass
class SourceRead:
    """What a reader gives back: ``files``, one ``LoadedFile`` per file read (its documents
    in the orglint format, its ``problems`` (ORG001) and ``source_problems`` by kind), and
    ``counts``: what was read and what skipped, by label (``{"Group": 8, "skipped Location":
    1}``), which ``orglint import`` prints."""

    files: list[LoadedFile] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


class SourceError(Exception):
    """The options of a source do not fit its files (a mapped column that does not exist).
    ``option`` is the path of the option inside the source's entry (``("columns", "id")``);
    orglint reports it as a config error there, exit code 2."""

    def __init__(self, message: str, option: tuple[Any, ...] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.option = option


class SourceReader:
    """The contract of a source reader (subclass it, or write any object with these names).

    - ``options``: ``{name: cerberus rule set}``, each with an optional ``default``; the
      entry's keys besides ``type`` and ``path`` are checked against it, with positions.
    - ``patterns``: the file names (globs) read when the configured path is a folder.
    - ``read(path, options, display) -> SourceRead``: ``path`` is the configured file or
      folder (absolute), ``options`` the entry's options over the defaults, ``display(path)``
      how a file is shown in findings. Bad content is a problem at its place, never an
      exception; raise ``SourceError`` when the options do not fit the files.
    """

    options: Mapping[str, Mapping[str, Any]] = {}
    patterns: tuple[str, ...] = ("*.yaml", "*.yml")

    def read(self, path: Path, options: Mapping[str, Any], display: Display) -> SourceRead:
        """The entities of the files under ``path`` (see the class docstring)."""
        raise NotImplementedError


def source_files(path: Path, patterns: Sequence[str]) -> list[Path]:
    """The files a source reads: ``path`` itself when it is a file, else every file below the
    folder whose name matches a pattern (in any case; hidden files and folders skipped),
    sorted by their path relative to it."""
    if not path.is_dir():
        return [path]
    import fnmatch

    found = []
    for folder, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            if not name.startswith(".") and any(fnmatch.fnmatch(name.lower(), p.lower())
                                                for p in patterns):
                found.append(Path(folder, name))
    return sorted(found, key=lambda item: item.relative_to(path).as_posix())


def with_defaults(reader: Any, options: Mapping[str, Any]) -> dict[str, Any]:
    """A source's options over its defaults."""
    defaults = {name: spec["default"] for name, spec in reader.options.items() if "default" in spec}
    return {**defaults, **options}


def option_problems(kind: str, reader: Any, options: Mapping[str, Any]
                    ) -> list[tuple[tuple[Any, ...], str]]:
    """Problems with a source entry's options as ``[(path inside the options, message)]``."""
    from cerberus import Validator

    schema = {name: {k: v for k, v in spec.items() if k != "default"}
              for name, spec in reader.options.items()}
    validator = Validator(schema, allow_unknown=False)
    if validator.validate(dict(options)):
        return []
    problems: list[tuple[tuple[Any, ...], str]] = []
    for name, messages in sorted(validator.errors.items()):
        text = "; ".join(str(message) for message in _flatten(messages))
        if text == "unknown field":
            close = difflib.get_close_matches(name, list(reader.options), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else (
                f" (options: {', '.join(sorted(reader.options)) or 'none'})")
            problems.append(((name,), f"source {kind} has no option '{name}'{hint}"))
        else:
            problems.append(((name,), f"option '{name}' of source {kind}: {text}"))
    return problems


def _flatten(messages: Any) -> list[Any]:
    out: list[Any] = []
    for message in messages if isinstance(messages, list) else [messages]:
        if isinstance(message, dict):
            out.extend(f"'{key}': {text}" for key, value in message.items()
                       for text in _flatten(value))
        elif isinstance(message, list):
            out.extend(_flatten(message))
        else:
            out.append(message)
    return out


def check_sources(config: Config, readers: Mapping[str, Any]) -> None:
    """Every ``sources:`` entry names a known type and fits its options; raises
    ``ConfigError`` with each problem at its place in the config."""
    from orglint.config import ConfigError

    problems: list[tuple[Position, str]] = []
    for spec in config.sources:
        reader = readers.get(spec.type)
        if reader is None:
            close = difflib.get_close_matches(spec.type, list(readers), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else (
                f"; known: {', '.join(sorted(readers))}")
            problems.append((config.position("sources", spec.index, "type"),
                             f"unknown source type '{spec.type}'{hint}"))
            continue
        for path, message in option_problems(spec.type, reader, spec.options):
            unknown = len(path) == 1 and path[0] not in reader.options
            problems.append((config.position("sources", spec.index, *path, key=unknown), message))
    if problems:
        raise ConfigError(sorted(problems, key=lambda item: (item[0].line, item[0].column)))


def source_root(config: Config, spec: SourceSpec) -> Path:
    """The absolute file or folder a ``sources:`` entry names."""
    return (config.root / spec.path).resolve()


def read_sources(config: Config, readers: Mapping[str, Any], display: Display) -> list[LoadedFile]:
    """Every configured source, read in the order of ``sources:``. Raises ``ConfigError`` at
    the entry for a path that does not exist or options that do not fit the files."""
    files: list[LoadedFile] = []
    for spec in config.sources:
        files.extend(read_source(config, spec, readers[spec.type], display).files)
    return files


def read_source(config: Config, spec: SourceSpec, reader: Any, display: Display) -> SourceRead:
    """One ``sources:`` entry, read (see ``read_sources``)."""
    from orglint.config import ConfigError

    root = source_root(config, spec)
    if not root.exists():
        raise ConfigError([(config.position("sources", spec.index, "path"),
                            f"source path '{spec.path}' does not exist")])
    try:
        return reader.read(root, with_defaults(reader, spec.options), display) or SourceRead()
    except SourceError as exc:
        place = config.position("sources", spec.index, *exc.option)
        raise ConfigError([(place, f"source {spec.type}: {exc.message}")]) from exc
    except OSError as exc:
        name = display(Path(exc.filename)) if exc.filename else spec.path
        raise ConfigError([(config.position("sources", spec.index, "path"),
                            f"cannot read {name}: {exc.strerror or exc}")]) from exc


# --- ids --------------------------------------------------------------------------------------

_NOT_ID = re.compile(r"[^a-z0-9._-]+")


def slug(text: str) -> str:
    """A name as an orglint id: lower case, every run of other characters a single ``-``,
    no leading or trailing punctuation (``Customer Success`` -> ``customer-success``); ""
    when nothing is left."""
    return _NOT_ID.sub("-", text.strip().lower()).strip("-._")


def duplicate(what: str, ident: str, first: Position) -> str:
    """The message (a ``duplicate-id`` problem, ORG004) for a second thing that maps to an id
    ``first`` defined."""
    return f"duplicate {what} id '{ident}': already defined at {first}"
