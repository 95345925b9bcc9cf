"""hypothesis strategies for whole orgs and configs, derived from orglint's own schema tables.

A field's rules (``orglint.schema.org.ENTITY_SCHEMAS``, ``orglint.schema.config.CONFIG_SCHEMA``)
give its strategy: a reference draws from a small pool of ids (so most resolve and the rules
have something to judge) or, rarely, a near miss; ``allowed`` draws from the allowed values; a
``regex`` from the pattern. One value in twenty is of any YAML type instead, so the schema's own
error paths run too. ``generated_inputs`` draws a batch of ``Input``s with a fixed seed.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

import yaml
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from orglint.schema.config import CONFIG_SCHEMA, WAIVER_RECORD
from orglint.schema.org import ENTITY_SCHEMAS, ORG_SCHEMA, SECTIONS

from .corpus import CONFIG, Input
from .mutate import ARGVS

IDS = {kind: [f"{kind[:2]}{n}" for n in range(4)] for kind in SECTIONS.values()}
IDS["person"] = ["ana", "leo", "maya", "dan", "carla"]
IDS["team"] = ["sales", "delivery", "billing", "support"]
CODES = ["ORG001", "ORG002", "ORG003", "ORG006", "BND001", "BND002", "BND003", "GOV001", "GOV003",
         "INC001", "CTX001", "RAC001", "FBK001", "WVR001", "ALL", "GOV", "handoff-owner", "NOPE"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20),
    st.dates(), st.sampled_from(["", "~", "yes", "1e400", "2026-07-31", "sales", "team:sales"]))
any_value = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)),
    max_leaves=8)
text = st.one_of(st.text(max_size=30), st.sampled_from(["Sales", "Maya Chen", "2026-07-31", "1984",
                                                           "a: b", "# orglint: disable=ORG002"]))


def _id(kinds: tuple[str, ...]) -> st.SearchStrategy[str]:
    pool = [ident for kind in kinds for ident in IDS.get(kind, [])]
    near = st.sampled_from(pool).map(lambda ident: ident[:-1] or "x")
    prefixed = st.sampled_from([f"{kind}:{ident}" for kind in kinds for ident in IDS.get(kind, [])])
    return st.one_of(st.sampled_from(pool), st.sampled_from(pool), st.sampled_from(pool),
                     near, prefixed)


def for_rules(rules: dict[str, Any]) -> st.SearchStrategy[Any]:
    """A strategy for one cerberus rule set: values that mostly pass it, one in twenty of
    any type."""
    return st.one_of(*[_typed(rules)] * 19, any_value)


def _typed(rules: dict[str, Any]) -> st.SearchStrategy[Any]:
    types = rules.get("type")
    kinds = (rules.get("meta") or {}).get("ref")
    if "allowed" in rules:
        return st.sampled_from(list(rules["allowed"]))
    if types == "string" or (isinstance(types, list) and "string" in types and not kinds):
        if kinds:
            return _id(tuple(kinds))
        if "regex" in rules:
            return st.from_regex(rules["regex"], fullmatch=True)
        return text
    if isinstance(types, list) and kinds:  # one reference or a list of them
        return st.one_of(_id(tuple(kinds)), st.lists(_id(tuple(kinds)), min_size=1, max_size=3))
    if types == "list":
        item = for_rules(rules.get("schema", {"type": "string"}))
        return st.lists(item, min_size=rules.get("minlength", 0), max_size=4)
    if types == "dict":
        if "schema" in rules:
            return fields(rules["schema"])
        if "valuesrules" in rules:
            return st.dictionaries(st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True),
                                   for_rules(rules["valuesrules"]), max_size=3)
        return st.dictionaries(st.text(max_size=8), any_value, max_size=3)
    if types == "boolean":
        return st.booleans()
    if types == "number":
        return st.one_of(st.floats(rules.get("min"), rules.get("max")), st.sampled_from([0, 1]))
    if types == "integer":
        return st.integers()
    if types == "date":
        return st.one_of(st.dates(), st.dates().map(str))
    return any_value


def fields(schema: dict[str, dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """A mapping with each required field and any of the optional ones, and rarely an
    unknown key."""
    required = {name: for_rules(rules) for name, rules in schema.items() if rules.get("required")}
    optional = {name: for_rules(rules) for name, rules in schema.items() if not rules.get("required")}
    mapping = st.fixed_dictionaries(required, optional=optional)
    return st.one_of(*[mapping] * 9, st.tuples(mapping, st.sampled_from(["nmae", "onwer"]),
                                                          any_value).map(lambda t: {**t[0], t[1]: t[2]}))


def _section(section: str) -> st.SearchStrategy[dict[str, Any]]:
    kind = SECTIONS[section]
    ids = st.one_of(st.sampled_from(IDS[kind]), st.sampled_from(IDS[kind]),
                    st.from_regex(r"[a-zA-Z0-9._ -]{1,6}", fullmatch=True))
    return st.dictionaries(ids, fields(ENTITY_SCHEMAS[section]), max_size=4)


orgs = st.fixed_dictionaries({}, optional={
    "org": fields(ORG_SCHEMA), **{section: _section(section) for section in SECTIONS}})

_CONFIG_RULES = dict(CONFIG_SCHEMA)
for _key in ("evidence", "sources", "plugins", "cache_dir", "baseline", "include"):
    _CONFIG_RULES.pop(_key)  # event logs, other files and cache folders: the mutators' job
configs = st.fixed_dictionaries({}, optional={
    **{key: for_rules(rules) for key, rules in _CONFIG_RULES.items()},
    "select": st.lists(st.sampled_from(CODES), max_size=3),
    "ignore": st.lists(st.sampled_from(CODES), max_size=3),
    "rules": st.dictionaries(st.sampled_from(CODES), for_rules(CONFIG_SCHEMA["rules"]["valuesrules"]),
                             max_size=2),
    "waivers": st.lists(st.fixed_dictionaries(
        {"rule": st.sampled_from(CODES),
         "target": st.sampled_from([f"{k}:{i}" for k, ids in IDS.items() for i in ids])},
        optional={key: for_rules(rules) for key, rules in WAIVER_RECORD.items()
                  if key not in ("rule", "target")}), max_size=2),
})


@st.composite
def inputs(draw: st.DrawFn) -> Input:
    """An org split over one to three files (maybe as ``---`` documents), a config as
    orglint.yaml or pyproject.toml (or none), and a command line."""
    org = draw(orgs)
    sections = list(org.items())
    parts = draw(st.integers(1, 3))
    files: dict[str, bytes] = {}
    style = draw(st.sampled_from([None, False, True]))
    unicode = draw(st.booleans())
    documents = draw(st.booleans())
    for index in range(parts):
        chunk = dict(sections[index::parts])
        if documents and len(chunk) > 1:
            body = "".join("---\n" + _dump(dict([item]), style, unicode) for item in chunk.items())
        else:
            body = _dump(chunk, style, unicode) if chunk else ""
        files[f"part{index}.yaml"] = body.encode("utf-8", "surrogatepass")
    config = draw(st.one_of(st.none(), configs))
    if config is not None:
        if draw(st.booleans()):
            files[CONFIG] = _dump(config, style, unicode).encode("utf-8", "surrogatepass")
        else:
            files["pyproject.toml"] = toml_config(config).encode("utf-8", "surrogatepass")
    argv = draw(st.sampled_from([argv for argv, _ in ARGVS]))
    return Input(files, argv, origin="hypothesis")


def _dump(value: Any, style: bool | None, unicode: bool) -> str:
    return yaml.safe_dump(value, default_flow_style=style, allow_unicode=unicode, sort_keys=False)


def toml_config(config: dict[str, Any]) -> str:
    """``config`` as ``[tool.orglint]`` in a pyproject.toml; values TOML cannot hold (None,
    mixed lists) are written as strings."""
    lines = ["[project]", 'name = "ops"', "", "[tool.orglint]"]
    tables = []
    for key, value in config.items():
        if isinstance(value, dict):
            tables.append((key, value))
        else:
            lines.append(f"{_toml_key(key)} = {_toml(value)}")
    for key, value in tables:
        lines.append(f"{_toml_key(key)} = {_toml(value)}")
    return "\n".join(lines) + "\n"


def _toml_key(key: Any) -> str:
    return json.dumps(str(key), ensure_ascii=False)


def _toml(value: Any, inside: frozenset[int] = frozenset()) -> str:
    """A value as TOML; a list or mapping inside itself (a YAML alias of its own anchor,
    ``&a {expires: *a}``), which TOML cannot hold, as a string. ``inside`` holds the ids of
    the lists and mappings being written around it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)) and value == value and abs(value) != float("inf"):
        return repr(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (list, dict)):
        if id(value) in inside:
            return json.dumps(str(value), ensure_ascii=False)
        inside = inside | {id(value)}
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item, inside) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml(v, inside)}"
                               for k, v in value.items()) + "}"
    return json.dumps("" if value is None else str(value), ensure_ascii=False)


def generated_inputs(batch_seed: int, count: int) -> list[Input]:
    """``count`` inputs drawn by hypothesis with ``batch_seed``: the same list every time."""
    drawn: list[Input] = []

    @settings(max_examples=count, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @seed(batch_seed)
    @given(inputs())
    def draw(item: Input) -> None:
        drawn.append(item)

    draw()
    return drawn[:count]
