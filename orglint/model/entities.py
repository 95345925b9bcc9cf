"""The typed, resolved Org that every rule reads: built once from validated documents.

References are resolved here, once: a rule sees ``Ref`` values that name an existing entity (or
``None`` where the field is empty or the reference dangles, which ORG003 reports). Problems
found while building (unknown references, duplicate ids, hierarchy cycles) are kept in
``Org.problems`` by code; the ORG rules of the built-in pack yield them like any other finding.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from orglint.finding import Hit, Position
from orglint.load.documents import Document
from orglint.schema.org import KIND_SECTION, SECTIONS, reference_kinds


@dataclass(frozen=True, order=True)
class Ref:
    """A resolved reference: the kind and id of an entity that exists."""

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
        if not field:
            return self.doc.position(self.path, key=True)
        steps: list[Any] = [int(step) if step.isdigit() else step for step in field.split(".")]
        return self.doc.position((*self.path, *steps))


@dataclass(eq=False)
class Entity:
    kind: ClassVar[str] = ""
    id: str
    src: Source
    raw: dict[str, Any]
    name: str = ""
    description: str | None = None

    @property
    def ref(self) -> Ref:
        return Ref(self.kind, self.id)

    @property
    def label(self) -> str:
        """How messages name it: `handoff 'sales-to-delivery'`."""
        return f"{self.kind} '{self.id}'"

    def finding(self, field: str | None, message: str) -> Hit:
        """A hit on this entity's field; the engine finds the position."""
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
    members: list[Ref] = field(default_factory=list)
    parent: Ref | None = None
    layer: str | None = None
    systems: list[Ref] = field(default_factory=list)


@dataclass(eq=False)
class System(Entity):
    kind: ClassVar[str] = "system"
    owner: Ref | None = None
    holds: list[str] = field(default_factory=list)


@dataclass(eq=False)
class Journey(Entity):
    kind: ClassVar[str] = "journey"
    owner: Ref | None = None
    volume: str | None = None
    path: list[Ref] = field(default_factory=list)
    context: list[str] = field(default_factory=list)

    def boundaries(self) -> Iterator[tuple[int, Ref, Ref]]:
        """Each consecutive pair of teams on the path (index of the second, from, to)."""
        for index in range(1, len(self.path)):
            if self.path[index - 1] != self.path[index]:
                yield index, self.path[index - 1], self.path[index]


@dataclass(eq=False)
class Governance:
    protocol: str | None = None
    decision_maker: Ref | None = None
    escalation: list[Ref] = field(default_factory=list)
    escalation_given: bool = False


@dataclass(eq=False)
class Handoff(Entity):
    kind: ClassVar[str] = "handoff"
    source: Ref | None = None  # `from` in YAML
    target: Ref | None = None  # `to` in YAML
    owner: Ref | None = None
    backup_owner: Ref | None = None
    complexity: str | None = None
    exception_rate: float | None = None
    governance: Governance = field(default_factory=Governance)
    carries: list[str] = field(default_factory=list)
    sla: dict[str, str] = field(default_factory=dict)
    measured_by: list[Ref] = field(default_factory=list)


@dataclass(eq=False)
class Metric(Entity):
    kind: ClassVar[str] = "metric"
    type: str = "output"
    owner: Ref | None = None
    rewards: list[Ref] = field(default_factory=list)
    downstream: list[Ref] = field(default_factory=list)
    source: Ref | None = None


@dataclass(eq=False)
class Activity:
    index: int
    activity: str
    R: list[Ref] = field(default_factory=list)
    A: list[Ref] = field(default_factory=list)
    C: list[Ref] = field(default_factory=list)
    I: list[Ref] = field(default_factory=list)  # noqa: E741 - the RACI letter


@dataclass(eq=False)
class Raci(Entity):
    kind: ClassVar[str] = "raci"
    journey: Ref | None = None
    activities: list[Activity] = field(default_factory=list)


@dataclass(eq=False)
class Review(Entity):
    kind: ClassVar[str] = "review"
    cadence: str | None = None
    owner: Ref | None = None
    attendees: list[Ref] = field(default_factory=list)
    covers: list[Ref] = field(default_factory=list)
    inputs: list[Ref] = field(default_factory=list)


@dataclass(eq=False)
class Decision(Entity):
    kind: ClassVar[str] = "decision"
    frequency: str | None = None
    decided_by: Ref | None = None
    raised_by: list[Ref] = field(default_factory=list)
    journey: Ref | None = None


ENTITY_TYPES: dict[str, type[Entity]] = {
    cls.kind: cls for cls in (Person, Team, System, Journey, Handoff, Metric, Raci, Review, Decision)
}


@dataclass
class Org:
    """Every entity by kind and id, plus indexes that keep rules linear in the org's size."""

    name: str | None = None
    people: dict[str, Person] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    systems: dict[str, System] = field(default_factory=dict)
    journeys: dict[str, Journey] = field(default_factory=dict)
    handoffs: dict[str, Handoff] = field(default_factory=dict)
    metrics: dict[str, Metric] = field(default_factory=dict)
    raci: dict[str, Raci] = field(default_factory=dict)
    reviews: dict[str, Review] = field(default_factory=dict)
    decisions: dict[str, Decision] = field(default_factory=dict)
    problems: dict[str, list[Hit]] = field(default_factory=lambda: defaultdict(list))
    # indexes, built once so that every rule stays linear in the size of the org
    teams_of_person: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    handoffs_between: dict[tuple[str, str], list[Handoff]] = field(
        default_factory=lambda: defaultdict(list)
    )
    handoffs_owned: dict[Ref, list[Handoff]] = field(default_factory=lambda: defaultdict(list))
    handoffs_backed: dict[Ref, list[Handoff]] = field(default_factory=lambda: defaultdict(list))
    journeys_of_handoff: dict[str, list[Journey]] = field(default_factory=lambda: defaultdict(list))
    metrics_rewarding: dict[Ref, list[Metric]] = field(default_factory=lambda: defaultdict(list))
    metrics_downstream_of: dict[Ref, list[Metric]] = field(
        default_factory=lambda: defaultdict(list)
    )
    reviews_covering: dict[str, list[Review]] = field(default_factory=lambda: defaultdict(list))
    systems_of_team: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    decisions_by: dict[Ref, list[Decision]] = field(default_factory=lambda: defaultdict(list))
    teams_led_by: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def section(self, kind: str) -> dict[str, Any]:
        table: dict[str, Any] = getattr(self, KIND_SECTION[kind])
        return table

    def get(self, ref: Ref | str | None) -> Entity | None:
        if ref is None:
            return None
        if isinstance(ref, str):
            kind, _, ident = ref.partition(":")
            ref = Ref(kind, ident)
        entity: Entity | None = self.section(ref.kind).get(ref.id)
        return entity

    def entities(self) -> Iterator[Entity]:
        for section in SECTIONS:
            yield from getattr(self, section).values()

    def display(self, ref: Ref | None) -> str:
        """A person's or team's name for messages and reports, falling back to the id."""
        entity = self.get(ref)
        if entity is None:
            return "nobody" if ref is None else ref.id
        return entity.name or entity.id

    @property
    def founders(self) -> list[Person]:
        return [person for person in self.people.values() if person.founder]


def _letters(word: str) -> frozenset[tuple[str, int]]:
    """A word's letters as a set that counts repeats: its intersection with another word's
    is the multiset intersection that difflib's ``quick_ratio`` counts."""
    seen: dict[str, int] = {}
    out = []
    for char in word:
        seen[char] = seen.get(char, 0) + 1
        out.append((char, seen[char]))
    return frozenset(out)


class SuggestionIndex:
    """``difflib.get_close_matches(word, candidates, n=1, cutoff)`` with the same answer, fast
    on thousands of ids: difflib's upper bounds prune every candidate that cannot beat the best
    match found so far, and candidates with the same letters share one bound."""

    def __init__(self, candidates: list[str], cutoff: float = 0.6) -> None:
        self.cutoff = cutoff
        groups: dict[str, list[str]] = {}
        for candidate in candidates:
            groups.setdefault("".join(sorted(candidate)), []).append(candidate)
        self.groups = list(groups.values())
        self.lengths = [len(spelling) for spelling in groups]
        self.letters = [_letters(spelling) for spelling in groups]

    def closest(self, word: str) -> str | None:
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(word)
        size = len(word)
        cutoff = self.cutoff
        # difflib's quick_ratio for every group at once: it bounds the ratio from above
        shared = map(len, map(_letters(word).__and__, self.letters))
        bounded = []
        for common, length, ids in zip(shared, self.lengths, self.groups, strict=True):
            total = length + size
            bound = 2.0 * common / total if total else 1.0
            if bound >= cutoff:
                bounded.append((bound, ids))
        bounded.sort(key=lambda item: -item[0])  # most promising first: the rest is pruned
        best: tuple[float, str] | None = None
        for bound, ids in bounded:
            if best is not None and bound < best[0]:
                break
            for candidate in ids:
                matcher.set_seq1(candidate)
                score = matcher.ratio()
                if score >= cutoff and (best is None or (score, candidate) > best):
                    best = (score, candidate)
        return best[1] if best is not None else None


class _Builder:
    def __init__(self) -> None:
        self.org = Org()
        self.defined: dict[tuple[str, str], Source] = {}
        self._suggestions: dict[tuple[str, ...], SuggestionIndex] = {}
        self._refs: dict[tuple[str, str], Ref] = {}
        self._kinds: dict[tuple[str, str], tuple[str, ...]] = {}
        self._tables: dict[str, dict[str, Any]] = {kind: self.org.section(kind)
                                                   for kind in KIND_SECTION}

    def add_document(self, doc: Document) -> None:
        data = doc.data
        if not isinstance(data, dict):
            return
        meta = data.get("org")
        if isinstance(meta, dict) and isinstance(meta.get("name"), str) and not self.org.name:
            self.org.name = meta["name"]
        defined = self.defined
        for section, kind in SECTIONS.items():
            table = data.get(section)
            if not isinstance(table, dict):
                continue
            cls = ENTITY_TYPES[kind]
            entities = self._tables[kind]
            for ident, raw in table.items():
                if not isinstance(raw, dict):
                    raw = {}
                src = Source(doc, (section, ident))
                text = str(ident)
                key = (kind, text)
                if key in defined:
                    first = defined[key].position()
                    self.org.problems["ORG004"].append(
                        Hit(
                            f"duplicate {kind} id '{ident}': already defined at {first}",
                            position=src.position(),
                        )
                    )
                    continue
                defined[key] = src
                name = raw.get("name")
                entity = cls(id=text, src=src, raw=raw,
                             name=name if isinstance(name, str) and name else text)
                description = raw.get("description")
                entity.description = description if isinstance(description, str) else None
                entities[text] = entity

    # -- references -------------------------------------------------------------------------

    def _ref(self, kind: str, ident: str) -> Ref:
        """One Ref per entity, shared by every reference to it (thousands: build each once)."""
        ref = self._refs.get((kind, ident))
        if ref is None:
            ref = self._refs[(kind, ident)] = Ref(kind, ident)
        return ref

    def resolve(self, entity: Entity, field: str, value: Any, kinds: tuple[str, ...]) -> Ref | None:
        if not isinstance(value, str) or not value:
            return None
        tables = self._tables
        if ":" in value:
            kind, _, ident = value.partition(":")
            if kind in KIND_SECTION:
                if kind not in kinds:
                    self._unknown(entity, field, f"{self._field_label(entity, field)} cannot "
                                  f"name a {kind}; it accepts {self._kinds_text(kinds)}")
                    return None
                if ident in tables[kind]:
                    return self._ref(kind, ident)
                self._unknown(entity, field, self._unknown_text(entity, field, ident, (kind,)))
                return None
        elif len(kinds) == 1 and value in tables[kinds[0]]:  # the common case, made quick
            return self._ref(kinds[0], value)
        found = [kind for kind in kinds if value in tables[kind]]
        if len(found) == 1:
            return self._ref(found[0], value)
        if len(found) > 1:
            choices = " or ".join(f"'{kind}:{value}'" for kind in found)
            self._unknown(entity, field, f"{self._field_label(entity, field)}: '{value}' is "
                          f"ambiguous; write {choices}")
            return None
        self._unknown(entity, field, self._unknown_text(entity, field, value, kinds))
        return None

    def resolve_many(self, entity: Entity, field: str, values: Any, kinds: tuple[str, ...]) -> list[Ref]:
        if isinstance(values, str):
            values = [values]
            return [ref for ref in [self.resolve(entity, field, values[0], kinds)] if ref]
        if not isinstance(values, list):
            return []
        resolved = []
        only = self._tables[kinds[0]] if len(kinds) == 1 else None
        for index, value in enumerate(values):
            if only is not None and type(value) is str and value in only and ":" not in value:
                resolved.append(self._ref(kinds[0], value))  # what resolve says, sooner
                continue
            ref = self.resolve(entity, f"{field}.{index}", value, kinds)
            if ref is not None:
                resolved.append(ref)
        return resolved

    def _unknown(self, entity: Entity, field: str, message: str) -> None:
        self.org.problems["ORG003"].append(entity.finding(field, message))

    def _unknown_text(self, entity: Entity, field: str, value: str, kinds: tuple[str, ...]) -> str:
        message = f"{self._field_label(entity, field)} names unknown {self._kinds_text(kinds)} '{value}'"
        index = self._suggestions.get(kinds)
        if index is None:
            candidates = [ident for kind in kinds for ident in self.org.section(kind)]
            index = self._suggestions[kinds] = SuggestionIndex(candidates)
        close = index.closest(value)
        if close is not None:
            message += f"; did you mean '{close}'?"
        return message

    @staticmethod
    def _kinds_text(kinds: tuple[str, ...]) -> str:
        return " or ".join(kinds)

    @staticmethod
    def _field_label(entity: Entity, field: str) -> str:
        from orglint.schema.org import dotted

        steps = tuple(int(step) if step.isdigit() else step for step in field.split("."))
        return f"{entity.label} field '{dotted(steps)}'"

    # -- fields -------------------------------------------------------------------------------

    def one(self, entity: Entity, field: str) -> Ref | None:
        return self.resolve(entity, field, entity.raw.get(field), self.kinds(entity, field))

    def many(self, entity: Entity, field: str) -> list[Ref]:
        return self.resolve_many(entity, field, entity.raw.get(field), self.kinds(entity, field))

    def kinds(self, entity: Entity, field: str) -> tuple[str, ...]:
        kinds = self._kinds.get((entity.kind, field))
        if kinds is None:
            kinds = self._kinds[(entity.kind, field)] = reference_kinds(
                KIND_SECTION[entity.kind], field)
        return kinds

    def build(self) -> Org:
        org = self.org
        for person in org.people.values():
            raw = person.raw
            person.title = _text(raw.get("title"))
            person.email = _text(raw.get("email"))
            person.founder = raw.get("founder") is True
            person.reports_to = self.one(person, "reports_to")
        for team in org.teams.values():
            team.lead = self.one(team, "lead")
            team.members = self.many(team, "members")
            team.parent = self.one(team, "parent")
            team.layer = _text(team.raw.get("layer"))
            team.systems = self.many(team, "systems")
            for member in team.members:
                org.teams_of_person[member.id].append(team.id)
        for system in org.systems.values():
            system.owner = self.one(system, "owner")
            system.holds = _labels(system.raw.get("holds"))
        for journey in org.journeys.values():
            journey.owner = self.one(journey, "owner")
            journey.volume = _text(journey.raw.get("volume"))
            journey.path = self.many(journey, "path")
            journey.context = _labels(journey.raw.get("context"))
        for handoff in org.handoffs.values():
            self._handoff(handoff)
        for metric in org.metrics.values():
            raw = metric.raw
            metric.type = _text(raw.get("type")) or "output"
            metric.owner = self.one(metric, "owner")
            metric.rewards = self.many(metric, "rewards")
            metric.downstream = self.many(metric, "downstream")
            metric.source = self.one(metric, "source")
        for raci in org.raci.values():
            self._raci(raci)
        for review in org.reviews.values():
            review.cadence = _text(review.raw.get("cadence"))
            review.owner = self.one(review, "owner")
            review.attendees = self.many(review, "attendees")
            review.covers = self.many(review, "covers")
            review.inputs = self.many(review, "inputs")
        for decision in org.decisions.values():
            decision.frequency = _text(decision.raw.get("frequency"))
            decision.decided_by = self.one(decision, "decided_by")
            decision.raised_by = self.many(decision, "raised_by")
            decision.journey = self.one(decision, "journey")
        self._index()
        self._cycles("ORG005", org.people, "reports_to", "reporting line")
        self._cycles("ORG005", org.teams, "parent", "team hierarchy")
        return org

    def _index(self) -> None:
        org = self.org
        for handoff in org.handoffs.values():
            if handoff.owner is not None:
                org.handoffs_owned[handoff.owner].append(handoff)
            if handoff.backup_owner is not None:
                org.handoffs_backed[handoff.backup_owner].append(handoff)
        for journey in org.journeys.values():
            seen: set[str] = set()
            for _, source, target in journey.boundaries():
                for handoff in org.handoffs_between.get((source.id, target.id), ()):
                    if handoff.id not in seen:
                        seen.add(handoff.id)
                        org.journeys_of_handoff[handoff.id].append(journey)
        for metric in org.metrics.values():
            for rewarded in dict.fromkeys(metric.rewards):
                org.metrics_rewarding[rewarded].append(metric)
            for component in dict.fromkeys(metric.downstream):
                org.metrics_downstream_of[component].append(metric)
        for review in org.reviews.values():
            for covered in dict.fromkeys(review.covers):
                org.reviews_covering[covered.id].append(review)
        for team in org.teams.values():
            org.systems_of_team[team.id].update(ref.id for ref in team.systems)
        for system in org.systems.values():
            if system.owner is not None and system.owner.kind == "team":
                org.systems_of_team[system.owner.id].add(system.id)
        for decision in org.decisions.values():
            if decision.decided_by is not None:
                org.decisions_by[decision.decided_by].append(decision)
        for team in org.teams.values():
            if team.lead is not None:
                org.teams_led_by[team.lead.id].append(team.id)

    def _handoff(self, handoff: Handoff) -> None:
        raw = handoff.raw
        handoff.source = self.one(handoff, "from")
        handoff.target = self.one(handoff, "to")
        handoff.owner = self.one(handoff, "owner")
        handoff.backup_owner = self.one(handoff, "backup_owner")
        handoff.complexity = _text(raw.get("complexity"))
        rate = raw.get("exception_rate")
        is_number = isinstance(rate, (int, float)) and not isinstance(rate, bool)
        handoff.exception_rate = float(rate) if is_number and rate is not None else None
        given = raw.get("governance")
        governance: dict[str, Any] = given if isinstance(given, dict) else {}
        handoff.governance = Governance(
            protocol=_text(governance.get("protocol")),
            decision_maker=self.resolve(
                handoff, "governance.decision_maker", governance.get("decision_maker"),
                reference_kinds("handoffs", "governance.decision_maker"),
            ),
            escalation=self.resolve_many(
                handoff, "governance.escalation", governance.get("escalation"),
                reference_kinds("handoffs", "governance.escalation"),
            ),
            escalation_given="escalation" in governance,
        )
        handoff.carries = _labels(raw.get("carries"))
        sla = raw.get("sla")
        handoff.sla = {k: v for k, v in sla.items() if isinstance(v, str)} if isinstance(sla, dict) else {}
        handoff.measured_by = self.many(handoff, "measured_by")
        if handoff.source and handoff.target:
            self.org.handoffs_between[(handoff.source.id, handoff.target.id)].append(handoff)

    def _raci(self, raci: Raci) -> None:
        raci.journey = self.one(raci, "journey")
        activities = raci.raw.get("activities")
        if not isinstance(activities, list):
            return
        for index, item in enumerate(activities):
            if not isinstance(item, dict):
                continue
            activity = Activity(index=index, activity=_text(item.get("activity")) or f"#{index + 1}")
            for letter in ("R", "A", "C", "I"):
                field = f"activities.{index}.{letter}"
                kinds = reference_kinds("raci", f"activities.{letter}")
                refs = self.resolve_many(raci, field, item.get(letter), kinds)
                setattr(activity, letter, refs)
            raci.activities.append(activity)

    def _cycles(self, code: str, table: dict[str, Any], attr: str, what: str) -> None:
        """Report each cycle once, at the link of its smallest member (iterative walk)."""
        state: dict[str, int] = {}  # 1 on the current walk, 2 done
        for start in sorted(table):
            walk: list[str] = []
            node: str | None = start
            while node is not None and node in table and state.get(node) is None:
                state[node] = 1
                walk.append(node)
                link = getattr(table[node], attr)
                node = link.id if link is not None else None
            if node is not None and state.get(node) == 1:
                cycle = walk[walk.index(node):]
                anchor = min(cycle)
                rotated = cycle[cycle.index(anchor):] + cycle[: cycle.index(anchor)]
                chain = " -> ".join([*rotated, anchor])
                self.org.problems[code].append(
                    table[anchor].finding(attr, f"{what} cycle: {chain}")
                )
            for member in walk:
                state[member] = 2


def build_org(documents: Iterable[Document]) -> Org:
    builder = _Builder()
    for doc in documents:
        builder.add_document(doc)
    return builder.build()


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _labels(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, str)]
