"""RAC: every activity has one accountable person, someone doing it, and the right people told."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from orglint import Hit, rule
from orglint.model import Activity, Org, Raci, Ref


def activities(org: Org) -> Iterator[tuple[Raci, Activity]]:
    """Every activity of every RACI table."""
    for raci in org.raci.values():
        for activity in raci.activities:
            yield raci, activity


@rule("RAC001", "accountable-count", severity="error", blocks_stage=3)
def accountable_count(org: Org) -> Iterator[Hit]:
    """An activity has no accountable person (A), or more than one.

    Accountability that is not written down defaults to whoever is most senior, or to nobody;
    accountability that is shared is accountability nobody has. Each activity has exactly one
    A, the one who answers for the result and signs it off.

    Fails:

    ```yaml
    people:
      dan: {name: Dan Okafor}
      leo: {name: Leo Park}
    raci:
      scope-change:
        activities:
          - {activity: Approve the change, R: [dan], A: [dan, leo]}
    ```

    Passes:

    ```yaml
    people:
      dan: {name: Dan Okafor}
      leo: {name: Leo Park}
    raci:
      scope-change:
        activities:
          - {activity: Approve the change, R: [dan], A: leo}
    ```
    """
    for raci, activity in activities(org):
        if not activity.known("A"):
            continue  # one misspelt may be another, or the only one: ORG003 reports it
        accountable = activity.named("A")
        if not accountable:
            yield raci.finding(activity.place,
                               f"{activity.label} has no accountable person (A)")
        elif len(accountable) > 1:
            refs = [item for item in accountable if isinstance(item, Ref)]
            who = org.names(refs) if len(refs) == len(accountable) else ", ".join(
                item.id if isinstance(item, Ref) else item for item in accountable)
            yield raci.finding(
                f"{activity.place}.A",
                f"{activity.label} has {len(accountable)} accountable (A): {who}; "
                "name exactly one",
            )


@rule("RAC002", "responsible-missing", severity="error", blocks_stage=3)
def responsible_missing(org: Org) -> Iterator[Hit]:
    """An activity has nobody responsible (R) for doing the work.

    An accountable person with nobody named to do the work either does it alone or assumes
    someone else will. Naming who is responsible is what turns a decision into an activity
    somebody performs.

    Fails:

    ```yaml
    people:
      leo: {name: Leo Park}
    raci:
      scope-change:
        activities:
          - {activity: Approve the change, A: leo}
    ```

    Passes:

    ```yaml
    people:
      leo: {name: Leo Park}
    teams:
      delivery: {}
    raci:
      scope-change:
        activities:
          - {activity: Approve the change, R: [delivery], A: leo}
    ```
    """
    for raci, activity in activities(org):
        if not activity.named("R") and activity.known("R"):
            yield raci.finding(activity.place, f"{activity.label} has nobody responsible (R)")


@rule("RAC003", "accountable-not-person", severity="warning", blocks_stage=3)
def accountable_not_person(org: Org) -> Iterator[Hit]:
    """The accountable (A) of an activity is a team, not a person.

    A team cannot be asked why, cannot sign off and cannot be missed: accountability given to
    a team lands on nobody in particular. Name the one person who answers for the result;
    the team can be responsible (R).

    Fails:

    ```yaml
    teams:
      delivery: {}
    raci:
      scope-change:
        activities:
          - {activity: Approve the change, R: [delivery], A: delivery}
    ```

    Passes:

    ```yaml
    people:
      dan: {name: Dan Okafor}
    teams:
      delivery: {lead: dan}
    raci:
      scope-change:
        activities:
          - {activity: Approve the change, R: [delivery], A: dan}
    ```
    """
    for raci, activity in activities(org):
        seen: set[Ref] = set()
        for slot in activity.cell("A"):  # each team once, where it is first named
            if slot.ref is None or slot.ref in seen:
                continue
            seen.add(slot.ref)
            if slot.ref.kind == "team":
                yield raci.finding(
                    slot.field,
                    f"{activity.label} is accountable to team {org.display(slot.ref)}; "
                    "name the one person who answers for it",
                )


@rule("RAC004", "too-many-consulted", severity="warning", blocks_stage=4,
      options={"max": {"type": "integer", "min": 0, "default": 4}})
def too_many_consulted(org: Org, options: dict[str, Any]) -> Iterator[Hit]:
    """An activity consults more than `max` people or teams (C).

    Everyone consulted is a conversation before the work can move: past a handful, an
    activity waits on a committee and nobody knows whose view decides. Consult the few whose
    input changes the result, and inform (I) the rest.

    Fails:

    ```yaml
    people:
      leo: {name: Leo Park}
    teams:
      sales: {}
      delivery: {}
      billing: {}
      legal: {}
      finance: {}
    raci:
      scope-change:
        activities:
          - activity: Approve the change
            R: [delivery]
            A: leo
            C: [sales, delivery, billing, legal, finance]
    ```

    Passes:

    ```yaml
    people:
      leo: {name: Leo Park}
    teams:
      sales: {}
      delivery: {}
      billing: {}
      legal: {}
      finance: {}
    raci:
      scope-change:
        activities:
          - activity: Approve the change
            R: [delivery]
            A: leo
            C: [billing, legal]
            I: [sales, finance]
    ```
    """
    for raci, activity in activities(org):
        consulted = activity.named("C")
        if len(consulted) > options["max"] and activity.known("C"):
            yield raci.finding(
                f"{activity.place}.C",
                f"{activity.label} consults {len(consulted)}, more than "
                f"{options['max']}: keep those whose input changes the result, inform the rest",
            )


@rule("RAC005", "accountable-overload", severity="warning", blocks_stage=4,
      options={"max": {"type": "integer", "min": 1, "default": 6}})
def accountable_overload(org: Org, options: dict[str, Any]) -> Iterator[Hit]:
    """One person is accountable (A) for more than `max` activities.

    A person who signs off everything becomes the queue every activity waits in, and the
    single point of failure when they are away. Spread accountability to the people closest
    to the work.

    Fails:

    ```yaml
    people:
      maya: {name: Maya Chen}
    raci:
      everything:
        activities:
          - {activity: Quote, R: [maya], A: maya}
          - {activity: Sign, R: [maya], A: maya}
          - {activity: Plan, R: [maya], A: maya}
          - {activity: Deliver, R: [maya], A: maya}
          - {activity: Invoice, R: [maya], A: maya}
          - {activity: Collect, R: [maya], A: maya}
          - {activity: Renew, R: [maya], A: maya}
    ```

    Passes:

    ```yaml
    people:
      maya: {name: Maya Chen}
      leo: {name: Leo Park}
    raci:
      everything:
        activities:
          - {activity: Quote, R: [leo], A: leo}
          - {activity: Sign, R: [maya], A: maya}
          - {activity: Plan, R: [maya], A: maya}
          - {activity: Deliver, R: [maya], A: maya}
          - {activity: Invoice, R: [maya], A: maya}
          - {activity: Collect, R: [maya], A: maya}
          - {activity: Renew, R: [maya], A: maya}
    ```
    """
    load: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for raci, activity in activities(org):
        for ref in dict.fromkeys(activity.A):
            if ref.kind == "person":
                load[ref.id][raci.id] += 1
    for person, tables in load.items():
        total = sum(tables.values())
        if total > options["max"]:
            where = ", ".join(f"{raci} ({count})" for raci, count in tables.items())
            yield org.people[person].finding(
                None,
                f"{org.display(Ref('person', person))} is accountable (A) for {total} "
                f"activities, more than {options['max']}: {where}",
            )


@rule("RAC006", "silent-activity", severity="info", blocks_stage=4)
def silent_activity(org: Org) -> Iterator[Hit]:
    """An activity consults nobody (C) and informs nobody (I).

    An activity nobody hears about happens in a silo: the teams it affects learn of the
    result when the customer tells them. Most activities have someone who should at least be
    informed.

    Fails:

    ```yaml
    people:
      leo: {name: Leo Park}
    raci:
      scope-change:
        activities:
          - {activity: Approve the change, R: [leo], A: leo}
    ```

    Passes:

    ```yaml
    people:
      leo: {name: Leo Park}
    teams:
      billing: {}
    raci:
      scope-change:
        activities:
          - {activity: Approve the change, R: [leo], A: leo, I: [billing]}
    ```
    """
    for raci, activity in activities(org):
        if not activity.named("C") and not activity.named("I") \
                and activity.known("C") and activity.known("I"):
            yield raci.finding(activity.place,
                               f"{activity.label} consults and informs nobody (no C, no I)")
