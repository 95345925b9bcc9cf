"""The fast schema check (orglint.schema.fast) is only ever sure where cerberus accepts: for every
rule set of the org schema, for rule sets built to mix ``empty`` with the rules it skips, and for
the empty values that used to send a valid entity to cerberus."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from cerberus import SchemaError, Validator

from orglint.load.documents import load_bytes
from orglint.schema import org
from orglint.schema.fast import compile_fields, compile_rules

EMPTIES: list[Any] = [[], {}, ""]
TRICKY: list[Any] = [
    *EMPTIES, [""], [None], [[]], [{}], [[""]], {"": ""}, {"x": []}, {"x": {}}, {"activity": ""},
    {"activity": "review", "R": []}, {"protocol": ""}, " ", "\n", "x", "sales", "PT4H", "weekly",
    "low", ["x"], ["x", ""], 0, 1, 0.0, 0.5, 2, float("nan"), False, True, None,
]


def rule_sets(table: dict[str, Any], path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every field's rule set in a field table, nested ones (list items, keys, values) too."""
    for name, rules in table.items():
        yield from _with_inner(f"{path}{name}", rules)


def _with_inner(path: str, rules: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    yield path, rules
    inner = rules.get("schema")
    if isinstance(inner, dict) and rules.get("type") == "dict":
        yield from rule_sets(inner, f"{path}.")
    elif isinstance(inner, dict):
        yield from _with_inner(f"{path}[]", inner)
    for rule in ("keysrules", "valuesrules"):
        if rule in rules:
            yield from _with_inner(f"{path}<{rule}>", rules[rule])


def cerberus_accepts(rules: dict[str, Any], value: Any) -> bool:
    return bool(Validator({"f": rules}).validate({"f": value}, normalize=False))


ORG_RULE_SETS = list(rule_sets(org.DOCUMENT_SCHEMA))


@pytest.mark.parametrize(("path", "rules"), ORG_RULE_SETS, ids=[p for p, _ in ORG_RULE_SETS])
def test_the_fast_check_is_sure_of_a_tricky_value_only_where_cerberus_accepts_it(path, rules):
    """As one value (``compile_rules``) and as a field of a mapping (``compile_fields``, where
    a list's items are checked in a loop of their own); an empty value is sure exactly where
    cerberus accepts it, so no valid empty list or text is handed to cerberus."""
    single, field = compile_rules(rules), compile_fields({"f": rules})
    for value in TRICKY:
        sure = single(value)
        assert sure == field({"f": value}), value
        accepted = cerberus_accepts(rules, value)
        if sure:
            assert accepted, value
        if value in EMPTIES:
            assert sure == accepted, value


def _built_rule_sets() -> Iterator[dict[str, Any]]:
    """Types crossed with ``empty`` (none, True, False), ``nullable`` and each other rule."""
    types: list[Any] = ["string", "list", "dict", ["string", "list"], ["integer", "string"],
                        "integer", "number", "boolean"]
    others: list[dict[str, Any]] = [
        {}, {"allowed": ["a", "b", ""]}, {"allowed": ["a"]}, {"regex": r"^[a-z]*\Z"},
        {"regex": r"^[a-z]+\Z"}, {"minlength": 1}, {"minlength": 0}, {"min": 0, "max": 1},
        {"schema": {"type": "string", "empty": False}}, {"schema": {"type": "string"}},
        {"schema": {"x": {"type": "list", "required": True}}}, {"schema": {"x": {"type": "list"}}},
        {"keysrules": {"type": "string", "regex": r"^[a-z]+\Z"}},
        {"valuesrules": {"type": "list", "empty": False}},
    ]
    for kind, empty, nullable, other in itertools.product(
            types, (None, True, False), (None, True), others):
        inner = other.get("schema", {})
        if inner and ("list" in kind) != ("type" in inner):  # a list's items, a mapping's fields
            continue
        rules = {"type": kind, **other}
        if empty is not None:
            rules["empty"] = empty
        if nullable is not None:
            rules["nullable"] = nullable
        yield rules


def test_empty_and_the_rules_it_skips_are_compiled_as_cerberus_applies_them():
    """``empty: False`` refuses an empty value; ``empty: True`` skips allowed, regex and
    minlength for it; without ``empty`` every rule applies to it as to any other value."""
    sure_empties = 0
    for rules in _built_rule_sets():
        try:
            validator = Validator({"f": rules})
        except SchemaError:
            continue
        single, field = compile_rules(rules), compile_fields({"f": rules})
        for value in TRICKY:
            sure = single(value)
            assert sure == field({"f": value}), (rules, value)
            if sure:
                assert validator.validate({"f": value}, normalize=False), (rules, value)
                sure_empties += value in EMPTIES
    assert sure_empties > 100  # the check is sure of many empty values, not of none


@pytest.mark.parametrize("extra", [
    "    downstream: []\n",
    "    rewards: []\n    downstream: [sales]\n",
    "    name: ''\n    description: ''\n",
])
def test_a_valid_entity_with_an_empty_list_or_text_no_longer_reaches_cerberus(extra):
    """A list or text field without ``empty`` or ``minlength`` (a metric's ``downstream: []``)
    takes an empty value: cerberus accepts it, so the fast check is sure of it."""
    text = f"metrics:\n  lead-time:\n    type: outcome\n    owner: sales\n{extra}"
    doc = load_bytes(text.encode(), "org.yaml").documents[0]
    assert org._get_failing_part()(doc.data) is None
    assert Validator(org.DOCUMENT_SCHEMA).validate(doc.data, normalize=False)
    assert org.validate(doc) == []


@pytest.mark.parametrize("text", [
    "teams:\n  sales:\n    lead: []\n",  # empty: False
    "journeys:\n  onboarding:\n    path: []\n",  # minlength: 1
    "handoffs:\n  a-to-b: {}\n",  # required fields
    "reviews:\n  weekly:\n    cadence: ''\n",  # the regex refuses empty text
    "handoffs:\n  a-to-b: {from: a, to: b, complexity: ''}\n",  # not an allowed value
])
def test_an_empty_value_a_rule_refuses_still_goes_to_cerberus(text):
    doc = load_bytes(text.encode(), "org.yaml").documents[0]
    part = org._get_failing_part()(doc.data)
    assert part == doc.data
    assert org.validate(doc)
