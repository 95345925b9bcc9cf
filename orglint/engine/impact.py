"""What loses its person if one person leaves: the bus-factor view of the org.

``assess`` is pure: it reads the Org of a check result and the loaded files, lists every place
that names the person in a role nobody else holds (boundaries they own or back up, decisions
they make, escalation paths they end, RACI activities where they are A or the only R, journeys
they own, teams they lead, what else they own), and re-runs the same check on the same files
with the person taken out. Taking a person out removes their entry and every reference to
them, exactly as an editor would who deleted them and nobody else: the findings that appear
are what their departure would break, and the stage of that run is the stage the org would
fall to.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from orglint.engine.check import CheckResult
from orglint.engine.stage import Stage
from orglint.files import json_text
from orglint.finding import Finding, Position
from orglint.load.documents import Document, LoadedFile
from orglint.model import Entity, Org, Person, Ref
from orglint.schema.org import ENTITY_SCHEMAS, KIND_SECTION, SECTIONS

GROUPS = {
    "boundaries": "Boundaries they own or back up",
    "decisions": "Decisions they make",
    "escalations": "Escalation paths they end",
    "activities": "RACI activities where they are A or the only R",
    "journeys": "Journeys they own",
    "teams": "Teams they lead",
    "roles": "Roles they hold in teams",
    "owned": "Metrics, reviews and systems they own",
}

# the check of the files without the person, given the org built from them
Rerun = Callable[[list[LoadedFile], Org], CheckResult]


class UnknownPerson(Exception):
    """The person named on the command line is not in the org."""


@dataclass(frozen=True)
class Loss:
    """One place that names the person in a role: the ``position`` of the field that names
    them, the ``group`` (a key of ``GROUPS``), the ``entity`` reference and dotted ``field``,
    ``what`` the place is and the ``role`` they hold there, in words."""

    position: Position
    group: str
    entity: str
    field: str
    what: str
    role: str

    def as_dict(self) -> dict[str, object]:
        """JSON-ready values: group, entity, field, what, role, path, line, column."""
        return {
            "group": self.group,
            "entity": self.entity,
            "field": self.field,
            "what": self.what,
            "role": self.role,
            "path": self.position.path,
            "line": self.position.line,
            "column": self.position.column,
        }


@dataclass
class Impact:
    """What one person's departure would cost: their ``losses`` in file order, the stage now
    and the stage of the check re-run without them, and the findings only that re-run has."""

    person: Person
    losses: list[Loss]
    stage_now: Stage
    stage_without: Stage
    new_findings: list[Finding] = field(default_factory=list)
    # the files that could not be read: what they hold is missing from the answer
    unreadable: tuple[str, ...] = ()

    def group(self, name: str) -> list[Loss]:
        """The losses of one group (a key of ``GROUPS``), in file order."""
        return [loss for loss in self.losses if loss.group == name]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready values: the person, losses by group, both stages, the new findings."""
        person = self.person
        return {
            "person": {"id": person.id, "name": person.name, "title": person.title},
            "losses": {name: [loss.as_dict() for loss in self.group(name)] for name in GROUPS},
            "stage": {"now": _stage_dict(self.stage_now), "without": _stage_dict(self.stage_without)},
            "new_findings": [finding.as_dict() for finding in self.new_findings],
            "unreadable": list(self.unreadable),
        }


def _stage_dict(stage: Stage) -> dict[str, Any]:
    return {"number": stage.number, "name": stage.name}


def find_person(org: Org, target: str) -> Person:
    """The person ``target`` names, as ``person:ID`` or a bare ``ID``.

    Raises ``UnknownPerson`` (with a did-you-mean when an id is close) for another kind or an
    id the org does not have.
    """
    kind, sep, ident = target.partition(":")
    if not sep:
        kind, ident = "person", target
    if kind.lower() != "person":
        raise UnknownPerson(f"impact takes a person (person:ID or ID), not '{target}'")
    person = org.people.get(ident)
    if person is None:
        spoken = _spoken(ident)
        named = [found.id for found in org.people.values()
                 if found.name and _spoken(found.name) == spoken]
        cased = [found for found in org.people if found.lower() == ident.lower()]
        others = [other for other in KIND_SECTION if other != "person"
                  and ident in org.section(other)]
        if len(named) == 1:
            hint = f"; that is the name of 'person:{named[0]}': give its id"
        elif named:
            hint = f"; {len(named)} people have that name: give one id ({_ids(named)})"
        elif cased:
            hint = f"; did you mean 'person:{cased[0]}'?"
        elif others:
            hint = f"; '{ident}' is a {others[0]}, and impact takes a person"
        else:
            close = difflib.get_close_matches(ident, list(org.people), n=1, cutoff=0.6)
            hint = f"; did you mean 'person:{close[0]}'?" if close else ""
        raise UnknownPerson(f"no person '{ident}' in the org{hint}")
    return person


def _spoken(name: str) -> str:
    """A name as it is said: case, spacing and accents aside (``Tomás  Ribeiro`` is
    ``tomas ribeiro``)."""
    parts = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in parts if not unicodedata.combining(c)).split())


def _ids(ids: list[str], shown: int = 3) -> str:
    """``person:a, person:b`` and how many more."""
    text = ", ".join(f"person:{ident}" for ident in sorted(ids)[:shown])
    return text + (f" and {len(ids) - shown} more" if len(ids) > shown else "")


def assess(result: CheckResult, files: Sequence[LoadedFile], target: str, rerun: Rerun,
           texts: Sequence[bytes | None] | None = None) -> Impact:
    """The losses of the person ``target`` names in ``result``'s org, and the check re-run
    (``rerun``: loaded files and their org -> result) on ``files`` without them. The org
    without them reuses every entity of ``result.org`` that their departure leaves as it was
    (``orglint.model.build.rebuild_org``). New findings are those whose fingerprints the
    re-run has more often than ``result``. ``texts``, when given, holds each file's bytes
    (None where unknown), as ``without_person`` takes them. Raises ``UnknownPerson`` as
    ``find_person`` does."""
    from orglint.engine.check import prepare

    org = result.org
    person = find_person(org, target)
    changed, touched = without_person(files, org, person.id, texts)
    without = rerun(changed, prepare(changed, org.complexity, like=(org, touched))[0])
    before = Counter(finding.fingerprint for finding in result.findings)
    new = []
    for finding in without.findings:
        if before[finding.fingerprint] > 0:
            before[finding.fingerprint] -= 1
        else:
            new.append(finding)
    found = sorted(losses(org, person.ref), key=_place)
    return Impact(person, found, result.stage, without.stage, new, tuple(org.unreadable))


def _place(loss: Loss) -> tuple[str, int, int, str]:
    return (loss.position.path, loss.position.line, loss.position.column, loss.role)


# -- what names the person ---------------------------------------------------------------------


def losses(org: Org, ref: Ref) -> Iterator[Loss]:
    """Every role the person ``ref`` holds, each at the field that names them, grouped as in
    ``GROUPS`` (not sorted). Linear in the org."""
    def loss(group: str, entity: Entity, field_: str, what: str, role: str) -> Loss:
        return Loss(entity.src.position(field_), group, str(entity.ref), field_, what, role)

    for handoff in org.handoffs_owned.get(ref, ()):
        backup = handoff.backup_owner
        stays = f"backup {org.display(backup)} stays" if backup not in (None, ref) else "no backup"
        yield loss("boundaries", handoff, "owner", org.describe(handoff), f"owner; {stays}")
    for handoff in org.handoffs_backed.get(ref, ()):
        owner = handoff.owner
        stays = f"owner {org.display(owner)} stays" if owner not in (None, ref) else "no owner"
        yield loss("boundaries", handoff, "backup_owner", org.describe(handoff),
                   f"backup owner; {stays}")
    for decision in org.decisions_by.get(ref, ()):
        often = f" (comes up {decision.frequency})" if decision.frequency else ""
        yield loss("decisions", decision, "decided_by", decision.titled, f"decides it{often}")
    for handoff in org.handoffs.values():
        governance = handoff.governance
        if governance.decision_maker == ref:
            yield loss("decisions", handoff, "governance.decision_maker", org.describe(handoff),
                       "decision maker for exceptions")
        levels = handoff.levels()
        if levels and levels[-1].ref == ref:
            chain = governance.escalation
            role = (f"final escalation, after {org.display(chain[-2])}" if len(chain) > 1
                    else "the only escalation level")
            yield loss("escalations", handoff, levels[-1].field, org.describe(handoff), role)
    for raci in org.raci.values():
        for activity in raci.activities:
            what = activity.label
            base = activity.place
            if ref in activity.A:
                yield loss("activities", raci, f"{base}.A", what, "accountable (A)")
            if set(activity.R) == {ref}:
                yield loss("activities", raci, f"{base}.R", what, "the only responsible (R)")
    for journey in org.journeys.values():
        if journey.owner == ref:
            yield loss("journeys", journey, "owner", journey.titled,
                       "owns the customer across it")
    for team in org.teams_led_by.get(ref, ()):
        others = [lead for lead in team.leads if lead != ref]
        role = f"lead; co-lead {org.names(others)} {'stays' if len(others) == 1 else 'stay'}" \
            if others else "lead"
        yield loss("teams", team, _item_naming(team, "lead", ref), team.titled, role)
    for team in org.teams_of_role.get(ref, ()):
        for name, holders in team.roles.items():
            if ref in holders:
                others = [holder for holder in holders if holder != ref]
                stays = f"; {org.names(others)} {'stays' if len(others) == 1 else 'stay'}" \
                    if others else ""
                yield loss("roles", team, _item_naming(team, f"roles.{name}", ref), team.titled,
                           f"{name}{stays}")
    for section in (org.metrics, org.reviews, org.systems):
        for entity in section.values():
            if getattr(entity, "owner", None) == ref:
                yield loss("owned", entity, "owner", entity.titled, "owner")


def _item_naming(entity: Any, field: str, ref: Ref) -> str:
    """The dotted field of the item of a reference list that names ``ref`` (``lead.1``), or
    the field itself when it holds one value."""
    return next((slot.field for slot in entity.slots(field) if slot.ref == ref), field)


# -- the org without the person ----------------------------------------------------------------


def without_person(files: Sequence[LoadedFile], org: Org, person_id: str,
                   texts: Sequence[bytes | None] | None = None
                   ) -> tuple[list[LoadedFile], set[tuple[str, str]]]:
    """The same files with the person's entry and every reference to them removed, and the
    entities that changed, as ``(section, id)`` pairs (the person's own entry among them).

    The original documents are not touched; a document that names the person nowhere is
    returned as it is. Positions of what remains stay those of the real files, so findings
    of the re-run point at places the user can open. ``texts``, when given, holds the bytes
    each file was parsed from (None where unknown): a file whose bytes cannot hold the id is
    passed over without a look at its values.
    """
    touched: set[tuple[str, str]] = set()
    out = []
    # an id written plainly appears as it is in the repr of any text that holds it: a document
    # whose repr does not hold it names the person nowhere (a tenth of the cost of walking it)
    plain = person_id.isprintable() and not set(person_id) & {"'", '"', "\\"}
    # and in the bytes of a file with no escape (a backslash), when it holds no space that a
    # folded line could have made: every key and value is then a stretch of those bytes
    needle = person_id.encode("utf-8", "surrogateescape") if plain and not any(
        char.isspace() for char in person_id) else None
    for number, loaded in enumerate(files):
        raw = texts[number] if texts is not None else None
        if raw is not None and needle is not None and b"\\" not in raw and needle not in raw:
            out.append(loaded)
            continue
        documents = []
        for doc in loaded.documents:
            if plain and person_id not in repr(doc.data):
                documents.append(doc)
                continue
            stripper = _Stripper(org, person_id)
            documents.append(stripper.document(doc))
            touched.update(path[:2] for path in (*stripper.dropped, *stripper.items))
        out.append(replace(loaded, documents=documents))
    return out, touched


class _Stripper:
    def __init__(self, org: Org, person_id: str) -> None:
        self.org = org
        self.person_id = person_id
        self.dropped: set[tuple[Any, ...]] = set()  # keys removed, with all below them
        self.items: dict[tuple[Any, ...], set[int]] = {}  # list items removed, by list
        self.gone: set[Any] = set()  # the values of the tables remapped at removed paths

    def document(self, doc: Document) -> Document:
        """The document without the person: the same object when nothing in it names them
        (most of a large org: copying it and its position index would cost a whole check)."""
        if not isinstance(doc.data, dict):
            return doc
        data = dict(doc.data)
        for section in SECTIONS:
            table = data.get(section)
            if not isinstance(table, dict):
                continue
            kept = {}
            for ident, raw in table.items():
                path = (section, ident)
                if section == "people" and ident == self.person_id:
                    self.dropped.add(path)
                elif isinstance(raw, dict):
                    kept[ident] = self.mapping(raw, ENTITY_SCHEMAS[section], path)
                else:
                    kept[ident] = raw
            data[section] = kept
        if not (self.dropped or self.items):
            return doc  # nothing named the person: what was rebuilt equals what was read
        keys, values = self.remap(doc.keys), self.remap(doc.values)
        # removing a reference never makes a schema problem (no field that names a person is
        # required, and an emptied list goes with its key): the problems stay, but for those
        # that stood in what was removed (the person's own entry)
        schema = doc.schema if doc.schema is None else [
            hit for hit in doc.schema
            if hit.position is None or (hit.position.line, hit.position.column) not in self.gone]
        return replace(doc, data=data, keys=keys, values=values,
                       written=self.remap(doc.written), schema=schema)

    def mapping(self, raw: dict[Any, Any], schema: dict[str, Any], path: tuple[Any, ...]
                ) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        for key, value in raw.items():
            rules = schema.get(key) if isinstance(key, str) else None
            here = (*path, key)
            if rules is None:
                out[key] = value
                continue
            kinds = _kinds(rules)
            if "person" in kinds and isinstance(value, str):
                if self.names_person(value, kinds):
                    self.dropped.add(here)
                else:
                    out[key] = value
            elif "person" in kinds and isinstance(value, list):
                gone = {i for i, item in enumerate(value) if self.names_person(item, kinds)}
                if gone and len(gone) == len(value):
                    self.dropped.add(here)  # an emptied list means nobody: the key goes too
                    continue
                if gone:
                    self.items[here] = gone
                out[key] = [item for i, item in enumerate(value) if i not in gone]
            elif rules.get("type") == "dict" and isinstance(value, dict) and "valuesrules" in rules:
                # roles: each value names people, as a list does
                out[key] = self.mapping({name: value[name] for name in value},
                                        {name: rules["valuesrules"] for name in value}, here)
            elif rules.get("type") == "dict" and isinstance(value, dict):
                out[key] = self.mapping(value, rules.get("schema", {}), here)
            elif rules.get("type") == "list" and isinstance(value, list) \
                    and rules.get("schema", {}).get("type") == "dict":
                item_schema = rules["schema"].get("schema", {})
                out[key] = [self.mapping(item, item_schema, (*here, i)) if isinstance(item, dict)
                            else item for i, item in enumerate(value)]
            else:
                out[key] = value
        return out

    def names_person(self, value: Any, kinds: tuple[str, ...]) -> bool:
        if value == f"person:{self.person_id}":
            return True
        # a bare id names the person unless another accepted kind has it too (ambiguous)
        return value == self.person_id and not any(
            value in self.org.section(kind) for kind in kinds if kind != "person")

    def remap(self, table: dict[tuple[Any, ...], Any]) -> dict[tuple[Any, ...], Any]:
        """The table with each path moved as items were removed; the values of removed
        paths are added to ``gone``."""
        out = {}
        for path, position in table.items():
            moved = self.moved(path)
            if moved is not None:
                out[moved] = position
            else:
                self.gone.add(position)
        return out

    def moved(self, path: tuple[Any, ...]) -> tuple[Any, ...] | None:
        """Where a path lands once items are removed; None when it was removed."""
        original: tuple[Any, ...] = ()
        new: list[Any] = []
        for step in path:
            gone = self.items.get(original)
            original = (*original, step)
            if original in self.dropped:
                return None
            if gone is not None and isinstance(step, int):
                if step in gone:
                    return None
                step -= sum(1 for index in gone if index < step)
            new.append(step)
        return tuple(new)


def _kinds(rules: dict[str, Any]) -> tuple[str, ...]:
    schema = rules.get("schema")
    meta = rules.get("meta") or (schema.get("meta") if isinstance(schema, dict) else None) or {}
    return tuple(meta.get("ref", ()))


# -- output ------------------------------------------------------------------------------------


def render_text(impact: Impact) -> str:
    """The impact as text for the terminal: the losses by group with their positions, the
    stage now and without the person, and the new findings; ends with a newline."""
    person = impact.person
    name = person.name or person.id
    who = f"{name} (person:{person.id}{', ' + person.title if person.title else ''})"
    count = len(impact.losses)
    if count:
        lines = [f"If {who} left, {count} {'place' if count == 1 else 'places'} would lose "
                 "their person:"]
    else:
        lines = [f"If {who} left, nothing would lose its person."]
    for group, title in GROUPS.items():
        items = impact.group(group)
        if items:
            lines += ["", f"{title} ({len(items)}):"]
            lines += [f"  {loss.position}: {loss.what}: {loss.role}" for loss in items]
    now, then = impact.stage_now, impact.stage_without
    lines += ["", f"Stage now: {now.number} of 4 ({now.name})."]
    if then.number == now.number:
        lines.append(f"Without {name}: still {then.number} of 4 ({then.name}).")
    else:
        lines.append(f"Without {name}: {then.number} of 4 ({then.name}).")
    if impact.new_findings:
        lines += ["", f"New findings without {name} ({len(impact.new_findings)}):"]
        lines += [f"  {f.location}: {f.code} [{f.severity}] {f.message}"
                  for f in impact.new_findings]
    else:
        lines += ["", f"No new findings without {name}."]
    if impact.unreadable:
        count = len(impact.unreadable)
        what = "what it holds is" if count == 1 else "what they hold is"
        lines += ["", f"Incomplete: {count} {'file' if count == 1 else 'files'} could not be "
                  f"read ({', '.join(impact.unreadable[:3])}{' ...' if count > 3 else ''}); "
                  f"{what} missing here, and findings that may follow from it are held back. "
                  "Run 'orglint check' to see why."]
    return "\n".join(lines) + "\n"


def render_json(impact: Impact) -> str:
    """``Impact.as_dict`` as indented JSON text ending in a newline."""

    return json_text(impact.as_dict())
