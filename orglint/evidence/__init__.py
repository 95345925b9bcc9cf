"""Evidence: the org as work actually moved, read from event logs and held against the
declared journeys, handoffs, SLAs and exception rates.

Nothing here imports DuckDB or Spark until a log is read: ``orglint check`` without an
``evidence:`` section never loads them.

How the figures reach the rules (the one seam with the rest of orglint):

1. ``orglint.schema.config`` validates the ``evidence:`` section against ``EVIDENCE_SCHEMA``;
   ``orglint.config.load_config`` keeps it as ``Config.evidence`` (``EvidenceSettings``, or None).
2. ``orglint.session.Session.settings`` puts ``observer(config.evidence)`` into
   ``Settings.observe`` when the section is there.
3. ``orglint.engine.check.check`` calls ``settings.observe(org)`` once, after the org is built
   and before any rule runs; the figures go to the rules as the input ``evidence``
   (``orglint.registry.INPUTS``) and to ``CheckResult.evidence`` for the report.
4. The EVD rules (rules/evidence.py) take ``evidence`` as a parameter; they yield nothing when
   it is None.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from orglint.evidence.settings import EvidenceError, EvidenceSettings
from orglint.schema.evidence import EVIDENCE_SCHEMA

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
