"""The entities of an org as typed values: what each field says, and whether it was written.

An entity is built once by ``orglint.model.build`` from a validated document. References are
resolved there: a rule sees ``Ref`` values that name an existing entity, ``None`` (or no item)
where the field is empty or the reference dangles. What the YAML said beyond the resolved value
is kept as field states (written, absent, dangling) and slots (each reference of a list with
its position), so that no rule has to look at the YAML again.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from orglint.finding import Hit, Position
from orglint.load.documents import Document


@dataclass(frozen=True, order=True)
class Ref:
    """A resolved reference: the kind (``person``, ``team`` ...) and id of an entity that exists.

    ``str(ref)`` is ``kind:id``, the form waivers and findings use to name an entity.
    """

    kind: str
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Source:
    """Where an entity is defined: its document and the path of its mapping inside it."""

    doc: Document
    path: tuple[Any, ...]

    def position(self, field: str | None = None) -> Position:
        """The file position of a dotted field of the entity (``governance.escalation.2``), or
        of its id when ``field`` is empty. A field that was not written falls back to the
        nearest written mapping above it (see ``Document.position``)."""
        if not field:
            return self.doc.position(self.path, key=True)
        steps: list[Any] = [int(step) if step.isdigit() else step for step in field.split(".")]
        return self.doc.position((*self.path, *steps))


class FieldState(enum.Enum):
    """What the YAML says about one field of an entity."""

    ABSENT = "absent"  # the key is not written
    EMPTY = "empty"  # the key is written without a value (``owner:`` or ``owner: ~``)
    WRITTEN = "written"  # a value; for a reference, one that names an entity that exists
    DANGLING = "dangling"  # a reference (or an item of a list of them) that names nothing


@dataclass(frozen=True, slots=True)
class Slot:
    """One reference as written in a field, with its place.

    ``field`` is the dotted path a finding points at (``governance.escalation.2``, or the field
    itself when it holds a single value); ``index`` the position in the written list (None for a
    single value); ``ref`` what it names, None when it dangles; ``text`` the value as written
    when it dangles and is a string (``loe``, ``person:loe``), else None.
    """

    field: str
    index: int | None
    ref: Ref | None
    text: str | None


def _slots(field: str, written: tuple[Any, ...]) -> tuple[Slot, ...]:
    """Slots from what the builder kept: resolved refs in written order (every item resolved)
    or the slots themselves (an item dangles, or the field holds a single value)."""
    if not written or isinstance(written[0], Slot):
        return written
    return tuple(Slot(f"{field}.{index}", index, ref, None) for index, ref in enumerate(written))


class Fields:
    """The field states and reference slots of one entity (or of a RACI activity).

    ``states`` maps each written dotted field to its ``FieldState`` (fields not listed are
    ``ABSENT``); ``written`` maps each reference field to what ``slots`` needs.
    """

    __slots__ = ("states", "written")

    def __init__(self, states: dict[str, FieldState], written: dict[str, tuple[Any, ...]]) -> None:
        self.states = states
        self.written = written

    def state(self, field: str) -> FieldState:
        """The state of a dotted field (``owner``, ``governance.escalation``)."""
        return self.states.get(field, FieldState.ABSENT)

    def slots(self, field: str) -> tuple[Slot, ...]:
        """Each reference written in a reference field, in written order, dangling ones too."""
        return _slots(field, self.written.get(field, ()))


NO_FIELDS = Fields({}, {})


@dataclass(eq=False)
class Entity:
    """An entity of the org: its kind and id, where it is defined, its name and description.

    ``name`` falls back to the id when none is written. Subclasses add their fields, resolved.
    """

    kind: ClassVar[str] = ""
    id: str
    src: Source
    name: str = ""
    description: str | None = None
    fields: Fields = field(default=NO_FIELDS, repr=False)

    @property
    def ref(self) -> Ref:
        return Ref(self.kind, self.id)

    @property
    def label(self) -> str:
        """How messages name it: `handoff 'sales-to-delivery'`."""
        return f"{self.kind} '{self.id}'"

    @property
    def titled(self) -> str:
        """`journey 'onboarding' (New client onboarding)`, the name only when it says more."""
        if self.name and self.name != self.id:
            return f"{self.label} ({self.name})"
        return self.label

    def state(self, field: str) -> FieldState:
        """What the YAML says about a dotted field: absent, empty, written or dangling."""
        return self.fields.state(field)

    def given(self, field: str) -> bool:
        """True when the field has a value, whether or not a reference in it resolved."""
        return self.fields.state(field) in (FieldState.WRITTEN, FieldState.DANGLING)

    def at(self, field: str) -> str | None:
        """``field`` when its key is written, else None: where a finding about a field points,
        at the field when there is one to edit, else at the entity."""
        return field if field in self.fields.states else None

    def slots(self, field: str) -> tuple[Slot, ...]:
        """Each reference of a reference field as written (``governance.escalation``,
        ``path``), with its position and what it resolved to; () when none is written."""
        return self.fields.slots(field)

    def finding(self, field: str | None, message: str) -> Hit:
        """A hit on this entity's dotted field (or the entity itself, for None); the engine
        finds the position."""
        return Hit(message, entity=str(self.ref), field=field)


@dataclass(eq=False)
class Person(Entity):
    kind: ClassVar[str] = "person"
    title: str | None = None
    email: str | None = None
    founder: bool = False
    reports_to: Ref | None = None


@dataclass(eq=False)
class Team(Entity):
    kind: ClassVar[str] = "team"
    lead: Ref | None = None
    members: tuple[Ref, ...] = ()
    parent: Ref | None = None
    layer: str | None = None  # frontstage | backstage | support
    systems: tuple[Ref, ...] = ()


@dataclass(eq=False)
class System(Entity):
    kind: ClassVar[str] = "system"
    owner: Ref | None = None
    holds: tuple[str, ...] = ()  # context labels


@dataclass(eq=False)
class Journey(Entity):
    kind: ClassVar[str] = "journey"
    owner: Ref | None = None
    volume: str | None = None  # low | medium | high
    path: tuple[Ref, ...] = ()
    context: tuple[str, ...] = ()  # context labels

    def boundaries(self) -> Iterator[tuple[str, Ref, Ref]]:
        """Each consecutive pair of different teams on the path: (the field of the second team
        as written, ``path.2``; the sending team; the receiving team). Dangling items are
        skipped, so the pair around one is still a boundary."""
        previous: Ref | None = None
        for slot in self.slots("path"):
            if slot.ref is None:
                continue
            if previous is not None and previous != slot.ref:
                yield slot.field, previous, slot.ref
            previous = slot.ref


@dataclass(eq=False)
class Governance:
    """How a handoff's exceptions are governed: a written protocol (free text), the person
    with authority over exceptions, and the ordered escalation path."""

    protocol: str | None = None
    decision_maker: Ref | None = None
    escalation: tuple[Ref, ...] = ()


@dataclass(eq=False)
class Handoff(Entity):
    kind: ClassVar[str] = "handoff"
    source: Ref | None = field(default=None, metadata={"key": "from"})
    target: Ref | None = field(default=None, metadata={"key": "to"})
    owner: Ref | None = None
    backup_owner: Ref | None = None
    complexity: str | None = None  # declared: low | medium | high
    exception_rate: float | None = None  # share of cases that need judgement, 0..1
    governance: Governance = field(default_factory=Governance, metadata={"nested": Governance})
    carries: tuple[str, ...] = ()  # context labels
    sla: Mapping[str, str] = field(default_factory=dict)  # acknowledge/complete -> duration text
    measured_by: tuple[Ref, ...] = ()

    def levels(self) -> tuple[Slot, ...]:
        """The escalation levels that resolved, each with its position in the written list."""
        return tuple(slot for slot in self.slots("governance.escalation") if slot.ref is not None)


@dataclass(eq=False)
class Metric(Entity):
    kind: ClassVar[str] = "metric"
    type: str = "output"  # output | outcome | handoff
    owner: Ref | None = None
    rewards: tuple[Ref, ...] = ()
    downstream: tuple[Ref, ...] = ()
    source: Ref | None = None


@dataclass(eq=False)
class Activity:
    """One row of a RACI table: its index in the written list, its name (``#2`` when none is
    written), the table's id and the resolved cells (each a tuple, whether one reference or a
    list was written)."""

    index: int
    activity: str
    raci: str = ""
    R: tuple[Ref, ...] = ()
    A: tuple[Ref, ...] = ()
    C: tuple[Ref, ...] = ()
    I: tuple[Ref, ...] = ()  # noqa: E741 - the RACI letter
    fields: Fields = field(default=NO_FIELDS, repr=False)

    @property
    def place(self) -> str:
        """The dotted field of the activity in its RACI table: ``activities.3``."""
        return f"activities.{self.index}"

    @property
    def label(self) -> str:
        """`activity 'Approve the change' of RACI 'scope-change'` for messages."""
        return f"activity '{self.activity}' of RACI '{self.raci}'"

    def cell(self, letter: str) -> tuple[Slot, ...]:
        """The references of a cell (``R``, ``A``, ``C``, ``I``) as written, dangling ones
        too, each at its field in the table (``activities.3.A.1``, or ``activities.3.A`` for a
        single value)."""
        return self.fields.slots(f"{self.place}.{letter}")

    def named(self, letter: str) -> list[Ref | str]:
        """The distinct references a cell names as written: the entity when it resolved, else
        the text; [] when the cell is empty or absent."""
        named = (slot.ref or slot.text for slot in self.cell(letter))
        return list(dict.fromkeys(item for item in named if item))


@dataclass(eq=False)
class Raci(Entity):
    kind: ClassVar[str] = "raci"
    journey: Ref | None = None
    activities: tuple[Activity, ...] = field(default=(), metadata={"items": Activity})


@dataclass(eq=False)
class Review(Entity):
    kind: ClassVar[str] = "review"
    cadence: str | None = None
    owner: Ref | None = None
    attendees: tuple[Ref, ...] = ()
    covers: tuple[Ref, ...] = ()
    inputs: tuple[Ref, ...] = ()


@dataclass(eq=False)
class Decision(Entity):
    kind: ClassVar[str] = "decision"
    frequency: str | None = None  # a cadence: daily ... yearly
    decided_by: Ref | None = None
    raised_by: tuple[Ref, ...] = ()
    journey: Ref | None = None


ENTITY_TYPES: dict[str, type[Entity]] = {
    cls.kind: cls for cls in (Person, Team, System, Journey, Handoff, Metric, Raci, Review, Decision)
}
