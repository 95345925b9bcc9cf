"""Files -> documents with positions. YAML problems become ORG001 findings, never exceptions.

orglint builds plain Python values itself from libyaml's parse (through PyYAML's binding,
else ruamel.yaml's), keeping the 1-based position of every key and value in a side index.
Scalars resolve the YAML 1.2 way whichever parser runs: libyaml only reports the syntax.

Two builders give the same documents:

- A file of plain data (no alias, tag, merge key, duplicate key or collection as key, at
  most ``MAX_DEPTH`` levels, under ``COMPOSE_CHARS``), nearly every file of an ops repo, is
  composed by libyaml's C loop with a resolver that only marks how each scalar was written,
  and its nodes are walked (``_compose``): a quarter less time than the events. The composer
  recurses in C once per level, so it runs only where libyaml bounds nesting itself.
- Anything else is built from the *event* stream (``_build``), which needs no recursion
  (very deep nesting is refused), constructs no Python objects from tags, reports every
  problem at its place, and lets aliases share their value instead of copying it, within a
  budget. A file the composed path does not take is read there whole, so its verdict and
  messages are this builder's.

ruamel's C scanner rejects valid YAML 1.2 that its pure parser accepts (a colon inside a plain
scalar in flow context: ``downstream: [journey:onboarding]``); PyYAML's newer libyaml accepts
it. A file the C path rejects is read again with ruamel's pure parser, whose verdict is final.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from orglint.finding import Hit, Position

MAX_FILE_BYTES = 32 * 1024 * 1024
MAX_DEPTH = 64
# Aliases share values; this bounds what a consumer walking the data could be made to visit
# beyond what the file holds: the nodes every alias of one document stands for, summed (an
# alias of a list of ten scalars costs 11). A file without aliases spends nothing.
MAX_EXPANDED_NODES = 1_000_000

Path = tuple[Any, ...]
Pos = tuple[int, int]


@dataclass
class Document:
    """One YAML document: its ``path`` as displayed, its ``data`` (plain dicts, lists and
    scalars; None when empty), and where each key and value stands: ``keys`` and ``values``
    map a path inside the data (``("handoffs", "a-to-b", "owner")``) to a 1-based
    ``(line, column)``. ``index`` is its place in the file (0-based); ``schema`` holds its
    schema hits when computed ahead, else None."""

    path: str
    data: Any
    keys: dict[Path, Pos] = field(default_factory=dict)
    values: dict[Path, Pos] = field(default_factory=dict)
    index: int = 0
    # schema problems, when computed ahead (in a worker, or read from the cache)
    schema: list[Hit] | None = None
    # the text as written of each scalar that resolved to no string (`1984`, `2026-07-31`,
    # `true`), by path: a text field takes this text (orglint.schema.org.as_written)
    written: dict[Path, str] = field(default_factory=dict)

    def position(self, path: Path, *, key: bool = False) -> Position:
        """The position of the value at ``path`` (or its key), else of its nearest written
        ancestor (at the ancestor's key where it has one), else of the document (1:1)."""
        table = self.keys if key else self.values
        probe = tuple(path)
        while probe:
            pos = table.get(probe)
            if pos is not None:
                return self._at(pos)
            # a missing field points at the key of the entity that lacks it
            probe = probe[:-1]
            pos = self.keys.get(probe)
            if pos is not None and probe:
                return self._at(pos)
        return self._at(self.values.get((), (1, 1)))

    def _at(self, pos: Any) -> Position:
        """An entry of the position index as a position in this document's file (a source
        document's entries are whole positions: orglint.sources.document)."""
        return Position(self.path, *pos)


@dataclass
class LoadedFile:
    """What reading one file gave: its displayed ``path``, its ``documents`` (none when the
    file is refused), ``problems`` as hits with positions (syntax, encoding, size: reported as
    ORG001), its ``# orglint:`` ``directives``, and ``source_problems``: problems a source
    found while turning its files into documents, by the model's kind of problem
    (``schema``, ``unknown-reference``, ``duplicate-id``: ``orglint.model.PROBLEM_KINDS``).
    """

    path: str
    documents: list[Document]
    problems: list[Hit]
    # `# orglint: ...` comments as (line, column, text after the marker); see orglint.engine.waivers
    directives: list[tuple[int, int, str]] = field(default_factory=list)
    # problems a source found, by the model's kind of problem (orglint.sources)
    source_problems: dict[str, list[Hit]] = field(default_factory=dict)
    # False when the documents' position indexes were left empty (load_text's `indexed`)
    indexed: bool = True


class _Refused(Exception):
    """A document orglint will not read (too deep, too large); carries a position."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def load_file(path: str, display: str | None = None) -> LoadedFile:
    """Read one file from disk (``display``: the path shown, by default ``path``) and parse it
    as ``load_bytes`` does. Never raises for bad content; ``OSError`` is the caller's."""
    display = display or path
    with open(path, "rb") as handle:
        raw = handle.read(MAX_FILE_BYTES + 1)
    return load_bytes(raw, display)


def load_bytes(raw: bytes, display: str, indexed: bool = True) -> LoadedFile:
    """Parse a file's bytes. A file over ``MAX_FILE_BYTES`` (32 MiB), with a NUL byte (UTF-16
    and UTF-32 included) or not UTF-8 is refused: no document, one problem at the place. A
    UTF-8 byte order mark is dropped. Never raises for bad content. ``indexed`` as
    ``load_text``."""
    if len(raw) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        return _refuse(display, f"file is larger than {limit} MiB; orglint does not read it", 1, 1)
    if b"\x00" in raw:
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or raw[:4] in (b"\x00\x00\xfe\xff",):
            return _refuse(display, "UTF-16 or UTF-32 text; save the file as UTF-8", 1, 1)
        line, col = _offset_position(raw, raw.index(b"\x00"))
        return _refuse(display, "binary file (NUL byte); expected UTF-8 YAML text", line, col)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line, col = _offset_position(raw, exc.start)
        return _refuse(display, f"not UTF-8 text: byte 0x{raw[exc.start]:02x} is invalid", line, col)
    return load_text(text, display, indexed)


def load_text(text: str, display: str, indexed: bool = True) -> LoadedFile:
    """Parse YAML text into documents with positions, and scan its ``# orglint:`` comments.
    Never raises for bad YAML: syntax errors, disallowed tags, duplicate keys, nesting too deep,
    aliases that expand too far and escapes that give no character (a lone UTF-16 surrogate
    such as ``"\\ud800"``, which no output could encode) become problem hits (ORG001).

    ``indexed`` False leaves each document's position index (``keys``, ``values``) empty, to
    be found again from the same text when a run asks for it (``orglint.load.cache``): less
    time and memory for documents whose places nobody will ask for. A file with
    a problem of its own, or a waiver comment, is indexed whatever ``indexed`` says, and
    ``LoadedFile.indexed`` tells which a file is."""
    escapes = "\\" in text and _SURROGATE_ESCAPE.search(text) is not None
    if "orglint:" in text:
        # the event stream has no comments: the inline waivers are the marked lines' comments,
        # read around the scalars the parse reports on its way
        from orglint.load.directives import Watcher

        watcher = Watcher(text)
        loaded = _parse(text, display, watcher.watch)
        loaded.directives = watcher.directives()
    elif indexed or escapes:  # mending the escapes reports at places
        loaded = _parse(text, display)
    else:
        try:
            loaded = _parse(text, display, indexed=False)
        except _NeedsIndex:  # a problem's message names places: read it again, indexed
            loaded = _parse(text, display)
        else:
            loaded.indexed = not loaded.documents
    if escapes:
        _mend_surrogates(loaded)
    return loaded


def _parse(text: str, display: str,
           watch: Callable[[Iterable[Any]], Iterable[Any]] | None = None,
           indexed: bool = True) -> LoadedFile:
    """``load_text`` without directives; ``watch`` sees every event stream before it is
    built (each parser's, when the text is read twice). Not ``indexed``, it raises
    ``_NeedsIndex`` where the file has a problem to report."""
    if watch is None:
        try:
            return _compose(display, text, indexed)
        except _Unusual:
            pass  # the event builder decides, and its messages are the ones shown
    seen: Callable[[Iterable[Any]], Iterable[Any]] = watch or (lambda events: events)
    fast = _libyaml_events(text)
    if fast is not None:
        try:
            return _build(display, seen(fast), indexed)
        except Exception as exc:
            if not isinstance(exc, _libyaml_errors()):
                raise
            if not indexed:
                raise _NeedsIndex from exc
            # libyaml refused it: the pure parser decides, and its message is the one shown
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    from orglint.load.syntax import explain, explain_failure, explain_reader

    if fast is None:  # no PyYAML: ruamel's own libyaml binding is the fast path
        try:
            return _build(display, seen(_guarded(YAML(typ="safe", pure=False).parse(text))),
                          indexed)
        except (MarkedYAMLError, YAMLError, _ParserFailed):
            pass  # the C scanner is stricter than YAML 1.2: the pure parser decides
    try:
        return _build(display, seen(_guarded(YAML(typ="safe", pure=True).parse(text))), indexed)
    except _ParserFailed as failed:  # the parser's own assertion, not a marked error
        said = explain_failure(text, failed.error)
        return _refuse(display, said.message, said.line, said.column)
    except MarkedYAMLError as exc:
        mark, start = exc.problem_mark or exc.context_mark, exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        said = explain(text, (exc.problem or "invalid YAML").strip(), (exc.context or "").strip(),
                       line, col, start.line + 1 if start else None,
                       start.column + 1 if start else None)
        return _refuse(display, said.message, said.line, said.column)
    except YAMLError as exc:  # the reader's: a character YAML does not allow
        said = explain_reader(text, exc)
        return _refuse(display, said.message, said.line, said.column)


class _NeedsIndex(Exception):
    """A file read without its position index has a problem to report at a place."""


class _ParserFailed(Exception):
    """The parser failed other than with a YAML error (ruamel asserts on ``%YAML 1.3``)."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def _guarded(events: Iterable[Any]) -> Iterator[Any]:
    """The parser's events; a failure of the parser's own that is no YAML error is raised as
    ``_ParserFailed``, so it is told from a fault in building the values."""
    from ruamel.yaml.error import YAMLError

    iterator = iter(events)
    while True:
        try:
            event = next(iterator)
        except StopIteration:
            return
        except YAMLError:
            raise
        except Exception as exc:  # the parser is a library: any failure of it is the file's
            raise _ParserFailed(exc) from exc
        yield event


def _libyaml_events(text: str) -> Iterator[Any] | None:
    """Events from PyYAML's libyaml binding, the fastest parser at hand, or None without it.

    It reads the syntax only (orglint resolves scalars itself, the YAML 1.2 way), and unlike
    ruamel's C scanner it accepts ``downstream: [journey:onboarding]``.
    """
    try:
        from yaml._yaml import CParser
    except ImportError:  # pragma: no cover - PyYAML without libyaml, or no PyYAML
        return None
    return iter(CParser(text).get_event, None)


# --- composed nodes -> values: the common file, sooner ---------------------------------------

# a larger file is built from events: composing holds a whole document's nodes at once
COMPOSE_CHARS = 1 << 20
MAX_NESTING_PROBE = 1000  # libyaml's own bound on nesting (0.2.5 and later)
# how each node was written, as the composer's resolver reports it (never a tag's text)
_PLAIN, _QUOTED, _MAPPING, _SEQUENCE = object(), object(), object(), object()
_SCALARS = (_PLAIN, _QUOTED)


class _Unusual(Exception):
    """The file holds what only the event builder reads (an alias, a tag, a merge key, a
    duplicate key, a collection as key, nesting past ``MAX_DEPTH``), or libyaml refused it."""


@functools.cache
def _composer() -> Any:
    """PyYAML's C composer with a resolver that says only how each node was written, or
    None without libyaml, or where its libyaml does not bound nesting: the composer recurses
    in C once per level, so unbounded nesting could overflow the C stack."""
    try:
        from yaml import YAMLError
        from yaml._yaml import CParser
    except ImportError:  # pragma: no cover - PyYAML without libyaml, or no PyYAML
        return None

    class Composer(CParser):  # type: ignore[misc]  # CParser has no type stubs
        def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> object:
            if kind.__name__ == "ScalarNode":
                return _PLAIN if implicit[0] else _QUOTED
            return _MAPPING if kind.__name__ == "MappingNode" else _SEQUENCE

        def descend_resolver(self, parent: Any, index: Any) -> None:
            pass

        def ascend_resolver(self) -> None:
            pass

    deep = 2 * MAX_NESTING_PROBE
    try:
        probe = Composer("[" * deep + "]" * deep)
        while probe.check_node():
            probe.get_node()
    except YAMLError:  # "exceeded maximum nesting depth": libyaml 0.2.5 and later
        return Composer
    return None  # pragma: no cover - an older libyaml: events only


def _compose(display: str, text: str, indexed: bool) -> LoadedFile:
    """``_build``'s result for a file of plain data, from libyaml's composer (its C loop
    builds the nodes; this walks them): the same documents, indexes and written texts in
    a quarter less time. Raises ``_Unusual`` for anything ``_build`` must decide."""
    composer = _composer()
    if composer is None or len(text) > COMPOSE_CHARS or ("&" in text and "*" in text):
        # no alias, so every node is read once: without an "&" an alias is an error, without
        # a "*" there is none, and an anchor alone changes nothing ("R&D" is plain text)
        raise _Unusual
    from yaml import YAMLError

    parser = composer(text)
    documents: list[Document] = []
    try:
        while parser.check_node():
            node = parser.get_node()
            doc = Document(display, None, index=len(documents))
            mark = node.start_mark
            doc.values[()] = (mark.line + 1, mark.column + 1)
            if node.tag in _SCALARS:
                doc.data = _scalar_node(node, (), doc.written)
            else:
                doc.data = _collection_node(node, (), 1, doc, indexed)
            if not indexed:
                doc.keys, doc.values = {}, {}
            documents.append(doc)
    except YAMLError as exc:
        raise _Unusual from exc
    return LoadedFile(display, documents, [])


def _scalar_node(node: Any, path: Path, written: dict[Path, str]) -> Any:
    """A composed scalar's value, as ``_build`` resolves it (its text in ``written`` when it
    resolved to no string)."""
    text = node.value
    if node.tag is _QUOTED:
        return text
    if node.tag is not _PLAIN:
        raise _Unusual
    if node.style or (text and text[0] not in _SPECIAL_FIRST):
        return text
    value = _resolve_plain(text)
    if type(value) is not str and value is not None:
        written[path] = text
    return value


def _collection_node(node: Any, path: Path, depth: int, doc: Document, indexed: bool) -> Any:
    """A composed mapping or sequence as a dict or list, its places in ``doc``'s index. A
    scalar of text (quoted, or plain and not starting like a number, a date, a null or a
    boolean) is taken as it is, sooner than ``_scalar_node`` would."""
    if depth > MAX_DEPTH:
        raise _Unusual
    keys, values, written = doc.keys, doc.values, doc.written
    special = _SPECIAL_FIRST
    if node.tag is _MAPPING:
        mapping: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key_node.tag not in _SCALARS or key == "<<" or key in mapping:
                raise _Unusual
            at = (*path, key)
            if indexed:
                mark = key_node.start_mark
                keys[at] = (mark.line + 1, mark.column + 1)
                mark = value_node.start_mark
                values[at] = (mark.line + 1, mark.column + 1)
            tag = value_node.tag
            if tag is _QUOTED:
                mapping[key] = value_node.value
            elif tag is _PLAIN:
                text = value_node.value
                mapping[key] = (text if text and text[0] not in special and not value_node.style
                                else _scalar_node(value_node, at, written))
            else:
                mapping[key] = _collection_node(value_node, at, depth + 1, doc, indexed)
        return mapping
    if node.tag is not _SEQUENCE:
        raise _Unusual
    sequence: list[Any] = []
    for value_node in node.value:
        at = (*path, len(sequence))
        if indexed:
            mark = value_node.start_mark
            values[at] = (mark.line + 1, mark.column + 1)
        tag = value_node.tag
        if tag is _QUOTED:
            sequence.append(value_node.value)
        elif tag is _PLAIN:
            text = value_node.value
            sequence.append(text if text and text[0] not in special and not value_node.style
                            else _scalar_node(value_node, at, written))
        else:
            sequence.append(_collection_node(value_node, at, depth + 1, doc, indexed))
    return sequence


def _libyaml_errors() -> tuple[type[BaseException], ...]:
    from yaml import YAMLError

    return (YAMLError,)


def _refuse(display: str, message: str, line: int, col: int) -> LoadedFile:
    hit = Hit(message, position=Position(display, line, col))
    return LoadedFile(display, [], [hit])


def _offset_position(raw: bytes, offset: int) -> Pos:
    line = raw.count(b"\n", 0, offset) + 1
    start = raw.rfind(b"\n", 0, offset) + 1
    return line, len(raw[start:offset].decode("utf-8", "replace")) + 1


# --- scalars (YAML 1.2 core schema, as ruamel resolves them: `no` stays a string) -------------

_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
_SPECIAL_FIRST = frozenset("0123456789+-.~ntfNTF")
_TAG_PREFIX = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(
    _TAG_PREFIX + name for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)


def _resolve_plain(value: str) -> Any:
    if not value:
        return None
    if value[0] not in _SPECIAL_FIRST:
        return value
    if value in _NULLS:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    if _INT.fullmatch(value):
        return _integer(value)
    if _FLOAT.fullmatch(value):
        return float(value)
    lowered = value.lower()
    if lowered in (".inf", "+.inf"):
        return math.inf
    if lowered == "-.inf":
        return -math.inf
    if lowered == ".nan":
        return math.nan
    return iso_date(value) or value


MAX_INT = 2**63 - 1  # a 64-bit integer, as TOML and JSON Schema tools read them
_INT_DIGITS = 64  # more digits than this in any base is beyond MAX_INT: no need to convert


def _integer(text: str) -> int | float:
    """An integer literal's value: an int up to ``MAX_INT`` in size, else a float (infinite
    beyond a float's range), so a number of any size never has to be written out in full
    (Python refuses to convert more than 4,300 digits) and always compares with a bound.
    A message quotes the text as written (``Document.written``)."""
    sign = -1 if text[0] == "-" else 1
    body = text.lstrip("+-")
    base = 16 if body.startswith("0x") else 8 if body.startswith("0o") else 10
    digits = (body[2:] if base != 10 else body).lstrip("0") or "0"
    if len(digits) > _INT_DIGITS:
        return sign * math.inf
    number = int(digits, base)
    return sign * number if number <= MAX_INT else sign * float(number)


def _key_text(value: Any) -> str:
    """A scalar used as a mapping key through an alias, as text: keys are names."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def iso_date(text: str) -> _dt.date | None:
    """The date ``text`` writes as ``YYYY-MM-DD`` (as YAML resolves a plain date), else None."""
    if not _DATE.fullmatch(text):
        return None
    try:
        return _dt.date.fromisoformat(text)
    except ValueError:
        return None


def _resolve_tagged(tag: str, value: str) -> Any:
    name = tag[len(_TAG_PREFIX) :]
    if name == "str":
        return value
    resolved = _resolve_plain(value)
    if name == "null" and resolved is None:
        return None
    if name == "bool" and isinstance(resolved, bool):
        return resolved
    if name == "int" and isinstance(resolved, int) and not isinstance(resolved, bool):
        return resolved
    if name == "float" and isinstance(resolved, (int, float)) and not isinstance(resolved, bool):
        return float(resolved)
    if name == "timestamp" and isinstance(resolved, _dt.date):
        return resolved
    raise ValueError(f"'{value}' is not a valid !!{name}")


def _show_tag(tag: str) -> str:
    return "!!" + tag[len(_TAG_PREFIX) :] if tag.startswith(_TAG_PREFIX) else tag


# --- events -> values ----------------------------------------------------------------------


class _Frame:
    __slots__ = (
        "anchor", "container", "is_key", "is_map", "key", "key_pos", "merges", "path", "weight"
    )

    def __init__(self, container: Any, path: Path, anchor: str | None) -> None:
        self.container = container
        self.is_map = isinstance(container, dict)
        self.path = path
        self.key: Any = _NO_KEY
        self.key_pos: Pos = (0, 0)
        self.weight = 1
        self.anchor = anchor
        self.merges: list[Any] = []
        self.is_key = False


_NO_KEY = object()
_ITEM = object()  # the place of a list item, which has no key
_NOWHERE: Pos = (0, 0)
_MERGE = object()
_BAD_KEY = object()


_SCALAR, _MAP_START, _SEQ_START, _MAP_END, _SEQ_END, _ALIAS, _DOC_START, _DOC_END = range(8)
_EVENT_CODES = {
    "ScalarEvent": _SCALAR, "MappingStartEvent": _MAP_START, "SequenceStartEvent": _SEQ_START,
    "MappingEndEvent": _MAP_END, "SequenceEndEvent": _SEQ_END, "AliasEvent": _ALIAS,
    "DocumentStartEvent": _DOC_START, "DocumentEndEvent": _DOC_END,
}
_event_codes: dict[type, int] = {}  # event class -> code, filled for whichever parser runs
_MERGE_TAG = _TAG_PREFIX + "merge"


def _code_of(cls: type) -> int:
    code = _event_codes[cls] = _EVENT_CODES.get(cls.__name__, -1)
    return code


def _build(display: str, events: Iterable[Any], indexed: bool = True) -> LoadedFile:
    """Events -> documents. Scalars inside mappings and sequences (nearly every event) take
    the inlined path at the top of the loop; everything else goes through ``place``. Not
    ``indexed``, the scalars' places are not stored, and a problem raises ``_NeedsIndex``."""
    documents: list[Document] = []
    problems: list[Hit] = []
    doc: Document | None = None
    keys: dict[Path, Pos] = {}
    values: dict[Path, Pos] = {}
    written: dict[Path, str] = {}
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int]] = {}
    root: list[Any] = []
    budget = MAX_EXPANDED_NODES
    codes = _event_codes
    resolve_plain = _resolve_plain
    special_first = _SPECIAL_FIRST

    def where(event: Any) -> Pos:
        mark = event.start_mark
        return mark.line + 1, mark.column + 1

    def report(message: str, pos: Pos) -> None:
        if not indexed:
            raise _NeedsIndex
        problems.append(Hit(message, position=Position(display, *pos)))

    def too_many(pos: Pos) -> _Refused:
        return _Refused(f"aliases expand to more than {MAX_EXPANDED_NODES:,} nodes; refused", *pos)

    def child_path() -> tuple[Path, bool]:
        """Path of the next value, and whether it is a mapping key rather than a value."""
        if not stack:
            return (), False
        top = stack[-1]
        if not top.is_map:
            return (*top.path, len(top.container)), False
        if top.key is _NO_KEY:
            return top.path, True
        return (*top.path, top.key), False

    def place(value: Any, pos: Pos, weight: int, path: Path, is_key: bool, anchor: Any) -> None:
        if anchor:
            anchors[anchor] = (value, weight)
        if not stack:
            root.append(value)
            values[()] = pos
            return
        top = stack[-1]
        top.weight += weight
        container = top.container
        if not top.is_map:
            container.append(value)
            values[path] = pos
            return
        if is_key:
            if isinstance(value, (dict, list)):
                report("a mapping key must be a plain value, not a collection", pos)
                top.key = _BAD_KEY
            else:
                top.key = value
            top.key_pos = pos
            return
        key = _claim_key(top, value, pos, keys, report)
        if key is _NO_KEY:
            return
        container[key] = value
        keys[path] = top.key_pos
        values[path] = pos

    def scalar_value(event: Any, pos: Pos) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            plain = event.implicit[0] and not event.style
            return resolve_plain(event.value) if plain else event.value
        if tag in _ALLOWED_TAGS:
            try:
                return _resolve_tagged(tag, event.value)
            except ValueError as exc:
                report(str(exc), pos)
                return None
        report(f"tag '{_show_tag(tag)}' is not allowed: orglint reads plain data", pos)
        return None

    try:
        for event in events:
            code = codes.get(type(event))
            if code is None:
                code = _code_of(type(event))
            if code == _SCALAR:
                if indexed:
                    mark = event.start_mark
                    pos = (mark.line + 1, mark.column + 1)
                else:  # no place is stored, and a problem raises before one is shown
                    pos = _NOWHERE
                top = stack[-1] if stack else None
                if top is not None and not event.anchor:
                    key = top.key if top.is_map else _ITEM
                    if key is _NO_KEY:
                        # keys are names: keep their text (`1:` and `no:` are the keys "1", "no")
                        text = event.value
                        if text != "<<" and event.tag is None:  # merge keys take the long way
                            top.weight += 1
                            top.key = text
                            top.key_pos = pos
                            continue
                    else:
                        if event.tag is not None:
                            value = scalar_value(event, pos)
                        else:  # scalar_value's answer, sooner: most values are plain text
                            value = text = event.value
                            if not event.style and event.implicit[0] and (
                                    not text or text[0] in special_first):
                                value = resolve_plain(text)
                        container = top.container
                        if key is _ITEM:  # a list item
                            top.weight += 1
                            if type(value) is not str and value is not None:
                                written[(*top.path, len(container))] = event.value
                            if indexed:
                                values[(*top.path, len(container))] = pos
                            container.append(value)
                            continue
                        if type(value) is not str and value is not None:
                            written[(*top.path, key)] = event.value
                        if type(key) is not str or key in container:  # merge, bad or duplicate
                            place(value, pos, 1, (*top.path, key), False, None)
                            continue
                        top.weight += 1
                        top.key = _NO_KEY
                        container[key] = value
                        if indexed:
                            path = (*top.path, key)
                            keys[path] = top.key_pos
                            values[path] = pos
                        continue
                path, is_key = child_path()
                if is_key:
                    text = event.value
                    if event.tag == _MERGE_TAG or (
                        text == "<<" and event.implicit[0] and not event.style
                    ):
                        stack[-1].key = _MERGE
                        stack[-1].key_pos = pos
                        continue
                    value = text
                else:
                    value = scalar_value(event, pos)
                    if type(value) is not str and value is not None:
                        written[path] = event.value
                place(value, pos, 1, path, is_key, event.anchor)
            elif code in (_MAP_START, _SEQ_START):
                path, is_key = child_path()
                pos = where(event)
                if len(stack) >= MAX_DEPTH:
                    raise _Refused(f"nesting deeper than {MAX_DEPTH} levels; refused", *pos)
                tag = event.tag
                if tag not in (None, "!") and tag not in _ALLOWED_TAGS:
                    report(f"tag '{_show_tag(tag)}' is not allowed: orglint reads plain data", pos)
                frame = _Frame({} if code == _MAP_START else [], path, event.anchor)
                frame.is_key = is_key
                frame.key_pos = pos
                stack.append(frame)
                if path not in values:  # a duplicate key keeps the first one's place
                    if not is_key and len(stack) > 1 and stack[-2].is_map:
                        keys[path] = stack[-2].key_pos
                    values[path] = pos
                frame.key_pos = (0, 0)
            elif code in (_MAP_END, _SEQ_END):
                frame = stack.pop()
                value = frame.container
                if frame.merges:
                    _apply_merges(value, frame.merges, frame.path, doc, report)  # type: ignore[arg-type]
                pos = values.get(frame.path, (1, 1))
                if stack:
                    # re-place through the parent so keys, merges and weights are counted once
                    top = stack[-1]
                    if frame.is_key:
                        place(value, pos, frame.weight, frame.path, True, frame.anchor)
                    else:
                        _attach(top, value, frame, pos, doc, report, anchors)  # type: ignore[arg-type]
                else:
                    if frame.anchor:
                        anchors[frame.anchor] = (value, frame.weight)
                    root.append(value)
            elif code == _ALIAS:
                path, is_key = child_path()
                pos = where(event)
                if event.anchor not in anchors:
                    report(f"unknown alias '*{event.anchor}'", pos)
                    if is_key:  # no key to store the value under: it is left out
                        stack[-1].key, stack[-1].key_pos = _BAD_KEY, pos
                        continue
                    place(None, pos, 1, path, is_key, None)
                else:
                    value, weight = anchors[event.anchor]
                    if is_key and not isinstance(value, (str, dict, list)):
                        value = _key_text(value)  # keys are names, as a plain key's text
                    # the budget is spent on what aliases add: a file's own nodes are
                    # bounded by its size, whatever their nesting
                    budget -= weight
                    if budget < 0:
                        raise too_many(pos)
                    place(value, pos, weight, path, is_key, None)
            elif code == _DOC_START:
                doc = Document(display, None, index=len(documents))
                keys = doc.keys
                values = doc.values
                written = doc.written
                root = []
                anchors = {}
                stack = []
                budget = MAX_EXPANDED_NODES
            elif code == _DOC_END:
                assert doc is not None
                doc.data = root[0] if root else None
                if any(type(step) is object for path in written for step in path):
                    # under a merge key or a collection key: not in the data, not stored
                    doc.written = {path: text for path, text in written.items()
                                   if not any(type(step) is object for step in path)}
                values.setdefault((), where(event))
                if not indexed:  # what the collections left there: the index is found again
                    doc.keys, doc.values = {}, {}
                documents.append(doc)
    except _Refused as refused:
        return LoadedFile(
            display, [], [Hit(refused.message, position=Position(display, refused.line, refused.column))]
        )
    return LoadedFile(display, documents, problems)


def _attach(
    top: _Frame, value: Any, frame: _Frame, pos: Pos, doc: Document, report: Any, anchors: dict[str, Any]
) -> None:
    """Attach a finished collection to its parent (the values index already holds its position)."""
    if frame.anchor:
        anchors[frame.anchor] = (value, frame.weight)
    top.weight += frame.weight
    container = top.container
    if not top.is_map:
        container.append(value)
        return
    key = _claim_key(top, value, pos, doc.keys, report)
    if key is not _NO_KEY:
        container[key] = value


def _claim_key(top: _Frame, value: Any, pos: Pos, keys: dict[Path, Pos], report: Any) -> Any:
    """Take the mapping's pending key for ``value``: the key to store it under, or ``_NO_KEY``
    when the value is not stored (a collection as key, a merge source, a duplicate key)."""
    key = top.key
    top.key = _NO_KEY
    if key is _BAD_KEY:
        return _NO_KEY
    if key is _MERGE:
        top.merges.append((value, pos))
        return _NO_KEY
    if key in top.container:
        # not indexed, the report raises before the message is shown
        first = keys.get((*top.path, key), (0, 0))
        report(f"duplicate key '{key}' (first defined at line {first[0]})", top.key_pos)
        return _NO_KEY
    return key


def _apply_merges(
    mapping: dict[Any, Any], merges: list[Any], path: Path, doc: Document, report: Any
) -> None:
    """YAML merge keys (`<<: *defaults`): explicit keys win, earlier merges win over later ones."""
    sources: list[tuple[Any, Pos]] = []
    for value, pos in merges:
        if isinstance(value, dict):
            sources.append((value, pos))
        elif isinstance(value, list) and all(isinstance(item, dict) for item in value):
            sources.extend((item, pos) for item in value)
        else:
            report("a merge key '<<' needs a mapping or a list of mappings", pos)
    for source, pos in sources:
        for key, item in source.items():
            if key not in mapping:
                mapping[key] = item
                doc.keys[(*path, key)] = pos
                doc.values[(*path, key)] = pos


def iter_documents(files: Iterable[LoadedFile]) -> Iterator[Document]:
    """Every document of ``files``, in order."""
    for loaded in files:
        yield from loaded.documents


# --- text that no output could encode --------------------------------------------------------

# an escape of a UTF-16 surrogate: alone it is no character (JSON pairs two into one)
_SURROGATE_ESCAPE = re.compile(r"\\(?:u[dD][89a-fA-F]|U0000[dD][89a-fA-F])")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _mend(text: str) -> tuple[str, str | None]:
    """``text`` with escaped surrogate pairs joined into their character and each lone
    surrogate replaced by U+FFFD; and the first lone one as an escape (``\\ud800``), or None."""
    joined = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")
    lone = _SURROGATE.search(joined)
    if lone is None:
        return joined, None
    return _SURROGATE.sub("\ufffd", joined), f"\\u{ord(lone.group()):04x}"


def _mend_surrogates(loaded: LoadedFile) -> None:
    """Join escaped surrogate pairs and replace lone surrogates in every key and value of
    ``loaded``'s documents, reporting each lone one where it stands."""
    for doc in loaded.documents:
        _mend_document(doc, loaded.problems)
    loaded.problems.sort(key=lambda hit: (hit.position.line, hit.position.column)
                         if hit.position else (0, 0))


def _mend_document(doc: Document, problems: list[Hit]) -> None:
    renamed: dict[str, str] = {}
    seen: set[int] = set()

    def text(value: str, path: Path, key: bool) -> str:
        mended, lone = _mend(value)
        if lone is not None:
            problems.append(Hit(_lone_message(lone), position=doc.position(path, key=key)))
        return mended

    def walk(value: Any, path: Path) -> Any:
        if isinstance(value, str):
            return text(value, path, False) if _SURROGATE.search(value) else value
        if id(value) in seen or not isinstance(value, (dict, list)):
            return value  # an alias shares a value already mended
        seen.add(id(value))
        if isinstance(value, list):
            value[:] = [walk(item, (*path, index)) for index, item in enumerate(value)]
            return value
        items = list(value.items())
        value.clear()
        for key, item in items:
            if isinstance(key, str) and _SURROGATE.search(key):
                renamed[key] = text(key, (*path, key), True)
            value[renamed.get(key, key)] = walk(item, (*path, key))
        return value

    doc.data = walk(doc.data, ())
    if renamed:  # the position index follows the keys
        def moved(path: Path) -> Path:
            return tuple(renamed.get(step, step) if isinstance(step, str) else step
                         for step in path)

        doc.keys = {moved(path): pos for path, pos in doc.keys.items()}
        doc.values = {moved(path): pos for path, pos in doc.values.items()}
        doc.written = {moved(path): written for path, written in doc.written.items()}


def _lone_message(escape: str) -> str:
    return (f"'{escape}' is half of a UTF-16 surrogate pair, not a character, and cannot be "
            "written as UTF-8: write the character itself, or its pair of escapes")
