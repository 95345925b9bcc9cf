"""orglint plugin: segregation of duties.

Adds SOD001 through the ``orglint`` entry-point group. Nothing here is special to the built-in
pack: a rule made with ``@orglint.rule`` and returned from the ``orglint_rules`` hook.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from orglint import Hit, Rule, hookimpl, rule
from orglint.model import Activity, Org, Ref

__version__ = "0.1.0"

APPROVAL_WORDS = ["approve", "approval", "sign off", "sign-off", "signoff", "authorise",
                  "authorize", "authorisation", "authorization", "accept", "acceptance"]


def approval_pattern(words: list[str]) -> re.Pattern[str]:
    """Whole words, any case: `approve` matches "Approve the refund", not "disapproved"."""
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternatives})(?:s|d|ed)?\b", re.IGNORECASE)


def where(activity: Activity, ref: Ref) -> str:
    """The field of the accountable person: the A cell, or its list item."""
    return next((slot.field for slot in activity.cell("A") if slot.ref == ref),
                f"{activity.place}.A")


@rule("SOD001", "self-approval", severity="warning", blocks_stage=3,
      options={
          "words": {"type": "list", "schema": {"type": "string", "empty": False},
                    "default": APPROVAL_WORDS},
          "through_teams": {"type": "boolean", "default": True},
      })
def self_approval(org: Org, options: dict[str, Any]) -> Iterator[Hit]:
    """The person accountable for an approval also does the work being approved.

    An approval is a second pair of eyes: a refund, a scope change or a release is checked by
    someone who did not prepare it. When the same person is responsible (R) and accountable
    (A) for an activity whose name says approve, sign off, authorise or accept, the check
    exists only on paper. With `through_teams` (the default), an A who leads or belongs to a
    team that is R counts too. `words` lists the words that mark an approval.

    Fails:

    ```yaml
    people:
      dan: {name: Dan Okafor}
    teams:
      delivery: {lead: dan}
    raci:
      scope-change:
        activities:
          - {activity: Approve the change, R: [dan], A: dan}
    ```

    Passes:

    ```yaml
    people:
      dan: {name: Dan Okafor}
      leo: {name: Leo Park}
    teams:
      delivery: {lead: dan}
      sales: {lead: leo}
    raci:
      scope-change:
        activities:
          - {activity: Approve the change, R: [dan], A: leo}
    ```
    """
    pattern = approval_pattern(list(options["words"]))
    for raci in org.raci.values():
        for activity in raci.activities:
            if not pattern.search(activity.activity):
                continue
            responsible = set(activity.R)
            for accountable in dict.fromkeys(activity.A):
                if accountable.kind != "person":
                    continue
                name = org.display(accountable)
                what = activity.label
                if accountable in responsible:
                    yield raci.finding(
                        where(activity, accountable),
                        f"{name} is both responsible (R) and accountable (A) for {what}: the "
                        "work is approved by the person who did it")
                    continue
                if not options["through_teams"]:
                    continue
                own = {team.ref for team in org.teams_of(accountable)}
                teams = sorted(ref for ref in responsible if ref in own)
                if teams:
                    shown = ", ".join(org.display(team) for team in teams)
                    yield raci.finding(
                        where(activity, accountable),
                        f"{name} is accountable (A) for {what} and belongs to {shown}, which is "
                        "responsible (R): the work is approved from inside the team that did it")


@hookimpl
def orglint_rules() -> list[Rule]:
    return [self_approval]
