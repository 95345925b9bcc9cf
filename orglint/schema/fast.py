"""A fast acceptance check compiled from the cerberus schema, so valid entities skip cerberus.

cerberus is the single source of truth for the format and the only source of messages, but it
costs tens of microseconds per field. ``compile_fields`` turns the same schema dict into one
generated function per field table that answers "certainly valid" or "ask cerberus" (the source
is built from the schema dict alone, never from input): every answer of True is one cerberus
would give (exact Python types, no ``None``, an empty value only where no rule refuses it, no
rule it does not know), and anything unsure is handed to cerberus, whose verdict stands.
``failing_part`` cuts a document down to the sections and entities cerberus has to look at;
paths inside them are unchanged.
"""

from __future__ import annotations

import datetime
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
    "date": (datetime.date,),  # as the loader builds it; cerberus accepts any subclass
}
_KNOWN_RULES = frozenset({"type", "empty", "allowed", "regex", "min", "max", "minlength",
                          "schema", "keysrules", "valuesrules", "required", "meta", "nullable"})


_SIZED = frozenset({str, list, dict})


def compile_rules(rules: dict[str, Any]) -> Check:
    """A check of one value against one field's rules, one generated expression: True only
    when cerberus surely accepts the value, False when cerberus has to decide."""
    namespace: dict[str, Any] = {"_SIZED": _SIZED, "date": datetime.date}
    source = _expression(rules, "v", namespace)
    check: Check = eval(f"lambda v: bool({source})", namespace)  # built from the schema only
    return check


def _expression(rules: dict[str, Any], var: str, namespace: dict[str, Any]) -> str:
    """Python source, true only where cerberus surely accepts ``var`` ("False" when unsure)."""
    if not set(rules) <= _KNOWN_RULES:
        return "False"
    names = rules.get("type")
    names = [names] if isinstance(names, str) else list(names or ())
    if not names or any(name not in _TYPES for name in names):
        return "False"
    classes = sorted({cls for name in names for cls in _TYPES[name]}, key=lambda c: c.__name__)

    def const(value: Any) -> str:
        name = f"_c{len(namespace)}"
        namespace[name] = value
        return name

    def only(cls: type, test: str) -> str:
        """``test`` where ``var`` is a ``cls``: the type test is implied when it is the only one."""
        return test if classes == [cls] else f"(type({var}) is not {cls.__name__} or {test})"

    parts = ["(" + " or ".join(f"type({var}) is {cls.__name__}" for cls in classes) + ")"]
    sized = bool(_SIZED & set(classes))
    # an empty value: `empty: False` refuses it; `empty: True` skips allowed, regex and
    # minlength for it; without `empty` every rule applies as to any other value
    skipped_when_empty = []
    if sized and "empty" in rules and not rules["empty"]:
        parts.append(var if set(classes) <= _SIZED else f"({var} or type({var}) not in _SIZED)")
    collections = {list, dict} & set(classes)
    if "allowed" in rules:
        if collections:
            return "False"
        skipped_when_empty.append(f"{var} in {const(frozenset(rules['allowed']))}")
    if "regex" in rules:
        # the whole value (cerberus adds `$` to a pattern without one; orglint's end in \Z)
        match = const(re.compile(rules["regex"]).fullmatch)
        skipped_when_empty.append(only(str, f"{match}({var}) is not None"))
    if "min" in rules or "max" in rules:
        if not set(classes) <= {int, float}:
            return "False"
        if rules.get("min") is not None:
            parts.append(f"{var} >= {const(rules['min'])}")
        if rules.get("max") is not None:
            parts.append(f"{var} <= {const(rules['max'])}")
    if "minlength" in rules:  # a length, of a value that has one
        length = f"len({var}) >= {const(rules['minlength'])}"
        skipped_when_empty.append(
            length if set(classes) <= _SIZED else f"(type({var}) not in _SIZED or {length})")
    if skipped_when_empty and sized and rules.get("empty"):
        parts.append(f"(type({var}) in _SIZED and not {var} or "
                     + " and ".join(skipped_when_empty) + ")")
    else:
        parts.extend(skipped_when_empty)
    inner = rules.get("schema")
    item = f"i{len(namespace)}"
    if inner is not None:
        if collections == {dict}:
            parts.append(only(dict, f"{const(compile_fields(inner))}({var})"))
        elif collections == {list}:
            each = _expression(inner, item, namespace)
            parts.append(only(list, f"all({each} for {item} in {var})"))
        else:
            return "False"
    # cerberus applies keysrules and valuesrules to a mapping only
    if "keysrules" in rules:
        each = _expression(rules["keysrules"], item, namespace)
        parts.append(only(dict, f"all({each} for {item} in {var})"))
    if "valuesrules" in rules:
        each = _expression(rules["valuesrules"], item, namespace)
        parts.append(only(dict, f"all({each} for {item} in {var}.values())"))
    if rules.get("nullable"):  # cerberus accepts None there and drops every other rule
        return f"({var} is None or " + " and ".join(parts) + ")"
    return "(" + " and ".join(parts) + ")"


def compile_fields(table: dict[str, Any]) -> Check:
    """A check of a mapping against a field table: True only when it is a dict, every field
    is known and surely valid, and every required field is there; False means ask cerberus.
    One generated function: a branch per field, no call per value."""
    namespace: dict[str, Any] = {"_SIZED": _SIZED, "date": datetime.date}
    lines = ["def check(value):",
             "    if type(value) is not dict:",
             "        return False",
             "    for name, v in value.items():"]
    for number, (name, rules) in enumerate(table.items()):
        lines.append(f"        {'elif' if number else 'if'} name == {name!r}:")
        lines += _field_lines(rules, namespace)
    lines += (["        else:  # a field the table does not know", "            return False"]
              if table else ["        return False"])
    required = [f"{name!r} in value" for name, rules in table.items() if rules.get("required")]
    lines.append(f"    return {' and '.join(required) or 'True'}")
    exec("\n".join(lines), namespace)  # built from the schema only
    check: Check = namespace["check"]
    return check


def _field_lines(rules: dict[str, Any], namespace: dict[str, Any]) -> list[str]:
    """The body of a field's branch: return False unless cerberus surely accepts ``v``. The
    items of a list are checked in a loop of their own, not in a generator per list."""
    items = rules.get("schema") if rules.get("type") == "list" and not rules.get("nullable") else None
    if not items:
        return [f"            if not {_expression(rules, 'v', namespace)}:",
                "                return False"]
    outer = {rule: value for rule, value in rules.items() if rule != "schema"}
    return [f"            if not {_expression(outer, 'v', namespace)}:",
            "                return False",
            "            for i in v:",
            f"                if not {_expression(items, 'i', namespace)}:",
            "                    return False"]


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
