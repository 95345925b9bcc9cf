"""Findings are values: immutable, sortable, serialisable. Formatters only read them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}


@dataclass(frozen=True)
class Position:
    """A place in a file: 1-based line and column."""

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
    file position; problems found while loading carry their ``position`` directly.
    """

    message: str
    entity: str | None = None
    field: str | None = None
    position: Position | None = None


@dataclass(frozen=True, order=True)
class Finding:
    """One problem, placed in a file. Sorted by place, then code."""

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
        return f"{self.path}:{self.line}:{self.column}"

    @property
    def fingerprint(self) -> str:
        """Stable identity: rule + entity + field, never a line number.

        Findings without an entity (a syntax error) fall back to the file and the message.
        """
        if self.entity is not None:
            key = f"{self.code}|{self.entity}|{self.field or ''}|{_message_key(self)}"
        else:
            key = f"{self.code}|{self.path}|{self.message}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]

    def as_dict(self) -> dict[str, object]:
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


def _message_key(finding: Finding) -> str:
    # Two findings of one rule on one field (two unknown members of a team) differ only by
    # their message; keep them apart without depending on positions.
    return finding.message
