"""Rows of a CSV file or an XLSX sheet, with a ``Table`` that says where each cell stands.

CSV is read with the standard library's ``csv`` module in strict mode, with the delimiter the
source's options name (orglint never guesses a dialect: ``csv.Sniffer`` guesses wrong on small
files). A cell of a CSV file stands at the line it starts on and its 1-based *character*
column (a quoted cell at its opening quote), as an editor counts; a cell of a sheet at its
sheet row and column number (A = 1). XLSX needs openpyxl (``pip install 'orglint[xlsx]'``).

Nothing here raises for bad content: a file that cannot be read is one problem (ORG001) at
the place, a malformed row is one problem at its line and reads as None.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orglint.errors import UsageError
from orglint.finding import Hit, Position
from orglint.load.documents import MAX_FILE_BYTES, LoadedFile
from orglint.sources import Display, SourceRead, source_files
from orglint.sources.document import Anchor, SourceDocument, Table

# the signature of an OLE compound file: an encrypted (password-protected) workbook, or .xls
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NEWLINE = re.compile(r"\r\n|\r|\n")
# the options every table source takes
TABLE_OPTIONS: dict[str, dict[str, Any]] = {
    "delimiter": {"type": "string", "minlength": 1, "maxlength": 1, "default": ","},
    "encoding": {"type": "string", "allowed": ["utf-8", "utf-16", "cp1252", "latin-1"],
                 "default": "utf-8"},
    "sheet": {"type": "string", "empty": False, "nullable": True, "default": None},
}
Entities = tuple[dict[str, Any], Mapping[tuple[str, str], Anchor]]


@dataclass
class Rows:
    """What reading a table gave: ``rows[0]`` is the header, each later row a list of cell
    texts (None for a malformed row, [] for a blank one); ``table`` locates ``(row, field)``;
    ``problems`` are ORG001 hits (an unreadable file, a malformed row); ``regular`` says
    every row has the header's width."""

    table: Table
    rows: list[list[str] | None] = field(default_factory=list)
    problems: list[Hit] = field(default_factory=list)
    # every row has the header's width: none is blank or malformed
    regular: bool = False


def read_tables(path: Path, patterns: tuple[str, ...], options: Mapping[str, Any],
                display: Display, convert: Callable[[LoadedFile, Path, Rows], Entities]
                ) -> SourceRead:
    """Every table file under ``path`` read with the ``TABLE_OPTIONS``, its rows turned into
    entities by ``convert(loaded, file, rows) -> (data, anchors)`` (which adds its problems to
    ``loaded``); counts the entities by section."""
    files = []
    counts: dict[str, int] = {}
    for file in source_files(path, patterns):
        shown = display(file)
        rows = read_table(file, shown, options["delimiter"], options["encoding"], options["sheet"])
        loaded = LoadedFile(shown, [], rows.problems)
        if not rows.rows and not rows.problems:  # nothing to read is a mistake worth a word
            loaded.problems.append(Hit("the file is empty: expected a header row",
                                       position=Position(shown, 1, 1)))
        if rows.rows:
            data, anchors = convert(loaded, file, rows)
            for section, table in data.items():
                counts[section] = counts.get(section, 0) + len(table)
            if data:
                loaded.documents.append(SourceDocument(shown, data, anchors=anchors))
        files.append(loaded)
    return SourceRead(files, counts)


def read_table(path: Path, display: str, delimiter: str = ",", encoding: str = "utf-8",
               sheet: str | None = None) -> Rows:
    """A CSV file (any name but ``.xlsx``/``.xlsm``) or a sheet of a workbook (the first, or
    ``sheet``) as rows. Raises ``OSError`` when the file cannot be opened, ``UsageError`` for
    an XLSX file without openpyxl installed or a ``sheet`` the workbook lacks."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return read_xlsx(path, display, sheet)
    with open(path, "rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    return read_csv(raw, display, delimiter, encoding)


def _refused(display: str, message: str, line: int = 1, column: int = 1) -> Rows:
    return Rows(Table(display, []), [], [Hit(message, position=Position(display, line, column))])


def read_csv(raw: bytes, display: str, delimiter: str = ",", encoding: str = "utf-8") -> Rows:
    """CSV bytes as rows; a row whose field count differs from the header's is malformed."""
    if len(raw) > MAX_FILE_BYTES:
        return _refused(display, f"file is larger than {MAX_FILE_BYTES // 2**20} MiB; "
                                 "orglint does not read it")
    try:
        text = raw.decode("utf-8-sig" if encoding.lower().replace("_", "-") == "utf-8"
                          else encoding)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return _refused(display, f"not {encoding} text: byte 0x{raw[exc.start]:02x} is invalid "
                                 "(set the source's 'encoding' option)", line, column)
    except LookupError:  # pragma: no cover - the option's schema lists known encodings
        return _refused(display, f"unknown encoding '{encoding}'")
    if "\x00" in text:
        return _refused(display, "binary file (NUL byte); expected CSV text")
    rows, lines, problems, regular = _records(text, delimiter, display)
    return Rows(Table(display, lines, _CsvColumns(text, lines, delimiter)), rows, problems, regular)


def _records(text: str, delimiter: str, display: str
             ) -> tuple[list[list[str] | None], Sequence[int], list[Hit], bool]:
    """The records, the line each starts at, the malformed ones as problems, and whether
    every record has the header's width."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        rows: list[list[str] | None] = list(reader)  # the common case, at the speed of C
    except csv.Error:
        return (*_each_record(text, delimiter, display), False)
    if reader.line_num != len(rows):  # a quoted cell spans lines: count each record's lines
        return (*_each_record(text, delimiter, display), False)
    problems: list[Hit] = []
    width = len(rows[0] or ()) if rows else 0
    widths = set(map(len, rows))  # type: ignore[arg-type]
    if widths <= {width, 0}:  # every row fits (or is blank)
        return rows, range(1, len(rows) + 1), problems, widths == {width}
    for index in [index for index, row in enumerate(rows) if row and len(row) != width]:
        problems.append(_misfit(display, index + 1, len(rows[index] or ()), width))
        rows[index] = None
    return rows, range(1, len(rows) + 1), problems, False


def _misfit(display: str, line: int, count: int, width: int) -> Hit:
    return Hit(f"malformed CSV row: {count} fields where the header has {width}",
               position=Position(display, line, 1))


def _each_record(text: str, delimiter: str, display: str
                 ) -> tuple[list[list[str] | None], Sequence[int], list[Hit]]:
    """Record by record: where each starts, and reading on after a malformed one."""
    lines: list[int] = []
    rows: list[list[str] | None] = []
    problems: list[Hit] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    width = None
    start = 1
    while True:  # a malformed record stops the loop: report it and read on from the next
        try:
            for row in reader:
                lines.append(start)
                start = reader.line_num + 1
                if width is None:
                    width = len(row)
                elif len(row) != width and row:
                    problems.append(_misfit(display, lines[-1], len(row), width))
                    rows.append(None)
                    continue
                rows.append(row)
            break
        except csv.Error as exc:
            problems.append(Hit(f"malformed CSV: {exc}",
                                position=Position(display, reader.line_num, 1)))
            lines.append(start)
            rows.append(None)
            start = reader.line_num + 1
    return rows, lines, problems


class _CsvColumns:
    """Where a field of a CSV row starts, worked out from the text when asked."""

    def __init__(self, text: str, lines: Sequence[int], delimiter: str) -> None:
        self.text = text
        self.lines = lines
        self.delimiter = delimiter
        self._starts: list[int] | None = None

    def __call__(self, row: int, index: int) -> tuple[int, int]:
        if self._starts is None:
            self._starts = [0, *(match.end() for match in _NEWLINE.finditer(self.text))]
        starts = self._starts
        line = self.lines[row]
        offset = starts[line - 1] if line - 1 < len(starts) else len(self.text)
        offset = self._field_start(offset, index)
        # the line and column of that offset
        lo, hi = line - 1, len(starts) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if starts[mid] <= offset:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, offset - starts[lo] + 1

    def _field_start(self, offset: int, index: int) -> int:
        text, delimiter = self.text, self.delimiter
        quoted = False
        at_start = True
        while index and offset < len(text):
            char = text[offset]
            if quoted:
                if char == '"':
                    if text.startswith('"', offset + 1):
                        offset += 1
                    else:
                        quoted = False
            elif char == '"' and at_start:
                quoted = True
            elif char == delimiter:
                index -= 1
                at_start = True
                offset += 1
                continue
            elif char in "\r\n":
                break
            at_start = False
            offset += 1
        return offset


def read_xlsx(path: Path, display: str, sheet: str | None = None) -> Rows:
    """The first sheet (or ``sheet``) of a workbook as rows of cell texts (numbers without a
    trailing ``.0``). An encrypted or unreadable workbook is one problem, never a crash."""
    try:
        import openpyxl
    except ImportError as exc:
        raise UsageError(f"{display}: reading .xlsx needs openpyxl; install it with "
                         "pip install 'orglint[xlsx]'") from exc
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head == _OLE:
        return _refused(display, "the workbook is encrypted (password-protected) or an old .xls "
                                 "file: save it as an unprotected .xlsx, or export it as CSV")
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a broken zip, XML or content type: the file is the problem
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return _refused(display, f"not a readable .xlsx workbook: {reason}")
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise UsageError(f"{display}: no sheet '{sheet}' (sheets: "
                             f"{', '.join(book.sheetnames)})")
        worksheet = book[sheet] if sheet is not None else book.worksheets[0]
        lines: list[int] = []
        rows: list[list[str] | None] = []
        # openpyxl fills the gaps: the n-th row it yields is sheet row n, from column A
        for number, cells in enumerate(worksheet.iter_rows(values_only=True), start=1):
            texts = [_cell_text(value) for value in cells]
            if not rows and not any(texts):
                continue  # blank rows above the header
            lines.append(number)
            rows.append(texts)
    except UsageError:
        raise
    except Exception as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return _refused(display, f"not a readable .xlsx workbook: {reason}")
    finally:
        book.close()
    width = max((len(row) for row in rows if row is not None), default=0)
    rows = [[*row, *[""] * (width - len(row))] if row is not None else row for row in rows]
    return Rows(Table(display, lines, lambda row, index: (lines[row], index + 1)), rows)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if isinstance(value, str) else str(value)
