"""INC: every metric that pays a team rewards something downstream of that team."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from orglint import Hit, rule
from orglint.model import Metric, Org, Ref

from .structure import unsettled_teams


@rule("INC001", "metric-without-downstream", severity="error", blocks_stage=3, cost=2)
def metric_without_downstream(org: Org) -> Iterator[Hit]:
    """A metric names no downstream component whose outcome it includes.

    A metric that counts only a team's own output pays that team to push work across the
    boundary whatever state it is in. Naming the downstream teams, handoffs or journeys
    whose outcome the metric includes is how an incentive learns about the customer.

    Fails:

    ```yaml
    teams:
      sales: {}
    metrics:
      deals-closed: {type: output, rewards: [sales]}
    ```

    Passes:

    ```yaml
    teams:
      sales: {}
      delivery: {}
    metrics:
      deals-closed: {type: output, rewards: [sales], downstream: [delivery]}
    ```
    """
    for metric in org.metrics.values():
        if metric.downstream or not metric.known("downstream"):
            continue  # a dangling downstream is ORG003's to report, an empty one ORG002's
        rewards = ", ".join(org.display(ref) for ref in metric.rewards)
        # whom it pays, when every one of them is known
        paid = f" but pays {rewards}" if rewards and metric.known("rewards") else ""
        yield metric.finding(
            metric.at("downstream"),
            f"metric '{metric.id}' names no downstream component{paid}: it rewards local output "
            "only",
        )


def teams_rewarded(org: Org, refs: Iterable[Ref]) -> set[str]:
    """The ids of the teams a metric's rewards stand for: each team, and the teams of each
    person."""
    return {team.id for ref in refs for team in org.teams_of(ref)}


@rule("INC002", "local-downstream", severity="warning", blocks_stage=3)
def local_downstream(org: Org) -> Iterator[Hit]:
    """A metric's downstream names only the teams it rewards: still a local incentive.

    Declaring a team's own output as its downstream changes nothing: the metric still pays
    the team for what it produces, not for what the next team or the customer receives. The
    downstream must reach beyond the rewarded teams, to the team, handoff or journey that
    lives with the result.

    Fails:

    ```yaml
    teams:
      sales: {}
    metrics:
      deals-closed: {type: output, rewards: [sales], downstream: [sales]}
    ```

    Passes:

    ```yaml
    teams:
      sales: {}
      delivery: {}
    metrics:
      deals-closed: {type: output, rewards: [sales], downstream: [sales, delivery]}
    ```
    """
    for metric in org.metrics.values():
        if not metric.rewards or not metric.downstream or not metric.known("downstream"):
            continue  # a component misspelt may reach beyond the teams it rewards
        rewarded = teams_rewarded(org, metric.rewards)
        if all(ref.kind == "team" and ref.id in rewarded for ref in metric.downstream):
            yield metric.finding(
                "downstream",
                f"metric '{metric.id}' counts only {org.names(metric.downstream)}, which it "
                "rewards, as downstream: name the team, handoff or journey that receives the work",
            )


@rule("INC003", "handoff-quality-unrewarded", severity="warning", blocks_stage=3, cost=1)
def handoff_quality_unrewarded(org: Org) -> Iterator[Hit]:
    """The sending team of a handoff is paid by no metric that sees the other side.

    When nothing the sending team is rewarded for includes the receiving team, the handoff or
    the journey it lies on, the team is paid to throw work over the wall: quality at the
    boundary costs it effort and earns it nothing. A metric that rewards the sending team
    (or its people) and names the receiving side as downstream closes the gap.

    Fails:

    ```yaml
    people:
      carla: {name: Carla Diaz}
    teams:
      sales: {lead: carla}
      delivery: {}
      billing: {}
    handoffs:
      sales-to-delivery: {from: sales, to: delivery, owner: carla}
    metrics:
      deals-closed: {type: output, rewards: [sales], downstream: [billing]}
    ```

    Passes:

    ```yaml
    people:
      carla: {name: Carla Diaz}
    teams:
      sales: {lead: carla}
      delivery: {}
    handoffs:
      sales-to-delivery: {from: sales, to: delivery, owner: carla}
    metrics:
      clean-handovers: {type: handoff, rewards: [carla], downstream: [sales-to-delivery]}
    ```
    """
    # the metrics that reward each team, and the (metric, downstream component) pairs: each
    # as large as the metrics' own lists (the pairs of teams and components could be their
    # product: one metric that rewards every team and names every handoff)
    rewarding: dict[str, list[str]] = {}
    downstream: set[tuple[str, Ref]] = set()
    # what is not known (ORG002, ORG003) may hide a metric that pays the sending team and
    # names the other side: one whose downstream is not known or names a journey whose path
    # is not (any_side: it may name any side); one whose rewards are not known (wild: it may
    # pay any team); one that pays a person, who may be in a team whose people are not known
    open_journeys = {journey.ref for journey in org.journeys.values() if not journey.known("path")}
    any_side: set[str] = set()
    wild = _Doubt()
    paid_people = _Doubt()
    for metric in org.metrics.values():
        for team in teams_rewarded(org, metric.rewards):
            rewarding.setdefault(team, []).append(metric.id)
        downstream.update((metric.id, component) for component in metric.downstream)
        if not metric.known("downstream") or (open_journeys and any(
                component in open_journeys for component in metric.downstream)):
            any_side.add(metric.id)
        if not metric.known("rewards"):
            wild.add(metric, any_side)
        elif any(ref.kind == "person" for ref in metric.rewards):
            paid_people.add(metric, any_side)
    unsettled = unsettled_teams(org) if paid_people.sides or paid_people.anywhere else frozenset()
    for handoff in org.handoffs.values():
        if handoff.source is None or handoff.target is None or handoff.source == handoff.target:
            continue  # no boundary (BND007 reports a handoff within one team)
        sides = [handoff.target, handoff.ref,
                 *(journey.ref for journey in org.journeys_through(handoff))]
        paying = rewarding.get(handoff.source.id, ())
        if any((metric, side) in downstream for metric in paying for side in sides):
            continue
        if (any_side and any(metric in any_side for metric in paying)) or wild.sees(sides) \
                or (handoff.source in unsettled and paid_people.sees(sides)):
            continue  # a metric that pays the team may see the other side
        yield handoff.finding(
            None,
            f"{org.describe(handoff)}: no metric that rewards {org.display(handoff.source)} "
            f"names {org.display(handoff.target)}, this handoff or a journey it lies on as "
            "downstream",
        )


class _Doubt:
    """What metrics that may reward a team without saying so see downstream: the components
    they name, and whether one of them may see any side."""

    def __init__(self) -> None:
        self.sides: set[Ref] = set()
        self.anywhere = False

    def add(self, metric: Metric, any_side: set[str]) -> None:
        self.sides.update(metric.downstream)
        self.anywhere = self.anywhere or metric.id in any_side

    def sees(self, sides: list[Ref]) -> bool:
        """Whether one of those metrics may name one of ``sides`` as downstream."""
        return self.anywhere or (bool(self.sides) and any(side in self.sides for side in sides))


@rule("INC004", "metric-unmeasured", severity="warning", blocks_stage=4)
def metric_unmeasured(org: Org) -> Iterator[Hit]:
    """A metric has no owner or no source system it is measured from.

    A metric nobody owns drifts: its definition changes, nobody answers for a bad figure and
    nobody notices when it stops being reported. A metric without a source system is an
    opinion, measured by hand when someone remembers.

    Fails:

    ```yaml
    teams:
      sales: {}
      delivery: {}
    metrics:
      deals-closed: {type: output, rewards: [sales], downstream: [delivery]}
    ```

    Passes:

    ```yaml
    people:
      leo: {name: Leo Park}
    teams:
      sales: {lead: leo}
      delivery: {}
    systems:
      crm: {name: HubSpot}
    metrics:
      deals-closed:
        type: output
        owner: leo
        source: crm
        rewards: [sales]
        downstream: [delivery]
    ```
    """
    gaps = (("owner", "no owner", "nobody answers for the figure"),
            ("source", "no source system", "it is measured by hand"))
    for metric in org.metrics.values():
        missing = [(what, why) for field, what, why in gaps
                   if not metric.given(field) and metric.known(field)]
        if missing:
            has = " and ".join(what for what, _ in missing)
            because = " and ".join(why for _, why in missing)
            yield metric.finding(None, f"metric '{metric.id}' has {has}: {because}")


@rule("INC005", "journey-without-outcome", severity="warning", blocks_stage=4)
def journey_without_outcome(org: Org) -> Iterator[Hit]:
    """A journey has no `outcome` metric downstream of it.

    Output and handoff metrics say how each team did its part; only an outcome metric says
    whether the customer got what the journey promised. A journey no outcome metric includes
    can have every team green while the customer leaves.

    Fails:

    ```yaml
    teams:
      sales: {}
    journeys:
      onboarding: {path: [sales]}
    ```

    Passes:

    ```yaml
    teams:
      sales: {}
    journeys:
      onboarding: {path: [sales]}
    metrics:
      time-to-value: {type: outcome, rewards: [sales], downstream: [onboarding]}
    ```
    """
    unsure: bool | None = None
    for journey in org.journeys.values():
        metrics = org.metrics_downstream_of.get(journey.ref, ())
        if any(metric.type == "outcome" for metric in metrics):
            continue
        if not all(metric.known("type") for metric in metrics):
            continue  # a metric downstream of it whose type is not known may be an outcome
        if unsure is None:  # an outcome metric with a component misspelt may name this one
            unsure = any(not metric.known("downstream")
                         and (metric.type == "outcome" or not metric.known("type"))
                         for metric in org.metrics.values())
        if unsure:
            continue
        yield journey.finding(
            None, f"{journey.titled} has no outcome metric downstream of it: nothing "
            "measures what the customer gets from it",
        )
