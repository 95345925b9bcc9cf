"""BND: every boundary between teams is designed, contracted and owned by a named person."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orglint import Hit, rule
from orglint.model import Handoff, Journey, Org, Ref


@rule("BND001", "handoff-owner", severity="error", blocks_stage=3, cost=1)
def handoff_owner(org: Org) -> Iterator[Hit]:
    """Every handoff has one named person who owns what happens between the two teams.

    Work that crosses a boundary belongs to both teams and so, in practice, to neither:
    cases stall in the gap, and nobody notices until the customer does. A team is not an
    owner; a person is, because a person can be asked, can decide and can be missed.

    Fails:

    ```yaml
    people:
      carla: {name: Carla Diaz}
    teams:
      sales: {lead: carla}
      delivery: {lead: carla}
    handoffs:
      sales-to-delivery: {from: sales, to: delivery}
    ```

    Passes:

    ```yaml
    people:
      carla: {name: Carla Diaz}
    teams:
      sales: {lead: carla}
      delivery: {lead: carla}
    handoffs:
      sales-to-delivery: {from: sales, to: delivery, owner: carla}
    ```
    """
    for handoff in org.handoffs.values():
        if not handoff.given("owner"):
            if handoff.known("owner"):  # an empty owner is ORG002's to report
                yield handoff.finding(None, f"{org.describe(handoff)} has no named owner")
        elif handoff.owner is not None and handoff.owner.kind == "team":
            yield handoff.finding(
                "owner",
                f"{org.describe(handoff)} is owned by team '{handoff.owner.id}'; "
                "name the one person who owns it",
            )


class OpenEnds:
    """The handoffs whose `from` or `to` names no known team (it dangles, has no id or is
    missing: ORG002, ORG003). Each may contract a boundary the org cannot show, so no rule
    says that a boundary has no handoff, or that nothing crosses it, where one may be it."""

    def __init__(self, org: Org) -> None:
        self.sending: dict[Ref, list[Handoff]] = {}  # the sending team known, the other not
        self.receiving: dict[Ref, list[Handoff]] = {}  # the receiving team known, the other not
        self.anywhere: list[Handoff] = []  # neither known
        for handoff in org.handoffs.values():
            source, target = handoff.source, handoff.target
            if source is not None and target is not None:
                continue  # both required: a side that is None is not known
            if source is not None:
                self.sending.setdefault(source, []).append(handoff)
            elif target is not None:
                self.receiving.setdefault(target, []).append(handoff)
            else:
                self.anywhere.append(handoff)

    def at(self, source: Ref, target: Ref) -> list[Handoff]:
        """The handoffs that may contract the boundary from ``source`` to ``target``."""
        if not (self.sending or self.receiving or self.anywhere):
            return []
        return [*self.sending.get(source, ()), *self.receiving.get(target, ()), *self.anywhere]


@rule("BND002", "undesigned-boundary", severity="error", blocks_stage=3)
def undesigned_boundary(org: Org) -> Iterator[Hit]:
    """Every boundary a journey crosses has a handoff contract.

    Each consecutive pair of teams on a journey's path is a place where the customer changes
    hands. Without a handoff from the first team to the second, nobody has agreed what
    crosses, who owns it or how fast: the gap is undesigned, and that is where customers
    fall through.

    Fails:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      sales: {lead: ana}
      delivery: {lead: ana}
    journeys:
      onboarding: {owner: ana, path: [sales, delivery]}
    ```

    Passes:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      sales: {lead: ana}
      delivery: {lead: ana}
    journeys:
      onboarding: {owner: ana, path: [sales, delivery]}
    handoffs:
      sales-to-delivery: {from: sales, to: delivery, owner: ana}
    ```
    """
    ends: OpenEnds | None = None
    for journey in org.journeys.values():
        reported: set[tuple[Ref, Ref]] = set()
        for field, source, target in journey.boundaries():
            if org.handoffs_at(source, target) or (source, target) in reported:
                continue
            if ends is None:
                ends = OpenEnds(org)
            if ends.at(source, target):
                continue  # a handoff whose team is misspelt or missing may contract it
            reported.add((source, target))
            yield journey.finding(
                field,
                f"journey '{journey.id}' crosses from {org.display(source)} to "
                f"{org.display(target)} but no handoff contracts that boundary",
            )


@rule("BND003", "journey-owner", severity="error", blocks_stage=2)
def journey_owner(org: Org) -> Iterator[Hit]:
    """Every journey has one named person who owns the customer across it.

    A journey crosses several teams, and each team optimises its own step. Someone has to
    see the whole path the way the customer does, and be the one to call when it breaks. A
    team cannot be that someone: name a person.

    Fails:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      sales: {lead: ana}
    journeys:
      onboarding: {owner: sales, path: [sales]}
    ```

    Passes:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      sales: {lead: ana}
    journeys:
      onboarding: {owner: ana, path: [sales]}
    ```
    """
    for journey in org.journeys.values():
        if not journey.given("owner"):
            if journey.known("owner"):  # an empty owner is ORG002's to report
                yield journey.finding(None, f"journey '{journey.id}' has no named owner")
        elif journey.owner is not None and journey.owner.kind == "team":
            yield journey.finding(
                "owner",
                f"journey '{journey.id}' is owned by team {org.display(journey.owner)}; "
                "name the one person who owns the customer across it",
            )


@rule("BND004", "owner-overload", severity="warning", blocks_stage=4,
      options={"max": {"type": "integer", "min": 1, "default": 4}})
def owner_overload(org: Org, options: dict[str, Any]) -> Iterator[Hit]:
    """One person owns more boundaries than they can hold.

    A handoff owner is the one who notices and fixes what falls between two teams. When one
    person owns many boundaries, none gets real attention, and a single departure or holiday
    leaves them all unowned at once. Spread the ownership, or name more owners.

    Fails:

    ```yaml
    people:
      carla: {name: Carla Diaz}
    teams:
      a: {lead: carla}
      b: {lead: carla}
      c: {lead: carla}
    handoffs:
      a-to-b: {from: a, to: b, owner: carla}
      b-to-c: {from: b, to: c, owner: carla}
      c-to-a: {from: c, to: a, owner: carla}
      b-to-a: {from: b, to: a, owner: carla}
      c-to-b: {from: c, to: b, owner: carla}
    ```

    Passes:

    ```yaml
    people:
      carla: {name: Carla Diaz}
      dan: {name: Dan Okafor}
    teams:
      a: {lead: carla}
      b: {lead: carla}
      c: {lead: carla}
    handoffs:
      a-to-b: {from: a, to: b, owner: carla}
      b-to-c: {from: b, to: c, owner: carla}
      c-to-a: {from: c, to: a, owner: carla}
      b-to-a: {from: b, to: a, owner: dan}
      c-to-b: {from: c, to: b, owner: dan}
    ```
    """
    limit = options["max"]
    for person in org.people.values():
        owned = org.handoffs_owned.get(person.ref, ())
        if len(owned) > limit:
            names = ", ".join(sorted(handoff.id for handoff in owned))
            yield person.finding(
                None,
                f"{person.name} owns {len(owned)} handoffs ({names}), more than {limit}: "
                "one departure leaves them all unowned",
            )


@rule("BND005", "no-backup-owner", severity="info", blocks_stage=4)
def no_backup_owner(org: Org) -> Iterator[Hit]:
    """A boundary on a high-volume journey has a backup owner.

    On a high-volume journey, cases cross the boundary every day. When its only owner is
    away, nobody has the standing to unblock them, and the queue grows until they return. A
    named deputy keeps the boundary owned.

    Fails:

    ```yaml
    people:
      carla: {name: Carla Diaz}
    teams:
      sales: {lead: carla}
      delivery: {lead: carla}
    journeys:
      onboarding: {owner: carla, volume: high, path: [sales, delivery]}
    handoffs:
      sales-to-delivery: {from: sales, to: delivery, owner: carla}
    ```

    Passes:

    ```yaml
    people:
      carla: {name: Carla Diaz}
      dan: {name: Dan Okafor}
    teams:
      sales: {lead: carla}
      delivery: {lead: carla}
    journeys:
      onboarding: {owner: carla, volume: high, path: [sales, delivery]}
    handoffs:
      sales-to-delivery: {from: sales, to: delivery, owner: carla, backup_owner: dan}
    ```
    """
    for handoff in org.handoffs.values():
        if handoff.given("backup_owner") or not handoff.known("backup_owner"):
            continue
        busy = busy_journeys(org, handoff, ("high",))
        if busy:
            yield handoff.finding(
                None,
                f"{org.describe(handoff)} is on the {journeys_text(busy)} but has no backup owner",
            )


def busy_journeys(org: Org, handoff: Handoff, volumes: tuple[str, ...]) -> list[Journey]:
    """The journeys of those volumes whose path crosses the handoff's boundary, by id."""
    journeys = org.journeys_through(handoff)
    return sorted((journey for journey in journeys if journey.volume in volumes),
                  key=lambda journey: journey.id)


def journeys_text(journeys: list[Journey]) -> str:
    """`high-volume journey 'onboarding'`, `medium- and high-volume journeys 'a', 'b'`."""
    volumes = [level for level in ("low", "medium", "high")
               if any(journey.volume == level for journey in journeys)]
    volume = "- and ".join(volumes) + "-volume"
    names = ", ".join(f"'{journey.id}'" for journey in journeys)
    return f"{volume} journey {names}" if len(journeys) == 1 else f"{volume} journeys {names}"


@rule("BND006", "journey-sprawl", severity="warning", blocks_stage=4,
      options={"max_teams": {"type": "integer", "min": 2, "default": 4}})
def journey_sprawl(org: Org, options: dict[str, Any]) -> Iterator[Hit]:
    """A journey passes through more teams than a customer should have to meet.

    Every team on a journey's path adds a boundary, and every boundary adds a wait, a
    handoff and a chance to drop context. Past a handful of teams, the journey is shaped by
    the org chart rather than by the customer. Merge steps, or give one team more of the path.

    Fails:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      a: {lead: ana}
      b: {lead: ana}
      c: {lead: ana}
      d: {lead: ana}
      e: {lead: ana}
    journeys:
      onboarding: {owner: ana, path: [a, b, c, d, e]}
    ```

    Passes:

    ```yaml
    people:
      ana: {name: Ana Ruiz}
    teams:
      a: {lead: ana}
      b: {lead: ana}
      c: {lead: ana}
    journeys:
      onboarding: {owner: ana, path: [a, b, c, a]}
    ```
    """
    limit = options["max_teams"]
    for journey in org.journeys.values():
        teams = list(dict.fromkeys(journey.path))
        if len(teams) > limit:
            names = ", ".join(org.display(team) for team in teams)
            yield journey.finding(
                "path",
                f"journey '{journey.id}' touches {len(teams)} teams ({names}); "
                f"a customer meets more than {limit} teams on one journey",
            )


@rule("BND007", "handoff-within-a-team", severity="error", blocks_stage=3)
def handoff_within_a_team(org: Org) -> Iterator[Hit]:
    """A handoff goes from a team to the same team.

    A handoff is the contract at a boundary between two teams; one whose `from` and `to` name
    the same team crosses no boundary, so no rule can judge its owner, governance or incentives
    (and its messages read as nonsense). It is usually a typo in `from` or `to`; work that
    stays inside one team needs no handoff.

    Fails:

    ```yaml
    people:
      carla: {name: Carla Diaz}
    teams:
      sales: {lead: carla}
    handoffs:
      sales-to-delivery: {from: sales, to: sales, owner: carla}
    ```

    Passes:

    ```yaml
    people:
      carla: {name: Carla Diaz}
    teams:
      sales: {lead: carla}
      delivery: {lead: carla}
    handoffs:
      sales-to-delivery: {from: sales, to: delivery, owner: carla}
    ```
    """
    for handoff in org.handoffs.values():
        if handoff.source is not None and handoff.source == handoff.target:
            yield handoff.finding(
                "to", f"handoff '{handoff.id}' goes from {org.display(handoff.source)} to "
                      f"{org.display(handoff.target)}: a handoff crosses a boundary between two "
                      "teams; name the receiving team in 'to'")
