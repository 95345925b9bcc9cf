"""FBK: every journey and boundary is looked at, often enough, by everyone it crosses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from orglint import Hit, rule
from orglint.model import CADENCES, Org, Ref

from .structure import unsettled_teams

CADENCE_RANK = {cadence: rank for rank, cadence in enumerate(CADENCES)}  # higher meets less often


@rule("FBK001", "journey-without-review", severity="warning", blocks_stage=4)
def journey_without_review(org: Org) -> Iterator[Hit]:
    """No review covers a journey.

    A journey nobody reviews only improves by accident: problems at its boundaries are met
    one case at a time and never become a pattern anyone acts on. A recurring review that
    covers the journey is the feedback loop that learns from it.

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
    reviews:
      monthly-cx: {cadence: monthly, attendees: [sales], covers: [onboarding]}
    ```
    """
    unsure: bool | None = None
    for journey in org.journeys.values():
        if not org.reviews_covering.get(journey.ref):
            if unsure is None:  # a journey misspelt in a review's covers may be this one
                unsure = not all(review.known("covers") for review in org.reviews.values())
            if not unsure:
                yield journey.finding(None, f"no review covers {journey.titled}")


@rule("FBK002", "review-cadence", severity="warning", blocks_stage=4,
      options={"max_cadence": {"type": "string", "allowed": list(CADENCES), "default": "monthly"}})
def review_cadence(org: Org, options: dict[str, Any]) -> Iterator[Hit]:
    """A review meets less often than `max_cadence`.

    A loop that closes once a quarter learns four times a year: by the time a problem is
    discussed, the customers it hurt have gone. Meet at least as often as `max_cadence`.

    Fails:

    ```yaml
    reviews:
      qbr: {cadence: quarterly}
    ```

    Passes:

    ```yaml
    reviews:
      monthly-cx: {cadence: monthly}
    ```
    """
    limit = options["max_cadence"]
    for review in org.reviews.values():
        rank = CADENCE_RANK.get(review.cadence or "")
        if rank is not None and rank > CADENCE_RANK[limit]:
            yield review.finding(
                "cadence", f"review '{review.id}' meets {review.cadence}, less often than {limit}",
            )


@rule("FBK003", "review-without-outcomes", severity="warning", blocks_stage=4)
def review_without_outcomes(org: Org) -> Iterator[Hit]:
    """A review looks at no `outcome` metric.

    A review fed only output and handoff figures discusses how busy the teams were, not what
    the customer got. At least one outcome metric among its inputs keeps the customer in the
    room.

    Fails:

    ```yaml
    teams:
      sales: {}
      delivery: {}
    metrics:
      deals-closed: {type: output, rewards: [sales], downstream: [delivery]}
    reviews:
      monthly-cx: {cadence: monthly, inputs: [deals-closed]}
    ```

    Passes:

    ```yaml
    teams:
      sales: {}
    metrics:
      customer-effort: {type: outcome, downstream: [sales]}
    reviews:
      monthly-cx: {cadence: monthly, inputs: [customer-effort]}
    ```
    """
    for review in org.reviews.values():
        inputs = [org.metrics[ref.id] for ref in review.inputs]
        if any(metric.type == "outcome" for metric in inputs):
            continue
        if not review.known("inputs") or not all(metric.known("type") for metric in inputs):
            continue  # an input misspelt, or one whose type is not known, may be an outcome
        yield review.finding(review.at("inputs"),
                             f"review '{review.id}' has no outcome metric among its inputs")


@rule("FBK004", "review-not-cross-functional", severity="warning", blocks_stage=4)
def review_not_cross_functional(org: Org) -> Iterator[Hit]:
    """A review's attendees miss teams on the journeys it covers.

    The causes of a journey's problems sit at its boundaries, and a boundary can only be
    fixed with both teams in the room. Every team on the path of a covered journey attends,
    directly or through one of its people.

    Fails:

    ```yaml
    teams:
      sales: {}
      delivery: {}
    journeys:
      onboarding: {path: [sales, delivery]}
    reviews:
      monthly-cx: {cadence: monthly, attendees: [sales], covers: [onboarding]}
    ```

    Passes:

    ```yaml
    people:
      dan: {name: Dan Okafor}
    teams:
      sales: {}
      delivery: {members: [dan]}
    journeys:
      onboarding: {path: [sales, delivery]}
    reviews:
      monthly-cx: {cadence: monthly, attendees: [sales, dan], covers: [onboarding]}
    ```
    """
    unsettled: frozenset[Ref] | None = None
    for review in org.reviews.values():
        present = {team.ref for ref in review.attendees for team in org.teams_of(ref)}
        missing = [ref for journey in dict.fromkeys(review.covers)
                   for ref in org.journeys[journey.id].path if ref not in present]
        if not missing:
            continue
        if not review.known("attendees"):
            continue  # an attendee misspelt may be the team, or one of its people
        if any(ref.kind == "person" for ref in review.attendees):
            if unsettled is None:
                unsettled = unsettled_teams(org)
            # a person who attends may be in a team whose people are not known
            missing = [ref for ref in missing if ref not in unsettled]
            if not missing:
                continue
        missing = list(dict.fromkeys(missing))
        yield review.finding(
            review.at("attendees"),
            f"review '{review.id}' covers {org.names(dict.fromkeys(review.covers))} but "
            f"{org.names(missing)} "
            f"{'does' if len(missing) == 1 else 'do'} not attend",
        )


@rule("FBK005", "boundary-uninstrumented", severity="info", blocks_stage=4)
def boundary_uninstrumented(org: Org) -> Iterator[Hit]:
    """A handoff is measured by no metric (`measured_by`).

    A boundary nobody measures is invisible until it fails: latency, rework and dropped cases
    at the handoff show up later as someone else's problem. One `handoff` metric on the
    boundary makes its quality a number a review can look at.

    Fails:

    ```yaml
    teams:
      sales: {}
      delivery: {}
    handoffs:
      sales-to-delivery: {from: sales, to: delivery}
    ```

    Passes:

    ```yaml
    teams:
      sales: {}
      delivery: {}
    handoffs:
      sales-to-delivery: {from: sales, to: delivery, measured_by: [handoff-latency]}
    metrics:
      handoff-latency: {type: handoff, downstream: [sales-to-delivery]}
    ```
    """
    for handoff in org.handoffs.values():
        if not handoff.measured_by and handoff.known("measured_by"):
            yield handoff.finding(handoff.at("measured_by"),
                                  f"{org.describe(handoff)} is measured by no metric")


