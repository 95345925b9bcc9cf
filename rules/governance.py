"""GOV: the governance of a boundary matches the complexity of what crosses it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orglint import rule
from orglint.finding import Hit
from orglint.model import Handoff, Org

from .boundaries import describe

LEVEL_RANK = {"low": 0, "medium": 1, "high": 2}
RATE_OPTIONS: dict[str, dict[str, Any]] = {
    "high_rate": {"type": "number", "min": 0, "max": 1, "default": 0.2},
    "medium_rate": {"type": "number", "min": 0, "max": 1, "default": 0.05},
}


def implied_level(handoff: Handoff, options: dict[str, Any]) -> str | None:
    """The complexity the exception rate implies, if one is declared."""
    rate = handoff.exception_rate
    if rate is None:
        return None
    if rate >= options["high_rate"]:
        return "high"
    if rate >= options["medium_rate"]:
        return "medium"
    return "low"


def effective_level(handoff: Handoff, options: dict[str, Any]) -> str | None:
    """The higher of the declared complexity and the one the exception rate implies."""
    levels = [level for level in (handoff.complexity, implied_level(handoff, options))
              if level in LEVEL_RANK]
    return max(levels, key=LEVEL_RANK.__getitem__) if levels else None


def _missing(handoff: Handoff, needs: tuple[str, ...]) -> list[str]:
    governance = handoff.governance
    present = {
        "a decision maker": governance.decision_maker is not None,
        "an escalation path": bool(governance.escalation),
        "a written protocol": bool(governance.protocol),
    }
    return [need for need in needs if not present[need]]


@rule("GOV001", "governance-below-complexity", severity="error", blocks_stage=3,
      options=RATE_OPTIONS)
def governance_below_complexity(org: Org, options: dict[str, Any]) -> Iterator[Hit]:
    """A complex handoff is governed too lightly for what crosses it.

    Requisite variety: the more judgement a boundary needs, the more governance it needs.
    A high-complexity handoff (or one whose `exception_rate` is at least `high_rate`) needs
    a named decision maker for exceptions and an escalation path; a medium one needs a
    written protocol and an escalation path. Without them, every exception becomes a
    negotiation between two teams, and the customer waits.

    Fails:

    ```yaml
    people:
      dan: {name: Dan Okafor}
    teams:
      delivery: {lead: dan}
      billing: {lead: dan}
    handoffs:
      delivery-to-billing:
        from: delivery
        to: billing
        owner: dan
        complexity: high
    ```

    Passes:

    ```yaml
    people:
      dan: {name: Dan Okafor}
      maya: {name: Maya Chen}
    teams:
      delivery: {lead: dan}
      billing: {lead: dan}
    handoffs:
      delivery-to-billing:
        from: delivery
        to: billing
        owner: dan
        complexity: high
        governance:
          decision_maker: dan
          escalation: [dan, maya]
    ```
    """
    for handoff in org.handoffs.values():
        level = effective_level(handoff, options)
        if level == "high":
            missing = _missing(handoff, ("a decision maker", "an escalation path"))
        elif level == "medium":
            missing = _missing(handoff, ("a written protocol", "an escalation path"))
        else:
            continue
        if not missing:
            continue
        why = f"{level}-complexity"
        if handoff.exception_rate is not None and level != handoff.complexity:
            why += f" (exception rate {handoff.exception_rate:g})"
        field = "governance" if "governance" in handoff.raw else None
        lacking = " and no ".join(item.split(" ", 1)[1] for item in missing)
        yield handoff.finding(field, f"{describe(org, handoff)} is {why} but has no {lacking}")
