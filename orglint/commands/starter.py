"""``orglint init``: a small starter ops repo, written only where no file exists yet.

The starter is a tiny, healthy org (two teams, one journey, one handoff) that ``orglint check``
places at stage 4 with no finding. Every file says in comments what to replace.
"""

from __future__ import annotations

from pathlib import Path

from orglint.files import write_file

STARTER: dict[str, str] = {
    "orglint.yaml": """\
# orglint config. `orglint rules` lists the rules, `orglint rule CODE` explains one.
# Every YAML file below this folder describes the org; run `orglint check` here.
include:
  - "**/*.yaml"
  - "**/*.yml"
exclude:
  - "drafts/**"        # ideas under discussion, not how the org works yet
# fail_on: warning     # uncomment for a strict gate once the org is at stage 4
""",
    "org.yaml": """\
# Who works here and in which teams. Replace the example people and teams with your own.
# Ids (the keys) are lower-case letters, digits, '.', '_' and '-'; other files refer to them.
version: 1
org:
  name: Example Co          # your organisation's name

people:
  ana:
    name: Ana Ruiz
    title: Head of Sales
  ben:
    name: Ben Okafor
    title: Account Manager
  cleo:
    name: Cleo Park
    title: Head of Delivery
  dev:
    name: Dev Shah
    title: Project Lead

teams:
  sales:
    name: Sales
    lead: ana               # every team needs a lead (ORG006)
    members: [ana, ben]
    layer: frontstage
    systems: [crm]          # the tools the team works in (systems.yaml)
  delivery:
    name: Delivery
    lead: cleo
    members: [cleo, dev]
    layer: backstage
    systems: [crm]
""",
    "journeys.yaml": """\
# Journeys: what a customer goes through, as the path of teams that serve them in turn.
# Each step from one team to the next is a boundary that needs a handoff (handoffs.yaml).
journeys:
  onboarding:
    name: New customer onboarding
    owner: ana              # one person answers for the whole journey (BND003)
    volume: medium          # low, medium or high
    path: [sales, delivery]
    context: [customer_goals]   # what must not be lost on the way (CTX001)
""",
    "handoffs.yaml": """\
# Handoffs: the contract at each boundary a journey crosses. Who owns it, who stands in,
# how it is governed, what it carries and how fast it must happen.
handoffs:
  sales-to-delivery:
    name: Signed deal to project kickoff
    from: sales
    to: delivery
    owner: ben              # a person, not a team (BND001)
    backup_owner: dev       # cover for holidays and leavers (BND005)
    complexity: low         # low, medium or high; match it with governance (GOV001)
    exception_rate: 0.02    # share of handoffs that need rework, 0 to 1
    governance:
      protocol: docs/handoffs/sales-to-delivery.md   # where the agreed steps are written
    carries: [customer_goals]
    sla: {acknowledge: 4h, complete: 2d}
    measured_by: [kickoff-on-time]
""",
    "systems.yaml": """\
# Systems: where information lives. Teams that share a journey need a system in common that
# holds its context (CTX002); metrics name the system they are measured in (INC004).
systems:
  crm:
    name: CRM
    owner: ana
    holds: [customer_goals]
""",
    "metrics.yaml": """\
# Metrics: what each team is rewarded for, and whom that helps downstream (INC001).
metrics:
  time-to-value:
    name: Days from signature to the customer's first result
    type: outcome           # output, outcome or handoff
    owner: cleo
    rewards: [sales, delivery]
    downstream: [onboarding]
    source: crm             # the system it is measured in

  kickoff-on-time:
    name: Projects kicked off within two days of signature
    type: handoff
    owner: ben
    downstream: [sales-to-delivery]
    source: crm
""",
    "reviews.yaml": """\
# Reviews: the meetings where the teams look at their metrics together and change course.
reviews:
  onboarding-review:
    name: Weekly onboarding review
    cadence: weekly         # daily, weekly, biweekly, monthly, quarterly or yearly
    owner: ana
    attendees: [sales, delivery]
    covers: [onboarding]
    inputs: [time-to-value, kickoff-on-time]
""",
}


class ExistingFile(Exception):
    """A starter file would overwrite a file that exists: nothing was written."""


def write(folder: Path) -> list[Path]:
    """Writes every starter file into ``folder`` (created if needed), or none of them if any
    exists already; returns the paths written. Raises ``ExistingFile`` for a file (or link)
    in the way, ``OSError`` when writing fails."""
    targets = [folder / name for name in STARTER]
    for target in targets:
        if target.exists() or target.is_symlink():
            raise ExistingFile(f"{target} already exists; orglint init writes only new files")
    folder.mkdir(parents=True, exist_ok=True)
    for target, text in zip(targets, STARTER.values(), strict=True):
        try:
            write_file(target, text, replace=False)  # whole or not at all, never replacing
        except FileExistsError as exc:
            raise ExistingFile(f"{target} already exists; orglint init writes only new "
                               "files") from exc
    return targets
