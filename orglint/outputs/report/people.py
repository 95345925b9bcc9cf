"""Single points of failure: what each person holds, so a departure's reach is visible."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from orglint.model import Org, Ref

RECURRING = ("daily", "weekly")


@dataclass(frozen=True)
class PersonLoad:
    """One person and what depends on them, as counts: handoffs they own and back up,
    handoffs where they decide exceptions or are the last escalation level, journeys they own,
    RACI activities where they are A, and the daily or weekly decisions they take."""

    id: str
    name: str
    title: str
    founder: bool
    owns: int           # handoffs owned
    backup: int         # handoffs where they are the deputy
    decides: int        # handoffs where they decide exceptions
    last_escalation: int
    journeys: int       # journeys owned
    accountable: int    # RACI activities where they are A
    decisions: int      # daily or weekly decisions they take

    @property
    def total(self) -> int:
        """Their load: owned handoffs, decisions on exceptions, last escalation levels,
        journeys, RACI accountabilities and recurring decisions (backups not counted)."""
        return (self.owns + self.decides + self.last_escalation + self.journeys
                + self.accountable + self.decisions)


def people_load(org: Org) -> list[PersonLoad]:
    """Every person something depends on (a handoff, a journey, a RACI activity, a recurring
    decision, or as a backup) and every founder, the most loaded first (then by id). Time
    grows with what is held, not with the people who hold nothing."""
    decides: Counter[str] = Counter()
    last: Counter[str] = Counter()
    for handoff in org.handoffs.values():
        governance = handoff.governance
        if governance.decision_maker is not None:
            decides[governance.decision_maker.id] += 1
        if governance.escalation:
            last[governance.escalation[-1].id] += 1
    journeys = Counter(j.owner.id for j in org.journeys.values()
                       if j.owner is not None and j.owner.kind == "person")
    accountable: Counter[str] = Counter()
    for raci in org.raci.values():
        for activity in raci.activities:
            for ref in activity.A:
                if ref.kind == "person":
                    accountable[ref.id] += 1
    held = {*decides, *last, *journeys, *accountable}
    for index in (org.handoffs_owned, org.handoffs_backed, org.decisions_by):
        held.update(ref.id for ref in index if ref.kind == "person")
    loads = []
    for person in org.people.values():
        if person.id not in held and not person.founder:
            continue
        ref = Ref("person", person.id)
        recurring = [d for d in org.decisions_by.get(ref, []) if d.frequency in RECURRING]
        loads.append(PersonLoad(
            id=person.id, name=person.name, title=person.title or "", founder=person.founder,
            owns=len(org.handoffs_owned.get(ref, [])),
            backup=len(org.handoffs_backed.get(ref, [])),
            decides=decides[person.id], last_escalation=last[person.id],
            journeys=journeys[person.id], accountable=accountable[person.id],
            decisions=len(recurring),
        ))
    loads.sort(key=lambda load: (-load.total, -load.owns, load.id))
    return loads
