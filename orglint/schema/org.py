"""The org model language, format version 1, as cerberus schemas; errors -> ORG002 hits.

Every reference field carries ``meta: {ref: (...kinds)}``: the model resolves references from
this table, ``orglint schema`` exports it, and nothing else lists which kinds a field accepts.
"""

from __future__ import annotations

import datetime
import difflib
import functools
import math
import re
from collections.abc import Iterator
from typing import Any

from orglint.finding import Hit
from orglint.load.documents import Document, iso_date

FORMAT_VERSION = 1
# Every pattern matches a whole value: it ends in \Z, never in $ (which in Python also matches
# before a final newline, so "sales\n" would pass as an id). ``orglint schema`` writes \Z as
# JSON Schema's $, which matches only at the end. Only ASCII classes: Python's \s, \S and \d
# take in more characters than JSON Schema's do.
ID_PATTERN = r"^[a-z0-9][a-z0-9._-]*\Z"
DURATION_PATTERN = (
    r"^([0-9]+(\.[0-9]+)?(m|h|d|w)"
    r"|P(?!\Z)([0-9]+Y)?([0-9]+M)?([0-9]+W)?([0-9]+D)?(T(?=[0-9])([0-9]+H)?([0-9]+M)?([0-9]+S)?)?)\Z"
)
URL_PATTERN = r"^https?://[!-~]+\Z"  # printable ASCII, no space: a URL as written
LEVELS = ("low", "medium", "high")
LAYERS = ("frontstage", "backstage", "support")
METRIC_TYPES = ("output", "outcome", "handoff")
CADENCES = ("daily", "weekly", "biweekly", "monthly", "quarterly", "yearly")
# other common spellings of a cadence, lower-case with single spaces -> the canonical one
CADENCE_SPELLINGS = {
    "every day": "daily",
    "every week": "weekly",
    "bi-weekly": "biweekly", "bi weekly": "biweekly", "fortnightly": "biweekly",
    "every 2 weeks": "biweekly", "every two weeks": "biweekly", "every other week": "biweekly",
    "every month": "monthly", "every 4 weeks": "monthly", "every four weeks": "monthly",
    "four-weekly": "monthly", "4-weekly": "monthly",
    "every 3 months": "quarterly", "every three months": "quarterly", "every quarter": "quarterly",
    "annually": "yearly", "annual": "yearly", "every year": "yearly",
}


_SPACE = r"[ \t\n\r]"  # white space in a pattern: the same characters in Python and JSON Schema


def _any_case(spelling: str) -> str:
    """A regex that matches ``spelling`` in any case and with any run of spaces, written with
    character classes (JSON Schema's regexes have no case-insensitive flag)."""
    return "".join(f"{_SPACE}+" if char == " " else f"[{char}{char.upper()}]" if char.isalpha()
                   # `\-` is no escape in JSON Schema's (ECMA-262, Unicode) patterns
                   else char if char == "-" else re.escape(char) for char in spelling)


CADENCE_PATTERN = rf"^{_SPACE}*(" + "|".join(
    _any_case(spelling)
    for spelling in sorted([*CADENCES, *CADENCE_SPELLINGS], key=len, reverse=True)) + rf"){_SPACE}*\Z"


def cadence(text: str) -> str | None:
    """The canonical cadence of a spelling (``Bi-weekly``, ``every 2 weeks`` -> ``biweekly``),
    case and spacing aside; None for text that names no cadence."""
    key = " ".join(text.lower().split())
    return key if key in CADENCES else CADENCE_SPELLINGS.get(key)

# section name -> the kind of entity it holds (the word used in references: `team:sales`)
SECTIONS = {
    "people": "person",
    "teams": "team",
    "systems": "system",
    "journeys": "journey",
    "handoffs": "handoff",
    "metrics": "metric",
    "raci": "raci",
    "reviews": "review",
    "decisions": "decision",
}
KIND_SECTION = {kind: section for section, kind in SECTIONS.items()}


def ref(*kinds: str) -> dict[str, Any]:
    """The rule set of a reference: a non-empty string naming an entity of one of ``kinds``."""
    return {"type": "string", "empty": False, "meta": {"ref": kinds}}


def refs(*kinds: str) -> dict[str, Any]:
    """The rule set of a list of references to entities of ``kinds``."""
    return {"type": "list", "schema": ref(*kinds)}


def one_or_many(*kinds: str) -> dict[str, Any]:
    """A reference or a list of them (RACI cells: `A: leo` or `R: [dan, delivery]`)."""
    return {"type": ["string", "list"], "empty": False, "schema": ref(*kinds), "meta": {"ref": kinds}}


TEXT: dict[str, Any] = {"type": "string"}
LABELS: dict[str, Any] = {"type": "list", "schema": {"type": "string", "empty": False}}
DURATION: dict[str, Any] = {"type": "string", "regex": DURATION_PATTERN}
LEVEL: dict[str, Any] = {"type": "string", "allowed": LEVELS}
CADENCE: dict[str, Any] = {"type": "string", "regex": CADENCE_PATTERN}

ENTITY_SCHEMAS: dict[str, dict[str, Any]] = {
    "people": {
        "name": TEXT,
        "title": TEXT,
        "email": TEXT,
        "description": TEXT,
        "founder": {"type": "boolean"},
        "reports_to": ref("person"),
    },
    "teams": {
        "name": TEXT,
        "description": TEXT,
        "lead": one_or_many("person"),  # co-leads: a list
        "members": refs("person"),
        "parent": ref("team"),
        "children": refs("team"),
        # roles beside lead and member: tech-lead, liaison, council representative ...
        "roles": {"type": "dict", "keysrules": {"type": "string", "regex": ID_PATTERN},
                  "valuesrules": one_or_many("person")},
        "layer": {"type": "string", "allowed": LAYERS},
        "systems": refs("system"),
    },
    "systems": {
        "name": TEXT,
        "description": TEXT,
        "owner": ref("person", "team"),
        "holds": LABELS,
    },
    "journeys": {
        "name": TEXT,
        "description": TEXT,
        "owner": {**ref("person", "team"),
                  "meta": {"ref": ("person", "team"),
                           "one": "a journey has one owner across it: name the others on the "
                                  "handoffs they own"}},
        "volume": LEVEL,
        "path": {"type": "list", "required": True, "minlength": 1, "schema": ref("team")},
        "context": LABELS,
    },
    "handoffs": {
        "name": TEXT,
        "description": TEXT,
        "from": {**ref("team"), "required": True},
        "to": {**ref("team"), "required": True},
        "owner": {**ref("person", "team"),
                  "meta": {"ref": ("person", "team"),
                           "one": "a handoff has one owner: name the deputy in 'backup_owner'"}},
        "backup_owner": ref("person", "team"),
        "complexity": LEVEL,
        "exception_rate": {"type": "number", "min": 0, "max": 1},
        "governance": {
            "type": "dict",
            "schema": {
                "protocol": {"type": "string", "empty": False},
                "decision_maker": ref("person", "team"),
                "escalation": refs("person", "team"),
            },
        },
        "carries": LABELS,
        "sla": {"type": "dict", "schema": {"acknowledge": DURATION, "complete": DURATION}},
        "measured_by": refs("metric"),
    },
    "metrics": {
        "name": TEXT,
        "description": TEXT,
        "type": {"type": "string", "required": True, "allowed": METRIC_TYPES},
        "owner": ref("person", "team"),
        "rewards": refs("team", "person"),
        "downstream": refs("team", "journey", "handoff"),
        "source": ref("system"),
    },
    "raci": {
        "name": TEXT,
        "description": TEXT,
        "journey": ref("journey"),
        "activities": {
            "type": "list",
            "required": True,
            "minlength": 1,
            "schema": {
                "type": "dict",
                "schema": {
                    "activity": {"type": "string", "required": True, "empty": False},
                    "R": one_or_many("person", "team"),
                    "A": one_or_many("person", "team"),
                    "C": one_or_many("person", "team"),
                    "I": one_or_many("person", "team"),
                },
            },
        },
    },
    "reviews": {
        "name": TEXT,
        "description": TEXT,
        "cadence": {**CADENCE, "required": True},
        "owner": ref("person", "team"),
        "attendees": refs("team", "person"),
        "covers": refs("journey"),
        "inputs": refs("metric"),
    },
    "decisions": {
        "name": TEXT,
        "description": TEXT,
        "frequency": CADENCE,
        "decided_by": ref("team", "person"),
        "raised_by": refs("team"),
        "journey": ref("journey"),
    },
}

ORG_SCHEMA: dict[str, Any] = {"name": TEXT, "description": TEXT, "url": TEXT}

DOCUMENT_SCHEMA: dict[str, Any] = {
    "version": {"type": "integer", "allowed": [FORMAT_VERSION]},
    "org": {"type": "dict", "schema": ORG_SCHEMA},
    **{
        section: {
            "type": "dict",
            "keysrules": {"type": "string", "regex": ID_PATTERN},
            "valuesrules": {"type": "dict", "schema": schema},
        }
        for section, schema in ENTITY_SCHEMAS.items()
    },
}


@functools.cache  # the schema is fixed: the model asks per reference
def reference_kinds(section: str, field: str) -> tuple[str, ...]:
    """The kinds a field of an entity in ``section`` accepts (a dotted ``field`` such as
    ``governance.escalation`` too), from ``meta``; () for a field that is no reference.
    Raises ``KeyError`` for an unknown section."""
    rules: dict[str, Any] = {"schema": ENTITY_SCHEMAS[section]}
    for step in field.split("."):
        if rules.get("type") == "list":
            rules = rules["schema"]
        rules = rules.get("schema", {}).get(step) or {}
    meta = rules.get("meta") or rules.get("schema", {}).get("meta") or {}
    return tuple(meta.get("ref", ()))


_validators: dict[frozenset[str], Any] = {}
_failing_part: Any = None


def _get_failing_part() -> Any:
    """The fast pre-check, compiled once from ``DOCUMENT_SCHEMA`` (see orglint.schema.fast)."""
    global _failing_part
    if _failing_part is None:
        from orglint.schema.fast import compile_document

        _failing_part = compile_document(DOCUMENT_SCHEMA)
    return _failing_part


def _validator_for(sections: frozenset[str]) -> Any:
    """A validator for just these sections of ``DOCUMENT_SCHEMA``: cerberus hashes the whole
    schema for every nested rule it meets, so a small schema answers many times faster."""
    validator = _validators.get(sections)
    if validator is None:
        from cerberus import Validator

        schema = {key: rules for key, rules in DOCUMENT_SCHEMA.items() if key in sections}
        validator = _validators[sections] = Validator(schema, allow_unknown=False)
    return validator


def validate(doc: Document) -> list[Hit]:
    """Schema problems of one document as hits (reported as ORG002), each at the key or value
    to edit, sorted by line and column; [] for a valid or empty document. Problems computed
    ahead (``doc.schema`` not None) are returned as they are. Scalars are first read as their
    fields take them (``as_written``), in place."""
    if doc.schema is not None:  # computed ahead: in a worker process, or read from the cache
        return list(doc.schema)
    data = doc.data
    if data is None:
        return []
    if not isinstance(data, dict):
        return [Hit("a file must be a mapping of sections (people, teams, journeys, ...)",
                    position=doc.position(()))]
    found = as_written(doc, DOCUMENT_SCHEMA)
    # cerberus sees only the sections and entities the fast check is unsure of
    part = _get_failing_part()(data)
    if part is not None:
        validator = _validator_for(frozenset(part))
        if not validator.validate(part, normalize=False):  # the schema has nothing to normalize
            found.extend(hits(doc, validator._errors, DOCUMENT_SCHEMA))
    return sorted(
        found, key=lambda hit: (hit.position.line, hit.position.column) if hit.position else (0, 0),
    )


# --- scalars as their fields take them ---------------------------------------------------------

_TEXT_ONLY = frozenset({"string", "list", "dict"})  # a field of these types takes no number


def as_written(doc: Document, schema: dict[str, Any]) -> list[Hit]:
    """Read each scalar of ``doc`` the way its field in ``schema`` takes it, in place: a scalar
    that YAML resolved to a number, a date or a boolean (``name: 1984``, ``title: 2026-07-31``)
    is, in a field of text, its text as written; a quoted ISO date (``"2027-01-31"``) is, in a
    date field, that date. Returns hits for what no field can take: a NaN where a number
    belongs (it would pass every bound)."""
    problems: list[Hit] = []
    for path, text in _written(doc).items():
        rules = _rules_at(path, schema)
        if rules is None:
            continue
        types = rules.get("type")
        names = {types} if isinstance(types, str) else set(types or ())
        if "string" in names and names <= _TEXT_ONLY:
            _put(doc.data, path, text)
        elif names & {"number", "integer"} and _is_nan(value_at(doc.data, path)):
            problems.append(Hit(f"{_describe(path)} must be a number, not {text}",
                                position=doc.position(path)))
    if schema is not DOCUMENT_SCHEMA or _ORG_DATES:  # the org format has no date field yet
        _dates(doc.data, {"type": "dict", "schema": schema})
    return problems


def _written(doc: Document) -> dict[tuple[Any, ...], str]:
    """The document's texts as written (none in a document read from an older cache)."""
    written: dict[tuple[Any, ...], str] = getattr(doc, "written", None) or {}
    return written


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _rules_at(path: tuple[Any, ...], schema: dict[str, Any]) -> dict[str, Any] | None:
    """The rule set that applies to the value at ``path``; None where the schema has none."""
    rules: Any = {"type": "dict", "schema": schema}
    for step in path:
        if not isinstance(rules, dict):
            return None
        if "valuesrules" in rules and not isinstance(step, int):
            rules = rules["valuesrules"]
        elif isinstance(step, int):
            rules = rules.get("schema")
        else:
            table = rules.get("schema")
            rules = table.get(step) if isinstance(table, dict) else None
    return rules if isinstance(rules, dict) else None


def value_at(data: Any, path: tuple[Any, ...], missing: Any = None) -> Any:
    """The value at ``path`` in a document's data, or ``missing`` where the path leads
    nowhere."""
    for step in path:
        try:
            data = data[step]
        except (KeyError, IndexError, TypeError):
            return missing
    return data


def _put(data: Any, path: tuple[Any, ...], value: Any) -> None:
    parent = value_at(data, path[:-1])
    last = path[-1]
    if (isinstance(parent, dict) and last in parent) or (
            isinstance(parent, list) and isinstance(last, int) and last < len(parent)):
        parent[last] = value


_ORG_DATES = "'date'" in repr(DOCUMENT_SCHEMA)


def _dates(value: Any, rules: Any) -> Any:
    """``value`` with every date field read: a quoted ISO date is the date; a date and time
    (TOML's ``2027-01-31T10:00:00``) is its text, for the schema to refuse."""
    if not isinstance(rules, dict):
        return value
    if rules.get("type") == "date":
        if isinstance(value, datetime.datetime):
            return value.isoformat()
        return (iso_date(value) or value) if isinstance(value, str) else value
    inner = rules.get("schema")
    if isinstance(value, list) and isinstance(inner, dict):
        value[:] = [_dates(item, inner) for item in value]
    elif isinstance(value, dict):
        each = rules.get("valuesrules")
        for key, item in value.items():
            field = each if each is not None else (inner or {}).get(key)
            if field is not None:
                value[key] = _dates(item, field)
    return value


def hits(doc: Document, errors: Any, schema: dict[str, Any]) -> Iterator[Hit]:
    """cerberus ``errors`` (a validator's ``_errors``) found against ``schema`` as hits in
    plain words, each at the key or value to edit in ``doc``; group errors are unfolded."""
    from cerberus import errors as codes

    for error in errors:
        if error.is_group_error:
            yield from hits(doc, error.child_errors, schema)
            continue
        path = tuple(error.document_path)
        name = path[-1] if path else ""
        where = _describe(path)
        if error.code == codes.UNKNOWN_FIELD.code:
            yield Hit(_unknown_message(path, schema), position=doc.position(path, key=True))
        elif error.code == codes.REQUIRED_FIELD.code:
            owner = path[:-1]
            # an entity is edited at its id; a list item (a RACI activity) at the item itself
            at_item = bool(owner) and isinstance(owner[-1], int)
            yield Hit(f"{_describe(owner)} is missing required field '{name}'",
                      position=doc.position(owner, key=not at_item))
        elif error.code == codes.BAD_TYPE.code:
            expected = error.constraint
            expected = " or ".join(expected) if isinstance(expected, list) else expected
            hint = ""
            if isinstance(error.value, list) and path:  # a list where one is meant: say why
                one = (_schema_at(path[:-1], schema).get(path[-1], {}).get("meta") or {}).get("one")
                hint = f"; {one}" if one else ""
            yield Hit(f"{where} must be {_article(_type_word(expected))}, not "
                      f"{_shown(doc, path, error.value)}{hint}", position=doc.position(path))
        elif error.code == codes.UNALLOWED_VALUE.code:
            allowed = ", ".join(str(item) for item in error.constraint)
            yield Hit(f"{where} is {_shown(doc, path, error.value)}; expected one of: {allowed}",
                      position=doc.position(path))
        elif error.code == codes.REGEX_MISMATCH.code:
            yield Hit(_regex_message(path, error), position=doc.position(path, key=_is_key(path)))
        elif error.code in (codes.MIN_VALUE.code, codes.MAX_VALUE.code):
            bound = "at least" if error.code == codes.MIN_VALUE.code else "at most"
            yield Hit(f"{where} must be {bound} {error.constraint}, not "
                      f"{_shown(doc, path, error.value)}",
                      position=doc.position(path))
        elif error.code == codes.MIN_LENGTH.code:
            yield Hit(f"{where} must list at least {error.constraint} item(s)",
                      position=doc.position(path))
        elif error.code in (codes.EMPTY_NOT_ALLOWED.code, codes.NOT_NULLABLE.code):
            yield Hit(f"{where} must not be empty", position=doc.position(path))
        else:  # pragma: no cover - every rule the schema uses is mapped above
            yield Hit(f"{where}: {error}", position=doc.position(path))


def _is_key(path: tuple[Any, ...]) -> bool:
    # `teams: {Sales: ...}` fails the id pattern: the key is what to edit
    return len(path) == 2 and path[0] in ENTITY_SCHEMAS


def _regex_message(path: tuple[Any, ...], error: Any) -> str:
    if _is_key(path):
        return (f"'{_quoted(path[1])}' is not a valid id: use lower-case letters, digits, '.', '_' "
                "and '-', starting with a letter or digit")
    if error.constraint == DURATION_PATTERN:
        example = "30m, 4h, 2d, 1w or PT4H"
        return f"{_describe(path)} is {_show(error.value)}; expected a duration such as {example}"
    if error.constraint == CADENCE_PATTERN:
        spellings = ", ".join(sorted(CADENCE_SPELLINGS))
        return (f"{_describe(path)} is {_show(error.value)}; expected one of: "
                f"{', '.join(CADENCES)} (also written: {spellings})")
    if error.constraint == URL_PATTERN:
        return f"{_describe(path)} is {_show(error.value)}; expected a URL (https://...)"
    return f"{_describe(path)} does not match {error.constraint}"  # pragma: no cover


def _unknown_message(path: tuple[Any, ...], schema: dict[str, Any]) -> str:
    name = _quoted(str(path[-1]))
    parent = path[:-1]
    if not parent:
        known = list(schema)
        message = f"unknown section '{name}'"
    else:
        known = list(_schema_at(parent, schema))
        message = f"unknown field '{name}' in {_describe(parent)}"
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f"{message}; did you mean '{close[0]}'?"
    return f"{message}; expected one of: {', '.join(sorted(known))}"


def _schema_at(path: tuple[Any, ...], schema: dict[str, Any]) -> dict[str, Any]:
    """The field table that applies at a document path."""
    rules: dict[str, Any] = {"type": "dict", "schema": schema}
    for step in path:
        if "valuesrules" in rules:
            rules = rules["valuesrules"]
        elif isinstance(step, int):
            rules = rules.get("schema", {})
        else:
            rules = rules.get("schema", {}).get(step, {})
    table = rules.get("schema", {})
    return table if isinstance(table, dict) and rules.get("type") == "dict" else {}


def _describe(path: tuple[Any, ...]) -> str:
    """Plain words for a document path: `handoff 'a-to-b' field 'governance.escalation'`."""
    if not path:
        return "the file"
    section = path[0]
    if section in SECTIONS and len(path) >= 2:
        entity = f"{SECTIONS[section]} '{_quoted(path[1])}'"
        if len(path) == 2:
            return entity
        return f"{entity} field '{_quoted(dotted(path[2:]))}'"
    if len(path) == 1:
        return f"section '{_quoted(section)}'"
    return f"field '{_quoted(dotted(path))}'"


def dotted(path: tuple[Any, ...]) -> str:
    """A document path in words: `('activities', 0, 'A')` -> `activities[0].A`."""
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else str(step))
    return text


def _type_word(expected: str) -> str:
    return {"dict": "mapping", "list": "list", "string": "string", "boolean": "boolean",
            "number": "number", "integer": "integer", "string or list": "name or list"}.get(
        expected, expected)


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


_SHOWN_CHARACTERS = 40  # a longer value is quoted by its start and its length


def _shown(doc: Document, path: tuple[Any, ...], value: Any) -> str:
    """A value in a message: as written in the file where it is no string (``1e3``, ``0x1F``,
    a number of any size), shortened when long."""
    text = _written(doc).get(path) if isinstance(path, tuple) else None
    if text is None:
        return _show(value)
    if len(text) > _SHOWN_CHARACTERS:
        return f"{text[:_SHOWN_CHARACTERS // 2]}... ({len(text):,} characters)"
    return text


def _quoted(text: Any) -> str:
    """Text as a message quotes it: on one line, every character that does not print (a
    newline, a tab, an escape) written as its escape."""
    shown = str(text)
    if shown.isprintable():
        return shown
    return "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
                   for char in shown)


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{_quoted(value)}'"
    return f"{type(value).__name__} {value}" if not isinstance(value, (int, float)) else str(value)
