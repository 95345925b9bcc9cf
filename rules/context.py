"""CTX: context travels with the customer across every boundary of a journey."""

from __future__ import annotations

from collections.abc import Iterator

from orglint import Hit, rule
from orglint.model import Org, Ref, System


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
    holds = _holds_of(org)
    for journey in org.journeys.values():
        reported: set[str] = set()
        for _, source, target in journey.boundaries():
            pair = (source, target)
            if pair not in carried:
                carried[pair] = {item for handoff in org.handoffs_at(source, target)
                                 for item in handoff.carries}
                shared[pair] = [holds[system.id]
                                for system in org.shared_systems(source, target)]
            for index, item in enumerate(journey.context):
                if item in reported or item in carried[pair] \
                        or any(item in held for held in shared[pair]):
                    continue
                reported.add(item)
                yield journey.finding(
                    f"context.{index}",
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
        yield journey.finding(
            "path",
            f"{journey.titled}: {org.names(dict.fromkeys(journey.path))} share no system "
            f"that holds any of its context ({', '.join(journey.context)})",
        )


def _holds_of(org: Org) -> dict[str, frozenset[str]]:
    """What each system holds, by system id, as a set."""
    return {ident: frozenset(system.holds) for ident, system in org.systems.items()}
