"""The scorecard: per rule area, what it judged, its findings, and a status that never calls an
area "clear" when there was nothing in it to judge."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass

from orglint.finding import Finding
from orglint.model import Org
from orglint.registry import AREAS, Rule

Count = Callable[[Org, Sized], int]


@dataclass(frozen=True)
class Needs:
    """What an area judges: the kinds of entity its rules read, each as ``(one, many,
    count)`` (``count`` of the org and its declared waivers), and ``absent``, the words for
    none of them (``no handoffs``)."""

    kinds: tuple[tuple[str, str, Count], ...]
    absent: str

    def count(self, org: Org, waivers: Sized) -> int:
        """How many entities the area can judge."""
        return sum(count(org, waivers) for _, _, count in self.kinds)

    def text(self, org: Org, waivers: Sized) -> str:
        """``3 teams, 4 people``, ``1 handoff``, or ``absent``."""
        parts = []
        for one, many, count in self.kinds:
            number = count(org, waivers)
            if number:
                parts.append(f"{number} {one if number == 1 else many}")
        return ", ".join(parts) or self.absent


def _needs(one: str, many: str, count: Count) -> Needs:
    return Needs(((one, many, count),), f"no {many}")


# The entities each built-in area needs before its verdict means anything. An area whose
# entities do not exist is "not mapped": its rules passing says nothing about the org.
AREA_NEEDS: dict[str, Needs] = {
    "ORG": Needs((("team", "teams", lambda org, _: len(org.teams)),
                  ("person", "people", lambda org, _: len(org.people))), "no teams or people"),
    "BND": _needs("handoff", "handoffs", lambda org, _: len(org.handoffs)),
    "GOV": _needs("handoff", "handoffs", lambda org, _: len(org.handoffs)),
    "INC": _needs("metric", "metrics", lambda org, _: len(org.metrics)),
    "CTX": _needs("journey with context", "journeys with context",
                  lambda org, _: sum(1 for journey in org.journeys.values() if journey.context)),
    "RAC": _needs("RACI table", "RACI tables", lambda org, _: len(org.raci)),
    "FBK": _needs("review", "reviews", lambda org, _: len(org.reviews)),
    "WVR": _needs("waiver", "waivers", lambda _, waivers: len(waivers)),
}
STATUS_TEXT = {"clear": "✓ clear", "attention": "! attention", "failing": "✗ failing",
               "not mapped": "– not mapped"}


@dataclass(frozen=True)
class AreaScore:
    """One rule area (``BND``): how many of its rules were selected and how many found
    nothing, its findings by severity, how many of its findings were waived, what it judged
    (``mapped``: ``6 handoffs``, ``no handoffs``; "" for an area with no known needs) and
    whether that exists (``judged``)."""

    prefix: str
    area: str
    rules: int
    passing: int
    error: int
    warning: int
    info: int
    waived: int
    mapped: str = ""
    judged: bool = True

    @property
    def total(self) -> int:
        """Its findings of every severity."""
        return self.error + self.warning + self.info

    @property
    def status(self) -> str:
        """``failing`` with an error, ``attention`` with a warning; else ``not mapped`` when
        the entities it judges do not exist, ``clear`` when they do."""
        if self.error:
            return "failing"
        if self.warning:
            return "attention"
        return "clear" if self.judged else "not mapped"

    @property
    def status_text(self) -> str:
        """The status with its mark: ``✓ clear``, ``! attention``, ``✗ failing``,
        ``– not mapped``."""
        return STATUS_TEXT[self.status]


def area_scores(rules: Iterable[Rule], findings: Iterable[Finding], waived: Iterable[Finding],
                org: Org | None = None, waivers: Sized = ()) -> list[AreaScore]:
    """Rules, passing rules and findings by severity, per rule area, in catalog order; with
    ``org``, what each area judged (``AREA_NEEDS``; a plugin's area is always judged)."""
    rules_by_prefix: dict[str, list[Rule]] = defaultdict(list)
    for item in rules:
        rules_by_prefix[item.prefix].append(item)
    severities: dict[str, Counter[str]] = defaultdict(Counter)
    failing: dict[str, set[str]] = defaultdict(set)
    for finding in findings:
        prefix = finding.code.rstrip("0123456789")
        severities[prefix][finding.severity] += 1
        failing[prefix].add(finding.code)
    waived_by = Counter(finding.code.rstrip("0123456789") for finding in waived)
    order = [*AREAS, *sorted(set(rules_by_prefix) - set(AREAS))]
    scores = []
    for prefix in order:
        members = rules_by_prefix.get(prefix, [])
        if not members:
            continue
        count = severities[prefix]
        needs = AREA_NEEDS.get(prefix) if org is not None else None
        scores.append(AreaScore(
            prefix=prefix, area=members[0].area, rules=len(members),
            passing=sum(1 for item in members if item.code not in failing[prefix]),
            error=count["error"], warning=count["warning"], info=count["info"],
            waived=waived_by[prefix],
            mapped=needs.text(org, waivers) if needs and org is not None else "",
            judged=needs is None or org is None or needs.count(org, waivers) > 0,
        ))
    return scores
