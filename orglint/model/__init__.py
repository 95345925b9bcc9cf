"""Stage 3: the typed, resolved Org that every rule reads. Rules and plugins import from here.

    from orglint.model import Org, Ref, Handoff

``entities`` holds the entity values, ``org`` the Org with its indexes and shared questions,
``build`` the builder, ``complexity`` the org-wide complexity setting, ``suggest`` the
did-you-mean index for unknown references.
"""

from orglint.model.build import build_org, rebuild_org
from orglint.model.complexity import LEVEL_RANK, Complexity
from orglint.model.entities import (
    Activity,
    Decision,
    Entity,
    FieldState,
    Governance,
    Handoff,
    Journey,
    Metric,
    Person,
    Raci,
    Ref,
    Review,
    Slot,
    Source,
    System,
    Team,
    is_index,
)
from orglint.model.org import (
    CYCLE,
    DUPLICATE_ID,
    PROBLEM_KINDS,
    SCHEMA,
    SYNTAX,
    UNKNOWN_REFERENCE,
    UNRESOLVED,
    Org,
)
from orglint.schema.org import CADENCES, LEVELS

__all__ = ["CADENCES", "CYCLE", "DUPLICATE_ID", "LEVELS", "LEVEL_RANK", "PROBLEM_KINDS", "SCHEMA",
           "SYNTAX", "UNKNOWN_REFERENCE", "UNRESOLVED", "Activity", "Complexity", "Decision", "Entity",
           "FieldState", "Governance", "Handoff", "Journey", "Metric", "Org", "Person", "Raci",
           "Ref", "Review", "Slot", "Source", "System", "Team", "build_org", "is_index",
           "rebuild_org"]
