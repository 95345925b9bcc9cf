"""Evidence: the org as work actually moved, read from event logs and held against the
declared journeys, handoffs, SLAs and exception rates.

Nothing here imports DuckDB or Spark until a log is read: ``orglint check`` without an
``evidence:`` section never loads them.

How the figures reach the rules (the one seam with the rest of orglint):

1. ``orglint.config`` validates the ``evidence:`` section against ``EVIDENCE_SCHEMA`` and keeps
   it as ``Config.evidence`` (parsed ``EvidenceSettings``, or None).
2. ``orglint.runner.settings_for`` puts ``observer(settings)`` into ``Settings.observe`` when the
   section is there.
3. ``orglint.engine.check`` calls ``settings.observe(org)`` once, after the org is built and
   before any rule runs, and leaves the result on ``Org.evidence``.
4. The EVD rules (rules/evidence.py) read ``org.evidence``; they yield nothing when it is None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from orglint.evidence.settings import EVIDENCE_SCHEMA, EvidenceError, EvidenceSettings

if TYPE_CHECKING:
    from orglint.evidence.figures import Evidence
    from orglint.model import Org

__all__ = ["EVIDENCE_SCHEMA", "EvidenceError", "EvidenceSettings", "observer"]


def observer(settings: EvidenceSettings, engine: str | None = None) -> Callable[[Org], Evidence]:
    """The function ``Settings.observe`` holds: Org -> Evidence, reading the logs when called."""

    def observe(org: Org) -> Evidence:
        from orglint.evidence.observe import observe as compute

        return compute(settings, org, engine)

    return observe
