"""The schema of the config's ``evidence:`` section (cerberus rules), and the names it
allows, apart from ``orglint.evidence``: a config is validated on every run, and reading the
section's values (``orglint.evidence.settings``) is only needed when it is there."""

from __future__ import annotations

from typing import Any

FORMATS = ("xes", "csv", "parquet")
ENGINES = ("duckdb", "spark")
PATTERN_PREFIX = "re:"
XES_COLUMNS = {"case": "concept:name", "timestamp": "time:timestamp", "team": "org:group",
               "activity": "concept:name"}
TABULAR_COLUMNS = {"case": "case", "timestamp": "timestamp", "team": "team"}
_COLUMN = {"type": "string", "empty": False, "nullable": True}

LOG_SCHEMA: dict[str, Any] = {
    "path": {"type": "string", "empty": False, "required": True},
    "format": {"type": "string", "allowed": list(FORMATS)},
    "name": {"type": "string", "empty": False},
    "journey": {"type": "string", "empty": False},
    "columns": {"type": "dict", "schema": {key: _COLUMN for key in
                                           ("case", "timestamp", "team", "activity", "sequence",
                                            "journey")}},
    "timestamp_format": {"type": "string", "empty": False},
    "team_map": {"type": "dict", "keysrules": {"type": "string", "empty": False},
                 "valuesrules": {"type": "string", "empty": False}},
}
EVIDENCE_SCHEMA: dict[str, Any] = {
    "type": "dict",
    "schema": {
        "logs": {"type": "list", "required": True, "minlength": 1,
                 "schema": {"type": "dict", "schema": LOG_SCHEMA}},
        "engine": {"type": "string", "allowed": list(ENGINES)},
        "min_support": {"type": "integer", "min": 1},
        "k": {"type": "integer", "min": 1},
        "period": {"type": "dict", "schema": {"from": {"type": "date"}, "to": {"type": "date"}}},
        "acknowledge_activity": {"type": "string", "empty": False},
        "memory_limit": {"type": "string", "regex": r"^[0-9]+(\.[0-9]+)?\s*(KB|MB|GB|TB)$"},
        "people": {"type": "dict", "schema": {
            "column": {"type": "string", "empty": False, "required": True},
            "key_env": {"type": "string", "empty": False, "required": True},
        }},
    },
}
