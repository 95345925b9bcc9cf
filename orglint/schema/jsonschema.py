"""``orglint schema``: the org format as JSON Schema (draft 2020-12), for editors.

Generated from the cerberus schemas in orglint.schema.org, which stay the one source of truth: a
rule this module cannot translate is an error here, never a silently looser JSON Schema.
"""

from __future__ import annotations

import json
from typing import Any

from orglint.schema.org import DOCUMENT_SCHEMA, FORMAT_VERSION, SECTIONS

DIALECT = "https://json-schema.org/draft/2020-12/schema"

_TYPES = {"string": "string", "boolean": "boolean", "integer": "integer", "number": "number",
          "list": "array", "dict": "object"}
# cerberus rules translated below; `required` is read by the enclosing mapping
_KNOWN = {"type", "allowed", "required", "empty", "schema", "regex", "min", "max", "minlength",
          "keysrules", "valuesrules", "meta"}


class ExportError(Exception):
    """``orglint.schema.org`` uses a cerberus rule this exporter does not translate."""


def document_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one org file, as a dict. Raises ``ExportError``
    as ``convert`` does."""
    body = _mapping(DOCUMENT_SCHEMA)
    for section, kind in SECTIONS.items():
        body["properties"][section]["description"] = (
            f"Each {kind}, by id: lower-case letters, digits, '.', '_' and '-', "
            "starting with a letter or digit.")
    body["properties"]["version"]["description"] = f"Format version ({FORMAT_VERSION})."
    body["properties"]["org"]["description"] = "The organisation this repo describes."
    return {"$schema": DIALECT,
            "title": f"orglint org file (format version {FORMAT_VERSION})",
            "description": "People, teams, systems, journeys, handoffs, metrics, RACI, reviews "
                           "and decisions of an organisation, as checked by orglint.",
            **body}


def render() -> str:
    """The schema as indented JSON text ending in a newline: the same bytes for the same
    orglint. Raises ``ExportError`` as ``convert`` does."""
    return json.dumps(document_schema(), indent=2, ensure_ascii=False) + "\n"


def _mapping(fields: dict[str, Any]) -> dict[str, Any]:
    properties = {name: convert(rules) for name, rules in fields.items()}
    required = [name for name, rules in fields.items() if rules.get("required")]
    out: dict[str, Any] = {"type": "object", "properties": properties,
                           "additionalProperties": False}
    if required:
        out["required"] = required
    return out


def convert(rules: dict[str, Any]) -> dict[str, Any]:
    """One cerberus rule set -> the JSON Schema (a dict) that accepts the same values.

    Raises ``ExportError`` for a cerberus rule it does not translate.
    """
    unknown = set(rules) - _KNOWN
    if unknown:
        raise ExportError(f"no JSON Schema for cerberus rule(s): {', '.join(sorted(unknown))}")
    types = rules.get("type")
    names = [types] if isinstance(types, str) else list(types or [])
    out: dict[str, Any] = {}
    kinds = (rules.get("meta") or {}).get("ref")
    if kinds:
        out["description"] = describe_reference(tuple(kinds), many="list" in names)
    if names:
        json_types = [_TYPES[name] for name in names]
        if "string" in names and not {"regex", "allowed"} & set(rules):
            # a scalar in a text field is its text as written: `name: 1984`, `title: true`
            at = json_types.index("string") + 1
            json_types[at:at] = ["number", "boolean"]
        out["type"] = json_types[0] if len(json_types) == 1 else json_types
    if "allowed" in rules:
        out["enum"] = list(rules["allowed"])
    if rules.get("empty") is False:  # each keyword constrains only the values of its own type
        if "string" in names:
            out["minLength"] = 1
        if "list" in names:
            out["minItems"] = 1
    if "minlength" in rules:
        out["minItems" if "list" in names else "minLength"] = rules["minlength"]
    if "min" in rules:
        out["minimum"] = rules["min"]
    if "max" in rules:
        out["maximum"] = rules["max"]
    if "regex" in rules:
        out["pattern"] = _anchored(rules["regex"])
    if "schema" in rules:
        if "dict" in names:
            out.update(_mapping(rules["schema"]))
        else:
            out["items"] = convert(rules["schema"])
    if "keysrules" in rules:
        out["propertyNames"] = convert(rules["keysrules"])
    if "valuesrules" in rules:
        out["additionalProperties"] = convert(rules["valuesrules"])
    return out


def describe_reference(kinds: tuple[str, ...], many: bool = False) -> str:
    """The description of a reference field accepting ``kinds``, ``many`` when it may be a
    list: `Reference to a person or team: its id, or kind:id such as 'person:<id>'.`"""
    words = f"{', '.join(kinds[:-1])} or {kinds[-1]}" if len(kinds) > 1 else kinds[0]
    article = "an" if words[:1] in "aeiou" else "a"
    what = "Reference" + (" (or a list of references)" if many else "")
    return (f"{what} to {article} {words}: its id, or kind:id such as "
            f"'{kinds[0]}:<id>'.")


def _anchored(pattern: str) -> str:
    """A cerberus pattern as JSON Schema's: the whole value. orglint's patterns end in Python's
    ``\\Z`` (the very end), which is ``$`` in JSON Schema's dialect (ECMA-262, where ``$``
    never matches before a final newline); JSON Schema searches, so the anchors are explicit."""
    pattern = pattern.replace(r"\Z", "$")
    if pattern.startswith("^") and pattern.endswith("$"):
        return pattern
    return f"^(?:{pattern})$"
