"""CTX: context travels with the customer across every boundary of a journey."""

from __future__ import annotations

from collections.abc import Iterator

from orglint import Hit, rule
from orglint.model import Handoff, Journey, Org, Ref, System

from .boundaries import OpenEnds


@rule("CTX001", "context-dropped", severity="error", blocks_stage=3)
def context_dropped(org: Org) -> Iterator[Hit]:
    """An item of a journey's context is lost at a boundary on its path.

    What the customer told one team has to reach every team after it: either the handoff
    carries it (`carries`), or it lives in a system both teams of the boundary work in
    (`holds`). Otherwise the next team asks the customer again, or guesses.

    Fails:

    ```yaml
    teams:
      sales: {}
      delivery: {}
    journeys:
      onboarding: {path: [sales, delivery], context: [scope]}
    handoffs:
      sales-to-delivery: {from: sales, to: delivery, carries: [customer_id]}
    ```

    Passes:

    ```yaml
    teams:
      sales: {systems: [crm]}
      delivery: {systems: [crm]}
    systems:
      crm: {holds: [scope]}
    journeys:
      onboarding: {path: [sales, delivery], context: [scope]}
    handoffs:
      sales-to-delivery: {from: sales, to: delivery, carries: [customer_id]}
    ```
    """
    # what each boundary carries, found per item a journey asks about: a system every team
    # uses may hold more items than all the journeys name
    carried: dict[tuple[Ref, Ref], set[str]] = {}  # by the handoffs of the pair
    shared: dict[tuple[Ref, Ref], list[frozenset[str]]] = {}  # held by systems both use
    # what may cross each pair unseen, where a handoff, system or team has a field ORG002 or
    # ORG003 reports: None when anything may, else the items that may (most often none)
    unsure: dict[tuple[Ref, Ref], set[str] | None] = {}
    holds = _holds_of(org)
    doubt: _Doubt | None = None
    for journey in org.journeys.values():
        reported: set[str] = set()
        for _, source, target in journey.boundaries():
            pair = (source, target)
            if pair not in carried:
                handoffs = org.handoffs_at(source, target)
                carried[pair] = {item for handoff in handoffs for item in handoff.carries}
                systems = org.shared_systems(source, target)
                shared[pair] = [holds[system.id] for system in systems]
                if doubt is None:
                    doubt = _Doubt(org)
                unsure[pair] = doubt.at(source, target, handoffs, systems)
            places: dict[str, int] | None = None
            for index, item in enumerate(journey.context):
                if item in reported or item in carried[pair] \
                        or any(item in held for held in shared[pair]):
                    continue
                maybe = unsure[pair]
                if maybe is None or item in maybe:
                    continue  # it may cross in what is not known
                reported.add(item)
                if places is None:
                    places = _places(journey)
                yield journey.finding(
                    f"context.{places.get(item, index)}",
                    f"{journey.titled}: context '{item}' is dropped between "
                    f"{org.display(source)} and {org.display(target)}: no handoff carries it "
                    "and no system both teams use holds it",
                )


@rule("CTX002", "information-silo", severity="warning", blocks_stage=4)
def information_silo(org: Org) -> Iterator[Hit]:
    """The teams on a journey share no system that holds any of its context.

    When every team keeps the customer's story in its own tool, context only travels as far
    as each handoff remembers to carry it, and nobody sees the whole journey. One system that
    every team on the path works in, holding the journey's context, is the shared memory.

    Fails:

    ```yaml
    teams:
      sales: {systems: [crm]}
      delivery: {systems: [tracker]}
    systems:
      crm: {holds: [scope]}
      tracker: {holds: [scope]}
    journeys:
      onboarding: {path: [sales, delivery], context: [scope]}
    ```

    Passes:

    ```yaml
    teams:
      sales: {systems: [crm]}
      delivery: {systems: [crm, tracker]}
    systems:
      crm: {holds: [scope]}
      tracker: {}
    journeys:
      onboarding: {path: [sales, delivery], context: [scope]}
    ```
    """
    holds = _holds_of(org)
    unowned: list[System] | None = None
    for journey in org.journeys.values():
        teams = list(dict.fromkeys(journey.path))
        if len(teams) < 2 or not journey.context:
            continue
        context = set(journey.context)
        common: frozenset[System] = org.systems_of_team.get(teams[0], frozenset())
        for team in teams[1:]:
            common &= org.systems_of_team.get(team, frozenset())
        # set against set: the smaller is walked (a system may hold far more than a journey)
        if any(not context.isdisjoint(holds[system.id]) for system in common):
            continue
        # what is not known (ORG002, ORG003) may be a system they share that holds it: an
        # item of the context, a system of a team or what a shared system holds, or a system
        # one of them works in whose owner (maybe another of them) is not known
        if not journey.known("context") \
                or not all(org.teams[ref.id].known("systems") for ref in teams) \
                or not all(system.known("holds") for system in common):
            continue
        if unowned is None:
            unowned = [system for system in org.systems.values() if not system.known("owner")]
        if any((not system.known("holds") or not context.isdisjoint(system.holds))
               and any(system in org.systems_of_team.get(ref, ()) for ref in teams)
               for system in unowned):
            continue
        yield journey.finding(
            "path",
            f"{journey.titled}: {org.names(dict.fromkeys(journey.path))} share no system "
            f"that holds any of its context ({', '.join(journey.context)})",
        )


class _Doubt:
    """What may cross a boundary without the org showing it, where a field ORG002 or ORG003
    reports is not known: a handoff whose team is misspelt may be at the boundary, a handoff
    or shared system may carry or hold more, a team may work in a system misspelt, a system
    whose owner is misspelt may be shared."""

    def __init__(self, org: Org) -> None:
        self.org = org
        self.ends = OpenEnds(org)
        self.unowned = [system for system in org.systems.values() if not system.known("owner")]

    def at(self, source: Ref, target: Ref, handoffs: tuple[Handoff, ...],
           systems: frozenset[System]) -> set[str] | None:
        """None when anything may cross from ``source`` to ``target`` unseen; else the items
        that may (most often none)."""
        org = self.org
        maybe: set[str] = set()
        for handoff in (*handoffs, *self.ends.at(source, target)):
            if not handoff.known("carries"):
                return None
            if handoff.source is None or handoff.target is None:
                maybe.update(handoff.carries)
        if not (org.teams[source.id].known("systems") and org.teams[target.id].known("systems")):
            return None
        if not all(system.known("holds") for system in systems):
            return None
        for system in self.unowned:
            if system in org.systems_of_team.get(source, ()) \
                    or system in org.systems_of_team.get(target, ()):
                if not system.known("holds"):
                    return None
                maybe.update(system.holds)
        return maybe


def _places(journey: Journey) -> dict[str, int]:
    """Each item of a journey's context -> its first place in the written list, which differs
    from its place among the items read when one before it is not read (ORG002)."""
    if journey.known("context"):
        return {}
    written = journey.written("context")
    places: dict[str, int] = {}
    for index, item in enumerate(written if isinstance(written, list) else ()):
        if isinstance(item, str):
            places.setdefault(item, index)
    return places


def _holds_of(org: Org) -> dict[str, frozenset[str]]:
    """What each system holds, by system id, as a set."""
    return {ident: frozenset(system.holds) for ident, system in org.systems.items()}
