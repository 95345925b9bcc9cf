"""Findings are values: immutable, sortable, serialisable. Formatters only read them."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}


@dataclass(frozen=True)
class Position:
    """A place in a file: ``path`` as displayed, 1-based ``line`` and ``column``.

    ``str(position)`` is ``path:line:col``.
    """

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Hit:
    """What a rule yields: a message about an entity's field, or about an explicit position.

    ``entity`` is a reference such as ``handoff:sales-to-delivery``; ``field`` a dotted path
    inside it (``governance.escalation``, ``activities.0.A``). The engine turns the pair into a
    file position; problems found while loading carry their ``position`` directly. A hit with
    neither is placed at ``<org>:1:1``.
    """

    message: str
    entity: str | None = None
    field: str | None = None
    position: Position | None = None


@dataclass(frozen=True, order=True)
class Finding:
    """One problem, placed in a file: ``path`` as displayed, 1-based ``line`` and ``column``,
    the rule's ``code`` and ``name``, ``severity`` (``error``, ``warning`` or ``info``), and the
    ``entity`` (``handoff:a-to-b``) and dotted ``field`` it is about (None when it is about no
    entity, as a syntax error). Equal and sorted by (path, line, column, code, message).
    """

    path: str
    line: int
    column: int
    code: str
    message: str
    severity: str = field(compare=False)
    name: str = field(compare=False)
    entity: str | None = field(default=None, compare=False)
    field: str | None = field(default=None, compare=False)

    @property
    def location(self) -> str:
        """``path:line:col``, 1-based."""
        return f"{self.path}:{self.line}:{self.column}"

    @property
    def fingerprint(self) -> str:
        """Stable identity, 32 hex characters: rule + entity + field, never a line; the file
        only for a finding about no entity.

        Two problems of one rule on one field (two unknown members of a team) are told apart by
        the ids quoted in the message (``'ana'``, not those of a "did you mean" hint), never by
        counts, names or positions, so the fingerprint survives comment edits, reordering,
        renamed display names and moving an entity to another file. Findings without an entity
        (a syntax error, a file that is not a mapping) use the file's displayed path and the
        message with every number blanked out: the same syntax error in another file is
        another problem.
        """
        message = _without_hint(self.message)  # a "did you mean" changes with other ids
        if self.entity is not None:
            # list positions (`activities.1.A`, `context.2`) change when items are reordered;
            # the item itself is named by the ids the message quotes
            field = _INDEX.sub("#", self.field or "")
            key = f"{self.code}|{self.entity}|{field}|{' '.join(_quoted_ids(message))}"
        else:
            key = f"{self.code}||{self.path}|{_NUMBER.sub('#', message)}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]

    def as_dict(self) -> dict[str, object]:
        """The finding as JSON-ready values: code, name, severity, message, path, line, column,
        entity, field and fingerprint."""
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "entity": self.entity,
            "field": self.field,
            "fingerprint": self.fingerprint,
        }


_QUOTED = re.compile(r"'([^'\n]*)'")
# hints name other entities, which come and go: "did you mean ...", "that is the name of ..."
_HINT = re.compile(r"(?:did you mean|that is the name of)\b")
_ITEM = re.compile(r"\[[0-9]+\]")  # a list position quoted in a field name: 'members[1]'
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_INDEX = re.compile(r"(?<![^.])[0-9]+(?![^.])")
_POSITION = re.compile(r"(?:^|:)[0-9]+(?::[0-9]+)?$")


def _without_hint(message: str) -> str:
    """The message up to its first hint, without the blanks and the one ``;``, ``,`` or ``.``
    before it. Linear in the message: a regex ``[;,.]?\\s*hint`` would try every blank of a
    long run of them."""
    match = _HINT.search(message)
    if match is None:
        return message
    head = message[:match.start()].rstrip()
    return head[:-1] if head.endswith((";", ",", ".")) else head


def _quoted_ids(message: str) -> list[str]:
    """The quoted ids of a message, sorted, without anything that looks like a position."""
    return sorted({_ITEM.sub("[#]", token) for token in _QUOTED.findall(message)
                   if token and not _POSITION.search(token)})
