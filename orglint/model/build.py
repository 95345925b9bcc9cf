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
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
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

# how a field is read: (YAML key, attribute, reader, argument, what the schema takes, required):
# the argument is the kinds a reference accepts, the plan of a nested mapping, or the class and
# plan of the items of a list of mappings; what the schema takes is what a value must be to be
# read (``_takes``), None where the reader's own check is the schema's
Step = tuple[str, str, str, Any, Any, bool]


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
    entities ``touched`` (``(section, id)`` pairs, changed or gone): they define the same ids
    in the same order but for touched ones that are gone. Equal to
    ``build_org(documents, org.complexity, problems, org.unreadable)``, and built in a fraction
    of its time when few entities are touched.

    Every entity of ``org`` that is not touched and has no reference problem of its own is
    reused as it is (same object): what it reads depends on its own mapping and on which ids
    exist, and an id can only have gone with a touched entity, whose references are gone
    too. An entity with a dangling or ambiguous reference is read again, since its message
    (an ambiguity) depends on every id; the new org's hints share the did-you-mean indexes
    ``org`` made (``Org.similar``). Cycles are found again over the new entities. Where no id
    is defined twice, the sections and indexes of ``org`` are copied and patched where the
    entities read again changed them; else every document is added again, to find the
    duplicates in order.
    """
    documents = list(documents)
    builder = _Builder(org.unreadable, org.suggestions)
    again: dict[str, set[str]] = {kind: set() for kind in KIND_SECTION}
    for kind in (UNKNOWN_REFERENCE, UNRESOLVED):
        for hit in org.problems.get(kind, ()):
            if hit.entity:
                entity_kind, _, ident = hit.entity.partition(":")
                again.setdefault(entity_kind, set()).add(ident)
    for section, ident in touched:
        again[SECTIONS[section]].add(str(ident))
    patched = _patched(org, documents, again)
    if patched is None:  # an id defined twice: its duplicates are found in document order
        for doc in documents:
            builder.add_document(doc)
    for kind, hits in (problems or {}).items():
        builder.problems[kind].extend(hits)
    if patched is None:
        return builder.build(org.complexity, (org, again))
    tables, fresh = patched
    builder.name = org.name
    builder.pending = {kind: tables[KIND_SECTION[kind]] for kind in KIND_SECTION}
    changed: dict[str, dict[str, tuple[Any, Any]]] = {}
    for kind, entries in fresh.items():
        section = KIND_SECTION[kind]
        table, before = tables[section], org.section(kind)
        changed[section] = {ident: (before[ident], None) for ident in again[kind]
                            if ident in before and ident not in table}
        for ident, (src, raw) in entries.items():
            entity = table[ident] = builder.entity(kind, ident, src, raw)
            changed[section][ident] = (before[ident], entity)
    cycles = None if builder.problems[CYCLE] else _known_cycles(org, changed)
    return builder.finish(tables, org.complexity, _patched_indexes(org, tables, changed), cycles)


def _known_cycles(org: Org, changed: Mapping[str, Mapping[str, tuple[Any, Any]]]
                  ) -> dict[str, tuple[Hit, ...]]:
    """The cycle problems of ``people`` and ``teams`` that need no walk after ``changed``
    (as ``_patched_indexes`` takes it): those of ``org`` where no changed entity's link moved,
    none where ``org`` had none and every link that moved was removed (a removed link can
    only break a cycle). A section left out must be walked again."""
    known: dict[str, tuple[Hit, ...]] = {}
    for section, attr, _ in CHAINS:
        kind = SECTIONS[section]
        hits = tuple(hit for hit in org.problems.get(CYCLE, ()) if hit.field == attr
                     and (hit.entity or "").startswith(f"{kind}:"))
        moved = [(was, now) for was, now in changed.get(section, {}).values()
                 if now is None or getattr(was, attr) != getattr(now, attr)]
        if not moved:
            known[section] = hits
        elif not hits and all(now is None or getattr(now, attr) is None for _, now in moved):
            known[section] = ()
    return known


def _patched(org: Org, documents: list[Document], again: Mapping[str, set[str]]
             ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, tuple[Source, Any]]]] | None:
    """The sections of the org ``documents`` define, copied from ``org`` without the ids
    ``again`` names that are gone, and (by kind, in definition order) the (source, mapping)
    each id of ``again`` that stays is read from; None when ``org`` has an id defined twice
    (the documents must then be added one by one, to find the duplicates in order). With no
    duplicate in ``org``, the documents have none: they define the ids ``org`` has, or fewer.
    """
    if org.problems.get(DUPLICATE_ID):
        return None
    present = {id(doc) for doc in documents}
    places: dict[tuple[str, int], Document] | None = None
    tables: dict[str, dict[str, Any]] = {}
    fresh: dict[str, dict[str, tuple[Source, Any]]] = {}
    for kind, section in KIND_SECTION.items():
        table = tables[section] = _copy(org.section(kind))
        wanted = again.get(kind)
        entries = fresh[kind] = {}
        if wanted:
            for ident in [ident for ident in table if ident in wanted]:
                src = table[ident].src
                doc: Document | None = src.doc
                if id(src.doc) not in present:  # the document changed: find its new version
                    if places is None:
                        places = {(new.path, new.index): new for new in documents}
                    doc = places.get((src.doc.path, src.doc.index))
                found = doc.data.get(section) if doc is not None and isinstance(doc.data, dict) \
                    else None
                if doc is not None and isinstance(found, dict) and src.path[1] in found:
                    raw = found[src.path[1]]
                    entries[ident] = (Source(doc, src.path), raw if isinstance(raw, dict) else {})
                else:
                    del table[ident]
    return tables, fresh


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
        required = bool(rules.get("required"))
        if kinds and kind == "string":
            steps.append((key, spec.name, "ref", kinds, None, required))
        elif kinds:
            steps.append((key, spec.name, "refs", kinds, _takes(rules), required))
        elif kind == "string":  # a text, put in canonical form where the field says how
            steps.append((key, spec.name, "text", spec.metadata.get("normal"), _takes(rules),
                          required))
        elif kind == "dict" and "valuesrules" in rules:  # roles: name -> references
            values = rules["valuesrules"]
            steps.append((key, spec.name, "refmap", tuple((values.get("meta") or {}).get("ref", ())),
                          _takes(values), required))
        elif kind == "boolean":
            steps.append((key, spec.name, "flag", None, None, required))
        elif kind == "number":
            steps.append((key, spec.name, "number", None, (rules.get("min"), rules.get("max")),
                          required))
        elif kind == "list" and inner.get("type") == "dict":
            item = spec.metadata["items"]
            steps.append((key, spec.name, "items", (item, _plan(inner["schema"], item)),
                          not rules.get("minlength"), required))
        elif kind == "list":
            steps.append((key, spec.name, "labels", None, None, required))
        elif "nested" in spec.metadata:
            nested = spec.metadata["nested"]
            steps.append((key, spec.name, "nested", (nested, _plan(inner, nested)), None, required))
        else:  # a mapping of text values (sla)
            patterns = {name: re.compile(field["regex"]) for name, field in inner.items()
                        if "regex" in field}
            steps.append((key, spec.name, "texts", None, patterns, required))
    return steps


def _takes(rules: Mapping[str, Any]) -> tuple[Any, ...]:
    """What a text or a list of references must be to be read, by the schema's rule set:
    (whether a single value is taken where a list is, whether an empty one is, the values
    allowed or None, the compiled pattern it must match or None)."""
    types = rules.get("type")
    single = types == "string" or (isinstance(types, list) and "string" in types)
    allowed = frozenset(rules["allowed"]) if "allowed" in rules else None
    pattern = re.compile(rules["regex"]) if "regex" in rules else None
    empty = rules.get("empty", True) is not False and not rules.get("minlength") \
        and (allowed is None or "" in allowed) and (pattern is None or bool(pattern.match("")))
    return single, empty, allowed, pattern


PLANS: dict[str, list[Step]] = {
    kind: _plan(ENTITY_SCHEMAS[section], ENTITY_TYPES[kind]) for section, kind in SECTIONS.items()
}


# the links that make a hierarchy: (section, attribute, what a cycle of them is called)
CHAINS = (("people", "reports_to", "reporting line"), ("teams", "parent", "team hierarchy"))

# the least references of one kinds tuple resolved one by one before a table of their ids
# is built (_ids)
AMONG_AFTER = 256
_ABSENT = object()  # a key not written (None is a key written without a value)
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
        """The attributes a plan reads from a mapping; dangling references, the fields whose
        value the schema refuses (never read) and the slots that do not follow from the
        resolved values land in ``fields``."""
        values: dict[str, Any] = {}
        among = self._among
        for key, attribute, how, argument, takes, required in plan:
            value = mapping.get(key, _ABSENT)
            if value is _ABSENT or value is None:
                if required or value is None:  # required and absent, or written empty
                    _refuses(fields, prefix + key)
                continue
            if how == "ref":
                if type(value) is str and ":" not in value:  # what resolve says, sooner
                    ids = among.get(argument)
                    ref = ids.get(value) if ids is not None else None
                    if ref is not None:
                        values[attribute] = ref
                        continue
                ref = self.resolve(owner, prefix + key, value, argument)
                if ref is not None:
                    values[attribute] = ref
                elif isinstance(value, str) and value:
                    _dangles(fields, prefix + key)
                else:  # no id: the schema reports it
                    _refuses(fields, prefix + key)
            elif how == "refs":
                field = prefix + key
                refs, slots = self.resolve_many(owner, field, value, argument)
                if slots is not None or type(value) is not list or not value:
                    self._unresolved(field, value, takes, refs, slots, fields)
                values[attribute] = refs
            elif how == "text":
                if isinstance(value, str) and value:
                    if argument is not None:  # a cadence: None when no spelling names one
                        value = argument(value)
                    elif (takes[2] is not None and value not in takes[2]) \
                            or (takes[3] is not None and not takes[3].match(value)):
                        value = None
                    if value is None:
                        _refuses(fields, prefix + key)
                    else:
                        values[attribute] = value
                elif value != "" or not takes[1]:
                    _refuses(fields, prefix + key)
            elif how == "refmap":
                values[attribute] = self._refmap(owner, argument, takes, value, prefix + key,
                                                 fields)
            elif how == "flag":
                if type(value) is bool:
                    values[attribute] = value
                else:
                    _refuses(fields, prefix + key)
            elif how == "number":
                low, high = takes
                # a NaN passes every bound: no number (the schema reports it), nor is a value
                # out of range (a rate of 1.5, or the infinity 1e400 reads as)
                if isinstance(value, (int, float)) and not isinstance(value, bool) \
                        and value == value and (low is None or value >= low) \
                        and (high is None or value <= high):
                    values[attribute] = float(value)
                else:
                    _refuses(fields, prefix + key)
            elif how == "labels":
                if isinstance(value, list):
                    labels = tuple(item for item in value if isinstance(item, str) and item)
                    if len(labels) < len(value):
                        _refuses(fields, prefix + key)
                    values[attribute] = labels
                else:
                    _refuses(fields, prefix + key)
            elif how == "texts":
                values[attribute] = self._texts(takes, value, prefix + key, fields)
            elif how == "nested":
                cls, inner = argument
                if isinstance(value, dict):
                    given = value
                else:
                    given = {}
                    _refuses(fields, prefix + key)
                values[attribute] = cls(**self.read(owner, inner, given, f"{prefix}{key}.", fields))
            else:  # items: a list of mappings (RACI activities)
                values[attribute] = self._items(owner, argument, takes, value, prefix + key,
                                                fields)
        return values

    @staticmethod
    def _unresolved(field: str, value: Any, takes: tuple[Any, ...], refs: tuple[Ref, ...],
                    slots: tuple[Slot, ...] | None, fields: Fields) -> None:
        """Land in ``fields`` what ``resolve_many`` found in the value of a reference field
        beyond its references: the slots that do not follow from them, the field when an item
        dangles, and the field when the schema refuses the value (one id where only a list
        is taken, an empty list where none is, an item that is no id)."""
        if slots is not None:
            if fields.slots is None:
                fields.slots = {}
            fields.slots[field] = slots
            if len(refs) < len(slots):
                for slot in slots:
                    if slot.ref is None:
                        # a text names nothing (ORG003); anything else is no id (ORG002)
                        (_dangles if slot.text else _refuses)(fields, field)
        if (not isinstance(value, list) and not takes[0]) or (value == [] and not takes[1]):
            _refuses(fields, field)

    def _refmap(self, owner: Ref, kinds: tuple[str, ...], takes: tuple[Any, ...], value: Any,
                field: str, fields: Fields) -> Mapping[str, tuple[Ref, ...]]:
        """A mapping of names to references (a team's roles), each value read as a list."""
        if not isinstance(value, dict):
            _refuses(fields, field)
            return MappingProxyType({})
        found: dict[str, tuple[Ref, ...]] = {}
        for name, refs in value.items():
            if not isinstance(name, str):
                continue
            place = f"{field}.{name}"
            resolved, slots = self.resolve_many(owner, place, refs, kinds)
            self._unresolved(place, refs, takes, resolved, slots, fields)
            found[name] = resolved
        return MappingProxyType(found)

    @staticmethod
    def _texts(patterns: Mapping[str, Any], value: Any, field: str, fields: Fields
               ) -> dict[str, str]:
        """A mapping of names to text values (an SLA's durations): each value the schema
        takes; the others land in ``fields``, and so does a value that is no mapping."""
        if not isinstance(value, dict):
            _refuses(fields, field)
            return {}
        found = {}
        for name, text in value.items():
            pattern = patterns.get(name)
            if isinstance(text, str) and (pattern is None or pattern.match(text)):
                found[name] = text
            else:
                _refuses(fields, f"{field}.{name}")
        return found

    def _items(self, owner: Ref, argument: Any, empty: bool, value: Any, field: str,
               fields: Fields) -> tuple[Activity, ...]:
        cls, inner = argument
        if not isinstance(value, list) or (not value and not empty):
            _refuses(fields, field)
            return ()
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                _refuses(fields, f"{field}.{index}")
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
            table = tables[KIND_SECTION[kind]] = {}
            built: Mapping[str, Any] = reuse[0].section(kind) if reuse else {}
            again = reuse[1][kind] if reuse else set()
            for ident, (src, raw) in pending.items():
                entity = built.get(ident)
                if entity is not None and ident not in again:
                    table[ident] = entity
                    continue
                table[ident] = self.entity(kind, ident, src, raw)
        return self.finish(tables, complexity)

    def entity(self, kind: str, ident: str, src: Source, raw: dict[Any, Any]) -> Any:
        """The entity of a kind read from its mapping, its references resolved against the
        ids pending."""
        fields = Fields(raw)
        values = self.read(self._ref(kind, ident), PLANS[kind], raw, "", fields)
        name = raw.get("name")
        if not isinstance(name, str):
            if "name" in raw:  # no text: the schema reports it
                _refuses(fields, "name")
            name = None
        description = raw.get("description")
        if not isinstance(description, str):
            if "description" in raw:
                _refuses(fields, "description")
            description = None
        return ENTITY_TYPES[kind](id=ident, src=src, name=name or ident,
                                  description=description, fields=fields, **values)

    def finish(self, tables: dict[str, dict[str, Any]], complexity: Complexity,
               indexes: dict[str, Any] | None = None,
               cycles: Mapping[str, tuple[Hit, ...]] | None = None) -> Org:
        """The Org of the entities in ``tables`` (section -> id -> entity), with its cycles
        and its ``indexes`` (made here when None). ``cycles`` holds the cycle problems of
        ``people`` or ``teams`` known without a walk (``_known_cycles``)."""
        for section, attr, what in CHAINS:
            known = cycles.get(section) if cycles is not None else None
            if known is None:
                self._cycles(tables[section], attr, what)
            else:
                self.problems[CYCLE].extend(known)
        frozen: dict[str, Any] = {section: MappingProxyType(table)
                                  for section, table in tables.items()}
        return Org(name=self.name, complexity=complexity, unreadable=self.unreadable,
                   hints=tuple(self._hints), similar=self._like,
                   problems=MappingProxyType({kind: tuple(hits)
                                              for kind, hits in self.problems.items()}),
                   **frozen, **(_indexes(tables) if indexes is None else indexes))

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


# each index of entities -> the section its entities come from
INDEXED = {
    "teams_of_member": "teams", "teams_led_by": "teams", "teams_of_role": "teams",
    "handoffs_between": "handoffs", "handoffs_owned": "handoffs", "handoffs_backed": "handoffs",
    "journeys_of_handoff": "journeys", "metrics_rewarding": "metrics",
    "metrics_downstream_of": "metrics", "reviews_covering": "reviews", "decisions_by": "decisions"}


def _file(table: dict[Any, list[Any]], key: Any, entity: Any) -> None:
    items = table.get(key)
    if items is None:
        table[key] = [entity]
    else:
        items.append(entity)


def _lists(tables: Mapping[str, Mapping[str, Any]], system_table: Mapping[str, Any]
           ) -> tuple[dict[str, dict[Any, list[Any]]], dict[Ref, set[Any]]]:
    """Where the entities of ``tables`` (a whole org's, or a few) are filed in each index but
    ``journeys_of_handoff`` (``_file_journeys``), as lists in table order; and the systems of
    each team they name, a team's ``systems`` looked up in ``system_table``."""
    index: dict[str, dict[Any, list[Any]]] = {name: {} for name in INDEXED}
    add = _file
    systems: dict[Ref, set[Any]] = {}
    members, leads, roles = (index[name] for name in (
        "teams_of_member", "teams_led_by", "teams_of_role"))
    for team in tables["teams"].values():
        for member in dict.fromkeys(team.members):
            add(members, member, team)
        for lead in dict.fromkeys(team.leads):
            add(leads, lead, team)
        for holder in team.role_holders:
            add(roles, holder, team)
        systems.setdefault(team.ref, set()).update(system_table[ref.id] for ref in team.systems)
    for system in tables["systems"].values():
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
    return index, systems


def _file_journeys(journeys: Iterable[Any], between: Mapping[tuple[Ref, Ref], Sequence[Any]],
                   into: dict[Any, list[Any]]) -> None:
    """File each journey once under each handoff contracting a boundary its path crosses."""
    for journey in journeys:
        seen: set[str] = set()
        for _, source, target in journey.boundaries():
            for handoff in between.get((source, target), ()):
                if handoff.id not in seen:
                    seen.add(handoff.id)
                    _file(into, handoff.ref, journey)


def _indexes(tables: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Every index of the Org, as read-only mappings of tuples keyed by Ref."""
    index, systems = _lists(tables, tables["systems"])
    _file_journeys(tables["journeys"].values(), index["handoffs_between"],
                   index["journeys_of_handoff"])
    frozen: dict[str, Any] = {
        name: MappingProxyType({key: tuple(items) for key, items in table.items()})
        for name, table in index.items()}
    frozen["systems_of_team"] = MappingProxyType(
        {team: frozenset(found) for team, found in systems.items()})
    member, led = frozen["teams_of_member"], frozen["teams_led_by"]
    frozen["teams_of_person"] = MappingProxyType({
        **member, **{person: _teams_of(member, led, person) for person in led}})
    return {**frozen, **_team_chains(tables["teams"])}


def _teams_of(member: Mapping[Ref, tuple[Any, ...]], led: Mapping[Ref, tuple[Any, ...]],
              person: Ref) -> tuple[Any, ...]:
    return tuple(dict.fromkeys((*member.get(person, ()), *led.get(person, ()))))


def _team_chains(teams: dict[str, Any]) -> dict[str, Any]:
    """``led_through`` and ``listed_by``, the indexes that follow the links between teams."""
    listed: dict[Ref, set[Ref]] = {}
    for team in teams.values():
        for child in team.children:
            listed.setdefault(child, set()).add(team.ref)
    return {"led_through": MappingProxyType(_led_through(teams)),
            "listed_by": MappingProxyType({child: frozenset(by) for child, by in listed.items()})}


def _patched_indexes(org: Org, tables: dict[str, dict[str, Any]],
                     changed: Mapping[str, Mapping[str, tuple[Any, Any]]]) -> dict[str, Any]:
    """The indexes of the org of ``tables``, whose entities are those of ``org`` but for
    ``changed`` (section -> id -> (the entity in ``org``, the entity now or None when it is
    gone)): ``org``'s indexes, copied and patched at every key a changed entity was or is filed
    under. The same as ``_indexes(tables)``, but that a key an index gained comes last."""
    was = {section: {ident: pair[0] for ident, pair in entries.items()}
           for section, entries in changed.items()}
    now = {section: {ident: pair[1] for ident, pair in entries.items() if pair[1] is not None}
           for section, entries in changed.items()}
    empty: dict[str, Any] = {}
    before, _ = _lists({section: was.get(section, empty) for section in KIND_SECTION.values()},
                       org.systems)
    after, _ = _lists({section: now.get(section, empty) for section in KIND_SECTION.values()},
                      tables["systems"])
    places: dict[str, dict[str, int]] = {}

    def place(entity: Any) -> int:
        section = KIND_SECTION[entity.kind]
        if section not in places:
            places[section] = {ident: number for number, ident in enumerate(tables[section])}
        return places[section][entity.id]

    def patch(name: str, old: Mapping[Any, tuple[Any, ...]]) -> MappingProxyType[Any, Any]:
        gone = changed.get(INDEXED[name], empty)
        index = _copy(old)
        dropped, added = before[name], after[name]
        for key in [*dropped, *(key for key in added if key not in dropped)]:
            items = [entity for entity in index.get(key, ()) if entity.id not in gone]
            items += added.get(key, ())
            if items:
                index[key] = tuple(sorted(items, key=place)) if len(items) > 1 else tuple(items)
            else:
                index.pop(key, None)
        return MappingProxyType(index)

    frozen: dict[str, Any] = {name: patch(name, getattr(org, name)) for name in INDEXED
                              if name != "journeys_of_handoff"}
    between = frozen["handoffs_between"]
    if any(pair[1] is None or (pair[0].source, pair[0].target) != (pair[1].source, pair[1].target)
           for pair in changed.get("handoffs", empty).values()):
        # a boundary gained or lost a handoff: every journey is filed again
        journeys: dict[Any, list[Any]] = {}
        _file_journeys(tables["journeys"].values(), between, journeys)
        frozen["journeys_of_handoff"] = MappingProxyType(
            {key: tuple(items) for key, items in journeys.items()})
    else:
        _file_journeys(was.get("journeys", empty).values(), org.handoffs_between,
                       before["journeys_of_handoff"])
        _file_journeys(now.get("journeys", empty).values(), between, after["journeys_of_handoff"])
        frozen["journeys_of_handoff"] = patch("journeys_of_handoff", org.journeys_of_handoff)
    frozen["systems_of_team"] = _patched_systems(org, tables, changed)
    member, led = frozen["teams_of_member"], frozen["teams_led_by"]
    people = _copy(org.teams_of_person)
    for key in dict.fromkeys([*before["teams_of_member"], *after["teams_of_member"],
                              *before["teams_led_by"], *after["teams_led_by"]]):
        if key in member or key in led:
            people[key] = _teams_of(member, led, key) if key in led else member[key]
        else:
            people.pop(key, None)
    frozen["teams_of_person"] = MappingProxyType(people)
    chains = _team_chains(tables["teams"]) if changed.get("teams") else {
        "led_through": org.led_through, "listed_by": org.listed_by}
    return {**frozen, **chains}


def _copy(mapping: Mapping[Any, Any]) -> dict[Any, Any]:
    """A dict of the same items: a read-only mapping's own dict copied whole (20 times the
    speed of copying it item by item)."""
    return mapping.copy() if isinstance(mapping, (dict, MappingProxyType)) else dict(mapping)


def _patched_systems(org: Org, tables: dict[str, dict[str, Any]],
                     changed: Mapping[str, Mapping[str, tuple[Any, Any]]]
                     ) -> MappingProxyType[Ref, frozenset[Any]]:
    """``systems_of_team`` of ``_patched_indexes``: each team's set made again where the team,
    a system it lists or a system it owns (then or now) changed."""
    systems = changed.get("systems", {})
    keys = [pair[0].ref for pair in changed.get("teams", {}).values()]
    keys += [system.owner for pair in systems.values() for system in pair
             if system is not None and system.owner is not None and system.owner.kind == "team"]
    if systems:
        keys += [team for team, found in org.systems_of_team.items()
                 if any(system.id in systems for system in found)]
    index = _copy(org.systems_of_team)
    listed = tables["systems"]
    for key in dict.fromkeys(keys):
        team = tables["teams"].get(key.id)
        if team is None:
            index.pop(key, None)
            continue
        owned = {system for system in index.get(key, ())
                 if system.owner == key and system.id not in systems}
        owned.update(system for _, system in systems.values()
                     if system is not None and system.owner == key)
        index[key] = frozenset({listed[ref.id] for ref in team.systems} | owned)
    return MappingProxyType(index)


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


def _refuses(fields: Fields, field: str) -> None:
    """Record a field whose value the schema refuses, that is written without a value, or
    that is required and not written: not known (``Fields.known``)."""
    if fields.invalid is None:
        fields.invalid = set()
    fields.invalid.add(field)


def _kinds_text(kinds: tuple[str, ...]) -> str:
    return " or ".join(kinds)


def _field_label(owner: Ref, field: str) -> str:
    return f"{owner.kind} '{owner.id}' field '{dotted(field_steps(field))}'"


__all__ = ["build_org"]
