"""Waivers: governed records that silence one rule on one entity, with a reason, an owner
and an expiry date; and inline ``# orglint: disable=CODE reason="..."`` comments.

A waiver comes from the config (``waivers:``), from a waiver file named in ``waiver_files:``
(a YAML file with a ``waivers:`` list of the same records) or from a comment on the line a
finding points at. The engine applies live waivers before it computes the stage, so a waived
finding never blocks; an expired waiver stops waiving. The WVR rules judge the waivers
themselves from the ``WaiverState`` the engine gives them as their ``waivers`` input.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from orglint.finding import Finding, Hit, Position
from orglint.load.documents import iso_date
from orglint.registry import closest_rule


@dataclass(frozen=True)
class Waiver:
    """One declared waiver: a record in the config or a waiver file, or an inline comment.

    ``rule`` is a code or name as written; ``target`` the ``KIND:ID`` it silences (None for an
    inline waiver, which silences its own line); ``owner`` a person id; ``expires`` the last
    day it is live (None: never expires); ``path``, ``line``, ``column`` (1-based) where it was
    declared.
    """

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
        """Where the waiver was declared."""
        return Position(self.path, self.line, self.column)

    @property
    def label(self) -> str:
        """`waiver for BND001 on handoff:a-to-b` / `inline waiver for BND001`."""
        if self.inline:
            return f"inline waiver for {self.rule}"
        return f"waiver for {self.rule} on {self.target}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values of every field, ``expires`` as ``YYYY-MM-DD`` or None."""
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


@dataclass(frozen=True)
class WaiverState:
    """The ``waivers`` input of the rules that judge waivers: every declared waiver (sorted),
    those that waived a finding, the expired ones whose finding is back (a finding they would
    match, were they live), the codes of the rules that ran, the date waivers expire against,
    the problems of malformed inline comments, and rule code or name -> code."""

    declared: Sequence[Waiver] = ()
    used: frozenset[Waiver] = frozenset()
    back: frozenset[Waiver] = frozenset()
    ran: frozenset[str] = frozenset()
    today: datetime.date = field(default_factory=datetime.date.today)
    problems: Sequence[Hit] = ()
    rules: Mapping[str, str] = field(default_factory=dict)

    def code(self, rule: str) -> str | None:
        """The code of the rule a waiver names (by code in any case, or by name); None when no
        registered rule has it."""
        return self.rules.get(rule) or self.rules.get(rule.upper())

    def closest(self, rule: str) -> str | None:
        """The registered rule code or name closest to one no rule has (``INC03`` ->
        ``INC003``), or None."""
        codes = set(self.rules.values())
        return closest_rule(rule, codes, [name for name in self.rules if name not in codes])


_PAIR = re.compile(r'\s*(?P<key>[a-z_]+)=(?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<bare>[^\s"]+))')


def parse_inline(path: str, directives: Iterable[tuple[int, int, str]]
                 ) -> tuple[list[Waiver], list[Hit]]:
    """Waivers from the ``# orglint:`` comments of the file ``path`` (``directives`` as
    ``[(line, column, text)]``): ``disable=CODE[,CODE] reason="..." [owner=ID]
    [expires=YYYY-MM-DD]``. Returns ``(waivers, problems)``: one waiver per code, and a hit at
    each malformed comment."""
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
            expires = iso_date(values["expires"])
            if expires is None:
                problems.append(Hit(f"orglint comment: expires '{values['expires']}' is not a "
                                    "date (YYYY-MM-DD)", position=position))
                continue
        waivers.extend(Waiver(
            rule=code,
            target=None,
            reason=reason_text(values.get("reason")),
            owner=values.get("owner"),
            expires=expires,
            path=path,
            line=line,
            column=column,
            inline=True,
        ) for code in codes)
    return waivers, problems


def reason_text(value: Any) -> str | None:
    """A reason as given, stripped; None when it is missing or blank."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


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
    """Split findings by the waivers live on ``today``: returns ``(kept, waived, used)``, the
    findings no waiver matched, ``[(finding, waiver)]``, and the set of waivers that matched.

    ``resolve`` turns a waiver's rule (code or name) into a rule code, or None. A finding
    matches an inline waiver on its own line, or a record whose target is its entity. An
    expired waiver matches nothing: its finding is back. WVR findings are never waived.
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
        match = inline.get((finding.code, finding.path, finding.line))
        if match is None and finding.entity is not None:
            match = records.get((finding.code, finding.entity))
        if match is None:
            kept.append(finding)
        else:
            waived.append((finding, match))
    return kept, waived, {waiver for _, waiver in waived}


def today_from(value: str | None) -> datetime.date | None:
    """The date an ``ORGLINT_TODAY=YYYY-MM-DD`` value pins (tests, golden files); None for an
    empty or missing value, which means today. Raises ``ValueError`` for a malformed date."""
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
    """The waivers in the order of where they are declared: path, line, column, rule."""
    return sorted(waivers, key=_order)


def status_lines(waived: Sequence[tuple[Finding, Waiver]], baselined: int) -> list[str]:
    """What every output says about silenced findings: how many were waived and by what (one
    line per waiver), and how many ``baselined`` findings are not shown; [] when none."""
    lines = []
    if waived:
        count = "1 finding" if len(waived) == 1 else f"{len(waived)} findings"
        lines.append(f"Waived {count}:")
        lines.extend(f"  {line}" for line in waived_summary(waived))
    if baselined:
        count = "1 known finding" if baselined == 1 else f"{baselined} known findings"
        lines.append(f"Baseline: {count} not shown.")
    return lines
