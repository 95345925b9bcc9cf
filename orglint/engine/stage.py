"""The maturity ladder: where the org stands, and what blocks the next stage.

A stage is claimed only on evidence. The org stands at the highest stage whose blocking rules,
and those of every stage below, ran and found no unwaived error or warning, AND whose
structure exists (``EVIDENCE``): a clean org with nothing mapped is stage 1, never stage 4.
When files cannot be read or resolved (findings of an ``integrity`` rule, ORG001-ORG005 in
the built-in pack) the stage is 0, "not assessed": nothing above it can be judged.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, replace
from typing import Any

from orglint.finding import Finding
from orglint.model import Org
from orglint.registry import Registry

STAGES = {
    0: ("not assessed", "the files cannot all be read and resolved, so no stage can be judged"),
    1: ("reactive", "problems are handled as they surface"),
    2: ("designed surface", "customer journeys are mapped and each has a named owner"),
    3: ("connected", "every boundary is contracted, owned and governed; incentives reach "
        "downstream; RACI is sound"),
    4: ("systemic", "no single points of failure or founder bottleneck; SLAs measured, context "
        "shared, feedback loops in place"),
}


@dataclass(frozen=True)
class Evidence:
    """What a stage needs to exist before it can be claimed: ``need`` says it in words (what
    to write), ``met`` tells whether the org has it."""

    need: str
    met: Callable[[Org], bool]


EVIDENCE: dict[int, tuple[Evidence, ...]] = {
    2: (Evidence("a customer journey with a path of teams and one named owner "
                 "(journeys: {id: {path: [team, ...], owner: person}})",
                 lambda org: any(j.path and j.owner for j in org.journeys.values())),),
    3: (Evidence("at least one metric (metrics:), so incentives can be judged",
                 lambda org: bool(org.metrics)),),
    4: (Evidence("a review that meets to look at the journeys (reviews:)",
                 lambda org: bool(org.reviews)),
        Evidence("an SLA on a handoff (handoffs: {id: {sla: {acknowledge: 4h}}})",
                 lambda org: any(h.sla for h in org.handoffs.values())),
        Evidence("a handoff metric that measures a boundary (metrics: {id: {type: handoff}})",
                 lambda org: any(m.type == "handoff" for m in org.metrics.values()))),
}


@dataclass(frozen=True)
class Stage:
    """Where the org stands: ``number`` 0 (not assessed) to 4; what keeps it from the next
    stage: the error and warning findings of rules that block it (``blockers``), the codes of
    such rules that did not run (``unassessed``), the structure it lacks (``missing``, in
    words); ``broken`` counts the findings that keep the org from being assessed; ``meaning``
    describes the org as it stands."""

    number: int
    blockers: tuple[Finding, ...] = ()
    unassessed: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    broken: int = 0
    meaning: str = ""

    @property
    def name(self) -> str:
        """``not assessed``, ``reactive``, ``designed surface``, ``connected`` or ``systemic``."""
        return STAGES[self.number][0]

    @property
    def next(self) -> int | None:
        """The number of the next stage; None at stage 4 and when not assessed."""
        return self.number + 1 if 1 <= self.number < 4 else None

    @property
    def warnings_only(self) -> bool:
        """True when the blockers are warnings, not errors."""
        return bool(self.blockers) and all(f.severity == "warning" for f in self.blockers)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values: number, name, meaning, next, blockers (as findings' dicts),
        unassessed codes, missing structure and the count of broken findings."""
        return {
            "number": self.number,
            "name": self.name,
            "meaning": self.meaning,
            "next": self.next,
            "blockers": [finding.as_dict() for finding in self.blockers],
            "unassessed": list(self.unassessed),
            "missing": list(self.missing),
            "broken": self.broken,
        }


def stage_of(findings: Iterable[Finding], registry: Registry, org: Org,
             ran: Collection[str] | None = None) -> Stage:
    """The stage of ``org`` given every finding (waived ones excluded, baselined ones
    included). ``ran`` holds the codes that ran: a rule that could block a stage but did not
    run leaves that stage unassessed (``--ignore ALL`` never earns stage 4). ``info``
    findings and findings of rules the registry does not know never block."""
    blocking: dict[int, list[Finding]] = {2: [], 3: [], 4: []}
    broken = 0
    for finding in findings:
        item = registry.by_code.get(finding.code)
        if item is None:
            continue
        if item.integrity:
            broken += 1
        elif finding.severity != "info":
            blocking[item.blocks_stage].append(finding)
    if broken:
        return Stage(0, broken=broken, meaning=f"{_count(broken)} in files that cannot be "
                     "read or resolved; fix them first, then the stage can be judged")
    for number in (2, 3, 4):
        if blocking[number]:  # with what the stage would also need, so words stay true
            stage = Stage(number - 1, tuple(blocking[number]), missing=_missing(number, org))
            return _described(stage, org)
        if ran is not None:
            skipped = tuple(item.code for item in registry if item.blocks_stage == number
                            and item.severity != "info" and item.code not in ran)
            if skipped:
                return _described(Stage(number - 1, unassessed=skipped), org)
        missing = _missing(number, org)
        if missing:
            return _described(Stage(number - 1, missing=missing), org)
    return _described(Stage(4), org)


def _missing(number: int, org: Org) -> tuple[str, ...]:
    """What stage ``number`` needs that the org does not have, in words."""
    return tuple(evidence.need for evidence in EVIDENCE[number] if not evidence.met(org))


def _described(stage: Stage, org: Org) -> Stage:
    """The stage with its ``meaning``: the org as it stands, in words that match the cause."""
    meaning = STAGES[stage.number][1]
    if stage.number == 1:
        mapped = [f"{len(table)} {one if len(table) == 1 else many}"
                  for one, many, table in (("team", "teams", org.teams),
                                           ("person", "people", org.people),
                                           ("journey", "journeys", org.journeys)) if table]
        if not mapped:
            meaning = "nothing is mapped yet"
        elif stage.missing:
            meaning = f"{', '.join(mapped)} written down, but no customer journey is mapped " \
                      "with its path and owner"
        else:
            meaning = f"{meaning}; the structure is written down ({', '.join(mapped)})"
    if stage.warnings_only and not stage.missing:  # a near miss: say which warnings stand between
        held = ", ".join(sorted({finding.code for finding in stage.blockers}))
        meaning += f"; only warnings keep it from stage {stage.number + 1} ({held})"
    return replace(stage, meaning=meaning)


def _count(number: int) -> str:
    return "1 finding" if number == 1 else f"{number} findings"
