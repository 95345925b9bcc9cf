"""The remediation plan: every open finding placed in one of the three phases of the
intervention, grouped into items by rule and owner, most consequential first.

First map the backstage (what crosses between teams, and what gets lost there), then redesign
the boundaries (owners, governance fitted to complexity, incentives that reach downstream),
then build the feedback architecture (reviews, instrumented boundaries, measured SLAs) that
keeps the design true. ``PHASE_OF`` is the one table that says which rule belongs where.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from orglint.engine.stage import EVIDENCE
from orglint.engine.waivers import Waiver
from orglint.finding import SEVERITY_RANK, Finding
from orglint.model import Org
from orglint.registry import Rule

from .findings import NO_OWNER, Owners, Ranking, entity_of, tally

PHASES = {
    1: ("Map the backstage",
        "Write down what happens between the teams: every boundary a journey crosses, who owns "
        "each journey, and the context that must travel with the customer."),
    2: ("Redesign the boundaries",
        "Give every boundary a named owner and a deputy, governance that fits what crosses it, "
        "and incentives that pay for the outcome downstream."),
    3: ("Build the feedback architecture",
        "Make the design measure itself: reviews that look at outcomes, boundaries instrumented "
        "by handoff metrics, SLAs that are measured, waivers that are revisited."),
}

# Rule code or prefix -> phase; a code wins over its prefix. A rule in neither (a plugin's)
# falls in the phase of the stage it blocks: stage 2 -> 1, stage 3 -> 2, stage 4 -> 3.
PHASE_OF: dict[str, int] = {
    "ORG": 1,      # the structure itself: readable files, teams with leads, people placed
    "BND002": 1,   # undesigned boundary: a journey crosses it with no contract
    "BND003": 1,   # a journey without one owner
    "CTX": 1,      # context dropped at a boundary, or held in no shared system
    "BND": 2,      # handoff owners, owner overload, backup owners, journey sprawl
    "GOV": 2,      # governance fitted to complexity, escalation, founder and decision bottlenecks
    "INC": 2,      # incentives with downstream impact
    "RAC": 2,      # decision rights at the boundaries
    "GOV008": 3,   # SLAs where the volume needs them
    "GOV009": 3,   # SLAs measured
    "FBK": 3,      # reviews and instrumented boundaries
    "WVR": 3,      # waivers: accepted gaps that must be revisited on time
    "EVD001": 1,   # a boundary work crosses that nobody declared
    "EVD002": 1,   # a contract for a route work does not take
    "EVD005": 1,   # a journey map that is not the journey customers take
    "EVD004": 2,   # ping-pong: the contract does not say what crosses
    "EVD006": 2,   # governance sized for fewer exceptions than cross
    "EVD": 3,      # SLAs against observed latency, and the quality of the logs themselves
}
STAGE_PHASE = {2: 1, 3: 2, 4: 3}
SHOWN_TARGETS = 5


def phase_of(code: str, rule: Rule | None) -> int:
    """The phase of a rule: its code in ``PHASE_OF``, else its prefix, else by the stage it
    blocks (a rule the registry does not know goes to phase 3)."""
    prefix = code.rstrip("0123456789")
    if code in PHASE_OF:
        return PHASE_OF[code]
    if prefix in PHASE_OF:
        return PHASE_OF[prefix]
    return STAGE_PHASE.get(rule.blocks_stage if rule else 4, 3)


@dataclass(frozen=True)
class PlanItem:
    """One thing to do: a rule's findings that one owner answers for (``owner``, or "no
    owner"), with the rule's expectation (``action``), the worst severity, how many findings
    (``count``, and by severity in words: ``tally``), and the entities they are about
    (``targets``, the first few; ``more`` counts the rest)."""

    code: str
    name: str
    action: str
    owner: str
    severity: str
    count: int
    tally: str
    targets: tuple[str, ...]
    more: int

    @property
    def unowned(self) -> bool:
        """True when nobody answers for it yet: someone must be named first."""
        return self.owner == NO_OWNER


@dataclass(frozen=True)
class Phase:
    """One phase of the plan: its number, title, aim, its items in order, and the structure
    it must write down first (``missing``: what the stages it leads to need and the org does
    not hold yet, in the words of ``orglint check``)."""

    number: int
    title: str
    aim: str
    items: tuple[PlanItem, ...]
    missing: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        """The findings of all its items."""
        return sum(item.count for item in self.items)


def remediation_plan(org: Org, known: dict[str, Rule], findings: Sequence[Finding],
                     ranking: Ranking, waivers: Sequence[Waiver] = (),
                     owners: Owners | None = None) -> list[Phase]:
    """The three phases, each with its items: the open findings (every severity; waived ones
    are accepted and left out) grouped by rule and owner, in the order of their most
    consequential finding (``Ranking``); and the structure each phase must write first: the
    evidence a stage needs (``EVIDENCE``) that the org lacks, in the phase of that stage."""
    owners = owners or Owners(org, waivers)
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in ranking.ordered(findings):
        key = (finding.code, owners.of(finding))
        groups.setdefault(key, []).append(finding)
    items: dict[int, list[PlanItem]] = {number: [] for number in PHASES}
    for (code, owner), group in groups.items():
        item = known.get(code)
        targets = list(dict.fromkeys(target_of(org, finding) for finding in group))
        items[phase_of(code, item)].append(PlanItem(
            code=code, name=group[0].name, action=item.summary.replace("`", "") if item else "",
            owner=owner, severity=max((f.severity for f in group), key=SEVERITY_RANK.__getitem__),
            count=len(group), tally=tally(f.severity for f in group), targets=tuple(targets[:SHOWN_TARGETS]),
            more=max(len(targets) - SHOWN_TARGETS, 0),
        ))
    missing: dict[int, list[str]] = {number: [] for number in PHASES}
    for stage, needs in EVIDENCE.items():
        missing[STAGE_PHASE[stage]] += [need.need for need in needs if not need.met(org)]
    return [Phase(number, title, aim, tuple(items[number]), tuple(missing[number]))
            for number, (title, aim) in PHASES.items()]


def target_of(org: Org, finding: Finding) -> str:
    """What a finding is about, in words: ``handoff Signed deal to kickoff``; its file and
    line (``orglint.yaml, line 8``) when it names no entity the org holds."""
    entity = entity_of(org, finding)
    if entity is None:
        return f"{finding.path}, line {finding.line}"
    return f"{entity.kind} {entity.name or entity.id}"
