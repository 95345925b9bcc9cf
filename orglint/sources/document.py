"""Documents in the orglint format whose positions point into the files a source read.

A source builds plain data (``{"people": {...}, "teams": {...}}``) and says, per entity, where
it stands: an ``Anchor`` names the place of the entity in a *locator* (the orglint-loaded
``Document`` of a YAML source file, or a ``Table`` of CSV or XLSX rows) and where each orglint
field is written there. Positions are worked out when a finding asks for them, never ahead:
a 10,000-row export costs no position index until something in it is reported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol

from orglint.finding import Position
from orglint.load.documents import Document, Path


class Locator(Protocol):
    """Anything that answers where a path of its own stands: a loaded ``Document`` (paths
    inside its YAML data) or a ``Table`` (``(row, field)`` paths)."""

    def position(self, path: Path, *, key: bool = False) -> Position:
        """Where ``path`` (its key with ``key``) stands, else its nearest written ancestor."""
        ...


class Anchor:
    """Where one entity of a source document stands: ``at`` its locator, ``path`` its place
    there, ``name`` where its id is written (relative to ``path``; with ``keyed``, the id is
    the key of the mapping at ``path``); ``fields`` maps an orglint field to the path it was
    read from (relative to ``path``; list indexes carry over), and ``items`` maps an exact
    field path (``("members", 3)``) to ``(locator, path)`` for values gathered from elsewhere
    (a user's ``memberOf`` in another file)."""

    # thousands per source: slots keep them small and quick to make
    __slots__ = ("at", "fields", "items", "keyed", "name", "path")

    def __init__(self, at: Locator, path: Path = (), name: Path = (),
                 fields: Mapping[str, Path] | None = None,
                 items: dict[Path, tuple[Locator, Path]] | None = None,
                 keyed: bool = False) -> None:
        self.at = at
        self.path = path
        self.name = name
        self.fields: Mapping[str, Path] = fields if fields is not None else {}
        self.items: dict[Path, tuple[Locator, Path]] = items if items is not None else {}
        self.keyed = keyed

    def position(self, tail: Path, key: bool = False) -> Position:
        """The position of the entity's field path ``tail`` (the entity's id for ``()``)."""
        items = self.items
        if items:
            for size in range(len(tail), 0, -1):
                found = items.get(tail[:size])
                if found is not None:
                    return found[0].position(found[1], key=key and size == len(tail))
        if tail:
            mapped = self.fields.get(tail[0])
            if mapped is not None:
                return self.at.position((*self.path, *mapped, *tail[1:]), key=key)
        return self.at.position((*self.path, *self.name), key=self.keyed)


class SourceDocument(Document):
    """A ``Document`` made by a source: ``data`` in the orglint format, positions in the
    source's files through ``anchors`` (``{(section, id): Anchor}``). ``path`` is the file the
    document stands for (findings about no entity point at its line 1).

    The ``keys``/``values`` index holds whole ``Position`` values, built from the anchors the
    first time something reads it (``dataclasses.replace`` does: ``orglint impact``)."""

    def __init__(self, path: str, data: Any, keys: dict[Path, Any] | None = None,
                 values: dict[Path, Any] | None = None, index: int = 0,
                 schema: Any = None, anchors: Mapping[tuple[str, str], Anchor] | None = None,
                 written: dict[Path, str] | None = None) -> None:
        self.path = path
        self.data = data
        self.index = index
        self.schema = schema
        self.written = written or {}  # a source's values are its files' text already
        self.anchors: Mapping[tuple[str, str], Anchor] = anchors if anchors is not None else {}
        if keys is not None or values is not None:
            self.keys = keys or {}
            self.values = values or {}

    def __getattr__(self, name: str) -> Any:  # only for attributes not set: the lazy index
        if name not in ("keys", "values"):
            raise AttributeError(name)
        self.keys, self.values = self._index()
        return self.__dict__[name]

    def position(self, path: Path, *, key: bool = False) -> Position:
        """The position of ``path`` in the source file it was read from (see ``Document``)."""
        if "keys" in self.__dict__:
            return super().position(path, key=key)
        if len(path) >= 2:
            anchor = self.anchors.get((path[0], path[1]))
            if anchor is not None:
                return anchor.position(tuple(path[2:]), key)
        return Position(self.path, 1, 1)

    def _at(self, pos: Any) -> Position:
        return pos if isinstance(pos, Position) else Position(self.path, *pos)

    def _index(self) -> tuple[dict[Path, Any], dict[Path, Any]]:
        keys: dict[Path, Any] = {}
        values: dict[Path, Any] = {(): Position(self.path, 1, 1)}
        data = self.data if isinstance(self.data, dict) else {}
        for (section, ident), anchor in self.anchors.items():
            entity = data.get(section, {}).get(ident)
            keys[(section, ident)] = values[(section, ident)] = anchor.position(())
            for tail in _paths(entity):
                keys[(section, ident, *tail)] = anchor.position(tail, True)
                values[(section, ident, *tail)] = anchor.position(tail)
        return keys, values


def _paths(value: Any, prefix: Path = ()) -> Iterator[Path]:
    """Every path below ``value`` (keys of mappings, indexes of lists), parents first."""
    items: Any = value.items() if isinstance(value, dict) else (
        enumerate(value) if isinstance(value, list) else ())
    for step, item in items:
        here = (*prefix, step)
        yield here
        yield from _paths(item, here)


class Table:
    """Rows of a CSV file or a spreadsheet as a locator: ``(row, field)`` paths, both 0-based
    (row 0 is the header), stand at the row's line and the field's column.

    ``lines[row]`` is the 1-based line (CSV) or sheet row (XLSX) a row starts at; ``column``
    gives a field's 1-based column (``column(row, field)``): the character column for CSV,
    the sheet column for XLSX."""

    def __init__(self, display: str, lines: Sequence[int],
                 column: Callable[[int, int], tuple[int, int]] | None = None) -> None:
        self.display = display
        self.lines = lines
        self._column = column

    def position(self, path: Path, *, key: bool = False) -> Position:
        """Where row ``path[0]`` (field ``path[1]``) stands; line 1 for an empty path."""
        if not path or not isinstance(path[0], int) or not 0 <= path[0] < len(self.lines):
            return Position(self.display, 1, 1)
        row = path[0]
        if len(path) > 1 and isinstance(path[1], int) and self._column is not None:
            line, column = self._column(row, path[1])
            return Position(self.display, line, column)
        return Position(self.display, self.lines[row], 1)
