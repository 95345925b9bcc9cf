"""BND: every boundary between teams is designed, contracted and owned by a named person."""

from __future__ import annotations

from collections.abc import Iterator

from orglint import rule
from orglint.finding import Hit
from orglint.model import Handoff, Org


def describe(org: Org, handoff: Handoff) -> str:
    """`handoff 'scope-change' (Delivery -> Billing)` for messages."""
    return f"handoff '{handoff.id}' ({org.display(handoff.source)} -> {org.display(handoff.target)})"


@rule("BND001", "handoff-owner", severity="error", blocks_stage=3)
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
        if handoff.raw.get("owner") is None:
            yield handoff.finding(None, f"{describe(org, handoff)} has no named owner")
        elif handoff.owner is not None and handoff.owner.kind == "team":
            yield handoff.finding(
                "owner",
                f"{describe(org, handoff)} is owned by team '{handoff.owner.id}'; "
                "name the one person who owns it",
            )
