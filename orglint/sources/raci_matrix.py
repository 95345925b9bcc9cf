"""``raci-matrix``: a RACI spreadsheet, as CSV or XLSX (``pip install 'orglint[xlsx]'``).

Activities in rows, people or teams in columns:

    Activity,Journey,leo,dan,billing
    Approve the change,onboarding,A,R,C
    Send the invoice,onboarding,I,,A/R

The ``Activity`` column (option ``activity_column``) names each activity; an optional
``Journey`` column (``journey_column``) names its journey. Every other header is the id of a
person or team (lower-cased), or a header mapped to an id under ``columns:``
(``{"Head of Sales": leo}``). A cell holds letters R, A, C and I, alone or combined with ``/``,
``,``, ``+``, ``&`` or spaces (``A/R``, ``R,A``), in any case; anything else is reported at
the cell. A file makes one RACI, id ``id`` (default: the file name as a slug); with a journey
column, the rows of each journey make one RACI ``ID.JOURNEY`` with that journey.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from orglint.finding import Hit
from orglint.load.documents import LoadedFile
from orglint.model import SCHEMA
from orglint.schema.org import ID_PATTERN
from orglint.sources import Display, SourceError, SourceRead, SourceReader, slug
from orglint.sources.document import Anchor, Locator, Table
from orglint.sources.tables import TABLE_OPTIONS, Entities, Rows, read_tables

LETTERS = ("R", "A", "C", "I")
_SPLIT = re.compile(r"[/,+&\s]+")
_ID = re.compile(ID_PATTERN)


class RaciMatrixReader(SourceReader):
    """Reads RACI matrices (``*.csv``, ``*.xlsx``)."""

    options: Mapping[str, Mapping[str, Any]] = {
        "id": {"type": "string", "regex": ID_PATTERN, "nullable": True, "default": None},
        "name": {"type": "string", "empty": False, "nullable": True, "default": None},
        "activity_column": {"type": "string", "empty": False, "default": "Activity"},
        "journey_column": {"type": "string", "empty": False, "default": "Journey"},
        "columns": {"type": "dict", "keysrules": {"type": "string"},
                    "valuesrules": {"type": "string", "regex": ID_PATTERN}, "default": {}},
        **TABLE_OPTIONS,
    }
    patterns = ("*.csv", "*.xlsx")

    def read(self, path: Path, options: Mapping[str, Any], display: Display) -> SourceRead:
        """One RACI per file (per journey with a journey column)."""

        def convert(loaded: LoadedFile, file: Path, rows: Rows) -> Entities:
            base = options["id"] or slug(file.stem) or "raci"
            return _Matrix(loaded, rows.table, options).read(rows.rows, base)

        return read_tables(path, self.patterns, options, display, convert)


class _Matrix:
    def __init__(self, loaded: LoadedFile, table: Table, options: Mapping[str, Any]) -> None:
        self.loaded = loaded
        self.table = table
        self.options = options

    def hit(self, message: str, where: tuple[int, int]) -> None:
        self.loaded.source_problems.setdefault(SCHEMA, []).append(
            Hit(message, position=self.table.position(where)))

    def read(self, rows: list[list[str] | None], base: str
             ) -> tuple[dict[str, Any], dict[tuple[str, str], Anchor]]:
        header = [cell.strip() for cell in rows[0] or []]
        lowered = {name.lower(): index for index, name in reversed(list(enumerate(header)))}
        activity_name = self.options["activity_column"]
        if activity_name.lower() not in lowered:
            known = ", ".join(f"'{name}'" for name in header if name) or "none"
            raise SourceError(f"column '{activity_name}' is not in {self.loaded.path} "
                              f"(columns: {known})", ("activity_column",))
        activity_at = lowered[activity_name.lower()]
        journey_at = lowered.get(self.options["journey_column"].lower())
        holders = self.holders(header, rows, {activity_at, journey_at})
        racis: dict[str, Any] = {}
        anchors: dict[tuple[str, str], Anchor] = {}
        for number in range(1, len(rows)):
            row = rows[number]
            if not row or not any(cell.strip() for cell in row):
                continue
            journey = slug(row[journey_at]) if journey_at is not None else ""
            ident = f"{base}.{journey}" if journey else base
            raci = racis.get(ident)
            if raci is None:
                raci = racis[ident] = {}
                if self.options["name"]:
                    raci["name"] = self.options["name"]
                if journey:
                    raci["journey"] = journey
                raci["activities"] = []
                fields = {"journey": (journey_at,)} if journey_at is not None else {}
                anchors[("raci", ident)] = Anchor(self.table, (number,), (), fields)
            self.row(row, number, activity_at, holders, raci, anchors[("raci", ident)].items)
        return ({"raci": racis} if racis else {}), anchors

    def holders(self, header: list[str], rows: list[list[str] | None], skip: set[int | None]
                ) -> list[tuple[int, str]]:
        """``(column, id)`` of every person or team column."""
        mapped = self.options["columns"]
        out = []
        for index, name in enumerate(header):
            if index in skip:
                continue
            if name in mapped:
                out.append((index, mapped[name]))
            elif _ID.match(name.lower()):
                out.append((index, name.lower()))
            elif name or any(row and index < len(row) and row[index].strip() for row in rows[1:]):
                self.hit(f"column '{name}' is no person or team id: name it under the source's "
                         f"columns: {{\"{name}\": ID}}", (0, index))
        return out

    def row(self, row: list[str], number: int, activity_at: int, holders: list[tuple[int, str]],
            raci: dict[str, Any], items: dict[tuple[Any, ...], tuple[Locator, tuple[Any, ...]]]
            ) -> None:
        text = row[activity_at].strip()
        position = len(raci["activities"])
        if not text:
            self.hit("row names no activity", (number, activity_at))
            return
        activity: dict[str, Any] = {"activity": text}
        letters: dict[str, list[tuple[str, int]]] = {}
        for column, ident in holders:
            cell = row[column].strip() if column < len(row) else ""
            if not cell:
                continue
            tokens = [token.upper() for token in _SPLIT.split(cell) if token]
            if not tokens or any(token not in LETTERS for token in tokens):
                self.hit(f"cell '{cell}' is not R, A, C or I (or a combination such as A/R)",
                         (number, column))
                continue
            for letter in dict.fromkeys(tokens):
                letters.setdefault(letter, []).append((ident, column))
        here = ("activities", position)
        items[here] = (self.table, (number,))
        items[(*here, "activity")] = (self.table, (number, activity_at))
        for letter in LETTERS:
            named = letters.get(letter)
            if not named:
                continue
            if letter == "A" and len(named) == 1:
                activity["A"] = named[0][0]
                items[(*here, "A")] = (self.table, (number, named[0][1]))
                continue
            activity[letter] = [ident for ident, _ in named]
            items[(*here, letter)] = (self.table, (number, named[0][1]))
            for index, (_, column) in enumerate(named):
                items[(*here, letter, index)] = (self.table, (number, column))
        raci["activities"].append(activity)
