"""How much customer work a finding touches: the journeys its entity sits on, and their volume.

A gap on a boundary that every high-volume order crosses matters more than the same gap on a
journey walked twice a year. ``Reach`` says which journeys a finding's entity lies on, the
highest declared ``volume`` among them and, once event logs are read (``orglint evidence``),
the cases observed on them. Ranking reads ``Reach.key``; nothing here sorts by id.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from orglint.model import Journey, Org, Ref
from orglint.schema.org import KIND_SECTION

# declared volume, as an order; a journey that states none ranks below a low-volume one (0)
VOLUME_RANK = {"low": 1, "medium": 2, "high": 3}
VOLUME_WORDS = {0: "volume not stated", 1: "low volume", 2: "medium volume", 3: "high volume"}


@dataclass(frozen=True)
class Reach:
    """The journeys (names, in the org's order) a finding's entity sits on; ``volume`` the
    highest declared among them (0 not stated or no journey, 1 low, 2 medium, 3 high);
    ``cases`` the cases observed on them in event logs, None when no log was read."""

    journeys: tuple[str, ...] = ()
    volume: int = 0
    cases: int | None = None

    @property
    def key(self) -> tuple[int, int, int]:
        """Sorts the widest reach first: observed cases (evidence beats declaration), then the
        highest declared volume, then the number of journeys."""
        return (-(self.cases or 0), -self.volume, -len(self.journeys))

    @property
    def text(self) -> str:
        """``on Onboarding (high volume)``; ``on 2 journeys (medium volume, 1,200 cases
        observed): Onboarding; Renewal``, naming up to three; "" when the entity sits on no
        journey."""
        names = self.journeys
        if not names:
            return ""
        detail = VOLUME_WORDS[self.volume]
        if self.cases is not None:
            detail += f", {self.cases:,} cases observed"
        if len(names) == 1:
            return f"on {names[0]} ({detail})"
        listed = f": {'; '.join(names)}" if len(names) <= 3 else ""
        return f"on {len(names)} journeys ({detail}){listed}"


class ReachIndex:
    """The journeys each entity of an org sits on, built once per report.

    ``observed`` is the hook for ``orglint evidence``: it maps an entity reference to the
    number of cases seen on it in event logs, ``journey:onboarding`` for the cases that walked
    a journey, and optionally ``handoff:sales-to-delivery`` (or any other entity) for the cases
    that crossed it. An entity's cases are its own count when given, else the sum over the
    journeys it sits on. Left None, ranking rests on the declared ``volume`` alone.

    - a journey sits on itself; a handoff on the journeys whose path crosses its boundary
      (the org's ``journeys_of_handoff``); a team on the journeys whose path includes it;
    - a person on the journeys they own, those of the handoffs they own or back up, of the
      teams they lead and of the RACI tables where they are accountable;
    - a metric on those of the teams, handoffs and journeys it rewards or names downstream;
    - a review on the journeys it covers; a RACI table or a decision on its journey (a
      decision without one: on those of the teams that raise it); a system on those of the
      teams that work in it.
    """

    def __init__(self, org: Org, observed: Mapping[str, int] | None = None) -> None:
        self.org = org
        self.observed = observed
        self._of_team: dict[str, list[Journey]] = defaultdict(list)
        self._owned: dict[Ref, list[Journey]] = defaultdict(list)
        for journey in org.journeys.values():
            for team in dict.fromkeys(ref.id for ref in journey.path):
                self._of_team[team].append(journey)
            if journey.owner is not None:
                self._owned[journey.owner].append(journey)
        self._accountable: dict[Ref, list[Journey]] = defaultdict(list)
        for raci in org.raci.values():
            for person in {ref for activity in raci.activities for ref in activity.A}:
                self._accountable[person] += self._named([raci.journey])
        self._of_system: dict[str, list[Journey]] = defaultdict(list)
        for holder, systems in org.systems_of_team.items():
            for system in systems:
                self._of_system[system.id] += self._of_team.get(holder.id, ())
        self._order = {ident: index for index, ident in enumerate(org.journeys)}
        self._cache: dict[str, Reach] = {}

    def of(self, entity: str | None) -> Reach:
        """The reach of the entity a finding names (``handoff:a-to-b``); none for None or an
        entity the org does not hold."""
        if not entity or ":" not in entity:
            return Reach()
        if entity not in self._cache:
            kind, _, ident = entity.partition(":")
            self._cache[entity] = self._reach(entity, self.journeys(Ref(kind, ident)))
        return self._cache[entity]

    def journeys(self, ref: Ref) -> list[Journey]:
        """The journeys ``ref`` sits on, each once, in the org's order."""
        org = self.org
        entity = org.get(ref) if ref.kind in KIND_SECTION else None
        if entity is None:
            return []
        found: list[Journey] = []
        if ref.kind == "journey":
            found = [org.journeys[ref.id]]
        elif ref.kind == "handoff":
            found = list(org.journeys_of_handoff.get(ref, ()))
        elif ref.kind == "team":
            found = list(self._of_team.get(ref.id, ()))
        elif ref.kind == "person":
            found = self._of_person(ref)
        elif ref.kind == "metric":
            refs = [*getattr(entity, "rewards", []), *getattr(entity, "downstream", [])]
            found = [j for r in refs if r.kind in ("team", "handoff", "journey")
                     for j in self.journeys(r)]
        elif ref.kind == "review":
            found = self._named(getattr(entity, "covers", []))
        elif ref.kind in ("raci", "decision"):
            journey = getattr(entity, "journey", None)
            raised = [r for r in getattr(entity, "raised_by", []) if r.kind == "team"]
            found = self._named([journey]) if journey is not None else \
                [j for r in raised for j in self.journeys(r)]
        elif ref.kind == "system":
            found = self._of_system.get(ref.id, [])
        unique = {journey.id: journey for journey in found}  # each once, in the org's order
        return sorted(unique.values(), key=lambda journey: self._order[journey.id])

    def _of_person(self, ref: Ref) -> list[Journey]:
        org = self.org
        found = list(self._owned.get(ref, ()))
        for handoff in [*org.handoffs_owned.get(ref, ()), *org.handoffs_backed.get(ref, ())]:
            found += org.journeys_of_handoff.get(handoff.ref, ())
        for team in org.teams_led_by.get(ref, ()):
            found += self._of_team.get(team.id, ())
        return found + self._accountable.get(ref, [])

    def _named(self, refs: Iterable[Ref | None]) -> list[Journey]:
        return [self.org.journeys[r.id] for r in refs
                if r is not None and r.kind == "journey" and r.id in self.org.journeys]

    def _reach(self, entity: str, journeys: list[Journey]) -> Reach:
        volume = max((VOLUME_RANK.get(j.volume or "", 0) for j in journeys), default=0)
        cases = None
        if self.observed is not None:
            cases = self.observed.get(entity)
            if cases is None:
                cases = sum(self.observed.get(f"journey:{j.id}", 0) for j in journeys)
        return Reach(tuple(j.name or j.id for j in journeys), volume, cases)

