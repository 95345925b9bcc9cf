"""Rule documentation: the examples inside a rule's docstring, so tests keep them honest."""

from __future__ import annotations

import re
from typing import Any

from orglint.registry import Rule

_EXAMPLE = re.compile(r"^(Fails|Passes):\s*\n\s*```yaml\n(.*?)```", re.S | re.M)
_LOG = re.compile(r"^(Fails|Passes):\s*\n\s*```yaml\n.*?```\s*\n\s*```csv\n(.*?)```", re.S | re.M)
# how the evidence rules' examples read the CSV log under each example
EXAMPLE_EVIDENCE = "evidence: {min_support: 1, k: 1, logs: [{path: events.csv, journey: incident}]}\n"


def examples(item: Rule) -> dict[str, str]:
    """``{"Fails": yaml, "Passes": yaml}`` from the rule's documentation: the fenced ``yaml``
    block after each heading; a heading the documentation lacks is absent."""
    return {kind: body for kind, body in _EXAMPLE.findall(item.doc)}


def example_logs(item: Rule) -> dict[str, str]:
    """``{"Fails": csv, "Passes": csv}``: the event log under each example, for EVD rules."""
    return {kind: body for kind, body in _LOG.findall(item.doc)}


def catalog_markdown(rules: list[Rule]) -> str:
    """The text of docs/rules.md: a table of ``rules``, then each rule (in the given order,
    grouped by area) with its severity, stage, options and documentation."""
    lines = [
        "# Rule catalog",
        "",
        "Generated from the rules' own documentation by `python -m orglint.docs > docs/rules.md`;",
        "a test fails when this file and the code disagree. `orglint rule CODE` prints one entry.",
        "",
        "| Code | Name | Severity | Blocks stage | Options (defaults) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for item in rules:
        defaults = ", ".join(f"`{k}={v}`" for k, v in item.defaults.items()) or "-"
        lines.append(f"| [{item.code}](#{item.code.lower()}-{item.name}) | {item.name} | "
                     f"{item.severity} | {item.blocks_stage} | {defaults} |")
    area = None
    for item in rules:
        if item.area != area:
            area = item.area
            lines += ["", f"## {area}"]
        lines += ["", f"### {item.code} {item.name}", "",
                  f"Severity **{item.severity}**, blocks stage {item.blocks_stage}."]
        if item.options:
            described = (f"`{key}` (default `{spec['default']}`)"
                         for key, spec in item.options.items())
            lines.append("Options: " + ", ".join(described) + ".")
        lines += ["", item.doc]
    return "\n".join(lines) + "\n"


FORMAT_INTRO = """# The org format (version 1)

Generated from the schema orglint validates with (`python -m orglint.docs format`); a test
fails when this file and the code disagree.

An org is the union of every YAML file orglint is pointed at (files, folders, or the config's
`include` globs). A file is a mapping whose top-level keys are sections; a file may hold one
section or all of them, and `---` documents are allowed. Each section maps an id to an entity.
Ids match `^[a-z0-9][a-z0-9._-]*$` and are unique per kind across all files. A reference is a
bare id; the field knows which kinds it accepts. Where a field accepts several kinds and the id
exists in more than one of them, write `kind:id` (`journey:onboarding`); an ambiguous bare id is
an error that says so. Context items (`context`, `carries`, `holds`) are free labels that only
have to match each other; `protocol` is free text. Durations are `30m`, `4h`, `2d`, `1w` or
ISO-8601 (`PT4H`). YAML 1.2 rules apply: `no` is the string "no", not false. A value in a
text field (`string` below) is its text as written: `name: 1984` is the text "1984".

Top-level keys: `version` (optional, `1`), `org` (`name`, `description`, `url`), and the sections
below.
"""


def format_markdown() -> str:
    """The text of docs/format.md: every section and field, from ``orglint.schema.org``."""
    from orglint.schema.org import ENTITY_SCHEMAS, SECTIONS

    lines = [FORMAT_INTRO]
    for section, fields in ENTITY_SCHEMAS.items():
        lines += [f"## `{section}` (kind `{SECTIONS[section]}`)", "",
                  "| Field | Type | Required | Values or references |", "| --- | --- | --- | --- |"]
        lines += [_field_row(name, rules) for name, rules in _walk_fields(fields)]
        lines.append("")
    return "\n".join(lines)


def _walk_fields(fields: dict[str, Any], prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    rows = []
    for name, rules in fields.items():
        rows.append((prefix + name, rules))
        inner = rules.get("schema")
        if rules.get("type") == "list" and isinstance(inner, dict) and inner.get("type") == "dict":
            rows += _walk_fields(inner["schema"], f"{prefix}{name}[].")
        elif rules.get("type") == "dict" and isinstance(inner, dict):
            rows += _walk_fields(inner, f"{prefix}{name}.")
    return rows


def _field_row(name: str, rules: dict[str, Any]) -> str:
    from orglint.schema.org import CADENCE_PATTERN, CADENCE_SPELLINGS, CADENCES

    kind = rules.get("type", "any")
    kind = " or ".join(kind) if isinstance(kind, list) else kind
    given = rules.get("schema")
    inner: dict[str, Any] = given if isinstance(given, dict) else {}
    meta = rules.get("meta") or inner.get("meta") or {}
    if kind == "list" and inner.get("type") and inner.get("type") != "dict":
        kind = f"list of {inner['type']}"
    values = ""
    if "allowed" in rules:
        values = " \\| ".join(f"`{value}`" for value in rules["allowed"])
    elif meta.get("ref"):
        values = "reference to " + " or ".join(meta["ref"])
    elif "min" in rules or "max" in rules:
        values = f"{rules.get('min', '')}..{rules.get('max', '')}"
    elif rules.get("regex") == CADENCE_PATTERN:
        values = (" \\| ".join(f"`{value}`" for value in CADENCES)
                  + " (any case; also " + ", ".join(f"`{spelling}`" for spelling in CADENCE_SPELLINGS)
                  + ")")
    elif "regex" in rules:
        values = "duration"
    elif "valuesrules" in rules:
        kinds = ((rules["valuesrules"].get("meta") or {}).get("ref") or ())
        values = "name -> reference(s) to " + " or ".join(kinds)
    required = "yes" if rules.get("required") else ""
    return f"| `{name}` | {kind} | {required} | {values} |"


if __name__ == "__main__":  # pragma: no cover - exercised by tests/test_docs.py
    import sys

    if sys.argv[1:] == ["format"]:
        sys.stdout.write(format_markdown())
    else:
        from orglint.plugins import build_registry, make_manager

        sys.stdout.write(catalog_markdown(list(build_registry(make_manager()))))
