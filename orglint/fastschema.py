"""A fast acceptance check compiled from the cerberus schema, so valid entities skip cerberus.

cerberus is the single source of truth for the format and the only source of messages, but it
costs tens of microseconds per field. ``compile_fields`` turns the same schema dict into plain
closures that answer "certainly valid" or "ask cerberus": every answer of True is one cerberus
would give (exact Python types, no ``None``, no empty values, no rule it does not know), and
anything unsure is handed to cerberus, whose verdict stands. ``failing_part`` cuts a document
down to the sections and entities cerberus has to look at; paths inside them are unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "integer": (int,),  # cerberus accepts bool as integer: exact `int` is the sure subset
    "number": (int, float),
    "dict": (dict,),
    "list": (list,),
}
_KNOWN_RULES = frozenset({"type", "empty", "allowed", "regex", "min", "max", "minlength",
                          "schema", "keysrules", "valuesrules", "required", "meta"})


def _unsure(value: Any) -> bool:
    return False


def compile_rules(rules: dict[str, Any]) -> Check:
    """A check of one value against one field's rules."""
    if not set(rules) <= _KNOWN_RULES:
        return _unsure
    names = rules.get("type")
    names = [names] if isinstance(names, str) else list(names or ())
    if not names or any(name not in _TYPES for name in names):
        return _unsure
    classes = frozenset(cls for name in names for cls in _TYPES[name])
    tests: list[Check] = []
    if "allowed" in rules:
        allowed = frozenset(rules["allowed"])
        tests.append(lambda v: not isinstance(v, (list, dict)) and v in allowed)
    if "regex" in rules:
        pattern = rules["regex"]
        match = re.compile(pattern if pattern.endswith("$") else pattern + "$").match
        tests.append(lambda v: not isinstance(v, str) or match(v) is not None)
    if "min" in rules or "max" in rules:
        low, high = rules.get("min"), rules.get("max")
        tests.append(lambda v: (low is None or v >= low) and (high is None or v <= high))
    if "minlength" in rules:
        least = rules["minlength"]
        tests.append(lambda v: len(v) >= least)
    inner = rules.get("schema")
    if inner is not None:
        if "dict" in names and "list" not in names:
            mapping = compile_fields(inner)
            tests.append(lambda v: type(v) is not dict or mapping(v))
        elif "list" in names and "dict" not in names:
            item = compile_rules(inner)
            tests.append(lambda v: type(v) is not list or all(item(i) for i in v))
        else:
            return _unsure
    if "keysrules" in rules or "valuesrules" in rules:
        keys = compile_rules(rules["keysrules"]) if "keysrules" in rules else None
        values = compile_rules(rules["valuesrules"]) if "valuesrules" in rules else None
        tests.append(lambda v: (keys is None or all(keys(k) for k in v))
                     and (values is None or all(values(i) for i in v.values())))
    sized = classes & {str, list, dict}

    def check(value: Any) -> bool:
        cls = type(value)
        if cls not in classes:
            return False
        if cls in sized and not value:  # empty values drop and add cerberus rules: ask it
            return False
        return all(test(value) for test in tests)

    return check


def compile_fields(table: dict[str, Any]) -> Check:
    """A check of a mapping against a field table, unknown fields refused."""
    fields = {name: compile_rules(rules) for name, rules in table.items()}
    required = tuple(name for name, rules in table.items() if rules.get("required"))

    def check(value: Any) -> bool:
        if type(value) is not dict:
            return False
        for name, item in value.items():
            test = fields.get(name)
            if test is None or not test(item):
                return False
        return all(name in value for name in required)

    return check


def compile_document(table: dict[str, Any]) -> Callable[[dict[str, Any]], dict[str, Any] | None]:
    """``failing_part(data)``: None when every section is surely valid, else the sub-document
    (same keys, same paths, same order) holding each section or entity that needs cerberus."""
    whole = {name: compile_rules(rules) for name, rules in table.items()}
    entity_sections = {
        name: (compile_rules(rules["keysrules"]), compile_rules(rules["valuesrules"]))
        for name, rules in table.items()
        if set(rules) == {"type", "keysrules", "valuesrules"} and rules["type"] == "dict"
    }

    def failing_part(data: dict[str, Any]) -> dict[str, Any] | None:
        part: dict[str, Any] = {}
        for name, value in data.items():
            per_entity = entity_sections.get(name)
            if per_entity is not None and type(value) is dict and value:
                check_id, check_entity = per_entity
                bad = {ident: entity for ident, entity in value.items()
                       if not (check_id(ident) and check_entity(entity))}
                if bad:
                    part[name] = bad
                continue
            test = whole.get(name)
            if test is None or not test(value):
                part[name] = value
        return part or None

    return failing_part
