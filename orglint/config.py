"""Configuration: ``orglint.yaml``, ``.orglint.yaml`` or ``[tool.orglint]`` in pyproject.toml,
found by searching upward from the current folder (or named with ``--config``)."""

from __future__ import annotations

import difflib
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orglint.evidence.settings import EVIDENCE_SCHEMA
from orglint.finding import SEVERITIES, Position
from orglint.loader import Document, load_file
from orglint.waivers import WAIVERS_SCHEMA

if TYPE_CHECKING:
    from orglint.evidence.settings import EvidenceSettings

CONFIG_NAMES = ("orglint.yaml", ".orglint.yaml")
DEFAULT_INCLUDE = ["**/*.yaml", "**/*.yml"]

CONFIG_SCHEMA: dict[str, Any] = {
    "include": {"type": "list", "schema": {"type": "string", "empty": False}},
    "exclude": {"type": "list", "schema": {"type": "string", "empty": False}},
    "select": {"type": "list", "schema": {"type": "string", "empty": False}},
    "ignore": {"type": "list", "schema": {"type": "string", "empty": False}},
    "fail_on": {"type": "string", "allowed": list(SEVERITIES)},
    "rules": {
        "type": "dict",
        "keysrules": {"type": "string"},
        "valuesrules": {
            "type": "dict",
            "schema": {
                "severity": {"type": "string", "allowed": [*SEVERITIES, "off"]},
                "options": {"type": "dict"},
            },
        },
    },
    "plugins": {"type": "list", "schema": {"type": "string", "empty": False}},
    "waivers": WAIVERS_SCHEMA,
    "waiver_files": {"type": "list", "schema": {"type": "string", "empty": False}},
    "baseline": {"type": "string", "empty": False},
    "cache_dir": {"type": "string", "empty": False},
    "evidence": EVIDENCE_SCHEMA,  # event logs: docs/evidence.md
}


class ConfigError(Exception):
    """The configuration is wrong; ``problems`` are (position, message) pairs."""

    def __init__(self, problems: list[tuple[Position, str]]) -> None:
        super().__init__("; ".join(f"{pos}: {message}" for pos, message in problems))
        self.problems = problems


@dataclass
class Config:
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
    evidence: EvidenceSettings | None = None  # the event logs to read, when configured
    # where each config key stands, for messages about its values
    document: Document | None = None

    def position(self, *path: Any, key: bool = False) -> Position:
        if self.document is not None:
            return self.document.position(path, key=key)
        return Position(str(self.path or "<defaults>"), 1, 1)


def find_config(start: Path) -> Path | None:
    """The nearest config file in ``start`` or its parents."""
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
    try:
        return "[tool.orglint" in pyproject.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False


def load_config(path: Path | None, display: str | None = None) -> Config:
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
    _validate(data, document)
    config = Config(path=path, root=path.parent.resolve(), document=document)
    for key in ("include", "exclude", "select", "ignore", "plugins", "waivers", "waiver_files"):
        if key in data:
            setattr(config, key, list(data[key]))
    for key in ("fail_on", "baseline", "cache_dir"):
        if key in data:
            setattr(config, key, data[key])
    config.rules = dict(data.get("rules") or {})
    if data.get("evidence") is not None:
        from orglint.evidence.settings import EvidenceError, parse

        try:
            config.evidence = parse(data["evidence"], config.root, config.position)
        except EvidenceError as exc:
            raise ConfigError([(exc.where if isinstance(exc.where, Position)
                                else config.position("evidence"), exc.message)]) from exc
    return config


def _validate(data: dict[str, Any], document: Document) -> None:
    from orglint.fastschema import compile_fields

    if compile_fields(CONFIG_SCHEMA)(data):  # surely valid: spare loading cerberus
        return
    from cerberus import Validator

    from orglint.schema import hits

    validator = Validator(CONFIG_SCHEMA, allow_unknown=False)
    if validator.validate(data):
        return
    problems = []
    for hit in hits(document, validator._errors, CONFIG_SCHEMA):
        message = hit.message
        if message.startswith("unknown section"):
            name = message.split("'")[1]
            close = difflib.get_close_matches(name, list(CONFIG_SCHEMA), n=1, cutoff=0.6)
            message = f"unknown config key '{name}'" + (
                f"; did you mean '{close[0]}'?" if close else
                f"; expected one of: {', '.join(sorted(CONFIG_SCHEMA))}")
        elif message.startswith("section '"):
            message = "key '" + message[len("section '"):]
        assert hit.position is not None
        problems.append((hit.position, message))
    problems.sort(key=lambda problem: (problem[0].line, problem[0].column))
    raise ConfigError(problems)


def _read_pyproject(path: Path, display: str) -> tuple[Any, Document]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([(Position(display, 1, 1), f"cannot read: {exc}")]) from exc
    except tomllib.TOMLDecodeError as exc:
        line, column = _toml_error_position(exc, text)
        raise ConfigError([(Position(display, line, column), f"invalid TOML: {exc}")]) from exc
    section = data.get("tool", {}).get("orglint", {})
    return section, _toml_positions(text, display, section)


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


def _toml_positions(text: str, display: str, section: Any) -> Document:
    """TOML parsers keep no positions: find each top-level key's line in [tool.orglint]."""
    document = Document(display, section)
    lines = text.splitlines()
    start = next((n for n, line in enumerate(lines) if line.strip() == "[tool.orglint]"), None)
    if start is None:
        return document
    document.values[()] = (start + 1, 1)
    for number in range(start + 1, len(lines)):
        stripped = lines[number].strip()
        if stripped.startswith("[") and not stripped.startswith("[tool.orglint."):
            break
        key = stripped.split("=", 1)[0].strip().strip('"')
        if "=" in stripped and key in (section if isinstance(section, dict) else {}):
            column = lines[number].index(key[0]) + 1
            document.keys[(key,)] = (number + 1, column)
            after = lines[number].index("=") + 1
            gap = len(lines[number][after:]) - len(lines[number][after:].lstrip())
            document.values[(key,)] = (number + 1, after + gap + 1)
    return document
