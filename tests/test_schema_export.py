"""`orglint schema`: the JSON Schema generated from orglint.schema.org accepts what orglint accepts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from orglint.commands import main
from orglint.load.documents import load_file, load_text
from orglint.schema.jsonschema import ExportError, convert, document_schema, render
from orglint.schema.org import validate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*/"))
EXAMPLE_FILES = sorted(
    path for folder in EXAMPLES for path in folder.rglob("*.yaml")
    if path.name != "orglint.yaml" and "drafts" not in path.parts
)


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(render())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_every_example_is_covered() -> None:
    assert [folder.name for folder in EXAMPLES] == [
        "harbor-health", "incident-desk", "kestrel-freight", "northwind-services"]
    assert len(EXAMPLE_FILES) >= 30


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_example_file_is_valid(validator: Any, path: Path) -> None:
    loaded = load_file(str(path))
    assert loaded.problems == []
    for doc in loaded.documents:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc.data)]
        assert errors == []


BROKEN = [
    # (document, the JSON path jsonschema reports, the validator keyword that fails)
    ("teams:\n  sales:\n    nmae: Sales\n", ["teams", "sales"], "additionalProperties"),
    ("teams:\n  Sales:\n    name: Sales\n", ["teams"], "pattern"),  # under propertyNames
    ("handoffs:\n  a-to-b:\n    from: a\n", ["handoffs", "a-to-b"], "required"),
    ("teams:\n  sales:\n    layer: middle\n", ["teams", "sales", "layer"], "enum"),
    ("handoffs:\n  h:\n    from: a\n    to: b\n    exception_rate: 1.5\n",
     ["handoffs", "h", "exception_rate"], "maximum"),
    ("handoffs:\n  h:\n    from: a\n    to: b\n    sla:\n      complete: soon\n",
     ["handoffs", "h", "sla", "complete"], "pattern"),
    ("journeys:\n  j:\n    path: []\n", ["journeys", "j", "path"], "minItems"),
    ("teams:\n  sales:\n    lead: ''\n", ["teams", "sales", "lead"], "minLength"),
    ("teams:\n  sales:\n    members: dan\n", ["teams", "sales", "members"], "type"),
    ("version: 2\n", ["version"], "enum"),
    ("staff:\n  dan: {}\n", [], "additionalProperties"),
    ("raci:\n  r:\n    activities:\n      - activity: sign\n        A: []\n",
     ["raci", "r", "activities", 0, "A"], "minItems"),
]


@pytest.mark.parametrize(("text", "where", "keyword"), BROKEN)
def test_broken_documents_fail_both_schemas(validator: Any, text: str, where: list[Any],
                                            keyword: str) -> None:
    data = load_text(text, "broken.yaml").documents[0]
    errors = [(list(e.absolute_path), e.validator) for e in validator.iter_errors(data.data)]
    assert errors == [(where, keyword)]
    assert validate(data), "orglint's own schema must reject it too"


def test_references_say_which_kinds_they_accept() -> None:
    handoff = document_schema()["properties"]["handoffs"]["additionalProperties"]["properties"]
    assert handoff["owner"]["description"] == (
        "Reference to a person or team: its id, or kind:id such as 'person:<id>'.")
    assert handoff["from"]["description"] == (
        "Reference to a team: its id, or kind:id such as 'team:<id>'.")
    metric = document_schema()["properties"]["metrics"]["additionalProperties"]["properties"]
    assert metric["downstream"]["items"]["description"] == (
        "Reference to a team, journey or handoff: its id, or kind:id such as 'team:<id>'.")


def test_an_untranslated_cerberus_rule_is_an_error() -> None:
    with pytest.raises(ExportError, match="no JSON Schema for cerberus rule\\(s\\): coerce"):
        convert({"type": "string", "coerce": str})


def test_command_prints_the_same_bytes_every_time(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    first = capsys.readouterr().out
    assert main(["schema"]) == 0
    assert capsys.readouterr().out == first == render()
    head = json.loads(first)
    assert head["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert head["additionalProperties"] is False


# --- every pattern matches the whole value, in orglint and in the exported schema ----------


def _ecma_validator() -> Any:
    """A JSON Schema validator whose ``pattern`` is ECMA-262's, as an editor's is (Python's
    ``re`` reads ``$`` differently: it also matches before a final newline)."""
    import regress
    from jsonschema import validators
    from jsonschema.exceptions import ValidationError

    def pattern(validator: Any, regex: str, instance: Any, schema: Any) -> Any:
        if validator.is_type(instance, "string") and regress.Regex(regex, "u").find(instance) is None:
            yield ValidationError(f"{instance!r} does not match {regex!r}")

    ecma = validators.extend(jsonschema.Draft202012Validator, {"pattern": pattern})
    return ecma(json.loads(render()))


ADVERSARIAL = ["", " ", "\n", "\t", "\r\n", "\x00", "\x1c", "\u00a0", "\u2028", "\u3000",
               "\ufeff", "\u0661", "\uff53"]
FIELDS = {
    # where the value goes, and values that are valid as written
    "id": ("teams:\n  {v}: {{}}\n", ["sales", "a.b_c-d", "9"]),
    "role": ("people:\n  ana: {{}}\nteams:\n  t:\n    roles: {{{v}: ana}}\n", ["tech-lead"]),
    "duration": ("teams: {{a: {{}}}}\nhandoffs:\n  h: {{from: a, to: a, sla: {{complete: {v}}}}}\n",
                 ["4h", "1.5d", "PT4H", "P1W", "P", "PT", "P1WT"]),
    "cadence": ("reviews:\n  r: {{cadence: {v}}}\n",
                ["weekly", " Weekly ", "every  2 weeks", "bi-weekly", "WEEKLY", "fortnightly"]),
}
CASES = [(field, base + extra) for field, (_, bases) in FIELDS.items() for base in bases
         for extra in ["", *ADVERSARIAL]]
CASES += [(field, extra + base) for field, (_, bases) in FIELDS.items() for base in bases[:1]
          for extra in ADVERSARIAL]


@pytest.mark.parametrize(("field", "value"), CASES, ids=lambda item: json.dumps(item))
def test_orglint_and_the_exported_schema_agree_on_every_pattern(field: str, value: str) -> None:
    doc = load_text(FIELDS[field][0].format(v=json.dumps(value)), "x.yaml").documents[0]
    ecma = [error.message for error in _ECMA.iter_errors(doc.data)]
    orglint = [hit.message for hit in validate(doc)]
    assert bool(ecma) == bool(orglint), (ecma, orglint)


def test_an_id_that_ends_in_a_newline_is_refused_by_both() -> None:
    doc = load_text('teams:\n  "sales\\n": {}\n', "x.yaml").documents[0]
    assert [hit.message for hit in validate(doc)] == [
        "'sales\\n' is not a valid id: use lower-case letters, digits, '.', '_' and '-', "
        "starting with a letter or digit"]
    assert list(_ECMA.iter_errors(doc.data))


_ECMA = _ecma_validator()
