"""ORG: the structure of the ops repo itself (syntax, schema, references, hierarchy).

ORG001-ORG005 are found while loading and resolving the files, and kept in ``Org.problems`` by
kind; these rules report each kind under its code, so they are selected, ignored, re-levelled
and waived like any other rule.
"""

from __future__ import annotations

from collections.abc import Iterator

from orglint import Hit, rule
from orglint.model import CYCLE, DUPLICATE_ID, SCHEMA, SYNTAX, UNKNOWN_REFERENCE, Org


@rule("ORG001", "yaml-syntax", severity="error", blocks_stage=2, integrity=True)
def yaml_syntax(org: Org) -> Iterator[Hit]:
    """A file is not valid YAML, or is not text orglint will read.

    orglint reads YAML 1.2 as plain data. It refuses what a parser would choke on and what
    could harm the machine that runs it: binary or non-UTF-8 files, tags that construct
    objects (`!!python/object`), duplicate keys, nesting deeper than 64 levels, and aliases
    that expand into huge structures. The finding stands at the parser's position.

    Fails:

    ```yaml
    teams:
      sales: {name: Sales, members: [leo, ana}
    ```

    Passes:

    ```yaml
    teams:
      sales: {name: Sales}
    ```
    """
    yield from org.problems.get(SYNTAX, ())


@rule("ORG002", "schema", severity="error", blocks_stage=2, integrity=True)
def schema(org: Org) -> Iterator[Hit]:
    """A field is missing, mistyped, unknown or out of range.

    Every section and field of the org format has a type and, where it matters, a list of
    allowed values; a typo in a field name would otherwise hide the field from every rule.
    Unknown fields and sections come with a "did you mean" hint.

    Fails:

    ```yaml
    handoffs:
      sales-to-delivery:
        from: sales
        to: delivery
        complexty: high
    teams:
      sales: {}
      delivery: {}
    ```

    Passes:

    ```yaml
    handoffs:
      sales-to-delivery:
        from: sales
        to: delivery
        complexity: high
    teams:
      sales: {}
      delivery: {}
    ```
    """
    yield from org.problems.get(SCHEMA, ())


@rule("ORG003", "unknown-reference", severity="error", blocks_stage=2, integrity=True)
def unknown_reference(org: Org) -> Iterator[Hit]:
    """A reference names an entity that does not exist, of the kind the field accepts.

    References are bare ids; where a field accepts several kinds (a metric's `downstream`)
    and the id exists as more than one, write `kind:id`. The message names the closest id.

    Fails:

    ```yaml
    people:
      leo: {name: Leo Park}
    teams:
      sales: {lead: loe}
    ```

    Passes:

    ```yaml
    people:
      leo: {name: Leo Park}
    teams:
      sales: {lead: leo}
    ```
    """
    yield from org.problems.get(UNKNOWN_REFERENCE, ())


@rule("ORG004", "duplicate-id", severity="error", blocks_stage=2, integrity=True)
def duplicate_id(org: Org) -> Iterator[Hit]:
    """Two entities of one kind share an id, in one file or across files.

    Ids are unique per kind across the whole org, so a reference always means one thing.
    The finding stands at the second definition and names the first.

    Fails:

    ```yaml
    teams:
      sales: {name: Sales}
    ---
    teams:
      sales: {name: Inside sales}
    ```

    Passes:

    ```yaml
    teams:
      sales: {name: Sales}
    ---
    teams:
      inside-sales: {name: Inside sales}
    ```
    """
    yield from org.problems.get(DUPLICATE_ID, ())


@rule("ORG005", "hierarchy-cycle", severity="error", blocks_stage=2, integrity=True)
def hierarchy_cycle(org: Org) -> Iterator[Hit]:
    """`reports_to` or a team's `parent` goes round in a circle.

    A reporting line or team hierarchy with a cycle has no top: escalations along it never
    end. Each cycle is reported once, at the link of its first member in id order.

    Fails:

    ```yaml
    people:
      ana: {reports_to: leo}
      leo: {reports_to: ana}
    ```

    Passes:

    ```yaml
    people:
      ana: {reports_to: leo}
      leo: {founder: true}
    ```
    """
    yield from org.problems.get(CYCLE, ())


@rule("ORG006", "team-without-lead", severity="warning", blocks_stage=2)
def team_without_lead(org: Org) -> Iterator[Hit]:
    """A team has no lead.

    A team without a named lead has nobody who answers for what it sends across its
    boundaries; the boundary rules cannot hold anyone to account.

    Fails:

    ```yaml
    teams:
      delivery: {name: Delivery}
    ```

    Passes:

    ```yaml
    people:
      carla: {name: Carla Diaz}
    teams:
      delivery: {name: Delivery, lead: carla, members: [carla]}
    ```
    """
    for team in org.teams.values():
        if not team.given("lead"):
            yield team.finding(None, f"team '{team.id}' has no lead")


@rule("ORG007", "person-without-team", severity="info", blocks_stage=4)
def person_without_team(org: Org) -> Iterator[Hit]:
    """A person belongs to no team.

    Everyone who owns a boundary or a decision should sit somewhere in the structure, so
    that their work is visible to a team and can be covered when they are away. Team leads
    count as members of the team they lead.

    Fails:

    ```yaml
    people:
      dan: {name: Dan Okafor}
    ```

    Passes:

    ```yaml
    people:
      dan: {name: Dan Okafor}
    teams:
      delivery: {lead: dan}
    ```
    """
    for person in org.people.values():
        ref = person.ref
        if ref not in org.teams_of_member and ref not in org.teams_led_by:
            yield person.finding(None, f"person '{person.id}' ({person.name}) belongs to no team")
