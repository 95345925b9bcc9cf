"""ORG: the structure of the ops repo itself (syntax, schema, references, hierarchy).

ORG001-ORG005 are found while loading and resolving the files, and kept in ``Org.problems`` by
kind; these rules report each kind under its code, so they are selected, ignored, re-levelled
and waived like any other rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orglint import Hit, rule
from orglint.model import (
    CYCLE,
    DUPLICATE_ID,
    SCHEMA,
    SYNTAX,
    UNRESOLVED,
    Org,
    Person,
    Ref,
    Team,
)


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
    Unknown fields and sections come with a "did you mean" hint. A field whose value this rule
    refuses, that is written empty, or that is required and missing is judged by no other
    rule: an exception rate above 1 implies no complexity, and a metric without a type is no
    output metric.

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


@rule("ORG003", "unknown-reference", severity="error", blocks_stage=2, integrity=True, cost=3)
def unknown_reference(org: Org) -> Iterator[Hit]:
    """A reference names an entity that does not exist, of the kind the field accepts.

    References are bare ids; where a field accepts several kinds (a metric's `downstream`)
    and the id exists as more than one, write `kind:id`. The message names the closest id:
    among up to 100 ids of the kinds the field accepts, the most similar one; among more, an
    id one letter off (a letter missing, extra, changed or moved). While a file cannot be read
    (ORG001), a reference to an id no other file defines is held back with no hint: it may be
    defined in that file, and it is judged once the file reads. No other rule judges a field
    that holds a reference this rule reports: a review whose `covers` names a journey misspelt
    may cover any journey, and a handoff whose `to` is misspelt may contract any boundary from
    its `from`.

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
    yield from org.unknown_references()
    yield from org.problems.get(UNRESOLVED, ())  # the engine holds these back


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


@rule("ORG006", "team-without-lead", severity="warning", blocks_stage=2,
      options={"own_lead": {"type": "boolean", "default": False}})
def team_without_lead(org: Org, options: dict[str, Any]) -> Iterator[Hit]:
    """A team has no lead, neither its own nor one up its parent chain.

    A team without a named lead has nobody who answers for what it sends across its
    boundaries; the boundary rules cannot hold anyone to account. A subteam that names no lead
    is led by its parent's lead (the nearest team up the `parent` chain that names one), as
    working groups are answered for by the group above them; set `own_lead: true` to require
    every team to name its own. Co-leads are written as a list: `lead: [ana, leo]`.

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
      delivery-ops: {name: Delivery operations, parent: delivery}
    ```
    """
    own = options["own_lead"]
    settled: dict[str, bool] = {}
    for team in org.teams.values():
        if team.given("lead") or not team.known("lead"):
            continue  # a lead written but unknown is ORG003's to report, an empty one ORG002's
        leads, via = org.leads_of(team)
        if not leads:
            if _chain_known(org, team, None, settled):
                yield team.finding(None, f"team '{team.id}' has no lead")
        elif own and via is not None and _chain_known(org, team, via, settled):
            yield team.finding(None, f"team '{team.id}' has no lead of its own (led through "
                                     f"'{via.id}' by {org.names(leads)})")


def _chain_known(org: Org, team: Team, via: Team | None, settled: dict[str, bool]) -> bool:
    """Whether the walk up a team's parent chain to ``via`` (to its end, for None) is known:
    no team on it has a lead or a parent that is not known (misspelt, refused, empty), which
    may name a lead nearer, or a parent with one; and, for ``via``, its leads are all known.
    ``settled`` keeps the answer of each team walked to the end, so that the teams of an org
    are walked once in all."""
    walk: list[Team] = []
    seen: set[str] = set()
    node: Team | None = team
    answer = True
    while node is not None and node is not via:
        if via is None and node.id in settled:
            answer = settled[node.id]
            break
        if node.id in seen:  # a parent cycle: ORG005's to report
            break
        seen.add(node.id)
        walk.append(node)
        if not (node.known("lead") and node.known("parent")):
            answer = False
            break
        node = org.teams.get(node.parent.id) if node.parent is not None else None
    if via is None:
        for member in walk:
            settled[member.id] = answer
        return answer
    return answer and via.known("lead")


@rule("ORG007", "person-without-team", severity="info", blocks_stage=4)
def person_without_team(org: Org) -> Iterator[Hit]:
    """A person belongs to no team.

    Everyone who owns a boundary or a decision should sit somewhere in the structure, so
    that their work is visible to a team and can be covered when they are away. Team leads
    count as members of the team they lead, and so does anyone who holds a role in a team
    (`roles: {liaison: [dan]}`: a liaison, a council representative, a board member).

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
    unsure: bool | None = None
    for person in org.people.values():
        ref = person.ref
        if ref not in org.teams_of_member and ref not in org.teams_led_by \
                and ref not in org.teams_of_role:
            if unsure is None:  # a person misspelt in a team may be anyone
                unsure = bool(unsettled_teams(org)) or not all(
                    team.known("roles") for team in org.teams.values())
            if not unsure:
                yield person.finding(None,
                                     f"person '{person.id}' ({person.name}) belongs to no team")


def unsettled_teams(org: Org) -> frozenset[Ref]:
    """The teams whose people are not all known: a lead or member that dangles, is ambiguous
    or has no id, or an empty one (ORG002, ORG003). Anyone may be in them, so no rule says a
    person is not."""
    return frozenset(team.ref for team in org.teams.values()
                     if not (team.known("lead") and team.known("members")))


@rule("ORG008", "hierarchy-mismatch", severity="warning", blocks_stage=2)
def hierarchy_mismatch(org: Org) -> Iterator[Hit]:
    """A team's `children` and its children's `parent` disagree.

    Catalogs such as Backstage write the hierarchy from both sides: a team names its parent,
    and the parent lists its children. When the two disagree, reporting lines, escalations
    and who leads a subteam depend on which side a reader trusts. The finding stands on the
    side that names the other, and names both places.

    Fails:

    ```yaml
    teams:
      boxoffice: {children: [team-a]}
      team-a: {parent: boxoffice}
      team-e: {parent: boxoffice}
    ```

    Passes:

    ```yaml
    teams:
      boxoffice: {children: [team-a, team-e]}
      team-a: {parent: boxoffice}
      team-e: {parent: boxoffice}
    ```
    """
    for team in org.teams.values():
        written: list[str] | None = None  # the field of each child as written, when needed
        for index, child_ref in enumerate(team.children):
            child = org.teams[child_ref.id]
            if child.parent != team.ref and child.known("parent"):
                said = (f"names '{child.parent.id}' as its parent" if child.parent is not None
                        else "names no parent")
                if written is None:
                    written = _items(team, "children")
                yield team.finding(
                    written[index] if index < len(written) else "children",
                    f"team '{team.id}' lists '{child.id}' among its children, but '{child.id}' "
                    f"{said} ({child.src.position('parent' if child.given('parent') else None)})")
        parent = org.teams.get(team.parent.id) if team.parent is not None else None
        if parent is not None and parent.given("children") and parent.known("children") \
                and parent.ref not in org.listed_by.get(team.ref, ()):
            yield team.finding(
                "parent", f"team '{team.id}' names '{parent.id}' as its parent, but "
                          f"'{parent.id}' does not list it among its children "
                          f"({parent.src.position('children')})")


def _items(team: Any, field: str) -> list[str]:
    """The dotted field of each resolved reference of a list, as written, in order."""
    return [slot.field for slot in team.slots(field) if slot.ref is not None]


@rule("ORG009", "duplicate-person", severity="warning", blocks_stage=2, cost=1)
def duplicate_person(org: Org) -> Iterator[Hit]:
    """Two people share a display name or an email address.

    Two entries for one person split what they own, lead and decide between two ids, so
    overload and single points of failure are undercounted; two people who share an email
    cannot both receive what is sent to them. Names and emails are compared without regard to
    case or surrounding space. The finding stands on the second entry and names the first.

    Fails:

    ```yaml
    people:
      guest: {name: Guest User, email: guest@example.com}
      guest-2: {name: Guest User, email: guest@example.com}
    ```

    Passes:

    ```yaml
    people:
      guest: {name: Guest User, email: guest@example.com}
    ```
    """
    seen: dict[tuple[str, str], Person] = {}
    for person in org.people.values():
        given = {"name": person.name if person.given("name") and person.known("name") else None,
                 "email": person.email}
        matches = []
        for field, value in given.items():
            if value:
                other = seen.setdefault((field, " ".join(value.lower().split())), person)
                if other is not person:
                    matches.append((field, value, other))
        if matches:
            field, _, other = matches[0]
            shared = " and ".join(f"{what} '{value}'" for what, value, _ in matches)
            yield person.finding(field, f"person '{person.id}' shares the {shared} with person "
                                        f"'{other.id}' ({other.src.position()})")
