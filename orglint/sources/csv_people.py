"""``csv-people``: an HR export, one person a row, with the columns named in the config.

    sources:
      - type: csv-people
        path: hr/export.csv
        columns: {id: Employee ID, name: Full Name, title: Job Title, email: Work Email,
                  manager: Manager ID, team: Department, lead: Team Lead}

Only ``id`` is required. A row becomes a person: the id lower-cased, ``name``, ``title`` and
``email`` as written, ``manager`` (the manager's id) as ``reports_to``. The ``team`` column
names the person's team: its id is the name as a slug (``Customer Success`` ->
``customer-success``), its name the text of the first row naming it; a truthy ``lead`` cell
(``yes``, ``y``, ``true``, ``1``, ``x``) makes the person a lead of that team (several are
co-leads). A repeated id, two team names with one slug, or a ``lead`` cell that is neither
truthy nor falsy (``no``, ``n``, ``false``, ``0``, empty) is reported at its cell. XLSX files
are read too (with the ``xlsx`` extra).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from orglint.finding import Hit, Position
from orglint.load.documents import LoadedFile
from orglint.sources import Display, SourceError, SourceRead, SourceReader, duplicate, slug
from orglint.sources.document import Anchor, Locator, Table
from orglint.sources.tables import TABLE_OPTIONS, read_tables

COLUMNS = ("id", "name", "title", "email", "manager", "team", "lead")
TRUE = frozenset({"yes", "y", "true", "1", "x"})
FALSE = frozenset({"no", "n", "false", "0", ""})
PERSON_FIELDS = {"name": "name", "title": "title", "email": "email", "reports_to": "manager"}
class CsvPeopleReader(SourceReader):
    """Reads HR exports (``*.csv``, ``*.xlsx``)."""

    options: Mapping[str, Mapping[str, Any]] = {
        "columns": {"type": "dict", "required": True,
                    "schema": {name: {"type": "string", "empty": False, "required": name == "id"}
                               for name in COLUMNS}},
        **TABLE_OPTIONS,
    }
    patterns = ("*.csv", "*.xlsx")

    def read(self, path: Path, options: Mapping[str, Any], display: Display) -> SourceRead:
        """People, their teams and leads (see the module docstring)."""
        return read_tables(path, self.patterns, options, display, lambda loaded, _, rows:
                           _Export(loaded, rows.table, options["columns"]).read(rows.rows))


class _Export:
    def __init__(self, loaded: LoadedFile, table: Table, columns: Mapping[str, str]) -> None:
        self.loaded = loaded
        self.table = table
        self.columns = columns

    def hit(self, code: str, message: str, where: Position) -> None:
        self.loaded.rule_hits.setdefault(code, []).append(Hit(message, position=where))

    def read(self, rows: list[list[str] | None]) -> tuple[dict[str, Any], dict[tuple[str, str], Anchor]]:
        header = [cell.strip() for cell in rows[0] or []]
        at = {name: index for index, name in reversed(list(enumerate(header)))}
        index: dict[str, int] = {}
        for key, column in self.columns.items():
            if column.strip() not in at:
                known = ", ".join(f"'{name}'" for name in header if name) or "none"
                raise SourceError(f"column '{column}' is not in {self.loaded.path} "
                                  f"(columns: {known})", ("columns", key))
            index[key] = at[column.strip()]
        fields = {name: (index[column],) for name, column in PERSON_FIELDS.items() if column in index}
        people: dict[str, Any] = {}
        teams: dict[str, Any] = {}
        anchors: dict[tuple[str, str], Anchor] = {}
        id_at, team_at, lead_at = index["id"], index.get("team"), index.get("lead")
        named = [(name, index[column]) for name, column in PERSON_FIELDS.items()
                 if column in index and name != "reports_to"]
        manager_at = index.get("manager")
        table = self.table
        team_names: dict[str, tuple[str, int]] = {}
        for row_number in range(1, len(rows)):
            row = rows[row_number]
            if not row or not any(row):
                continue
            ident = row[id_at].strip().lower()
            if not ident:
                self.hit("ORG002", f"row has no {self.columns['id']}",
                         table.position((row_number, id_at)))
                continue
            if ident in people:
                where = table.position((row_number, id_at))
                first = anchors[("people", ident)].position(())
                self.hit("ORG004", duplicate("person", ident, first, where).message, where)
                continue
            raw = {name: row[at_].strip() for name, at_ in named if row[at_].strip()}
            if manager_at is not None and row[manager_at].strip():
                raw["reports_to"] = row[manager_at].strip().lower()
            people[ident] = raw
            anchors[("people", ident)] = Anchor(table, (row_number,), (id_at,), fields)
            if team_at is None or not row[team_at].strip():
                continue
            name = row[team_at].strip()
            team = slug(name)
            cell = (row_number, team_at)
            if not team:
                self.hit("ORG002", f"team '{name}' has no letter or digit to make an id of",
                         table.position(cell))
                continue
            first_name = team_names.setdefault(team, (name, row_number))
            if first_name[0] != name:
                self.hit("ORG004", f"team '{name}' and team '{first_name[0]}' (at "
                         f"{table.position((first_name[1], team_at))}) map to one id '{team}'; "
                         "spell them alike or apart", table.position(cell))
            entry = teams.get(team)
            if entry is None:
                entry = teams[team] = {"name": name, "members": []}
                anchors[("teams", team)] = Anchor(table, (row_number,), (team_at,),
                                                  {"name": (team_at,)})
            items = anchors[("teams", team)].items
            items[("members", len(entry["members"]))] = (table, cell)
            entry["members"].append(ident)
            if lead_at is not None:
                self.lead(row, row_number, lead_at, ident, entry, items)
        for team, entry in teams.items():
            leads = entry.pop("leads", None)
            if leads:
                items = anchors[("teams", team)].items
                if len(leads) == 1:
                    items[("lead",)] = items.pop(("lead", 0))
                teams[team] = {"name": entry["name"], "lead": leads[0] if len(leads) == 1
                               else leads, "members": entry["members"]}
        data: dict[str, Any] = {}
        if people:
            data["people"] = people
        if teams:
            data["teams"] = teams
        return data, anchors

    def lead(self, row: list[str], row_number: int, lead_at: int, ident: str,
             entry: dict[str, Any], items: dict[tuple[Any, ...], tuple[Locator, tuple[Any, ...]]]
             ) -> None:
        flag = row[lead_at].strip().lower()
        if flag in FALSE:
            return
        where = (row_number, lead_at)
        if flag not in TRUE:
            self.hit("ORG002", f"{self.columns['lead']} is '{row[lead_at].strip()}'; expected "
                     "yes or no (y, true, 1, x / n, false, 0, empty)", self.table.position(where))
            return
        leads = entry.setdefault("leads", [])
        leads.append(ident)
        items[("lead", len(leads) - 1)] = (self.table, where)
