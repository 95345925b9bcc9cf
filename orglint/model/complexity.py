"""A handoff's complexity: declared, implied by its exception rate, and the effective one.

One org-wide setting (the ``complexity`` key of the config) says which exception rates make a
boundary medium or high complexity; every rule and output that judges complexity reads it
through the Org, so they cannot disagree about one handoff.
"""

from __future__ import annotations

from dataclasses import dataclass

from orglint.schema.org import LEVELS

LEVEL_RANK = {level: rank for rank, level in enumerate(LEVELS)}  # low 0, medium 1, high 2


@dataclass(frozen=True)
class Complexity:
    """The exception rates (shares of cases that need judgement, 0..1) from which a handoff is
    at least medium (``medium_rate``) or high (``high_rate``) complexity."""

    medium_rate: float = 0.05
    high_rate: float = 0.2

    def implied(self, rate: float | None) -> str | None:
        """The level an exception rate implies (``low``, ``medium``, ``high``); None for no
        rate."""
        if rate is None:
            return None
        if rate >= self.high_rate:
            return "high"
        if rate >= self.medium_rate:
            return "medium"
        return "low"

    def effective(self, declared: str | None, rate: float | None) -> str | None:
        """The higher of the declared level and the one the rate implies; None when neither
        is known."""
        levels = [level for level in (declared, self.implied(rate)) if level in LEVEL_RANK]
        return max(levels, key=LEVEL_RANK.__getitem__) if levels else None

    def threshold(self, level: str) -> float:
        """The rate from which a handoff is ``medium`` or ``high``; KeyError for ``low``."""
        return {"medium": self.medium_rate, "high": self.high_rate}[level]
