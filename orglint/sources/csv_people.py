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

from collections.abc import Iterator, Mapping, Sequence
from itertools import compress, count, repeat
from operator import itemgetter, not_
from pathlib import Path
from typing import Any

from orglint.finding import Hit, Position
from orglint.load.documents import LoadedFile
from orglint.model import DUPLICATE_ID, SCHEMA
from orglint.sources import Display, SourceError, SourceRead, SourceReader, duplicate, slug
from orglint.sources.document import Anchor, Locator, Table
from orglint.sources.tables import TABLE_OPTIONS, Entities, read_tables

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
                           _Export(loaded, rows.table, options["columns"]).read(rows.rows, rows.regular))


class _Team:
    """A team as its rows name it: the first row, and the rows of its members and leads."""

    __slots__ = ("first", "lead_rows", "name", "rows")

    def __init__(self, name: str, first: int) -> None:
        self.name = name
        self.first = first
        self.lead_rows: list[int] = []
        # the team column's cells, their row numbers and the ids of the names
        self.rows: tuple[list[str], Sequence[int], dict[str, str]] = ([], [], {})

    def member_rows(self, team: str) -> list[int]:
        """The row number of each member of the team, in order."""
        names, numbers, slugs = self.rows
        return [numbers[row] for row, name in enumerate(names) if slugs.get(name) == team]


class _Export:
    def __init__(self, loaded: LoadedFile, table: Table, columns: Mapping[str, str]) -> None:
        self.loaded = loaded
        self.table = table
        self.columns = columns

    def hit(self, kind: str, message: str, where: Position) -> None:
        self.loaded.source_problems.setdefault(kind, []).append(Hit(message, position=where))

    def columns_at(self, header: list[str]) -> dict[str, int]:
        """Each mapped column's index; ``SourceError`` for one the header lacks."""
        at = {name: index for index, name in reversed(list(enumerate(header)))}
        index: dict[str, int] = {}
        for key, column in self.columns.items():
            if column.strip() not in at:
                known = ", ".join(f"'{name}'" for name in header if name) or "none"
                raise SourceError(f"column '{column}' is not in {self.loaded.path} "
                                  f"(columns: {known})", ("columns", key))
            index[key] = at[column.strip()]
        return index

    def read(self, rows: list[list[str] | None], regular: bool = False) -> Entities:
        """The people and teams of the rows (``rows[0]`` the header), column by column: an
        export has thousands of rows and few columns, and a column is one pass in C."""
        index = self.columns_at([cell.strip() for cell in rows[0] or []])
        numbers: Sequence[int]
        if regular:  # every row has the header's width: none to leave out
            numbers = range(1, len(rows))
            body: list[list[str]] = rows[1:]  # type: ignore[assignment]
        else:  # malformed (reported) or blank rows: leave them out
            numbers = [number for number in range(1, len(rows)) if rows[number]]
            body = [rows[number] for number in numbers]  # type: ignore[misc]
        ids = _column(body, index["id"], lower=True)
        names = [name for name, column in PERSON_FIELDS.items() if column in index]
        values = [_column(body, index[PERSON_FIELDS[name]], lower=name == "reports_to")
                  for name in names]
        # one dict a person, made in C: zip the names with each row's values
        raws: list[dict[str, str]] = list(map(dict, map(zip, repeat(names), zip(*values, strict=True)))) \
            if names else [{} for _ in ids]
        for name, column in zip(names, values, strict=True):
            if "" in column:  # an empty cell is no value
                for row in compress(count(), map(not_, column)):
                    del raws[row][name]
        people = dict(zip(ids, raws, strict=True))
        if len(people) != len(ids) or "" in people:  # rows without an id, or repeating one
            keep = self.first_ids(body, numbers, ids, index["id"])
            body, raws = [body[row] for row in keep], [raws[row] for row in keep]
            numbers, ids = [numbers[row] for row in keep], [ids[row] for row in keep]
            people = dict(zip(ids, raws, strict=True))
        data: dict[str, Any] = {"people": people} if people else {}
        teams: dict[str, _Team] = {}
        if "team" in index and ids:
            data["teams"] = self.teams(body, numbers, ids, index, teams)
            if not data["teams"]:
                del data["teams"]
        fields = {name: (index[PERSON_FIELDS[name]],) for name in names}
        anchors = _Anchors(self.table, (ids, numbers), teams, index["id"],
                           index.get("team"), index.get("lead"), fields)
        return data, anchors

    def first_ids(self, body: list[list[str]], numbers: Sequence[int], ids: list[str], id_at: int
                  ) -> list[int]:
        """The rows to keep when some have no id or repeat one (each reported)."""
        first: dict[str, int] = {}
        keep = []
        for row, ident in enumerate(ids):
            if ident and ident not in first:
                first[ident] = numbers[row]
                keep.append(row)
                continue
            where = self.table.position((numbers[row], id_at))
            if ident:
                at = self.table.position((first[ident], id_at))
                self.hit(DUPLICATE_ID, duplicate("person", ident, at), where)
            elif any(cell.strip() for cell in body[row]):
                self.hit(SCHEMA, f"row has no {self.columns['id']}", where)
        return keep

    def teams(self, body: list[list[str]], numbers: Sequence[int], ids: list[str],
              index: dict[str, int], teams: dict[str, _Team]) -> dict[str, Any]:
        """Each department named in the team column, with its members and leads."""
        team_at = index["team"]
        names = _column(body, team_at)
        slugs = {name: self.team_id(name, numbers[names.index(name)], team_at, teams)
                 for name in dict.fromkeys(names) if name}
        members: dict[str, list[str]] = {team: [] for team in teams}
        add = {name: members[team].append for name, team in slugs.items() if team}
        for name, ident in zip(names, ids, strict=True):
            if name in add:
                add[name](ident)
        for entry in teams.values():  # the rows of its members, found when a position is asked
            entry.rows = (names, numbers, slugs)
        leads: dict[str, list[str]] = {}
        if "lead" in index:
            lead_at = index["lead"]
            flags = map(str.lower, map(str.strip, map(itemgetter(lead_at), body)))
            # the rows whose flag is not a no, found in C: leads are few
            for row in compress(count(), map(not_, map(FALSE.__contains__, flags))):
                team = slugs.get(names[row])
                if team and self.is_lead(body[row], numbers[row], lead_at):
                    teams[team].lead_rows.append(numbers[row])
                    leads.setdefault(team, []).append(ids[row])
        return {team: _team_data(entry.name, leads.get(team), members[team])
                for team, entry in teams.items()}

    def team_id(self, name: str, number: int, team_at: int, teams: dict[str, _Team]) -> str:
        """A department's id, the first time its name is met at row ``number`` (its entry
        made in ``teams``); "" (and a finding) for none, and a finding when another name
        already took the id."""
        team = slug(name)
        if not team:
            self.hit(SCHEMA, f"team '{name}' has no letter or digit to make an id of",
                     self.table.position((number, team_at)))
        elif team in teams:
            first = teams[team]
            self.hit(DUPLICATE_ID, f"team '{name}' and team '{first.name}' (at "
                     f"{self.table.position((first.first, team_at))}) map to one id '{team}'; "
                     "spell them alike or apart", self.table.position((number, team_at)))
        else:
            teams[team] = _Team(name, number)
        return team

    def is_lead(self, row: list[str], number: int, lead_at: int) -> bool:
        """True for a truthy lead cell; a finding for one that is neither yes nor no."""
        flag = row[lead_at].strip()
        if flag.lower() in TRUE:
            return True
        self.hit(SCHEMA, f"{self.columns['lead']} is '{flag}'; expected yes or no (y, true, 1, "
                 "x / n, false, 0, empty)", self.table.position((number, lead_at)))
        return False


def _column(rows: list[list[str]], at: int, lower: bool = False) -> list[str]:
    """One column's cells, stripped (and lower-cased), in one pass."""
    cells = map(str.strip, map(itemgetter(at), rows))
    return list(map(str.lower, cells) if lower else cells)


def _team_data(name: str, leads: list[str] | None, members: list[str]) -> dict[str, Any]:
    if not leads:
        return {"name": name, "members": members}
    return {"name": name, "lead": leads[0] if len(leads) == 1 else leads, "members": members}


class _Anchors(Mapping[tuple[str, str], Anchor]):
    """The anchors of an export's entities, each made when a position is asked for: a run
    over 10,000 rows makes none unless something in them is reported."""

    def __init__(self, table: Table, people: tuple[list[str], Sequence[int]],
                 teams: dict[str, _Team], id_at: int, team_at: int | None, lead_at: int | None,
                 fields: Mapping[str, tuple[int]]) -> None:
        self.table = table
        self._people = people
        self._rows: dict[str, int] | None = None
        self.teams = teams
        self.id_at = id_at
        self.team_at = team_at
        self.lead_at = lead_at
        self.fields = fields

    @property
    def people(self) -> dict[str, int]:
        """Each person's row, by id (worked out on first use)."""
        if self._rows is None:
            self._rows = dict(zip(*self._people, strict=True))
        return self._rows

    def __getitem__(self, key: tuple[str, str]) -> Anchor:
        section, ident = key
        if section == "people":
            return Anchor(self.table, (self.people[ident],), (self.id_at,), self.fields)
        if section != "teams" or self.team_at is None:
            raise KeyError(key)
        team = self.teams[ident]
        table, team_at = self.table, self.team_at
        items: dict[tuple[Any, ...], tuple[Locator, tuple[Any, ...]]] = {
            ("members", index): (table, (row, team_at))
            for index, row in enumerate(team.member_rows(ident))}
        for index, row in enumerate(team.lead_rows):
            lead = ("lead",) if len(team.lead_rows) == 1 else ("lead", index)
            items[lead] = (table, (row, self.lead_at))
        return Anchor(table, (team.first,), (team_at,), {"name": (team_at,)}, items)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        yield from (("people", ident) for ident in self.people)
        yield from (("teams", ident) for ident in self.teams)

    def __len__(self) -> int:
        return len(self.people) + len(self.teams)
