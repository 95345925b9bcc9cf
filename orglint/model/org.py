"""The resolved Org: every entity by kind and id, read-only indexes, and the questions rules share.

Indexes are keyed by ``Ref`` (a boundary by its pair of team refs) and hold entities, in the
order they are defined; they are read-only mappings of tuples, built once by
``orglint.model.build`` so that every rule stays linear in the size of the org.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from orglint.finding import Hit
from orglint.model.complexity import Complexity
from orglint.model.entities import (
    Decision,
    Entity,
    Handoff,
    Journey,
    Metric,
    Person,
    Raci,
    Ref,
    Review,
    System,
    Team,
)
from orglint.schema.org import KIND_SECTION, SECTIONS

# The kinds of problem found while reading and resolving the files; the structure rules of
# the built-in pack turn each kind into findings of their own code.
SYNTAX = "syntax"  # a file is not YAML orglint will read
SCHEMA = "schema"  # a field is missing, mistyped, unknown or out of range
UNKNOWN_REFERENCE = "unknown-reference"  # a reference names nothing the field accepts
DUPLICATE_ID = "duplicate-id"  # two entities of one kind share an id
CYCLE = "cycle"  # reports_to or a team's parent goes round in a circle
# a reference to an id no readable file defines, while a file could not be read: what it names
# may be defined there, so it is held back (never reported) until that file reads
UNRESOLVED = "unresolved"
PROBLEM_KINDS = (SYNTAX, SCHEMA, UNKNOWN_REFERENCE, DUPLICATE_ID, CYCLE, UNRESOLVED)

EMPTY: Mapping[Any, Any] = MappingProxyType({})


def _as_text(value: Any) -> str:
    """A reference as written, when it is text; "" for anything else."""
    return value if isinstance(value, str) else ""


def _spaced(text: str) -> str:
    """A name as it is compared: lower case, single spaces, none around."""
    return " ".join(text.lower().split())


@dataclass(frozen=True, eq=False)
class Org:
    """Every entity by kind and id, the problems found building it, and indexes.

    Each section (``people``, ``teams`` ...) maps an id to its entity. ``problems`` maps a
    problem kind (``PROBLEM_KINDS``) to its hits. ``complexity`` holds the org-wide exception
    rates that make a handoff medium or high complexity. ``unreadable`` holds the paths of the
    files that could not be read in full: while there are any, the org may lack what they
    define. All mappings are read-only.
    """

    name: str | None = None
    people: Mapping[str, Person] = field(default_factory=lambda: EMPTY)
    teams: Mapping[str, Team] = field(default_factory=lambda: EMPTY)
    systems: Mapping[str, System] = field(default_factory=lambda: EMPTY)
    journeys: Mapping[str, Journey] = field(default_factory=lambda: EMPTY)
    handoffs: Mapping[str, Handoff] = field(default_factory=lambda: EMPTY)
    metrics: Mapping[str, Metric] = field(default_factory=lambda: EMPTY)
    raci: Mapping[str, Raci] = field(default_factory=lambda: EMPTY)
    reviews: Mapping[str, Review] = field(default_factory=lambda: EMPTY)
    decisions: Mapping[str, Decision] = field(default_factory=lambda: EMPTY)
    problems: Mapping[str, tuple[Hit, ...]] = field(default_factory=lambda: EMPTY)
    complexity: Complexity = field(default_factory=Complexity)
    unreadable: tuple[str, ...] = ()
    # (place among the unknown-reference problems, kinds the field accepts, id written): the
    # references whose message a hint completes when it is asked for (unknown_references)
    hints: tuple[tuple[int, tuple[str, ...], str], ...] = ()
    # the did-you-mean indexes, by the kinds a field accepts, made the first time a hint
    # needs one (the one mapping that grows): an org rebuilt from this one shares them
    suggestions: dict[tuple[str, ...], Any] = field(default_factory=dict, repr=False)
    # those of the org this one was rebuilt from (orglint.model.build.rebuild_org)
    similar: Mapping[tuple[str, ...], Any] = field(default_factory=lambda: EMPTY, repr=False)
    # kinds -> display name (lower case, single spaces) -> (kind, id), None where two share it
    _names: dict[tuple[str, ...], dict[str, tuple[str, str] | None]] = field(
        default_factory=dict, repr=False)
    # indexes: person -> the teams listing them in `members`, and the teams they lead
    teams_of_member: Mapping[Ref, tuple[Team, ...]] = field(default_factory=lambda: EMPTY)
    teams_led_by: Mapping[Ref, tuple[Team, ...]] = field(default_factory=lambda: EMPTY)
    # person -> the teams they are a member of, then those they lead, each once (teams_of)
    teams_of_person: Mapping[Ref, tuple[Team, ...]] = field(default_factory=lambda: EMPTY)
    # person -> the teams in which they hold a role (tech lead, liaison ...)
    teams_of_role: Mapping[Ref, tuple[Team, ...]] = field(default_factory=lambda: EMPTY)
    # (from team, to team) -> the handoffs contracting that boundary
    handoffs_between: Mapping[tuple[Ref, Ref], tuple[Handoff, ...]] = field(default_factory=lambda: EMPTY)
    # person or team -> the handoffs they own, or back up
    handoffs_owned: Mapping[Ref, tuple[Handoff, ...]] = field(default_factory=lambda: EMPTY)
    handoffs_backed: Mapping[Ref, tuple[Handoff, ...]] = field(default_factory=lambda: EMPTY)
    # handoff -> the journeys whose path crosses its boundary
    journeys_of_handoff: Mapping[Ref, tuple[Journey, ...]] = field(default_factory=lambda: EMPTY)
    # team or person -> the metrics that reward them; component -> metrics downstream of it
    metrics_rewarding: Mapping[Ref, tuple[Metric, ...]] = field(default_factory=lambda: EMPTY)
    metrics_downstream_of: Mapping[Ref, tuple[Metric, ...]] = field(default_factory=lambda: EMPTY)
    # journey -> the reviews covering it
    reviews_covering: Mapping[Ref, tuple[Review, ...]] = field(default_factory=lambda: EMPTY)
    # team -> the systems it works in: listed in its `systems`, or owned by it
    systems_of_team: Mapping[Ref, frozenset[System]] = field(default_factory=lambda: EMPTY)
    # person or team -> the decisions they make
    decisions_by: Mapping[Ref, tuple[Decision, ...]] = field(default_factory=lambda: EMPTY)
    # team -> the team whose leads lead it: itself, or the nearest up its parent chain that
    # names leads; None when no team up the chain does (a parent cycle ends the chain)
    led_through: Mapping[Ref, Team | None] = field(default_factory=lambda: EMPTY)
    # team -> the teams that list it among their children
    listed_by: Mapping[Ref, frozenset[Ref]] = field(default_factory=lambda: EMPTY)

    # -- problems ---------------------------------------------------------------------------

    def unknown_references(self) -> Iterator[Hit]:
        """The unknown-reference problems in order, each with its hint (``hint``) where the
        reference names an id no document defines. The hints are found here, when a rule asks
        for them, not while the org is built: an org with no such rule selected never pays
        for the did-you-mean index of 100,000 ids. They are found together: one pass over the
        names and one over the ids of each kinds asked, for the words asked only."""
        asked = {place: (kinds, value) for place, kinds, value in self.hints}
        values: dict[tuple[str, ...], set[str]] = {}
        for kinds, value in asked.values():
            values.setdefault(kinds, set()).add(value)
        named = {kinds: self._names_of(kinds, {_spaced(value) for value in words})
                 for kinds, words in values.items()}
        for kinds, words in values.items():
            unnamed = sorted(word for word in words if named[kinds].get(_spaced(word)) is None)
            if unnamed:
                self._similar(kinds).expect(unnamed)
        for place, hit in enumerate(self.problems.get(UNKNOWN_REFERENCE, ())):
            wanted = asked.get(place)
            if wanted is not None:
                kinds, value = wanted
                kind, _, ident = (hit.entity or "").partition(":")
                hit = replace(hit, message=hit.message + self._hint(
                    kinds, value, named[kinds].get(_spaced(value)),
                    ident if kind in kinds else None))
            yield hit

    def hint(self, kinds: tuple[str, ...], value: str) -> str:
        """What completes the message of a reference to ``value``, an id no entity of
        ``kinds`` has: ``; that is the name of team 'sales': write its id`` when one entity of
        those kinds has that display name (case and spacing aside), else ``; did you mean
        'x'?`` naming the closest id (``orglint.model.suggest``), else ""."""
        return self._hint(kinds, value, self._named(kinds, value))

    def _hint(self, kinds: tuple[str, ...], value: str, named: tuple[str, str] | None,
              besides: str | None = None) -> str:
        """The hint for ``value``, never naming ``besides`` (the id of the entity whose field
        it is: an entity cannot mean itself, as its own parent or manager). ``persn:sales``,
        a kind misspelt before an id of that kind, gets ``person:sales``."""
        if named is not None:
            return f"; that is the name of {named[0]} '{named[1]}': write its id"
        prefix, colon, ident = value.partition(":")
        if colon and len(kinds) > 1 and prefix not in KIND_SECTION:
            import difflib

            for kind in difflib.get_close_matches(prefix, kinds, n=1):
                if ident in self.section(kind):
                    return f"; did you mean '{kind}:{ident}'?"
        close = self._similar(kinds).closest(value, besides)
        return f"; did you mean '{close}'?" if close is not None else ""

    def _similar(self, kinds: tuple[str, ...]) -> Any:
        """The did-you-mean index of the ids of ``kinds`` (made once, sharing the index of
        the org this one was rebuilt from)."""
        index = self.suggestions.get(kinds)
        if index is None:
            from orglint.model.suggest import SuggestionIndex

            candidates = [ident for kind in kinds for ident in self.section(kind)]
            index = self.suggestions[kinds] = SuggestionIndex(candidates,
                                                              like=self.similar.get(kinds))
        return index

    def _named(self, kinds: tuple[str, ...], value: str) -> tuple[str, str] | None:
        """The (kind, id) of the one entity of ``kinds`` whose written name is ``value`` (case
        and spacing aside), or None (no such entity, or several)."""
        names = self._names.get(kinds)
        if names is None:
            names = self._names[kinds] = self._names_of(kinds)
        return names.get(_spaced(value))

    def _names_of(self, kinds: tuple[str, ...], among: Collection[str] | None = None
                  ) -> dict[str, tuple[str, str] | None]:
        """Each written name of an entity of ``kinds`` (lower case, single spaces; those
        ``among`` only, when given) -> the (kind, id) of the one entity that has it, None
        where several do."""
        names: dict[str, tuple[str, str] | None] = {}
        for kind in kinds:
            for ident, entity in self.section(kind).items():
                # the entity's name is its written name, or its id when none is written
                key = _spaced(entity.name)
                if among is not None and key not in among:
                    continue
                name = entity.fields.written("name")
                if isinstance(name, str) and name.strip():
                    names[key] = None if key in names else (kind, ident)
        return names

    # -- entities ---------------------------------------------------------------------------

    def section(self, kind: str) -> Mapping[str, Any]:
        """The entities of a kind (``team``) by id; KeyError for an unknown kind."""
        table: Mapping[str, Any] = getattr(self, KIND_SECTION[kind])
        return table

    def get(self, ref: Ref | str | None) -> Entity | None:
        """The entity a ``Ref`` or a ``kind:id`` string names; None when there is none (or
        for None). KeyError for an unknown kind."""
        if ref is None:
            return None
        if isinstance(ref, str):
            kind, _, ident = ref.partition(":")
            ref = Ref(kind, ident)
        entity: Entity | None = self.section(ref.kind).get(ref.id)
        return entity

    def entities(self) -> Iterator[Entity]:
        """Every entity, section by section in the format's order."""
        for section in SECTIONS:
            yield from getattr(self, section).values()

    @property
    def founders(self) -> list[Person]:
        """The people marked ``founder: true``, in definition order."""
        return [person for person in self.people.values() if person.founder]

    # -- shared questions -------------------------------------------------------------------

    def teams_of(self, ref: Ref) -> tuple[Team, ...]:
        """The teams a reference stands for: a team itself; for a person, the teams they are a
        member of, then those they lead, each once; () for other kinds or unknown ids."""
        if ref.kind == "person":
            found = self.teams_of_person.get(ref)
            if found is not None:
                return found
            member = self.teams_of_member.get(ref, ())
            led = self.teams_led_by.get(ref)
            return member if led is None else tuple(dict.fromkeys((*member, *led)))
        if ref.kind == "team":
            team = self.teams.get(ref.id)
            return (team,) if team is not None else ()
        return ()

    def leads_of(self, team: Team) -> tuple[tuple[Ref, ...], Team | None]:
        """Who leads a team: its own leads (and None), or, when it names none, the leads of
        the nearest team up its parent chain that names some (and that team); ((), None) when
        no team up the chain has a lead. A parent cycle ends the walk. Constant time for the
        teams of the org (``led_through``)."""
        if team.leads:
            return team.leads, None
        if team.ref in self.led_through:
            source = self.led_through[team.ref]
            return ((), None) if source is None else (source.leads, source)
        seen = {team.id}
        parent = self.teams.get(team.parent.id) if team.parent is not None else None
        while parent is not None and parent.id not in seen:
            if parent.leads:
                return parent.leads, parent
            seen.add(parent.id)
            parent = self.teams.get(parent.parent.id) if parent.parent is not None else None
        return (), None

    def journeys_through(self, handoff: Handoff) -> tuple[Journey, ...]:
        """The journeys whose path crosses the handoff's boundary, in definition order."""
        return self.journeys_of_handoff.get(handoff.ref, ())

    def handoffs_at(self, source: Ref, target: Ref) -> tuple[Handoff, ...]:
        """The handoffs contracting the boundary from one team to another."""
        return self.handoffs_between.get((source, target), ())

    def shared_systems(self, first: Ref, second: Ref) -> frozenset[System]:
        """The systems two teams both work in."""
        return self.systems_of_team.get(first, frozenset()) & self.systems_of_team.get(
            second, frozenset())

    def implied_complexity(self, handoff: Handoff) -> str | None:
        """The level the handoff's exception rate implies under the org's ``complexity``
        setting; None when it declares no rate."""
        return self.complexity.implied(handoff.exception_rate)

    def complexity_of(self, handoff: Handoff) -> str | None:
        """The handoff's effective complexity (``low``, ``medium``, ``high``): the higher of the
        declared one and the one its exception rate implies; None when neither is known."""
        return self.complexity.effective(handoff.complexity, handoff.exception_rate)

    # -- labels for messages ----------------------------------------------------------------

    def display(self, ref: Ref | None) -> str:
        """A person's or team's name for messages and reports, falling back to the id; "nobody"
        for None."""
        entity = self.get(ref)
        if entity is None:
            return "nobody" if ref is None else ref.id
        return entity.name or entity.id

    def names(self, refs: Iterable[Ref]) -> str:
        """`Sales, Delivery and Billing`: the display names of ``refs`` (at least one)."""
        names = [self.display(ref) for ref in refs]
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"

    def describe(self, handoff: Handoff) -> str:
        """`handoff 'scope-change' (Delivery -> Billing)` for messages. A side that names no
        team reads as written (`(Sales -> delivry)`: ORG003 reports it), and a side with no
        id is left out (`(from Sales)`): never "nobody" for a team the file names."""
        if handoff.source is not None and handoff.target is not None:
            return (f"handoff '{handoff.id}' ({self.display(handoff.source)} -> "
                    f"{self.display(handoff.target)})")
        sending, receiving = (
            self.display(ref) if ref is not None else _as_text(handoff.written(key))
            for key, ref in (("from", handoff.source), ("to", handoff.target)))
        if sending and receiving:
            return f"{handoff.label} ({sending} -> {receiving})"
        if sending or receiving:
            return f"{handoff.label} ({'from ' + sending if sending else 'to ' + receiving})"
        return handoff.label
