"""Validated documents -> the resolved ``Org``, driven by the schema and the entity fields.

How a field is read follows from its schema rule in ``orglint.schema.org`` (a reference, a list
of them, text, labels, a flag, a number, a nested mapping, a list of mappings) and lands on the
entity attribute of the same name (``metadata={"key": ...}`` where the YAML key is a Python
keyword: a handoff's ``from`` is its ``source``). Nothing else lists the fields.

Problems found while building are recorded by kind (``orglint.model.org.PROBLEM_KINDS``), never
by rule code: unknown or ambiguous references, duplicate ids, hierarchy cycles.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Mapping
from types import MappingProxyType
from typing import Any

from orglint.finding import Hit
from orglint.load.documents import Document
from orglint.model.complexity import Complexity
from orglint.model.entities import (
    ENTITY_TYPES,
    Activity,
    Fields,
    Ref,
    Slot,
    Source,
    field_steps,
)
from orglint.model.org import (
    CYCLE,
    DUPLICATE_ID,
    PROBLEM_KINDS,
    UNKNOWN_REFERENCE,
    UNRESOLVED,
    Org,
)
from orglint.model.suggest import SuggestionIndex
from orglint.schema.org import ENTITY_SCHEMAS, KIND_SECTION, SECTIONS, dotted

# how a field is read: (YAML key, attribute, reader, argument): the kinds a reference accepts,
# the plan of a nested mapping, or the class and plan of the items of a list of mappings
Step = tuple[str, str, str, Any]


def build_org(documents: Iterable[Document], complexity: Complexity | None = None,
              problems: Mapping[str, Iterable[Hit]] | None = None,
              unreadable: Iterable[str] = ()) -> Org:
    """The resolved Org of validated documents (in order: the first definition of an id wins).

    ``complexity`` is the org-wide setting that derives a handoff's complexity from its
    exception rate (the defaults when None); ``problems`` are those found before the model,
    by kind (``syntax``, ``schema``), kept with the ones found here. ``unreadable`` names the
    files that could not be read in full: while there are any, a reference to an id no
    document defines may name something defined there, so it is recorded as ``unresolved``
    (held back, with no did-you-mean) rather than as an unknown reference. Never raises for
    what a document says: what cannot be resolved becomes a problem.
    """
    builder = _Builder(tuple(unreadable))
    for doc in documents:
        builder.add_document(doc)
    for kind, hits in (problems or {}).items():
        builder.problems[kind].extend(hits)
    return builder.build(complexity or Complexity())


def rebuild_org(org: Org, documents: Iterable[Document], touched: Collection[tuple[str, str]],
                problems: Mapping[str, Iterable[Hit]] | None = None) -> Org:
    """The Org of ``documents``, which say what ``org`` was built from except inside the
    entities ``touched`` (``(section, id)`` pairs, changed or gone): equal to
    ``build_org(documents, org.complexity, problems, org.unreadable)``, and built in a fraction
    of its time when few entities are touched.

    Every entity of ``org`` that is not touched and has no reference problem of its own is
    reused as it is (same object): what it reads depends on its own mapping and on which ids
    exist, and an id can only have gone with a touched entity, whose references are gone
    too. An entity with a dangling or ambiguous reference is read again, since its message
    (an ambiguity) depends on every id; the new org's hints share the did-you-mean indexes
    ``org`` made (``Org.similar``). Duplicate ids and cycles are found
    again over the new documents.
    """
    builder = _Builder(org.unreadable, org.suggestions)
    for doc in documents:
        builder.add_document(doc)
    for kind, hits in (problems or {}).items():
        builder.problems[kind].extend(hits)
    again: dict[str, set[str]] = {kind: set() for kind in KIND_SECTION}
    for kind in (UNKNOWN_REFERENCE, UNRESOLVED):
        for hit in org.problems.get(kind, ()):
            if hit.entity:
                entity_kind, _, ident = hit.entity.partition(":")
                again.setdefault(entity_kind, set()).add(ident)
    for section, ident in touched:
        again[SECTIONS[section]].add(ident)
    return builder.build(org.complexity, (org, again))


def _plan(schema: Mapping[str, Any], cls: type) -> list[Step]:
    """How each field of ``schema`` is read onto an attribute of ``cls``."""
    attributes = {spec.metadata.get("key", spec.name): spec for spec in dataclasses.fields(cls)}
    steps: list[Step] = []
    for key, rules in schema.items():
        spec = attributes.get(key)
        if spec is None or key in ("name", "description"):
            continue  # read by the builder for every entity
        kind = rules.get("type")
        inner = rules.get("schema") or {}
        kinds = tuple((rules.get("meta") or {}).get("ref", ()) or (inner.get("meta") or {}).get("ref", ()))
        if kinds and kind == "string":
            steps.append((key, spec.name, "ref", kinds))
        elif kinds:
            steps.append((key, spec.name, "refs", kinds))
        elif kind == "string":  # a text, put in canonical form where the field says how
            steps.append((key, spec.name, "text", spec.metadata.get("normal")))
        elif kind == "dict" and "valuesrules" in rules:  # roles: name -> references
            values = rules["valuesrules"]
            steps.append((key, spec.name, "refmap", tuple((values.get("meta") or {}).get("ref", ()))))
        elif kind == "boolean":
            steps.append((key, spec.name, "flag", None))
        elif kind == "number":
            steps.append((key, spec.name, "number", None))
        elif kind == "list" and inner.get("type") == "dict":
            item = spec.metadata["items"]
            steps.append((key, spec.name, "items", (item, _plan(inner["schema"], item))))
        elif kind == "list":
            steps.append((key, spec.name, "labels", None))
        elif "nested" in spec.metadata:
            nested = spec.metadata["nested"]
            steps.append((key, spec.name, "nested", (nested, _plan(inner, nested))))
        else:  # a mapping of text values (sla)
            steps.append((key, spec.name, "texts", None))
    return steps


PLANS: dict[str, list[Step]] = {
    kind: _plan(ENTITY_SCHEMAS[section], ENTITY_TYPES[kind]) for section, kind in SECTIONS.items()
}


# the least references of one kinds tuple resolved one by one before a table of their ids
# is built (_ids)
AMONG_AFTER = 256
_NONE_KNOWN: Mapping[str, Ref | None] = MappingProxyType({})


class _Builder:
    def __init__(self, unreadable: tuple[str, ...] = (),
                 suggestions: Mapping[tuple[str, ...], SuggestionIndex] | None = None) -> None:
        self.name: str | None = None
        self.unreadable = unreadable
        # the did-you-mean indexes of an org this one is rebuilt from (Org.similar)
        self._like = suggestions if suggestions is not None else {}
        # (place among the unknown-reference problems, kinds accepted, id written) of each
        # reference whose message a hint completes when asked (Org.unknown_references)
        self._hints: list[tuple[int, tuple[str, ...], str]] = []
        # kind -> id -> (where it is defined, its mapping): the ids references resolve against
        self.pending: dict[str, dict[str, tuple[Source, dict[Any, Any]]]] = {
            kind: {} for kind in KIND_SECTION}
        self.problems: dict[str, list[Hit]] = {kind: [] for kind in PROBLEM_KINDS}
        self._refs: dict[str, dict[str, Ref]] = {kind: {} for kind in KIND_SECTION}
        # kinds -> id -> its Ref, or None where two of the kinds share the id (_ids)
        self._among: dict[tuple[str, ...], dict[str, Ref | None]] = {}
        self._asked: dict[tuple[str, ...], int] = {}

    def add_document(self, doc: Document) -> None:
        data = doc.data
        if not isinstance(data, dict):
            return
        meta = data.get("org")
        if isinstance(meta, dict) and isinstance(meta.get("name"), str) and not self.name:
            self.name = meta["name"]
        for section, kind in SECTIONS.items():
            table = data.get(section)
            if not isinstance(table, dict):
                continue
            pending = self.pending[kind]
            for ident, raw in table.items():
                src = Source(doc, (section, ident))
                text = str(ident)
                if text in pending:
                    first = pending[text][0].position()
                    self.problems[DUPLICATE_ID].append(Hit(
                        f"duplicate {kind} id '{ident}': already defined at {first}",
                        position=src.position()))
                    continue
                pending[text] = (src, raw if isinstance(raw, dict) else {})

    # -- references -------------------------------------------------------------------------

    def _ref(self, kind: str, ident: str) -> Ref:
        """One Ref per entity, shared by every reference to it (thousands: build each once)."""
        refs = self._refs[kind]
        ref = refs.get(ident)
        if ref is None:
            ref = refs[ident] = Ref(kind, ident)
        return ref

    def _ids(self, kinds: tuple[str, ...]) -> Mapping[str, Ref | None]:
        """Each id of ``kinds`` -> its entity's Ref, None where several kinds have the id:
        built once ``kinds`` was asked for more often than a quarter of its ids (and
        ``AMONG_AFTER``), so that a rebuild reading a few entities again never pays for a
        table over the whole org; until then, empty."""
        among = self._among.get(kinds)
        if among is not None:
            return among
        left = self._asked.get(kinds)
        if left is None:
            left = max(AMONG_AFTER, sum(len(self.pending[kind]) for kind in kinds) // 4)
        self._asked[kinds] = left - 1
        if left > 0:
            return _NONE_KNOWN
        among = self._among[kinds] = {}
        for kind in kinds:
            refs = self._every_ref(kind)
            shared = among.keys() & refs.keys()
            among.update(refs)
            among.update(dict.fromkeys(shared))  # an id of several kinds names none of them
        return among

    def _every_ref(self, kind: str) -> dict[str, Ref]:
        """Each id of a kind -> its entity's Ref, as ``_ref`` gives it (made now where it was
        not yet): one table per kind, which the tables of ids of several kinds are copied from."""
        refs = self._refs[kind]
        if len(refs) < len(self.pending[kind]):  # a Ref is only ever made for an id of the kind
            for ident in self.pending[kind]:
                if ident not in refs:
                    refs[ident] = Ref(kind, ident)
        return refs

    def resolve(self, owner: Ref, field: str, value: Any, kinds: tuple[str, ...]) -> Ref | None:
        """The entity a written reference names, or None (an unknown or ambiguous one is
        recorded as a problem; an empty or non-text value is the schema's to report)."""
        if not isinstance(value, str) or not value:
            return None
        tables = self.pending
        if ":" not in value:  # the common case, made quick
            found_ref = self._ids(kinds).get(value)
            if found_ref is not None:
                return found_ref
        else:
            kind, _, ident = value.partition(":")
            if kind in KIND_SECTION:
                if kind not in kinds:
                    self._unknown(owner, field, f"{_field_label(owner, field)} cannot name a "
                                  f"{kind}; it accepts {_kinds_text(kinds)}")
                    return None
                if ident in tables[kind]:
                    return self._ref(kind, ident)
                self._missing(owner, field, ident, (kind,))
                return None
        found = [kind for kind in kinds if value in tables[kind]]
        if len(found) == 1:
            return self._ref(found[0], value)
        if len(found) > 1:
            choices = " or ".join(f"'{kind}:{value}'" for kind in found)
            self._unknown(owner, field, f"{_field_label(owner, field)}: '{value}' is "
                          f"ambiguous; write {choices}")
            return None
        self._missing(owner, field, value, kinds)
        return None

    def resolve_many(self, owner: Ref, field: str, values: Any, kinds: tuple[str, ...]
                     ) -> tuple[tuple[Ref, ...], tuple[Slot, ...] | None]:
        """The references of a list (or of a single value) that resolved, and a slot per
        written item when the slots do not follow from them (a single value, or a list with an
        item that did not resolve); None when they do."""
        if not isinstance(values, list):
            ref = self.resolve(owner, field, values, kinds)
            text = values if ref is None and isinstance(values, str) else None
            return ((ref,) if ref else ()), (Slot(field, None, ref, text),)
        found: list[Any] = []
        ids = self._ids(kinds)
        clean = True
        for index, value in enumerate(values):
            ref = ids.get(value) if type(value) is str else None
            if ref is not None and ":" not in value:
                found.append(ref)  # what resolve says, sooner
                continue
            ref = self.resolve(owner, f"{field}.{index}", value, kinds)
            clean = clean and ref is not None
            found.append(ref)
        if clean:
            return tuple(found), None
        slots = tuple(Slot(f"{field}.{index}", index, ref,
                           value if ref is None and isinstance(value, str) else None)
                      for index, (value, ref) in enumerate(zip(values, found, strict=True)))
        return tuple(ref for ref in found if ref is not None), slots

    def _unknown(self, owner: Ref, field: str, message: str) -> None:
        self.problems[UNKNOWN_REFERENCE].append(Hit(message, entity=str(owner), field=field))

    def _missing(self, owner: Ref, field: str, value: str, kinds: tuple[str, ...]) -> None:
        """Record a reference to an id of ``kinds`` that no document defines: unknown, or
        unresolved while a file could not be read (it may be defined there)."""
        if not self.unreadable:
            # the hint (did you mean) is found when a rule asks for it: Org.unknown_references
            self._hints.append((len(self.problems[UNKNOWN_REFERENCE]), kinds, value))
            self._unknown(owner, field, f"{_field_label(owner, field)} names unknown "
                          f"{_kinds_text(kinds)} '{value}'")
            return
        first, others = self.unreadable[0], len(self.unreadable) - 1
        where = first if not others else f"{first} or {others} other file{'s' * (others > 1)}"
        self.problems[UNRESOLVED].append(Hit(
            f"{_field_label(owner, field)} names unknown {_kinds_text(kinds)} '{value}', which "
            f"may be defined in {where} (could not be read)", entity=str(owner), field=field))

    # -- fields -------------------------------------------------------------------------------

    def read(self, owner: Ref, plan: list[Step], mapping: dict[Any, Any], prefix: str,
             fields: Fields) -> dict[str, Any]:
        """The attributes a plan reads from a mapping; dangling references and the slots that
        do not follow from the resolved values land in ``fields``."""
        values: dict[str, Any] = {}
        for key, attribute, how, argument in plan:
            value = mapping.get(key)
            if value is None:
                continue
            if how == "ref":
                ref = self.resolve(owner, prefix + key, value, argument)
                if ref is None:
                    _dangles(fields, prefix + key)
                else:
                    values[attribute] = ref
            elif how == "refs":
                field = prefix + key
                refs, slots = self.resolve_many(owner, field, value, argument)
                if slots is not None:
                    if fields.slots is None:
                        fields.slots = {}
                    fields.slots[field] = slots
                    if len(refs) < len(slots):
                        _dangles(fields, field)
                values[attribute] = refs
            elif how == "text":
                if isinstance(value, str) and value:
                    values[attribute] = argument(value) if argument is not None else value
            elif how == "refmap":
                values[attribute] = self._refmap(owner, argument, value, prefix + key, fields)
            elif how == "flag":
                values[attribute] = value is True
            elif how == "number":
                # a NaN passes every bound: not a number read (the schema reports it)
                if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value:
                    values[attribute] = float(value)
            elif how == "labels":
                values[attribute] = (tuple(item for item in value if isinstance(item, str))
                                     if isinstance(value, list) else ())
            elif how == "texts":
                values[attribute] = ({name: text for name, text in value.items()
                                      if isinstance(text, str)} if isinstance(value, dict) else {})
            elif how == "nested":
                cls, inner = argument
                given = value if isinstance(value, dict) else {}
                values[attribute] = cls(**self.read(owner, inner, given, f"{prefix}{key}.", fields))
            else:  # items: a list of mappings (RACI activities)
                values[attribute] = self._items(owner, argument, value, prefix + key, fields)
        return values

    def _refmap(self, owner: Ref, kinds: tuple[str, ...], value: Any, field: str,
                fields: Fields) -> Mapping[str, tuple[Ref, ...]]:
        """A mapping of names to references (a team's roles), each value read as a list."""
        if not isinstance(value, dict):
            return MappingProxyType({})
        found: dict[str, tuple[Ref, ...]] = {}
        for name, refs in value.items():
            if not isinstance(name, str):
                continue
            resolved, slots = self.resolve_many(owner, f"{field}.{name}", refs, kinds)
            if slots is not None:
                if fields.slots is None:
                    fields.slots = {}
                fields.slots[f"{field}.{name}"] = slots
                if len(resolved) < len(slots):
                    _dangles(fields, f"{field}.{name}")
            found[name] = resolved
        return MappingProxyType(found)

    def _items(self, owner: Ref, argument: Any, value: Any, field: str, fields: Fields
               ) -> tuple[Activity, ...]:
        cls, inner = argument
        if not isinstance(value, list):
            return ()
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                continue
            attributes = self.read(owner, inner, item, f"{field}.{index}.", fields)
            attributes.setdefault("activity", f"#{index + 1}")
            items.append(cls(index=index, raci=owner.id, fields=fields, **attributes))
        return tuple(items)

    # -- the org --------------------------------------------------------------------------------

    def build(self, complexity: Complexity,
              reuse: tuple[Org, Mapping[str, set[str]]] | None = None) -> Org:
        """The Org of the documents added; ``reuse`` is an org whose entities were built
        from the same mapping at the same place, but for the ids given by kind, which are
        read again (``rebuild_org``)."""
        tables: dict[str, dict[str, Any]] = {}
        for kind, pending in self.pending.items():
            cls = ENTITY_TYPES[kind]
            plan = PLANS[kind]
            table = tables[KIND_SECTION[kind]] = {}
            built: Mapping[str, Any] = reuse[0].section(kind) if reuse else {}
            again = reuse[1][kind] if reuse else set()
            for ident, (src, raw) in pending.items():
                entity = built.get(ident)
                if entity is not None and ident not in again:
                    table[ident] = entity
                    continue
                fields = Fields(raw)
                values = self.read(self._ref(kind, ident), plan, raw, "", fields)
                name = raw.get("name")
                description = raw.get("description")
                table[ident] = cls(
                    id=ident, src=src, name=name if isinstance(name, str) and name else ident,
                    description=description if isinstance(description, str) else None,
                    fields=fields, **values)
        self._cycles(tables["people"], "reports_to", "reporting line")
        self._cycles(tables["teams"], "parent", "team hierarchy")
        frozen: dict[str, Any] = {section: MappingProxyType(table)
                                  for section, table in tables.items()}
        return Org(name=self.name, complexity=complexity, unreadable=self.unreadable,
                   hints=tuple(self._hints), similar=self._like,
                   problems=MappingProxyType({kind: tuple(hits)
                                              for kind, hits in self.problems.items()}),
                   **frozen, **_indexes(tables))

    def _cycles(self, table: dict[str, Any], attr: str, what: str) -> None:
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
                self.problems[CYCLE].append(table[anchor].finding(attr, f"{what} cycle: {chain}"))
            for member in walk:
                state[member] = 2


def _indexes(tables: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Every index of the Org, as read-only mappings of tuples keyed by Ref."""
    index: dict[str, dict[Any, list[Any]]] = {name: {} for name in (
        "teams_of_member", "teams_led_by", "teams_of_role", "handoffs_between", "handoffs_owned",
        "handoffs_backed", "journeys_of_handoff", "metrics_rewarding", "metrics_downstream_of",
        "reviews_covering", "decisions_by")}

    def add(table: dict[Any, list[Any]], key: Any, entity: Any) -> None:
        items = table.get(key)
        if items is None:
            table[key] = [entity]
        else:
            items.append(entity)

    systems: dict[Ref, set[Any]] = {}
    members, leads, roles = (index[name] for name in (
        "teams_of_member", "teams_led_by", "teams_of_role"))
    system_table = tables["systems"]
    for team in tables["teams"].values():
        for member in dict.fromkeys(team.members):
            add(members, member, team)
        for lead in dict.fromkeys(team.leads):
            add(leads, lead, team)
        for holder in team.role_holders:
            add(roles, holder, team)
        systems.setdefault(team.ref, set()).update(system_table[ref.id] for ref in team.systems)
    for system in system_table.values():
        if system.owner is not None and system.owner.kind == "team":
            systems.setdefault(system.owner, set()).add(system)
    between, owned, backed = (index[name] for name in (
        "handoffs_between", "handoffs_owned", "handoffs_backed"))
    for handoff in tables["handoffs"].values():
        if handoff.source and handoff.target:
            add(between, (handoff.source, handoff.target), handoff)
        if handoff.owner is not None:
            add(owned, handoff.owner, handoff)
        if handoff.backup_owner is not None:
            add(backed, handoff.backup_owner, handoff)
    journeys = index["journeys_of_handoff"]
    for journey in tables["journeys"].values():
        seen: set[str] = set()
        for _, source, target in journey.boundaries():
            for handoff in between.get((source, target), ()):
                if handoff.id not in seen:
                    seen.add(handoff.id)
                    add(journeys, handoff.ref, journey)
    rewarding, downstream = index["metrics_rewarding"], index["metrics_downstream_of"]
    for metric in tables["metrics"].values():
        for rewarded in dict.fromkeys(metric.rewards):
            add(rewarding, rewarded, metric)
        for component in dict.fromkeys(metric.downstream):
            add(downstream, component, metric)
    covering = index["reviews_covering"]
    for review in tables["reviews"].values():
        for covered in dict.fromkeys(review.covers):
            add(covering, covered, review)
    decided = index["decisions_by"]
    for decision in tables["decisions"].values():
        if decision.decided_by is not None:
            add(decided, decision.decided_by, decision)
    frozen: dict[str, Any] = {
        name: MappingProxyType({key: tuple(items) for key, items in table.items()})
        for name, table in index.items()}
    frozen["systems_of_team"] = MappingProxyType(
        {team: frozenset(found) for team, found in systems.items()})
    member, led = frozen["teams_of_member"], frozen["teams_led_by"]
    frozen["teams_of_person"] = MappingProxyType({
        **member, **{person: tuple(dict.fromkeys((*member.get(person, ()), *teams)))
                     for person, teams in led.items()}})
    frozen["led_through"] = MappingProxyType(_led_through(tables["teams"]))
    listed: dict[Ref, set[Ref]] = {}
    for team in tables["teams"].values():
        for child in team.children:
            listed.setdefault(child, set()).add(team.ref)
    frozen["listed_by"] = MappingProxyType({child: frozenset(by) for child, by in listed.items()})
    return frozen


def _led_through(teams: dict[str, Any]) -> dict[Ref, Any]:
    """team -> the team whose leads lead it (itself when it names leads, else the nearest up
    its parent chain that does), None when none does. Each team is walked once: a walk stops
    at a team already answered, and a parent cycle without leads answers None."""
    found: dict[Ref, Any] = {}
    for start in teams.values():
        walk: list[Any] = []
        on_walk: set[str] = set()
        node = start
        answer = None
        while node is not None:
            if node.ref in found:
                answer = found[node.ref]
                break
            if node.leads:
                answer = node
                break
            if node.id in on_walk:
                break  # a cycle with no leads
            on_walk.add(node.id)
            walk.append(node)
            node = teams.get(node.parent.id) if node.parent is not None else None
        for member in walk:
            found[member.ref] = answer
        if start.leads:
            found[start.ref] = start
    return found


def _dangles(fields: Fields, field: str) -> None:
    if fields.dangling is None:
        fields.dangling = set()
    fields.dangling.add(field)


def _kinds_text(kinds: tuple[str, ...]) -> str:
    return " or ".join(kinds)


def _field_label(owner: Ref, field: str) -> str:
    return f"{owner.kind} '{owner.id}' field '{dotted(field_steps(field))}'"


__all__ = ["build_org"]
