"""The entities of an org as typed values: what each field says, and whether it was written.

An entity is built once by ``orglint.model.build`` from a validated document. References are
resolved there: a rule sees ``Ref`` values that name an existing entity, ``None`` (or no item)
where the field is empty or the reference dangles; a value the schema refuses (a level that is
not one, a rate above 1) is not read. What the YAML said beyond the resolved value is kept as
field states (written, absent, dangling, invalid) and slots (each reference of a list with its
position), so that no rule has to look at the YAML again, and ``known`` says whether a field's
value can be judged at all.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

from orglint.finding import Hit, Position
from orglint.load.documents import Document
from orglint.schema.org import cadence as cadence_of


class Ref(NamedTuple):
    """A resolved reference: the kind (``person``, ``team`` ...) and id of an entity that exists.

    ``str(ref)`` is ``kind:id``, the form waivers and findings use to name an entity. Refs are
    immutable, hash and compare by (kind, id), and sort that way: rules key their sets and
    indexes by them.
    """

    kind: str
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


def is_index(step: str) -> bool:
    """Whether a step of a dotted field is a list index: ASCII digits only (``'¹'.isdigit()``
    is true too, and ``int('¹')`` raises)."""
    return step.isascii() and step.isdigit()


def field_steps(field: str) -> tuple[Any, ...]:
    """The steps of a dotted field (``governance.escalation.2``): a list index (``is_index``)
    as an int, any other step as its text."""
    return tuple(int(step) if is_index(step) else step for step in field.split("."))


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
        values = self.doc.values
        path = self.path
        for step in field_steps(field):
            # a key of digits (a role named '2') is text where the file has it as text
            if isinstance(step, int) and (*path, step) not in values \
                    and (*path, str(step)) in values:
                step = str(step)
            path = (*path, step)
        return self.doc.position(path)


class FieldState(enum.Enum):
    """What the YAML says about one field of an entity."""

    ABSENT = "absent"  # the key is not written
    EMPTY = "empty"  # the key is written without a value (``owner:`` or ``owner: ~``)
    WRITTEN = "written"  # a value; for a reference, one that names an entity that exists
    DANGLING = "dangling"  # a reference (or an item of a list of them) that names nothing
    # a value the schema refuses: of the wrong type, not one of the allowed values, out of
    # range, or a list or mapping holding such an item (``complexity: extreme``)
    INVALID = "invalid"


@dataclass(slots=True)
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


class Fields:
    """What the YAML says about the fields of one entity (shared with its RACI activities).

    Keeps the entity's mapping as written, private to the model, to answer which keys were
    written; ``dangling`` holds the dotted reference fields that name something that does not
    exist (or hold an item that does); ``invalid`` the dotted fields whose value the schema
    refuses (ORG002), written without a value, or required and not written; ``slots`` the
    slots of each reference field written as a single value or with a dangling item. Other
    reference lists resolved in full, item for item: their slots follow from the resolved
    values.
    """

    __slots__ = ("_mapping", "dangling", "invalid", "slots")

    def __init__(self, mapping: Mapping[Any, Any], dangling: set[str] | None = None,
                 slots: dict[str, tuple[Slot, ...]] | None = None,
                 invalid: set[str] | None = None) -> None:
        self._mapping = mapping
        self.dangling = dangling
        self.slots = slots
        self.invalid = invalid

    def state(self, field: str) -> FieldState:
        """The state of a dotted field (``owner``, ``governance.escalation``,
        ``activities.0.A``)."""
        node: Any = self._mapping
        if "." not in field:  # the common case, made quick
            if field not in node:
                return FieldState.ABSENT
            return self._written(field, node[field])
        for step in field.split("."):
            if isinstance(node, dict):
                if step not in node:
                    return FieldState.ABSENT
                node = node[step]
            elif isinstance(node, list) and is_index(step) and int(step) < len(node):
                node = node[int(step)]
            else:
                return FieldState.ABSENT
        return self._written(field, node)

    def _written(self, field: str, value: Any) -> FieldState:
        if value is None:
            return FieldState.EMPTY
        if self.dangling and field in self.dangling:
            return FieldState.DANGLING
        if self.invalid and field in self.invalid:
            return FieldState.INVALID
        return FieldState.WRITTEN

    def known(self, field: str) -> bool:
        """True when the value the model holds for a dotted field is what the YAML says: the
        field is absent (and not required), or written with a value the schema takes, every
        reference in it resolved. False when the field, a field it is part of or one inside it
        is what ORG002 or ORG003 reports: a reference that dangles or is ambiguous, a value
        the schema refuses, a key written without a value, a required field not written."""
        dangling, invalid = self.dangling, self.invalid
        if not dangling and not invalid:  # the common case, made quick
            return True
        for unknown in (*(dangling or ()), *(invalid or ())):
            if unknown == field or unknown.startswith(field + ".") \
                    or field.startswith(unknown + "."):
                return False
        return True

    def given(self, field: str) -> bool:
        """True when the field has a value (written, a reference that dangles, or a value the
        schema refuses)."""
        if "." not in field:
            return self._mapping.get(field) is not None
        return self.state(field) in (FieldState.WRITTEN, FieldState.DANGLING, FieldState.INVALID)

    def written(self, field: str) -> Any:
        """The value written for a top-level field, as the YAML holds it (None when absent)."""
        return self._mapping.get(field)

    def kept(self, field: str) -> tuple[Slot, ...] | None:
        """The slots kept for a field (a single value, or a list with a dangling item)."""
        return self.slots.get(field) if self.slots else None


def _numbered(field: str, refs: tuple[Ref, ...]) -> tuple[Slot, ...]:
    """The slots of a reference list of which every item resolved, in written order."""
    return tuple(Slot(f"{field}.{index}", index, ref, None) for index, ref in enumerate(refs))


@functools.cache
def _attributes(kind: str, field: str) -> tuple[str, ...] | None:
    """The attribute path of a dotted YAML field on an entity of a kind (``governance.escalation``
    on a handoff: ``("governance", "escalation")``); None when a step is not one of its fields."""
    cls: Any = ENTITY_TYPES[kind]
    path = []
    for step in field.split("."):
        if not dataclasses.is_dataclass(cls):
            return None
        found = next((spec for spec in dataclasses.fields(cls)
                      if spec.metadata.get("key", spec.name) == step), None)
        if found is None:
            return None
        path.append(found.name)
        cls = found.metadata.get("nested", object)
    return tuple(path)


NO_FIELDS = Fields({})
_new_ref = tuple.__new__  # a Ref without the Python-level __new__ of NamedTuple: entity.ref is hot


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
        """The reference that names this entity: ``Ref("handoff", "sales-to-delivery")``."""
        return _new_ref(Ref, (self.kind, self.id))

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
        """True when the field has a value, whether or not a reference in it resolved or the
        schema takes it."""
        return self.fields.given(field)

    def known(self, field: str) -> bool:
        """True when the value the entity holds for a dotted field is what the YAML says
        (absent, or written, valid and resolved); False when the field is what ORG002 or
        ORG003 reports (a reference that dangles or is ambiguous, a value the schema refuses,
        an empty value, a required field not written). A rule whose verdict depends on a field
        that is not known says nothing about it: the field's own finding is the one to fix."""
        return self.fields.known(field)

    def written(self, field: str) -> Any:
        """The value written for a top-level field as the YAML holds it (None when absent):
        the text of a reference that dangles, for a message that quotes it."""
        return self.fields.written(field)

    def at(self, field: str) -> str | None:
        """``field`` when its key is written, else None: where a finding about a field points,
        at the field when there is one to edit, else at the entity."""
        return None if self.fields.state(field) is FieldState.ABSENT else field

    def slots(self, field: str) -> tuple[Slot, ...]:
        """Each reference of a reference field as written (``governance.escalation``,
        ``path``), with its position and what it resolved to; () when none is written.
        ValueError for a field that is not a reference field of this kind of entity."""
        kept = self.fields.kept(field)
        if kept is not None:
            return kept
        head, _, name = field.partition(".")
        named = getattr(self, head, None) if name else None
        if isinstance(named, Mapping):  # a mapping of names to references (roles)
            return _numbered(field, named.get(name, ()))
        path = _attributes(self.kind, field)
        if path is None:
            raise ValueError(f"{self.kind} has no field '{field}'")
        value: Any = self
        for attribute in path:
            value = getattr(value, attribute)
        if not isinstance(value, tuple):
            raise ValueError(f"{self.kind} field '{field}' is not a list of references")
        return _numbered(field, value)

    def finding(self, field: str | None, message: str) -> Hit:
        """A hit on this entity's dotted field (or the entity itself, for None); the engine
        finds the position."""
        return Hit(message, entity=str(self.ref), field=field)


@dataclass(eq=False)
class Person(Entity):
    """A person: title and email (text), whether they are a founder, and whom they report to."""

    kind: ClassVar[str] = "person"
    title: str | None = None
    email: str | None = None
    founder: bool = False
    reports_to: Ref | None = None


@dataclass(eq=False)
class Team(Entity):
    """A team: its leads (one, or co-leads; YAML ``lead``) and members (people), parent team,
    the children it lists, roles beside lead and member (role name -> people), blueprint layer
    and the systems it works in."""

    kind: ClassVar[str] = "team"
    leads: tuple[Ref, ...] = field(default=(), metadata={"key": "lead"})
    members: tuple[Ref, ...] = ()
    parent: Ref | None = None
    children: tuple[Ref, ...] = ()
    roles: Mapping[str, tuple[Ref, ...]] = field(default_factory=dict)
    layer: str | None = None  # frontstage | backstage | support
    systems: tuple[Ref, ...] = ()

    @property
    def lead(self) -> Ref | None:
        """The first of its own leads; None when it names none (see ``Org.leads_of`` for a
        lead through the parent chain)."""
        return self.leads[0] if self.leads else None

    @property
    def role_holders(self) -> tuple[Ref, ...]:
        """Everyone who holds a role in the team, each once, in the order written."""
        return tuple(dict.fromkeys(ref for holders in self.roles.values() for ref in holders))


@dataclass(eq=False)
class System(Entity):
    """A system (a CRM, a ticket queue): the person or team owning it and the context labels it
    holds."""

    kind: ClassVar[str] = "system"
    owner: Ref | None = None
    holds: tuple[str, ...] = ()  # context labels


@dataclass(eq=False)
class Journey(Entity):
    """A customer journey: the person owning the customer across it, its volume, the teams it
    passes in order (each consecutive pair a boundary) and the context that must reach them."""

    kind: ClassVar[str] = "journey"
    owner: Ref | None = None
    volume: str | None = None  # low | medium | high
    path: tuple[Ref, ...] = ()
    context: tuple[str, ...] = ()  # context labels

    def boundaries(self) -> Iterator[tuple[str, Ref, Ref]]:
        """Each consecutive pair of different teams on the path: (the field of the second team
        as written, ``path.2``; the sending team; the receiving team). A dangling item names no
        known team: the pairs it is part of are unknown and left out, and the teams around it
        are no pair (``[sales, delivry, billing]`` has no boundary from Sales to Billing)."""
        previous: Ref | None = None
        for slot in self.slots("path"):
            if previous is not None and slot.ref is not None and previous != slot.ref:
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
    """The contract at a boundary from one team (``source``, YAML ``from``) to another
    (``target``, ``to``): owners, complexity, governance, what it carries, its SLA and the
    metrics measuring it. ``exception_rate`` is a share of cases from 0 to 1; SLA values are
    duration text as written (``4h``, ``PT4H``)."""

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
    """A metric: its type, owner, whom it rewards, the components (teams, journeys, handoffs)
    whose outcome it includes, and the system it is measured from."""

    kind: ClassVar[str] = "metric"
    type: str = ""  # output | outcome | handoff; "" when not known (ORG002)
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

    def known(self, letter: str) -> bool:
        """True when a cell (``R``, ``A``, ``C``, ``I``) holds what the YAML says: absent, or
        written and every reference in it resolved (see ``Entity.known``)."""
        return self.fields.known(f"{self.place}.{letter}")

    def cell(self, letter: str) -> tuple[Slot, ...]:
        """The references of a cell (``R``, ``A``, ``C``, ``I``) as written, dangling ones
        too, each at its field in the table (``activities.3.A.1``, or ``activities.3.A`` for a
        single value)."""
        field = f"{self.place}.{letter}"
        kept = self.fields.kept(field)
        return kept if kept is not None else _numbered(field, getattr(self, letter))

    def named(self, letter: str) -> list[Ref | str]:
        """The distinct references a cell names as written: the entity when it resolved, else
        the text; [] when the cell is empty or absent."""
        kept = self.fields.kept(f"{self.place}.{letter}")
        if kept is None:  # a list that resolved in full
            return list(dict.fromkeys(getattr(self, letter)))
        named = (slot.ref or slot.text for slot in kept)
        return list(dict.fromkeys(item for item in named if item))


@dataclass(eq=False)
class Raci(Entity):
    """A RACI table, optionally for one journey, with its activities in written order."""

    kind: ClassVar[str] = "raci"
    journey: Ref | None = None
    activities: tuple[Activity, ...] = field(default=(), metadata={"items": Activity})


@dataclass(eq=False)
class Review(Entity):
    """A feedback loop: its cadence, owner, attendees (teams or people), the journeys it covers
    and the metrics it looks at."""

    kind: ClassVar[str] = "review"
    # canonical (daily ... yearly) whatever the spelling (bi-weekly, every 2 weeks ...)
    cadence: str | None = field(default=None, metadata={"normal": cadence_of})
    owner: Ref | None = None
    attendees: tuple[Ref, ...] = ()
    covers: tuple[Ref, ...] = ()
    inputs: tuple[Ref, ...] = ()


@dataclass(eq=False)
class Decision(Entity):
    """A decision right: how often it comes up, who decides it, the teams that raise it and the
    journey it belongs to."""

    kind: ClassVar[str] = "decision"
    frequency: str | None = field(default=None, metadata={"normal": cadence_of})  # a cadence
    decided_by: Ref | None = None
    raised_by: tuple[Ref, ...] = ()
    journey: Ref | None = None


ENTITY_TYPES: dict[str, type[Entity]] = {
    cls.kind: cls for cls in (Person, Team, System, Journey, Handoff, Metric, Raci, Review, Decision)
}
