"""``github-teams``: team files in the format the Kubernetes GitHub organisation keeps
(peribolos: ``teams: {name: {description, maintainers, members, privacy, teams: {...}}}``).

Each team becomes a team: its name as written, its id the GitHub slug (lower case, every run
of other characters a ``-``), ``description`` kept; ``maintainers`` lead it (several are
co-leads) and belong to it with ``members``; child teams nested under ``teams:`` name it as
their ``parent`` and it lists them as ``children``. Every login becomes a person whose id is
the login lower-cased (GitHub logins ignore case), placed where it first appears. A login
listed twice in one team, or two teams with one slug, are reported (ORG004, naming both
places); an unknown key in a team is ORG002 with a hint. ``privacy``, ``previously`` and
``repos`` are GitHub settings, not org structure: read and left out.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from orglint.finding import Hit, Position
from orglint.load.documents import Document, LoadedFile, load_file
from orglint.model import DUPLICATE_ID, SCHEMA
from orglint.sources import Display, SourceRead, SourceReader, duplicate, slug, source_files
from orglint.sources.document import Anchor, Locator, SourceDocument

KNOWN = ("description", "maintainers", "members", "privacy", "previously", "repos", "teams")
TEAM_FIELDS = {"description": ("description",)}


class GitHubTeamsReader(SourceReader):
    """Reads peribolos team files (``*.yaml``, ``*.yml``)."""

    options: Mapping[str, Mapping[str, Any]] = {}
    patterns = ("*.yaml", "*.yml")

    def read(self, path: Path, options: Mapping[str, Any], display: Display) -> SourceRead:
        """Teams and their people (see the module docstring)."""
        reader = _Teams()
        for file in source_files(path, self.patterns):
            reader.file(load_file(str(file), display(file)))
        return SourceRead(reader.files, {"teams": reader.team_count, "people": len(reader.people)})


class _Teams:
    def __init__(self) -> None:
        self.files: list[LoadedFile] = []
        self.people: dict[str, Position] = {}
        self.teams: dict[str, Position] = {}
        self.team_count = 0

    def file(self, source: LoadedFile) -> None:
        loaded = LoadedFile(source.path, [], source.problems, source.directives)
        self.files.append(loaded)
        data: dict[str, dict[str, Any]] = {}
        anchors: dict[tuple[str, str], Anchor] = {}
        for doc in source.documents:
            top = doc.data
            if top is None:
                continue
            if not isinstance(top, dict) or not isinstance(top.get("teams"), dict):
                self.hit(loaded, SCHEMA, "a team file is a mapping with 'teams:'",
                         doc.position(()))
                continue
            self.level(loaded, doc, top["teams"], ("teams",), None, data, anchors)
        if data:
            loaded.documents.append(SourceDocument(loaded.path, data, anchors=anchors))

    def hit(self, loaded: LoadedFile, kind: str, message: str, where: Position) -> None:
        loaded.source_problems.setdefault(kind, []).append(Hit(message, position=where))

    def level(self, loaded: LoadedFile, doc: Document, teams: dict[str, Any], at: tuple[Any, ...],
              parent: str | None, data: dict[str, dict[str, Any]],
              anchors: dict[tuple[str, str], Anchor]) -> list[tuple[str, tuple[Any, ...]]]:
        """The teams of one ``teams:`` mapping (and their children); returns their ids and
        places."""
        made = []
        for name, spec in teams.items():
            place = (*at, name)
            where = doc.position(place, key=True)
            ident = slug(str(name))
            if ident in self.teams:
                self.hit(loaded, DUPLICATE_ID, duplicate("team", ident, self.teams[ident])
                         + f" (team '{name}' has the same GitHub slug)", where)
                continue
            self.teams[ident] = where
            self.team_count += 1
            if not isinstance(spec, dict) and spec is not None:
                self.hit(loaded, SCHEMA, f"team '{name}' must be a mapping (description, "
                         "maintainers, members, ...)", doc.position(place))
            spec = spec if isinstance(spec, dict) else {}
            raw: dict[str, Any] = {"name": str(name)}
            if "description" in spec and spec["description"] not in ("", None):
                raw["description"] = spec["description"]
            items: dict[tuple[Any, ...], tuple[Locator, tuple[Any, ...]]] = {}
            anchor = Anchor(doc, place, (), {"description": ("description",)}, items, keyed=True)
            if parent is not None:
                raw["parent"] = parent  # written by the nesting: it stands at the team
            for key in spec:
                if key not in KNOWN:
                    close = difflib.get_close_matches(str(key), KNOWN, n=1, cutoff=0.6)
                    hint = f"; did you mean '{close[0]}'?" if close else ""
                    self.hit(loaded, SCHEMA, f"unknown key '{key}' in team '{name}'{hint}",
                             doc.position((*place, key), key=True))
            logins = self.logins(loaded, doc, spec, place, data, anchors)
            leads = [(login, at_) for login, at_, role in logins if role == "maintainers"]
            if leads:
                raw["lead"] = leads[0][0] if len(leads) == 1 else [login for login, _ in leads]
                for index, (_, at_) in enumerate(leads):
                    items[("lead",) if len(leads) == 1 else ("lead", index)] = (doc, at_)
            if logins:
                raw["members"] = [login for login, _, _ in logins]
                for index, (_, at_, _) in enumerate(logins):
                    items[("members", index)] = (doc, at_)
            data.setdefault("teams", {})[ident] = raw
            anchors[("teams", ident)] = anchor
            children = spec.get("teams")
            if children is not None and not isinstance(children, dict):
                self.hit(loaded, SCHEMA, f"'teams' of team '{name}' must be a mapping of child "
                         "teams", doc.position((*place, "teams")))
            if isinstance(children, dict) and children:
                made_children = self.level(loaded, doc, children, (*place, "teams"), ident,
                                           data, anchors)
                raw["children"] = [child for child, _ in made_children]
                for index, (_, child_place) in enumerate(made_children):
                    items[("children", index)] = (doc, child_place)
            made.append((ident, place))
        return made

    def logins(self, loaded: LoadedFile, doc: Document, spec: dict[str, Any], place: tuple[Any, ...],
               data: dict[str, dict[str, Any]], anchors: dict[tuple[str, str], Anchor]
               ) -> list[tuple[str, tuple[Any, ...], str]]:
        """``(person id, place, role)`` of each login of a team, maintainers first."""
        seen: dict[str, Position] = {}
        out = []
        for role in ("maintainers", "members"):
            values = spec.get(role)
            if not isinstance(values, list):
                if values is not None:
                    self.hit(loaded, SCHEMA, f"'{role}' must be a list of logins",
                             doc.position((*place, role)))
                continue
            for index, login in enumerate(values):
                where = doc.position((*place, role, index))
                if not isinstance(login, str) or not login.strip():
                    shown = "an empty value" if login is None else repr(login)
                    self.hit(loaded, SCHEMA, f"'{role}' holds {shown}, not a login", where)
                    continue
                ident = login.strip().lower()
                if ident in seen:
                    self.hit(loaded, DUPLICATE_ID, f"login '{login}' is listed twice in team "
                             f"'{place[-1]}' (first at {seen[ident]})", where)
                    continue
                seen[ident] = where
                out.append((ident, (*place, role, index), role))
                if ident not in self.people:
                    self.people[ident] = where
                    data.setdefault("people", {})[ident] = {"name": login.strip()}
                    anchors[("people", ident)] = Anchor(doc, (*place, role, index), (),
                                                        {"name": ()})
        return out
