"""Views of the Org itself for the report: the states of a boundary, journey blueprints, the
incentive map (the boundary matrix is in ``matrix``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from orglint.model import Handoff, Journey, Org, Ref

# a boundary's state, from best to worst; "none" means the two teams never meet
OWNED, UNOWNED, UNDESIGNED, NONE = "owned", "unowned", "undesigned", "none"
STATE_TEXT = {
    OWNED: "contracted and owned",
    UNOWNED: "contracted, no owner",
    UNDESIGNED: "undesigned (no contract)",
    NONE: "no boundary",
}
STATE_MARK = {OWNED: "✓", UNOWNED: "!", UNDESIGNED: "✗", NONE: ""}
IRREGULAR = {"person": "people", "boundary": "boundaries"}


def plural(count: int, word: str) -> str:
    """`1 team`, `3 teams`, `2 people`."""
    if count == 1:
        return f"{count} {word}"
    return f"{count} {IRREGULAR.get(word, word + 's')}"


class _Boundary:
    """What a boundary's state reads as: words, and a mark so colour is never the only signal."""

    state: str

    @property
    def text(self) -> str:
        """The state in words: ``contracted and owned`` ..."""
        return STATE_TEXT[self.state]

    @property
    def mark(self) -> str:
        """The state as one mark: ✓, ! or ✗ (nothing where teams never meet)."""
        return STATE_MARK[self.state]


@dataclass(frozen=True)
class HandoffView:
    """A handoff as a journey blueprint shows it, texts only: ``complexity`` with the exception
    rate (a share from 0 to 1) as a percentage, ``sla`` its durations as written
    (``acknowledge 4h, complete 2d``), ``governance`` one text per part; "none" or
    "not stated" where a field is not written."""

    id: str
    name: str
    owner: str
    backup: str
    complexity: str
    sla: str
    governance: tuple[str, ...]


@dataclass(frozen=True)
class BoundaryStep(_Boundary):
    """One boundary of a journey: the two teams (names), its state, its handoffs, and the
    journey's context labels ``carried`` by a handoff, ``shared`` in a common system, or
    ``dropped``."""

    source: str
    target: str
    state: str
    handoffs: tuple[HandoffView, ...]
    carried: tuple[str, ...]
    shared: tuple[str, ...]
    dropped: tuple[str, ...]


@dataclass(frozen=True)
class JourneyView:
    """A journey blueprint: the teams of its path (a team repeated in a row shown once), its
    context labels, and one step per boundary."""

    id: str
    name: str
    owner: str
    volume: str
    teams: tuple[str, ...]
    context: tuple[str, ...]
    steps: tuple[BoundaryStep, ...]

    @property
    def dropped(self) -> int:
        """How many context labels are dropped, over all boundaries."""
        return sum(len(step.dropped) for step in self.steps)


@dataclass(frozen=True)
class MetricView:
    """A metric for the incentive map: whom it rewards, whose outcome it includes downstream,
    and ``local`` when it reaches nobody beyond those it rewards."""

    id: str
    name: str
    type: str
    owner: str
    rewards: tuple[str, ...]
    downstream: tuple[str, ...]
    source: str
    local: bool = field(default=False)


def _person(org: Org, ref: Ref | None) -> str:
    return org.display(ref) if ref is not None else "no owner"


def _state(handoffs: list[Handoff], on_journey: bool) -> str:
    if handoffs:
        owned = all(h.owner is not None and h.owner.kind == "person" for h in handoffs)
        return OWNED if owned else UNOWNED
    return UNDESIGNED if on_journey else NONE


def _handoff_view(org: Org, handoff: Handoff) -> HandoffView:
    governance = handoff.governance
    parts = []
    if governance.protocol:
        parts.append(f"protocol: {governance.protocol}")
    if governance.decision_maker:
        parts.append(f"decides exceptions: {org.display(governance.decision_maker)}")
    if governance.escalation:
        parts.append("escalation: " + " → ".join(org.display(ref) for ref in governance.escalation))
    sla = ", ".join(f"{key} {value}" for key, value in handoff.sla.items())
    complexity = handoff.complexity or ""
    if handoff.exception_rate is not None:
        rate = f"{handoff.exception_rate:.0%} exceptions"
        complexity = f"{complexity} ({rate})" if complexity else rate
    return HandoffView(
        id=handoff.id, name=handoff.name, owner=_person(org, handoff.owner),
        backup=org.display(handoff.backup_owner) if handoff.backup_owner else "none",
        complexity=complexity or "not stated", sla=sla or "none",
        governance=tuple(parts) or ("none",),
    )


def _shared_labels(org: Org, source: Ref, target: Ref) -> set[str]:
    """Context labels held by a system both teams work in."""
    return {label for system in org.shared_systems(source, target) for label in system.holds}


def _step(org: Org, journey: Journey, source: Ref, target: Ref) -> BoundaryStep:
    handoffs = list(org.handoffs_at(source, target))
    carried_labels = {label for handoff in handoffs for label in handoff.carries}
    shared_labels = _shared_labels(org, source, target)
    carried = tuple(item for item in journey.context if item in carried_labels)
    shared = tuple(item for item in journey.context
                   if item not in carried_labels and item in shared_labels)
    dropped = tuple(item for item in journey.context
                    if item not in carried_labels and item not in shared_labels)
    return BoundaryStep(
        source=org.display(source), target=org.display(target), state=_state(handoffs, True),
        handoffs=tuple(_handoff_view(org, handoff) for handoff in handoffs),
        carried=carried, shared=shared, dropped=dropped,
    )


def journey_blueprints(org: Org) -> list[JourneyView]:
    """Every journey as a blueprint, in the org's order."""
    return [
        JourneyView(
            id=journey.id, name=journey.name, owner=_person(org, journey.owner),
            volume=journey.volume or "not stated",
            teams=tuple(org.display(team) for index, team in enumerate(journey.path)
                        if index == 0 or journey.path[index - 1] != team),
            context=tuple(journey.context),
            steps=tuple(_step(org, journey, source, target)
                        for _, source, target in journey.boundaries()),
        )
        for journey in org.journeys.values()
    ]


def incentive_map(org: Org) -> list[MetricView]:
    """Each metric, whom it pays, and whose outcome it includes; local when nobody downstream."""
    views = []
    for metric in org.metrics.values():
        rewarded = set(metric.rewards)
        views.append(MetricView(
            id=metric.id, name=metric.name, type=metric.type,
            owner=org.display(metric.owner) if metric.owner else "no owner",
            rewards=tuple(org.display(ref) for ref in metric.rewards),
            downstream=tuple(org.display(ref) for ref in metric.downstream),
            source=org.display(metric.source) if metric.source else "none",
            local=not metric.downstream or set(metric.downstream) <= rewarded,
        ))
    return views
