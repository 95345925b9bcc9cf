"""``backstage``: the Group and User entities of a Backstage software catalog.

A Group becomes a team: ``spec.profile.displayName`` its name, ``metadata.description`` its
description, ``spec.parent`` and ``spec.children`` its place in the hierarchy, ``spec.members``
and the users whose ``spec.memberOf`` names it its members. A User becomes a person: display
name, email, description. Other kinds (Component, Location, ...) are skipped and counted.

Ids: the name lower-cased, prefixed with its namespace and a dot when the namespace is not
``default`` (``guest`` in ``default`` is ``guest``, in ``development`` it is
``development.guest``). References (``[kind:][namespace/]name``) take the holder's namespace
when they name none, as Backstage does. Two entities that map to one id are reported (ORG004,
naming both places), never merged; a reference to the wrong kind, or a ``memberOf`` naming a
group the catalog lacks, is ORG003 at the reference.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orglint.finding import Hit, Position
from orglint.load.documents import Document, LoadedFile, load_file
from orglint.model import DUPLICATE_ID, SCHEMA, UNKNOWN_REFERENCE
from orglint.sources import Display, SourceRead, SourceReader, duplicate, source_files
from orglint.sources.document import Anchor, Locator, SourceDocument

_REF = re.compile(r"^(?:(?P<kind>[^:/]+):)?(?:(?P<namespace>[^:/]+)/)?(?P<name>[^:/]+)$")
KINDS = {"group": "teams", "user": "people"}
GROUP_FIELDS = {"name": ("spec", "profile", "displayName"), "description": ("metadata", "description")}
USER_FIELDS = {**GROUP_FIELDS, "email": ("spec", "profile", "email")}


def entity_id(namespace: str, name: str) -> str:
    """The orglint id of a catalog entity: ``name`` lower-cased, with ``namespace.`` in front
    unless the namespace is ``default``."""
    namespace = namespace.lower()
    return name.lower() if namespace == "default" else f"{namespace}.{name.lower()}"


@dataclass
class _Entity:
    kind: str  # "group" or "user"
    ident: str
    namespace: str
    name: str
    doc: Document
    file: int  # index of the file it was read from
    raw: dict[str, Any] = field(default_factory=dict)
    anchor: Anchor | None = None


class BackstageReader(SourceReader):
    """Reads Backstage catalog files (``*.yaml``, ``*.yml``; multi-document files too)."""

    options: Mapping[str, Mapping[str, Any]] = {}
    patterns = ("*.yaml", "*.yml")

    def read(self, path: Path, options: Mapping[str, Any], display: Display) -> SourceRead:
        """Groups as teams and users as people (see the module docstring)."""
        return _Catalog(display).read(source_files(path, self.patterns))


class _Catalog:
    def __init__(self, display: Display) -> None:
        self.display = display
        self.loaded: list[LoadedFile] = []
        self.counts: dict[str, int] = {}
        self.entities: dict[tuple[str, str], _Entity] = {}

    def hit(self, file: int, kind: str, message: str, where: Position) -> None:
        self.loaded[file].source_problems.setdefault(kind, []).append(Hit(message, position=where))

    def read(self, files: list[Path]) -> SourceRead:
        for number, path in enumerate(files):
            source = load_file(str(path), self.display(path))
            self.loaded.append(LoadedFile(source.path, [], source.problems, source.directives))
            for doc in source.documents:
                self.take(number, doc)
        for entity in self.entities.values():
            (self.group if entity.kind == "group" else self.user)(entity)
        for entity in self.entities.values():
            if entity.kind == "user":
                self.member_of(entity)
        per_file: list[dict[tuple[str, str], _Entity]] = [{} for _ in files]
        for key, entity in self.entities.items():
            per_file[entity.file][key] = entity
        for number, entities in enumerate(per_file):
            if not entities:
                continue
            data: dict[str, dict[str, Any]] = {}
            anchors = {}
            for (section, ident), entity in entities.items():
                data.setdefault(section, {})[ident] = entity.raw
                assert entity.anchor is not None
                anchors[(section, ident)] = entity.anchor
            loaded = self.loaded[number]
            loaded.documents.append(SourceDocument(loaded.path, data, anchors=anchors))
        counts: dict[str, int] = {label: self.counts[label] for label in ("groups", "users")
                                  if label in self.counts}
        counts.update(sorted((label, count) for label, count in self.counts.items()
                             if label.startswith("skipped")))
        return SourceRead(self.loaded, counts)

    def take(self, file: int, doc: Document) -> None:
        data = doc.data
        kind = data.get("kind") if isinstance(data, dict) else None
        if not isinstance(kind, str) or kind.lower() not in KINDS:
            label = f"skipped {kind}" if isinstance(kind, str) else "skipped (not an entity)"
            self.counts[label] = self.counts.get(label, 0) + 1
            return
        assert isinstance(data, dict)
        kind = kind.lower()
        metadata = _mapping(data.get("metadata"))
        name, namespace = metadata.get("name"), metadata.get("namespace", "default")
        if not isinstance(name, str) or not name or not isinstance(namespace, str) or not namespace:
            what = "metadata.name" if not isinstance(name, str) or not name else "metadata.namespace"
            self.hit(file, SCHEMA, f"a {data['kind']} needs a {what} (a non-empty string)",
                     doc.position(("metadata",), key=True) if "metadata" in data
                     else doc.position(()))
            return
        label = f"{kind}s"
        self.counts[label] = self.counts.get(label, 0) + 1
        ident = entity_id(namespace, name)
        key = (KINDS[kind], ident)
        first = self.entities.get(key)
        where = doc.position(("metadata", "name"))
        if first is not None:
            first_at = first.doc.position(("metadata", "name"))
            self.hit(file, DUPLICATE_ID, duplicate("person" if kind == "user" else "team", ident,
                                                   first_at)
                     + f" ({kind} '{namespace}/{name}' maps to the same id)", where)
            return
        self.entities[key] = _Entity(kind, ident, namespace, name, doc, file)

    def group(self, entity: _Entity) -> None:
        spec = _mapping(entity.doc.data.get("spec"))
        raw = self.common(entity, GROUP_FIELDS)
        items: dict[tuple[Any, ...], tuple[Locator, tuple[Any, ...]]] = {}
        anchor = Anchor(entity.doc, (), ("metadata", "name"), {**GROUP_FIELDS, "parent": ("spec", "parent")},
                        items)
        if "parent" in spec:
            raw["parent"] = self.ref(entity, spec["parent"], "group", ("spec", "parent"))
        for field_name, kind in (("children", "group"), ("members", "user")):
            values = spec.get(field_name)
            if values is None:
                continue
            if not isinstance(values, list):
                raw[field_name] = values  # the schema says what is wrong, at its place
                anchor.fields = {**anchor.fields, field_name: ("spec", field_name)}
                continue
            out = raw.setdefault(field_name, [])
            for index, value in enumerate(values):
                target = self.ref(entity, value, kind, ("spec", field_name, index))
                # an empty item stays, for the schema to report at its place
                if (target is not None or value is None) and (target is None or target not in out):
                    items[(field_name, len(out))] = (entity.doc, ("spec", field_name, index))
                    out.append(target)
        entity.raw, entity.anchor = raw, anchor

    def user(self, entity: _Entity) -> None:
        entity.raw = self.common(entity, USER_FIELDS)
        entity.anchor = Anchor(entity.doc, (), ("metadata", "name"), USER_FIELDS)

    def member_of(self, user: _Entity) -> None:
        spec = _mapping(user.doc.data.get("spec"))
        groups = spec.get("memberOf")
        if groups is None:
            return
        if not isinstance(groups, list):
            groups = [groups]
        for index, value in enumerate(groups):
            place = ("spec", "memberOf", index) if isinstance(spec.get("memberOf"), list) \
                else ("spec", "memberOf")
            target = self.ref(user, value, "group", place)
            if target is None:
                continue
            group = self.entities.get(("teams", target))
            if group is None:
                teams = [ident for section, ident in self.entities if section == "teams"]
                close = difflib.get_close_matches(target, teams, n=1, cutoff=0.6)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                self.hit(user.file, UNKNOWN_REFERENCE, f"user '{user.namespace}/{user.name}' is a member of "
                         f"group '{value}', which the catalog does not define{hint}",
                         user.doc.position(place))
                continue
            members = group.raw.setdefault("members", [])
            if user.ident not in members:
                assert group.anchor is not None
                group.anchor.items[("members", len(members))] = (user.doc, place)
                members.append(user.ident)

    def common(self, entity: _Entity, fields: Mapping[str, tuple[str, ...]]) -> dict[str, Any]:
        raw: dict[str, Any] = {}
        data = entity.doc.data
        for name, path in fields.items():
            value: Any = data
            for step in path:
                value = value.get(step) if isinstance(value, dict) else None
            if value is not None:
                raw[name] = value
        return raw

    def ref(self, holder: _Entity, value: Any, kind: str, place: tuple[Any, ...]) -> Any:
        """A reference as an id; None (and ORG003) when it names another kind or is no
        reference; a value of the wrong type as it is, for the schema to report."""
        if not isinstance(value, str):
            return value
        match = _REF.match(value.strip())
        if match is None:
            self.hit(holder.file, UNKNOWN_REFERENCE, f"'{value}' is not a Backstage entity reference "
                     "([kind:][namespace/]name)", holder.doc.position(place))
            return None
        named = (match["kind"] or kind).lower()
        if named != kind:
            field_name = ".".join(str(step) for step in place[:2])
            self.hit(holder.file, UNKNOWN_REFERENCE, f"{holder.kind} '{holder.namespace}/{holder.name}' "
                     f"{field_name} names a {named} ('{value}'); expected a {kind}",
                     holder.doc.position(place))
            return None
        return entity_id(match["namespace"] or holder.namespace, match["name"])


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
