"""The maturity ladder: where the org stands, and what blocks the next stage."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from orglint.finding import Finding
from orglint.registry import Registry

STAGES = {
    1: ("reactive", "problems are handled as they surface; the structure is not yet written down"),
    2: ("designed surface", "customer journeys are mapped and each has a named owner"),
    3: ("connected", "every boundary is contracted, owned and governed; incentives reach "
        "downstream; RACI is sound"),
    4: ("systemic", "no single points of failure or founder bottleneck; SLAs measured, context "
        "shared, feedback loops in place"),
}


@dataclass(frozen=True)
class Stage:
    """Where the org stands on the ladder: ``number`` 1-4, the error and warning findings that
    block the next stage, and the codes of rules that would block it but did not run."""

    number: int
    blockers: tuple[Finding, ...] = ()
    # rules that block the next stage but did not run (--select/--ignore, severity off): the
    # org cannot be placed above a stage that was not assessed
    unassessed: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        """The stage's name: ``reactive``, ``designed surface``, ``connected``, ``systemic``."""
        return STAGES[self.number][0]

    @property
    def meaning(self) -> str:
        """What reaching the stage means, in one lower-case sentence without a final stop."""
        return STAGES[self.number][1]

    @property
    def next(self) -> int | None:
        """The number of the next stage; None at stage 4."""
        return self.number + 1 if self.number < 4 else None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values: number, name, meaning, next, blockers (as findings' dicts) and
        unassessed codes."""
        return {
            "number": self.number,
            "name": self.name,
            "meaning": self.meaning,
            "next": self.next,
            "blockers": [finding.as_dict() for finding in self.blockers],
            "unassessed": list(self.unassessed),
        }


def stage_of(findings: Iterable[Finding], registry: Registry,
             ran: Collection[str] | None = None) -> Stage:
    """The highest stage whose blocking rules, and those below, ran and found no error or
    warning. ``ran`` holds the codes that ran; a rule that could block a stage but did not run
    leaves that stage unassessed (``--ignore ALL`` never earns stage 4). ``info`` findings and
    findings of rules the registry does not know never block."""
    blocking: dict[int, list[Finding]] = {2: [], 3: [], 4: []}
    for finding in findings:
        item = registry.by_code.get(finding.code)
        if item is None or finding.severity == "info":
            continue
        blocking[item.blocks_stage].append(finding)
    for number in (2, 3, 4):
        if blocking[number]:
            return Stage(number - 1, tuple(blocking[number]))
        if ran is not None:
            missing = tuple(item.code for item in registry if item.blocks_stage == number
                            and item.severity != "info" and item.code not in ran)
            if missing:
                return Stage(number - 1, unassessed=missing)
    return Stage(4)
