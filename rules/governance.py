"""GOV: the governance of a boundary matches the complexity of what crosses it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orglint import Hit, rule
from orglint.model import LEVEL_RANK, Handoff, Metric, Org, Ref

from .boundaries import busy_journeys, journeys_text
from .structure import unsettled_teams

RECURRING = ("daily", "weekly")

# what GOV001 asks of a handoff -> the field that holds it
NEEDS = {"a decision maker": "governance.decision_maker",
         "an escalation path": "governance.escalation",
         "a written protocol": "governance.protocol"}


def _missing(handoff: Handoff, needs: tuple[str, ...]) -> list[str]:
    """The needs the handoff's governance leaves out; one whose field is not known (a decision
    maker misspelt, an empty protocol) is not said to be missing."""
    governance = handoff.governance
    present = {
        "a decision maker": governance.decision_maker is not None,
        "an escalation path": bool(governance.escalation),
        "a written protocol": bool(governance.protocol),
    }
    return [need for need in needs if not present[need] and handoff.known(NEEDS[need])]


def complexity_of(org: Org, handoff: Handoff) -> str | None:
    """The handoff's effective complexity, as ``Org.complexity_of`` says it, when it is known:
    None also when a field it follows from is not (a level or a rate the schema refuses, an
    empty one) and what the other says is less than high, the most either can say."""
    level = org.complexity_of(handoff)
    if level == "high" or (handoff.known("complexity") and handoff.known("exception_rate")):
        return level
    return None


@rule("GOV001", "governance-below-complexity", severity="error", blocks_stage=3)
def governance_below_complexity(org: Org) -> Iterator[Hit]:
    """A complex handoff is governed too lightly for what crosses it.

    Requisite variety: the more judgement a boundary needs, the more governance it needs.
    A high-complexity handoff (or one whose `exception_rate` is at least the config's
    `complexity.high_rate`, 0.2 by default) needs a named decision maker for exceptions and an
    escalation path; a medium one needs a written protocol and an escalation path. Without
    them, every exception becomes a negotiation between two teams, and the customer waits.

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
        level = complexity_of(org, handoff)
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
        lacking = " and no ".join(item.split(" ", 1)[1] for item in missing)
        yield handoff.finding(handoff.at("governance"),
                              f"{org.describe(handoff)} is {why} but has no {lacking}")


@rule("GOV002", "missing-protocol", severity="warning", blocks_stage=3)
def missing_protocol(org: Org) -> Iterator[Hit]:
    """A low-complexity handoff has a written protocol.

    A simple boundary needs little governance, but it needs the one thing that makes it
    simple: a written protocol that says what crosses, in what form and when. Without it,
    each case is handled from memory, and the routine work of one team becomes the rework of
    the next. Complexity is the declared one, or the one an `exception_rate` below the config's
    `complexity.medium_rate` (0.05 by default) implies.

    Fails:

    ```yaml
    people:
      dan: {name: Dan Okafor}
    teams:
      delivery: {lead: dan}
      billing: {lead: dan}
    handoffs:
      delivery-to-billing: {from: delivery, to: billing, owner: dan, complexity: low}
    ```

    Passes:

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
        complexity: low
        governance: {protocol: docs/handoffs/delivery-billing.md}
    ```
    """
    for handoff in org.handoffs.values():
        if not handoff.governance.protocol and complexity_of(org, handoff) == "low" \
                and handoff.known("governance.protocol"):
            yield handoff.finding(
                handoff.at("governance"),
                f"{org.describe(handoff)} is low-complexity but has no written protocol",
            )


@rule("GOV003", "governance-above-complexity", severity="info", blocks_stage=4)
def governance_above_complexity(org: Org) -> Iterator[Hit]:
    """A low-complexity handoff is governed more heavily than what crosses it.

    Governance has a cost: every decision maker and escalation level is a queue a case can
    wait in. A low-complexity boundary that requires a decision maker and more than two
    escalation levels spends that cost on cases a written protocol would settle. Keep the
    protocol, drop the hierarchy.

    Fails:

    ```yaml
    people:
      dan: {name: Dan Okafor}
      leo: {name: Leo Park}
      maya: {name: Maya Chen}
    teams:
      delivery: {lead: dan}
      billing: {lead: dan}
    handoffs:
      delivery-to-billing:
        from: delivery
        to: billing
        owner: dan
        complexity: low
        governance:
          protocol: docs/handoffs/delivery-billing.md
          decision_maker: dan
          escalation: [dan, leo, maya]
    ```

    Passes:

    ```yaml
    people:
      dan: {name: Dan Okafor}
      leo: {name: Leo Park}
    teams:
      delivery: {lead: dan}
      billing: {lead: dan}
    handoffs:
      delivery-to-billing:
        from: delivery
        to: billing
        owner: dan
        complexity: low
        governance:
          protocol: docs/handoffs/delivery-billing.md
          escalation: [dan, leo]
    ```
    """
    for handoff in org.handoffs.values():
        governance = handoff.governance
        if (governance.decision_maker is not None and len(governance.escalation) > 2
                and handoff.known("governance.escalation")
                and complexity_of(org, handoff) == "low"):
            yield handoff.finding(
                "governance.escalation",
                f"{org.describe(handoff)} is low-complexity yet requires a decision maker "
                f"({org.display(governance.decision_maker)}) and {len(governance.escalation)} "
                "escalation levels; a written protocol would do",
            )


@rule("GOV004", "complexity-understated", severity="warning", blocks_stage=3)
def complexity_understated(org: Org) -> Iterator[Hit]:
    """A handoff's declared complexity is lower than its exception rate shows.

    Governance is sized from the declared complexity, so an understated one leaves a
    boundary governed for the easy cases while a large share of its cases need judgement.
    An `exception_rate` of at least `medium_rate` means at least medium complexity, and of
    at least `high_rate` means high: both are set once for the whole org, in the config's
    `complexity` key (defaults 0.05 and 0.2), and GOV001-GOV004 all judge by them.

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
        complexity: low
        exception_rate: 0.3
    ```

    Passes:

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
        exception_rate: 0.3
    ```
    """
    for handoff in org.handoffs.values():
        declared, implied = handoff.complexity, org.implied_complexity(handoff)
        if declared not in LEVEL_RANK or implied is None:
            continue
        if LEVEL_RANK[implied] > LEVEL_RANK[declared]:
            yield handoff.finding(
                "complexity",
                f"{org.describe(handoff)} is declared {declared}-complexity but its exception "
                f"rate {handoff.exception_rate:g} implies {implied} "
                f"(from {org.complexity.threshold(implied):g})",
            )


@rule("GOV005", "escalation-path", severity="error", blocks_stage=3,
      options={"max_levels": {"type": "integer", "min": 1, "default": 3}})
def escalation_path(org: Org, options: dict[str, Any]) -> Iterator[Hit]:
    """An escalation path is an ordered list of distinct people, short enough to use.

    An escalation path says who takes the case when the level before cannot. A person named
    twice sends the case back to someone who already could not resolve it; an empty path
    promises an escalation that goes nowhere; a long one makes the customer wait at every
    level before anyone with authority sees the case.

    Fails:

    ```yaml
    people:
      carla: {name: Carla Diaz}
      dan: {name: Dan Okafor}
    teams:
      sales: {lead: carla}
      delivery: {lead: dan}
    handoffs:
      sales-to-delivery:
        from: sales
        to: delivery
        owner: carla
        governance:
          escalation: [carla, dan, carla]
    ```

    Passes:

    ```yaml
    people:
      carla: {name: Carla Diaz}
      dan: {name: Dan Okafor}
    teams:
      sales: {lead: carla}
      delivery: {lead: dan}
    handoffs:
      sales-to-delivery:
        from: sales
        to: delivery
        owner: carla
        governance:
          escalation: [carla, dan]
    ```
    """
    limit = options["max_levels"]
    for handoff in org.handoffs.values():
        written = handoff.slots("governance.escalation")
        if not written:
            if handoff.given("governance.escalation"):  # written, but as an empty list
                yield handoff.finding(
                    "governance.escalation",
                    f"escalation path of {org.describe(handoff)} names no one",
                )
            continue
        if len(written) > limit:
            yield handoff.finding(
                "governance.escalation",
                f"escalation path of {org.describe(handoff)} has {len(written)} levels, more "
                f"than {limit}: the customer waits at every level",
            )
        first_level: dict[Ref, int] = {}
        for slot in written:
            if slot.ref is None:
                continue
            index = slot.index or 0  # its place in the written list, dangling items counted
            if slot.ref in first_level:
                yield handoff.finding(
                    slot.field,
                    f"escalation path of {org.describe(handoff)} names {org.display(slot.ref)} "
                    f"twice (levels {first_level[slot.ref] + 1} and {index + 1})",
                )
            else:
                first_level[slot.ref] = index


@rule("GOV006", "founder-bottleneck", severity="warning", blocks_stage=4,
      options={"max": {"type": "integer", "min": 0, "default": 1}})
def founder_bottleneck(org: Org, options: dict[str, Any]) -> Iterator[Hit]:
    """The founder is not where every exception and recurring decision ends.

    In a founder-led firm, exceptions drift upward until they all wait for one calendar. The
    founder cannot be the decision maker or the final escalation of more than `max`
    boundaries, nor decide something that comes up daily or weekly, without becoming the
    bottleneck of the whole customer experience. Give those rights to the people nearer the work.

    Fails:

    ```yaml
    people:
      maya: {name: Maya Chen, founder: true}
    teams:
      support: {lead: maya}
    decisions:
      small-refund: {name: Refunds under 100 EUR, frequency: daily, decided_by: maya}
    ```

    Passes:

    ```yaml
    people:
      maya: {name: Maya Chen, founder: true}
      sam: {name: Sam Ito}
    teams:
      support: {lead: sam}
    decisions:
      small-refund: {name: Refunds under 100 EUR, frequency: daily, decided_by: support}
      pricing: {name: Pricing model, frequency: yearly, decided_by: maya}
    ```
    """
    founders = {person.ref: person for person in org.founders}
    if not founders:
        return
    ends: dict[Ref, list[tuple[Handoff, str, str]]] = {ref: [] for ref in founders}
    for handoff in org.handoffs.values():
        # the last level as written: one that dangles is not known, whoever resolved before it
        written = handoff.slots("governance.escalation")
        last = written[-1] if written else None
        final = last.ref if last is not None else None
        decision_maker = handoff.governance.decision_maker
        roles: dict[Ref, list[str]] = {}
        if decision_maker in ends:
            roles.setdefault(decision_maker, []).append("decision maker")
        if final in ends:
            roles.setdefault(final, []).append("final escalation")
        for founder, held in roles.items():
            field = ("governance.decision_maker" if decision_maker == founder
                     else last.field if last is not None else "governance.escalation")
            ends[founder].append((handoff, field, " and ".join(held)))
    limit = options["max"]
    for founder, ended in ends.items():
        name = founders[founder].name
        if len(ended) > limit:
            count = "1 boundary ends" if len(ended) == 1 else f"{len(ended)} boundaries end"
            for handoff, field, role in ended:
                yield handoff.finding(
                    field,
                    f"founder {name} is {role} on {org.describe(handoff)}; {count} at the "
                    f"founder, more than {limit}",
                )
        for decision in org.decisions_by.get(founder, ()):
            if decision.frequency in RECURRING:
                yield decision.finding(
                    "decided_by",
                    f"founder {name} decides {decision.titled}, which comes up "
                    f"{decision.frequency}; delegate it",
                )


@rule("GOV007", "decision-bottleneck", severity="warning", blocks_stage=4)
def decision_bottleneck(org: Org) -> Iterator[Hit]:
    """A decision that comes up daily or weekly is made by the frontstage teams that meet it.

    A frequent decision made far from where it arises turns every occurrence into a wait: the
    case goes up, queues, and comes back down while the customer holds. Push the decision
    right to the frontstage team that meets it (the `raised_by` teams when given), with a
    protocol for the exceptions.

    Fails:

    ```yaml
    people:
      fin: {name: Fiona Brandt}
    teams:
      support: {lead: fin, layer: frontstage}
      finance: {lead: fin, layer: backstage}
    decisions:
      small-refund: {name: Refunds under 100 EUR, frequency: daily, decided_by: finance}
    ```

    Passes:

    ```yaml
    people:
      fin: {name: Fiona Brandt}
    teams:
      support: {lead: fin, layer: frontstage}
      finance: {lead: fin, layer: backstage}
    decisions:
      small-refund: {name: Refunds under 100 EUR, frequency: daily, decided_by: support}
    ```
    """
    # the teams whose people are not known: a deciding person may be in any of them
    unsettled: frozenset[Ref] | None = None
    unsettled_front = False  # one of them is (or may be) frontstage
    for decision in org.decisions.values():
        decider = decision.decided_by
        if decision.frequency not in RECURRING or decider is None:
            continue
        if not decision.known("raised_by"):
            continue  # a team that raises it is misspelt: it may be the decider's
        if decider.kind == "person":
            if unsettled is None:
                unsettled = unsettled_teams(org)
                unsettled_front = any(org.teams[ref.id].layer == "frontstage"
                                      or not org.teams[ref.id].known("layer")
                                      for ref in unsettled)
            if (any(ref in unsettled for ref in decision.raised_by) if decision.raised_by
                    else unsettled_front):
                continue
        teams = {team.ref for team in org.teams_of(decider)}
        who = org.display(decider)
        opening = f"{decision.titled} comes up {decision.frequency} but is decided by {who}"
        if decision.raised_by:
            meeting = set(decision.raised_by)
            if not teams & meeting:
                raisers = list(dict.fromkeys(decision.raised_by))
                names = " and ".join(org.display(team) for team in raisers)
                those = "the team that meets it" if len(raisers) == 1 else "the teams that meet it"
                yield decision.finding(
                    "decided_by", f"{opening}, outside {names}, {those}; push the right down",
                )
        elif not any(team.layer == "frontstage" for team in org.teams_of(decider)):
            if not all(team.known("layer") for team in org.teams_of(decider)):
                continue  # a layer the schema refuses may have meant frontstage
            where = ("which is not a frontstage team" if decider.kind == "team"
                     else "who is in no frontstage team")
            yield decision.finding(
                "decided_by",
                f"{opening}, {where}; give the right to the frontstage team that meets it",
            )


@rule("GOV008", "sla-missing", severity="warning", blocks_stage=4)
def sla_missing(org: Org) -> Iterator[Hit]:
    """A handoff on a medium- or high-volume journey has an SLA.

    When many cases cross a boundary, both teams need to know how fast the receiving side
    acknowledges and completes them. Without an SLA there is no shared definition of late, so
    delays go unnoticed until the customer complains.

    Fails:

    ```yaml
    people:
      carla: {name: Carla Diaz}
    teams:
      sales: {lead: carla}
      delivery: {lead: carla}
    journeys:
      onboarding: {owner: carla, volume: medium, path: [sales, delivery]}
    handoffs:
      sales-to-delivery: {from: sales, to: delivery, owner: carla}
    ```

    Passes:

    ```yaml
    people:
      carla: {name: Carla Diaz}
    teams:
      sales: {lead: carla}
      delivery: {lead: carla}
    journeys:
      onboarding: {owner: carla, volume: medium, path: [sales, delivery]}
    handoffs:
      sales-to-delivery:
        from: sales
        to: delivery
        owner: carla
        sla: {acknowledge: 4h, complete: 2d}
    ```
    """
    for handoff in org.handoffs.values():
        if handoff.sla or not handoff.known("sla"):
            continue
        busy = busy_journeys(org, handoff, ("medium", "high"))
        if busy:
            yield handoff.finding(
                handoff.at("sla"),
                f"{org.describe(handoff)} is on the {journeys_text(busy)} but has no SLA",
            )


@rule("GOV009", "sla-unmeasured", severity="warning", blocks_stage=4)
def sla_unmeasured(org: Org) -> Iterator[Hit]:
    """An SLA is measured by a handoff metric.

    An SLA nobody measures is a wish: the teams cannot see whether it holds, and the first
    sign of a breach is a customer complaint. A metric of type `handoff` in `measured_by`
    (or one whose `downstream` names the handoff) makes the promise visible.

    Fails:

    ```yaml
    people:
      carla: {name: Carla Diaz}
    teams:
      sales: {lead: carla}
      delivery: {lead: carla}
    handoffs:
      sales-to-delivery:
        from: sales
        to: delivery
        owner: carla
        sla: {acknowledge: 4h}
    ```

    Passes:

    ```yaml
    people:
      carla: {name: Carla Diaz}
    teams:
      sales: {lead: carla}
      delivery: {lead: carla}
    handoffs:
      sales-to-delivery:
        from: sales
        to: delivery
        owner: carla
        sla: {acknowledge: 4h}
        measured_by: [handoff-latency]
    metrics:
      handoff-latency: {type: handoff, owner: carla, downstream: [delivery]}
    ```
    """
    unsure: bool | None = None
    for handoff in org.handoffs.values():
        if not handoff.sla:
            continue
        measuring = [org.metrics[ref.id] for ref in handoff.measured_by]
        downstream = org.metrics_downstream_of.get(handoff.ref, ())
        if any(metric.type == "handoff" for metric in (*measuring, *downstream)):
            continue
        if not handoff.known("measured_by") \
                or not all(metric.known("type") for metric in (*measuring, *downstream)):
            continue  # a metric misspelt, or one whose type is not known, may be one
        if unsure is None:
            unsure = any(_may_measure(metric) for metric in org.metrics.values())
        if unsure:
            continue
        message = f"{org.describe(handoff)} has an SLA but no handoff metric measures it"
        if measuring:
            kinds = ", ".join(f"'{metric.id}' is an {metric.type} metric" for metric in measuring)
            message += f" ({kinds})"
        yield handoff.finding(handoff.at("measured_by") or "sla", message)


def _may_measure(metric: Metric) -> bool:
    """Whether a metric may measure a handoff it does not name: a handoff metric (or one whose
    type is not known) whose `downstream` holds a reference that is not known."""
    return not metric.known("downstream") and (metric.type == "handoff"
                                               or not metric.known("type"))
