"""Waivers: governed records that silence one rule on one entity, with a reason, an owner
and an expiry date; and inline ``# orglint: disable=CODE reason="..."`` comments.

A waiver comes from the config (``waivers:``), from a waiver file named in ``waiver_files:``
(a YAML file with a ``waivers:`` list of the same records) or from a comment on the line a
finding points at. The engine applies live waivers before it computes the stage, so a waived
finding never blocks; an expired waiver stops waiving. The WVR rules judge the waivers
themselves from the ``WaiverState`` the engine leaves on the Org.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from orglint.finding import Finding, Hit, Position
from orglint.schema import ID_PATTERN, SECTIONS

if TYPE_CHECKING:
    from orglint.config import Config
    from orglint.loader import Document
    from orglint.registry import Registry

KINDS = tuple(SECTIONS.values())
TARGET_PATTERN = rf"^({'|'.join(KINDS)}):{ID_PATTERN[1:]}"  # handoff:sales-to-delivery
WAIVER_RECORD: dict[str, Any] = {
    "rule": {"type": "string", "empty": False, "required": True},
    "target": {"type": "string", "required": True, "empty": False},
    "reason": {"type": "string", "nullable": True},
    "owner": {"type": "string", "nullable": True, "regex": ID_PATTERN},
    "expires": {"type": "date", "nullable": True},
}
WAIVERS_SCHEMA: dict[str, Any] = {
    "type": "list",
    "schema": {"type": "dict", "schema": WAIVER_RECORD},
}
# rules about the waivers themselves run after the waivers are applied, and cannot be waived
WAIVER_RULES = "WVR"
MARKER = "orglint:"


@dataclass(frozen=True)
class Waiver:
    """One declared waiver: a record in the config or a waiver file, or an inline comment."""

    rule: str
    target: str | None
    reason: str | None
    owner: str | None
    expires: datetime.date | None
    path: str
    line: int
    column: int
    inline: bool

    def expired(self, today: datetime.date) -> bool:
        """A waiver is live through its expiry date and expired the day after."""
        return self.expires is not None and self.expires < today

    @property
    def position(self) -> Position:
        return Position(self.path, self.line, self.column)

    @property
    def label(self) -> str:
        """`waiver for BND001 on handoff:a-to-b` / `inline waiver for BND001`."""
        if self.inline:
            return f"inline waiver for {self.rule}"
        return f"waiver for {self.rule} on {self.target}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "target": self.target,
            "reason": self.reason,
            "owner": self.owner,
            "expires": self.expires.isoformat() if self.expires else None,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "inline": self.inline,
        }


@dataclass
class WaiverState:
    """What the WVR rules need: every waiver, which ones waived something, and today."""

    waivers: list[Waiver] = field(default_factory=list)
    used: set[Waiver] = field(default_factory=set)
    ran: set[str] = field(default_factory=set)
    today: datetime.date = field(default_factory=datetime.date.today)
    problems: list[Hit] = field(default_factory=list)
    # rule code or name -> rule code, for every registered rule
    rules: dict[str, str] = field(default_factory=dict)

    def code(self, rule: str) -> str | None:
        """The code of the rule a waiver names (by code in any case, or by name)."""
        return self.rules.get(rule) or self.rules.get(rule.upper())


# --- records from the config and waiver files -------------------------------------------------


def from_document(document: Document, records: Any, *base: Any) -> list[Waiver]:
    """Waivers from a validated list of records; positions from the document they stand in."""
    waivers = []
    for index, record in enumerate(records or []):
        position = document.position((*base, index))
        waivers.append(Waiver(
            rule=str(record["rule"]),
            target=record["target"],
            reason=_text(record.get("reason")),
            owner=record.get("owner"),
            expires=record.get("expires"),
            path=position.path,
            line=position.line,
            column=position.column,
            inline=False,
        ))
    return waivers


def load_declared(config: Config, registry: Registry, display: Any = str) -> list[Waiver]:
    """Every waiver the config declares, its own and those of its waiver files.

    Raises ``ConfigError`` with positions for a record that is malformed or names no rule.
    """
    from orglint.config import ConfigError
    from orglint.loader import load_file

    waivers: list[Waiver] = []
    problems: list[tuple[Position, str]] = []
    if config.document is not None and config.waivers:
        waivers.extend(from_document(config.document, config.waivers, "waivers"))
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
            found, errors = validate_file(document)
            problems.extend(errors)
            waivers.extend(found)
    for waiver in waivers:
        if registry.lookup(waiver.rule) is None:
            problems.append((waiver.position, f"waiver names no rule '{waiver.rule}' "
                                              "(see 'orglint rules')"))
        if not re.match(TARGET_PATTERN, waiver.target or ""):
            problems.append((waiver.position, f"waiver target '{waiver.target}' must be "
                                              f"KIND:ID (handoff:sales-to-delivery); kinds: "
                                              f"{', '.join(KINDS)}"))
    if problems:
        raise ConfigError(problems)
    return waivers


def validate_file(document: Document) -> tuple[list[Waiver], list[tuple[Position, str]]]:
    """A waiver file is a mapping with one key, ``waivers``, holding a list of records."""
    from cerberus import Validator

    from orglint.schema import hits

    data = document.data if document.data is not None else {}
    schema = {"waivers": WAIVERS_SCHEMA}
    if not isinstance(data, dict):
        return [], [(document.position(()), "a waiver file must be a mapping with 'waivers:'")]
    validator = Validator(schema, allow_unknown=False)
    if not validator.validate(data):
        return [], [(hit.position or document.position(()), hit.message)
                    for hit in hits(document, validator._errors, schema)]
    return from_document(document, data.get("waivers"), "waivers"), []


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


# --- inline comments -------------------------------------------------------------------------

_DIRECTIVE = re.compile(r"#\s*orglint:\s*(?P<body>.*)$")
_PAIR = re.compile(r'\s*(?P<key>[a-z_]+)=(?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<bare>[^\s"]+))')
# a quote opens a quoted scalar only where a scalar can start: after these, or at the start
_SCALAR_START = frozenset(":[{,-?")


def scan_directives(text: str) -> list[tuple[int, int, str]]:
    """(line, column, text after the marker) of every ``# orglint:`` comment in YAML text.

    The event stream carries no comments, so the loader calls this on the raw text, and only
    when the text contains the marker at all. A ``#`` inside a quoted scalar is not a comment.
    """
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if MARKER not in line:
            continue
        start = _comment_start(line)
        if start is None:
            continue
        match = _DIRECTIVE.match(line, start)
        if match is not None:
            found.append((number, start + 1, match.group("body").strip()))
    return found


def _comment_start(line: str) -> int | None:
    """Where the line's comment starts, skipping quoted scalars; None without a comment."""
    quote = None
    index = 0
    while index < len(line):
        char = line[index]
        if quote == '"':
            if char == "\\":
                index += 1
            elif char == '"':
                quote = None
        elif quote == "'":
            if char == "'":
                if line.startswith("''", index):
                    index += 1
                else:
                    quote = None
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return index
        elif char in "\"'":
            before = line[:index].rstrip()
            if not before or before[-1] in _SCALAR_START:
                quote = char
        index += 1
    return None


def parse_inline(path: str, directives: Iterable[tuple[int, int, str]]
                 ) -> tuple[list[Waiver], list[Hit]]:
    """Waivers from ``disable=CODE[,CODE] reason="..." [owner=ID] [expires=YYYY-MM-DD]``."""
    waivers: list[Waiver] = []
    problems: list[Hit] = []
    for line, column, body in directives:
        position = Position(path, line, column)
        values, error = _pairs(body)
        if error:
            problems.append(Hit(f"malformed orglint comment: {error}", position=position))
            continue
        codes = [code.strip() for code in values.pop("disable", "").split(",") if code.strip()]
        if not codes:
            problems.append(Hit("malformed orglint comment: expected disable=CODE",
                                position=position))
            continue
        expires = None
        if "expires" in values:
            try:
                expires = datetime.date.fromisoformat(values["expires"])
            except ValueError:
                problems.append(Hit(f"orglint comment: expires '{values['expires']}' is not a "
                                    "date (YYYY-MM-DD)", position=position))
                continue
        waivers.extend(Waiver(
            rule=code,
            target=None,
            reason=_text(values.get("reason")),
            owner=values.get("owner"),
            expires=expires,
            path=path,
            line=line,
            column=column,
            inline=True,
        ) for code in codes)
    return waivers, problems


def _pairs(body: str) -> tuple[dict[str, str], str | None]:
    values: dict[str, str] = {}
    rest = body
    while rest.strip():
        match = _PAIR.match(rest)
        if match is None:
            return values, f"cannot read '{rest.strip()}'; write key=value or key=\"text\""
        key = match.group("key")
        if key not in ("disable", "reason", "owner", "expires"):
            return values, f"unknown key '{key}' (disable, reason, owner, expires)"
        quoted = match.group("quoted")
        values[key] = (re.sub(r"\\(.)", r"\1", quoted) if quoted is not None
                       else match.group("bare"))
        rest = rest[match.end():]
    return values, None


# --- applying them ---------------------------------------------------------------------------


def apply(findings: Sequence[Finding], waivers: Sequence[Waiver], today: datetime.date,
          resolve: Any) -> tuple[list[Finding], list[tuple[Finding, Waiver]], set[Waiver]]:
    """Split findings into kept and waived by live waivers; return the waivers that were used.

    ``resolve`` turns a waiver's rule (code or name) into a rule code, or None. A finding
    matches an inline waiver on its own line, or a record whose target is its entity. An
    expired waiver matches nothing: its finding is back.
    """
    inline: dict[tuple[str, str, int], Waiver] = {}
    records: dict[tuple[str, str], Waiver] = {}
    for waiver in waivers:
        code = resolve(waiver.rule)
        if code is None or waiver.expired(today):
            continue
        if waiver.inline:
            inline.setdefault((code, waiver.path, waiver.line), waiver)
        elif waiver.target is not None:
            records.setdefault((code, waiver.target), waiver)
    kept: list[Finding] = []
    waived: list[tuple[Finding, Waiver]] = []
    for finding in findings:
        match = None
        if not finding.code.startswith(WAIVER_RULES):
            match = inline.get((finding.code, finding.path, finding.line))
            if match is None and finding.entity is not None:
                match = records.get((finding.code, finding.entity))
        if match is None:
            kept.append(finding)
        else:
            waived.append((finding, match))
    return kept, waived, {waiver for _, waiver in waived}


def today_from(value: str | None) -> datetime.date | None:
    """``ORGLINT_TODAY=YYYY-MM-DD`` pins the date (tests, golden files); None means today."""
    if not value:
        return None
    return datetime.date.fromisoformat(value)


# --- how outputs talk about them -------------------------------------------------------------


def waived_summary(waived: Sequence[tuple[Finding, Waiver]]) -> list[str]:
    """One line per waiver that waived something: what it waived, why, who owns it, until when."""
    by_waiver: dict[Waiver, list[Finding]] = {}
    for finding, waiver in waived:
        by_waiver.setdefault(waiver, []).append(finding)
    lines = []
    for waiver, found in sorted(by_waiver.items(), key=lambda item: _order(item[0])):
        count = "1 finding" if len(found) == 1 else f"{len(found)} findings"
        lines.append(f"{waiver.label} at {waiver.position}: {count}; {describe(waiver)}")
    return lines


def describe(waiver: Waiver) -> str:
    """`reason "...", owner carla, expires 2026-12-31`."""
    parts = [f'reason "{waiver.reason}"' if waiver.reason else "no reason",
             f"owner {waiver.owner}" if waiver.owner else "no owner",
             f"expires {waiver.expires.isoformat()}" if waiver.expires else "no expiry"]
    return ", ".join(parts)


def _order(waiver: Waiver) -> tuple[str, int, int, str]:
    return (waiver.path, waiver.line, waiver.column, waiver.rule)


def sorted_waivers(waivers: Iterable[Waiver]) -> list[Waiver]:
    return sorted(waivers, key=_order)


def status_lines(waived: Sequence[tuple[Finding, Waiver]], baselined: int) -> list[str]:
    """What every output says about silenced findings: how many, and by what."""
    lines = []
    if waived:
        count = "1 finding" if len(waived) == 1 else f"{len(waived)} findings"
        lines.append(f"Waived {count}:")
        lines.extend(f"  {line}" for line in waived_summary(waived))
    if baselined:
        count = "1 known finding" if baselined == 1 else f"{baselined} known findings"
        lines.append(f"Baseline: {count} not shown.")
    return lines
