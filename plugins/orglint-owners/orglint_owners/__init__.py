"""orglint-owners: an example source plugin. It reads the ``OWNERS`` files of a repository
(the format Kubernetes and Prow use) as teams and people:

    approvers: [alice, bob]      # lead the folder's team (co-leads)
    reviewers: [carol]           # belong to it, with the approvers
    options: {no_parent_owners: true}

Each folder holding an ``OWNERS`` file is a team: its id is the folder's path, one slug per
folder joined by dots (``pkg/api`` -> ``pkg.api``), the top folder's is ``root_team``
(default ``root``); its parent is the nearest folder above it with an ``OWNERS`` file, unless
``no_parent_owners`` cuts the chain, and the parent lists it among its ``children``. Every login
is a person whose id is the login lower-cased. Findings on these entities point into the
``OWNERS`` files.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from orglint import hookimpl
from orglint.load.documents import Document, LoadedFile, load_file
from orglint.schema.org import ID_PATTERN
from orglint.sources import Display, SourceRead, SourceReader, slug, source_files
from orglint.sources.document import Anchor, SourceDocument

__version__ = "0.1.0"


class OwnersReader(SourceReader):
    """Reads ``OWNERS`` files below a folder."""

    options: Mapping[str, Mapping[str, Any]] = {
        "root_team": {"type": "string", "regex": ID_PATTERN, "default": "root"},
    }
    patterns = ("OWNERS",)

    def read(self, path: Path, options: Mapping[str, Any], display: Display) -> SourceRead:
        """One team per OWNERS file, its people, and the hierarchy of the folders."""
        files = source_files(path, self.patterns)
        base = path if path.is_dir() else path.parent
        loaded: dict[str, tuple[LoadedFile, Document | None, str]] = {}
        for file in files:
            source = load_file(str(file), display(file))
            parts = file.parent.relative_to(base).parts
            ident = ".".join(slug(part) or "x" for part in parts) or options["root_team"]
            loaded[ident] = (LoadedFile(source.path, [], source.problems, source.directives),
                             source.documents[0] if source.documents else None,
                             "/".join(parts) or options["root_team"])
        people: set[str] = set()
        out = []
        for ident, (file, doc, folder) in loaded.items():
            data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
            team: dict[str, Any] = {"name": folder}
            anchor = Anchor(doc or Document(file.path, None), (), (), {
                "lead": ("approvers",), "members": ("approvers",)})
            approvers = [str(login).lower() for login in data.get("approvers") or []]
            reviewers = [str(login).lower() for login in data.get("reviewers") or []]
            if approvers:
                team["lead"] = approvers[0] if len(approvers) == 1 else approvers
            members = list(dict.fromkeys(approvers + reviewers))
            if members:
                team["members"] = members
            for index, login in enumerate(members):
                if login in reviewers and login not in approvers:
                    anchor.items[("members", index)] = (anchor.at, ("reviewers",
                                                                    reviewers.index(login)))
            parent = _parent(ident, loaded, options["root_team"], data)
            if parent is not None:
                team["parent"] = parent
            team_data: dict[str, Any] = {"teams": {ident: team}}
            anchors = {("teams", ident): anchor}
            for role in ("approvers", "reviewers"):
                for index, login in enumerate(data.get(role) or []):
                    person = str(login).lower()
                    if person not in people:
                        people.add(person)
                        team_data.setdefault("people", {})[person] = {"name": str(login)}
                        anchors[("people", person)] = Anchor(anchor.at, (role, index))
            file.documents.append(SourceDocument(file.path, team_data, anchors=anchors))
            out.append(file)
        for file in out:  # the children, from the parents the files name
            for ident, team in file.documents[0].data["teams"].items():
                parent = team.get("parent")
                if parent in loaded:
                    siblings = loaded[parent][0].documents[0].data["teams"][parent]
                    siblings.setdefault("children", []).append(ident)
        return SourceRead(out, {"OWNERS files": len(out)})


def _parent(ident: str, loaded: Mapping[str, Any], root: str, data: Mapping[str, Any]) -> str | None:
    """The nearest team above ``ident`` with an OWNERS file, unless the file cuts the chain."""
    options = data.get("options")
    if ident == root or (isinstance(options, dict) and options.get("no_parent_owners") is True):
        return None
    parts = ident.split(".")
    for size in range(len(parts) - 1, 0, -1):
        above = ".".join(parts[:size])
        if above in loaded:
            return above
    return root if root in loaded else None


@hookimpl
def orglint_sources() -> dict[str, Any]:
    """The ``owners`` source."""
    return {"owners": OwnersReader()}
