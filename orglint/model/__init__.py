"""Stage 3: the typed, resolved Org that every rule reads. Rules import from here."""

from orglint.model.entities import (
    Activity,
    Decision,
    Entity,
    Governance,
    Handoff,
    Journey,
    Metric,
    Org,
    Person,
    Raci,
    Ref,
    Review,
    Source,
    System,
    Team,
    build_org,
)

__all__ = ["Activity", "Decision", "Entity", "Governance", "Handoff", "Journey", "Metric", "Org",
           "Person", "Raci", "Ref", "Review", "Source", "System", "Team", "build_org"]
