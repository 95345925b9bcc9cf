"""The cerberus tables of the config file and of a waiver record, and their validation.

Errors are translated to positions by ``orglint.schema.org.hits``, as the org's own are.
"""

from __future__ import annotations

import difflib
from typing import Any

from orglint.finding import SEVERITIES, Position
from orglint.load.documents import Document
from orglint.schema.evidence import EVIDENCE_SCHEMA
from orglint.schema.org import ID_PATTERN, SECTIONS, URL_PATTERN, as_written, hits

KINDS = tuple(SECTIONS.values())
TARGET_PATTERN = rf"^({'|'.join(KINDS)}):{ID_PATTERN[1:]}"  # handoff:sales-to-delivery, whole
WAIVER_RECORD: dict[str, Any] = {
    "rule": {"type": "string", "empty": False, "required": True},
    "target": {"type": "string", "required": True, "empty": False},
    "reason": {"type": "string", "nullable": True},
    # a person id; one that names no person (a display name, say) is WVR003, with the id
    "owner": {"type": "string", "nullable": True, "empty": False},
    "expires": {"type": "date", "nullable": True},
}
WAIVERS_SCHEMA: dict[str, Any] = {
    "type": "list",
    "schema": {"type": "dict", "schema": WAIVER_RECORD},
}
WAIVER_FILE_SCHEMA: dict[str, Any] = {"waivers": WAIVERS_SCHEMA}

CONFIG_SCHEMA: dict[str, Any] = {
    "include": {"type": "list", "schema": {"type": "string", "empty": False}},
    "exclude": {"type": "list", "schema": {"type": "string", "empty": False}},
    "select": {"type": "list", "schema": {"type": "string", "empty": False}},
    "ignore": {"type": "list", "schema": {"type": "string", "empty": False}},
    "fail_on": {"type": "string", "allowed": list(SEVERITIES)},
    "rules": {
        "type": "dict",
        "keysrules": {"type": "string"},
        "valuesrules": {
            "type": "dict",
            "schema": {
                "severity": {"type": "string", "allowed": [*SEVERITIES, "off"]},
                "options": {"type": "dict"},
            },
        },
    },
    "plugins": {"type": "list", "schema": {"type": "string", "empty": False}},
    "waivers": WAIVERS_SCHEMA,
    "waiver_files": {"type": "list", "schema": {"type": "string", "empty": False}},
    "baseline": {"type": "string", "empty": False},
    "cache_dir": {"type": "string", "empty": False},
    # the exception rates (shares 0..1) from which a handoff is medium or high complexity
    "complexity": {
        "type": "dict",
        "schema": {
            "medium_rate": {"type": "number", "min": 0, "max": 1},
            "high_rate": {"type": "number", "min": 0, "max": 1},
        },
    },
    # where each rule's documentation lives, for SARIF's helpUri: {code}, {name}, {anchor}
    "rule_docs_url": {"type": "string", "empty": False, "regex": URL_PATTERN},
    "evidence": EVIDENCE_SCHEMA,  # event logs: docs/evidence.md
    # files of other systems read as org entities every run; the other keys of an entry are
    # the options of its type, checked against that source's own schema (orglint.sources)
    "sources": {"type": "list", "schema": {"type": "dict", "allow_unknown": True, "schema": {
        "type": {"type": "string", "required": True, "empty": False},
        "path": {"type": "string", "required": True, "empty": False},
    }}},
}
CONFIG_KEYS = tuple(CONFIG_SCHEMA)
# rule options that became org-wide config keys: (rule code, option) -> the key that replaces it
MOVED_OPTIONS = {
    ("GOV001", "high_rate"): "complexity.high_rate",
    ("GOV001", "medium_rate"): "complexity.medium_rate",
    ("GOV004", "high_rate"): "complexity.high_rate",
    ("GOV004", "medium_rate"): "complexity.medium_rate",
}


def validate_config(data: dict[str, Any], document: Document) -> list[tuple[Position, str]]:
    """Problems of a config mapping as ``list[(Position, message)]`` sorted by line and
    column, placed through ``document``; [] when it is valid."""
    from orglint.schema.fast import compile_fields

    found = as_written(document, CONFIG_SCHEMA)
    if not found and compile_fields(CONFIG_SCHEMA)(data):  # surely valid: spare cerberus
        return []
    from cerberus import Validator

    validator = Validator(CONFIG_SCHEMA, allow_unknown=False)
    if validator.validate(data) and not found:
        return []
    problems = []
    for hit in [*found, *hits(document, validator._errors, CONFIG_SCHEMA)]:
        message = hit.message
        if message.startswith("unknown section"):
            name = message.split("'")[1]
            close = difflib.get_close_matches(name, list(CONFIG_SCHEMA), n=1, cutoff=0.6)
            message = f"unknown config key '{name}'" + (
                f"; did you mean '{close[0]}'?" if close else
                f"; expected one of: {', '.join(sorted(CONFIG_SCHEMA))}")
        elif message.startswith("section '"):
            message = "key '" + message[len("section '"):]
        elif message.startswith("unknown field '") and "in section 'evidence';" in message \
                and "did you mean" not in message:
            from orglint.evidence.settings import misplaced

            hint = misplaced(message.split("'")[1])
            if hint:
                message = message.split(";", 1)[0] + "; " + hint
        assert hit.position is not None
        problems.append((hit.position, message))
    problems.sort(key=lambda problem: (problem[0].line, problem[0].column))
    return problems


def validate_waiver_file(document: Document) -> tuple[list[dict[str, Any]], list[tuple[Position, str]]]:
    """A waiver file is a mapping with one key, ``waivers``, holding a list of records.

    Returns ``(records, [])`` when it is valid, else ``([], problems)`` with the problems as
    ``list[(Position, message)]``. An empty document is a file without waivers.
    """
    from cerberus import Validator

    data = document.data if document.data is not None else {}
    schema = WAIVER_FILE_SCHEMA
    if not isinstance(data, dict):
        return [], [(document.position(()), "a waiver file must be a mapping with 'waivers:'")]
    found = as_written(document, schema)
    validator = Validator(schema, allow_unknown=False)
    if not validator.validate(data) or found:
        return [], [(hit.position or document.position(()), hit.message)
                    for hit in [*found, *hits(document, validator._errors, schema)]]
    return list(data.get("waivers") or []), []
