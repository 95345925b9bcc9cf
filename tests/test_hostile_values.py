"""Hostile values: numbers of any size, text no output can encode, every parser error path,
scalars in text and date fields. Each is a finding or a one-line error, never a crash, and
the same through the cache as without it."""

from __future__ import annotations

import datetime
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orglint.load.documents import load_text
from orglint.schema.org import validate

MAX_INT = 2**63 - 1  # the largest integer read as an int: a 64-bit one

FORMATS = ("text", "json", "sarif", "junit", "github", "gitlab", "markdown")


def check(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cli, text: str, *argv: str
          ) -> tuple[int, str, str]:
    (tmp_path / "org.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return cli("check", *argv, "org.yaml")


def findings(out: str) -> list[str]:
    return out.split("\n\n", 1)[0].splitlines()


# --- 1. numbers of any size ----------------------------------------------------------------

HUGE = "1" * 5000  # more digits than Python converts between text and int (4,300)
HUGE_ORG = (
    "people:\n"
    f"  ana: {{name: {HUGE}, founder: 0x{'f' * 5000}}}\n"
    "teams:\n"
    "  sales: {name: Sales, lead: ana, members: [ana]}\n"
    "  billing: {name: Billing, lead: ana, members: [ana]}\n"
    "handoffs:\n"
    f"  h: {{from: sales, to: billing, owner: ana, exception_rate: 1{'0' * 400}}}\n"
    f"  g: {{from: sales, to: billing, owner: ana, exception_rate: {HUGE}}}\n"
)


@pytest.mark.parametrize("cache", [("--no-cache",), ()], ids=["uncached", "cached"])
def test_numbers_of_any_size_are_findings_quoted_as_written(tmp_path, monkeypatch, cli, cache):
    code, out, err = check(tmp_path, monkeypatch, cli, HUGE_ORG, "--select", "ORG", *cache)
    assert (code, err) == (1, "")
    assert findings(out) == [
        "org.yaml:2:5026: ORG002 [error] person 'ana' field 'founder' must be a boolean, not "
        "0xffffffffffffffffff... (5,002 characters)",
        "org.yaml:7:61: ORG002 [error] handoff 'h' field 'exception_rate' must be at most 1, "
        "not 10000000000000000000... (401 characters)",
        "org.yaml:8:61: ORG002 [error] handoff 'g' field 'exception_rate' must be at most 1, "
        "not 11111111111111111111... (5,000 characters)",
    ]


def test_a_number_of_any_size_in_a_text_field_is_its_text(tmp_path, monkeypatch, cli):
    code, out, _ = check(tmp_path, monkeypatch, cli, HUGE_ORG, "--select", "ORG007", "--format", "json")
    assert code == 0
    assert HUGE not in out  # a person on a team: nothing to say
    doc = load_text(HUGE_ORG, "org.yaml").documents[0]
    validate(doc)
    assert doc.data["people"]["ana"]["name"] == HUGE


@pytest.mark.parametrize(("written", "value"), [
    (str(MAX_INT), MAX_INT),
    (str(-MAX_INT), -MAX_INT),
    (str(MAX_INT + 1), float(MAX_INT + 1)),
    ("0x7fffffffffffffff", MAX_INT),
    ("0o" + "7" * 30, float(int("7" * 30, 8))),
    (HUGE, math.inf),
    ("-" + HUGE, -math.inf),
    ("0x" + "f" * 5000, math.inf),
    ("1e400", math.inf),
])
def test_an_integer_beyond_64_bits_reads_as_a_float(written, value):
    data = load_text(f"n: {written}\n", "x.yaml").documents[0]
    assert data.data == {"n": value}
    assert type(data.data["n"]) is type(value)
    assert data.written == {("n",): written}


def test_a_nan_where_a_number_belongs_is_a_finding_and_no_rate(tmp_path, monkeypatch, cli):
    org = HUGE_ORG.split("handoffs:")[0] + (
        "handoffs:\n  h: {from: sales, to: billing, owner: ana, exception_rate: .nan}\n")
    code, out, _ = check(tmp_path, monkeypatch, cli, org, "--select", "ORG002,GOV004")
    assert code == 1
    assert findings(out) == [
        "org.yaml:2:5026: ORG002 [error] person 'ana' field 'founder' must be a boolean, not "
        "0xffffffffffffffffff... (5,002 characters)",
        "org.yaml:7:61: ORG002 [error] handoff 'h' field 'exception_rate' must be a number, "
        "not .nan",
    ]
    from orglint.engine.check import prepare
    org_model, _ = prepare([load_text(org, "org.yaml")])
    assert org_model.handoffs["h"].exception_rate is None  # a NaN is no rate


# --- 2. text that cannot be encoded --------------------------------------------------------

LONE = 'teams:\n  sales: {name: "Sales \\ud800"}\n"\\udc00x": 1\n'


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_lone_surrogate_is_a_finding_in_every_output(tmp_path, monkeypatch, cli, fmt):
    code, out, err = check(tmp_path, monkeypatch, cli, LONE, "--format", fmt, "--no-cache")
    assert (code, err) == (1, "")
    out.encode("utf-8")  # every output can be written
    assert "\\ud800" in out.replace("\\\\", "\\") and "\\udc00" in out.replace("\\\\", "\\")


def test_a_lone_surrogate_is_named_where_it_stands(tmp_path, monkeypatch, cli):
    code, out, _ = check(tmp_path, monkeypatch, cli, LONE, "--select", "ORG001,ORG002")
    assert code == 1
    lone = ("is half of a UTF-16 surrogate pair, not a character, and cannot be written as "
            "UTF-8: write the character itself, or its pair of escapes")
    assert findings(out) == [
        f"org.yaml:2:17: ORG001 [error] '\\ud800' {lone}",
        f"org.yaml:3:1: ORG001 [error] '\\udc00' {lone}",
        "org.yaml:3:1: ORG002 [error] unknown section '\ufffdx'; expected one of: decisions, "
        "handoffs, journeys, metrics, org, people, raci, reviews, systems, teams, version",
    ]


def test_an_escaped_surrogate_pair_is_its_character():
    loaded = load_text('teams:\n  sales: {name: "Sales \\ud83d\\ude00"}\n', "x.yaml")
    assert loaded.problems == []
    assert loaded.documents[0].data["teams"]["sales"]["name"] == "Sales \U0001f600"


# --- 3. every parser event and error path ----------------------------------------------------

RAW = ("expected", "but found", "but got", "while parsing", "while scanning", "<stream end>",
       "<block end>", "could not find", "found unexpected", "not allowed here")
BROKEN = [
    "x: [\n", "x: {\n", "x: [a, b\ny: 1\n", "x: {a: 1\ny: 2\n", "x: [a b]: c\n", 'x: "abc\n',
    'x: "a\\qb"\n', 'x: "\\xZZ"\n', "x: @a\n", "a: b: c\n", "a:\n  b: 1\n c: 2\n", "a:\n\tb: 1\n",
    "- a\nb: 1\n", "a: 1\n- b\n", "a: &\n", "a: *\n", "a: !x!y 1\n", "%YAML 1.3\n---\na: 1\n",
    "%YAML 2.0\n---\na: 1\n", "%YAML 1.2\n%YAML 1.2\n---\na: 1\n", "%FOO\na: 1\n",
    "%TAG !x! tag:x\n%TAG !x! tag:y\n---\na: 1\n", "a: 1\n... x\n", "a: |0\n  x\n",
    "a: |x\n  x\n", "a: >1 x\n  x\n", 'a: "x\n---\ny"\n', "a:\n  - b\n  c: 1\n", "[a, b]]\n",
    "a: [b, {c: d]\n", "a: !<x 1\n", "a: 1\nb\nc: 2\n", "a: -\n  - b\n", 'a: "\\u12"\n',
    "&a &b x\n", "a: 1\n\x07\n", "  a: 1\nb: 2\n", 'a: |\n    x\n  y\n', '"a" b: 1\n', "a: [b\n",
]


@pytest.mark.parametrize("text", BROKEN)
def test_every_syntax_error_is_one_line_in_orglints_words(text):
    loaded = load_text(text, "x.yaml")
    assert loaded.documents == []
    [hit] = loaded.problems
    words = hit.message.split(" (YAML: ")[0]
    assert "\n" not in hit.message
    assert not [phrase for phrase in RAW if phrase in words], hit.message
    assert hit.position is not None
    lines = text.splitlines() or [""]
    assert 1 <= hit.position.line <= len(lines) + 1 and hit.position.column >= 1


def test_a_yaml_version_orglint_does_not_read_is_a_finding(tmp_path, monkeypatch, cli):
    code, out, err = check(tmp_path, monkeypatch, cli, "%YAML 1.3\n---\nteams: {}\n")
    assert (code, err) == (1, "")
    assert findings(out) == [
        "org.yaml:1:1: ORG001 [error] '%YAML 1.3': orglint reads YAML 1.2 (and 1.1): write "
        "'%YAML 1.2' or drop the line"]


@pytest.mark.parametrize("text", [
    "*x : 1\nincludes: 1\n",
    "teams:\n  *x : {name: X}\n  Sales: {}\n",
    "teams:\n  sales:\n    *x : 1\n    nmae: Sales\n",
])
def test_an_undefined_alias_as_a_key_leaves_its_entry_out(tmp_path, monkeypatch, cli, text):
    code, out, err = check(tmp_path, monkeypatch, cli, text, "--select", "ORG001,ORG002")
    assert (code, err) == (1, "")
    line = text.splitlines().index(next(row for row in text.splitlines() if "*x" in row)) + 1
    column = text.splitlines()[line - 1].index("*x") + 1
    assert findings(out)[0] == f"org.yaml:{line}:{column}: ORG001 [error] unknown alias '*x'"
    assert "None" not in out


def test_an_alias_of_a_scalar_as_a_key_is_its_text():
    loaded = load_text("a: &n 5\nb: &d 2026-01-31\nc: {*n : x, *d : y}\n", "x.yaml")
    assert loaded.problems == []
    assert loaded.documents[0].data["c"] == {"5": "x", "2026-01-31": "y"}


# --- 8. a scalar in a text field is its text; a date field takes a quoted date ---------------

TEXTS = (
    "people:\n"
    "  ana: {name: 1984, title: 2026-07-31, email: true, description: 0x1F}\n"
    "teams:\n"
    "  '2024': {name: 2024, lead: ana, members: [ana], description: 1.50}\n"
    "journeys:\n"
    "  j: {name: J, owner: ana, path: ['2024'], context: [1099, 2fa]}\n"
)


def test_a_scalar_in_a_text_field_is_its_text_as_written(tmp_path, monkeypatch, cli):
    code, out, err = check(tmp_path, monkeypatch, cli, TEXTS, "--select", "ORG", "--no-cache")
    assert (code, out, err) == (0, out, "")
    assert "ORG002" not in out
    doc = load_text(TEXTS, "org.yaml").documents[0]
    assert validate(doc) == []
    assert doc.data["people"]["ana"] == {
        "name": "1984", "title": "2026-07-31", "email": "true", "description": "0x1F"}
    assert doc.data["teams"]["2024"]["description"] == "1.50"
    assert doc.data["journeys"]["j"]["context"] == ["1099", "2fa"]


def test_a_number_field_keeps_its_number_and_a_message_quotes_it_as_written(
        tmp_path, monkeypatch, cli):
    text = TEXTS + "handoffs:\n  h: {from: '2024', to: '2024', owner: ana, exception_rate: 1e3}\n"
    code, out, _ = check(tmp_path, monkeypatch, cli, text, "--select", "ORG002")
    assert code == 1
    assert findings(out) == [
        "org.yaml:8:61: ORG002 [error] handoff 'h' field 'exception_rate' must be at most 1, "
        "not 1e3"]


def test_a_quoted_iso_date_is_a_date_where_a_date_belongs(tmp_path, monkeypatch, cli):
    (tmp_path / "orglint.yaml").write_text(
        "waivers:\n"
        "  - {rule: ORG006, target: 'team:sales', reason: hiring, owner: ana,"
        " expires: '2999-01-31'}\n", encoding="utf-8")
    code, out, err = check(tmp_path, monkeypatch, cli,
                           "people:\n  ana: {name: Ana}\nteams:\n  sales: {members: [ana]}\n",
                           "--select", "ORG006,WVR")
    assert (code, err) == (0, "")
    assert out.startswith("No problems found in 1 file.\n")
    assert "expires 2999-01-31" in out


@pytest.mark.parametrize("expires", ["'2999-1-31'", "'20990131'", "'2999-02-30'", "soon"])
def test_a_quoted_date_that_is_no_iso_date_stays_a_config_error(tmp_path, monkeypatch, cli,
                                                                  expires):
    (tmp_path / "orglint.yaml").write_text(
        "waivers:\n"
        f"  - {{rule: ORG006, target: 'team:sales', reason: r, owner: ana, expires: {expires}}}\n",
        encoding="utf-8")
    code, out, err = check(tmp_path, monkeypatch, cli, "teams:\n  sales: {}\n")
    shown = expires.strip("'")
    assert (code, out) == (2, "")
    assert err == ("orglint.yaml:2:74: config error: field "
                   f"'waivers[0].expires' must be a date, not '{shown}'\n")


@pytest.mark.parametrize("expires", ["2999-1-31", "20990131", "2999-W01-1"])
def test_an_inline_expiry_is_an_iso_date_too(tmp_path, monkeypatch, cli, expires):
    code, out, _ = check(tmp_path, monkeypatch, cli,
                         f"teams:\n  sales: {{}}  # orglint: disable=ORG006 reason=r "
                         f"expires={expires}\n", "--select", "ORG006,WVR")
    assert code == 1
    assert f"orglint comment: expires '{expires}' is not a date (YYYY-MM-DD)" in out


# --- the kinds, generated ------------------------------------------------------------------

SCALARS = st.one_of(
    st.sampled_from(["1984", "0x1F", "0o17", "1e400", ".nan", "-.inf", "true", "~", "2026-07-31",
                     '"\\ud800"', '"\\ud83d\\ude00"', "*x", "&a 1", "1" * 4400, "0x" + "f" * 4000,
                     '"2027-01-31"', '"sales\\n"', "[", "{", "!!int x", "? x"]),
    st.text(alphabet="ab1-:.#&*!|>'\" \n\t[]{}\\", max_size=12),
)
FIELDS = st.sampled_from([
    "org: {name: %s}", "people: {ana: {name: %s}}", "people: {ana: {founder: %s}}",
    "teams: {%s: {}}", "teams: {sales: {lead: %s}}", "teams: {sales: {roles: {%s: ana}}}",
    "handoffs: {h: {from: a, to: b, exception_rate: %s}}", "version: %s", "%s: 1",
    "reviews: {r: {cadence: %s}}", "handoffs: {h: {from: a, to: b, sla: {complete: %s}}}",
    "journeys: {j: {path: [%s], context: [%s]}}",
])


@settings(max_examples=300, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(FIELDS, st.lists(SCALARS, min_size=1, max_size=2))
def test_any_scalar_in_any_field_is_read_or_refused_in_words(field, scalars):
    text = field % tuple((scalars * 2)[: field.count("%s")]) + "\n"
    loaded = load_text(text, "x.yaml")
    problems = list(loaded.problems)
    for doc in loaded.documents:
        problems.extend(validate(doc))
    for hit in problems:
        assert "\n" not in hit.message
        hit.message.encode("utf-8")
        assert hit.position is not None and hit.position.line >= 1
    for doc in loaded.documents:
        assert all(type(key) is str for key in (doc.data or {}) if isinstance(doc.data, dict))
        repr(doc.data).encode("utf-8")


def test_dates_resolve_the_same_in_every_place():
    data = load_text("a: 2026-07-31\nb: '2026-07-31'\n", "x.yaml").documents[0].data
    assert data == {"a": datetime.date(2026, 7, 31), "b": "2026-07-31"}


# --- 4. files orglint reads back -----------------------------------------------------------


@pytest.mark.parametrize(("change", "problem"), [
    ({"fingerprint": ["a"]}, "finding 0 has fingerprint of the wrong kind"),
    ({"fingerprint": {"a": 1}}, "finding 0 has fingerprint of the wrong kind"),
    ({"line": "3"}, "finding 0 has line of the wrong kind"),
    ({"column": True}, "finding 0 has column of the wrong kind"),
    ({"message": "\ud800"}, "finding 0 has message of the wrong kind"),
    ({"name": 7}, "finding 0 has name of the wrong kind"),
])
def test_a_previous_output_with_values_of_the_wrong_kind_is_refused(tmp_path, monkeypatch, cli,
                                                                    change, problem):
    import json

    code, out, _ = check(tmp_path, monkeypatch, cli, "teams:\n  sales: {}\n", "--format", "json")
    previous = json.loads(out)
    previous["findings"][0].update(change)
    (tmp_path / "previous.json").write_text(json.dumps(previous), encoding="utf-8")
    code, out, err = cli("report", "--previous", "previous.json", "-o", "r.html", "org.yaml")
    assert (code, out) == (2, "")
    assert err == ("orglint: error: --previous 'previous.json': not the output of 'orglint "
                   f"check --format json': {problem}\n")


def test_a_previous_output_with_a_number_of_any_size_is_refused(tmp_path, monkeypatch, cli):
    (tmp_path / "previous.json").write_text(
        '{"stage": {"number": 1' + "0" * 5000 + '}, "findings": []}', encoding="utf-8")
    code, out, err = check(tmp_path, monkeypatch, cli, "teams: {}\n")
    code, out, err = cli("report", "--previous", "previous.json", "-o", "r.html", "org.yaml")
    assert (code, out) == (2, "")
    assert err == ("orglint: error: --previous 'previous.json': not the output of 'orglint "
                   "check --format json': a number of more than 4,300 digits\n")


def test_a_baseline_with_a_number_of_any_size_is_a_one_line_error(tmp_path, monkeypatch, cli):
    (tmp_path / "base.json").write_text(
        '{"orglint_baseline": 1,\n "findings": [{"fingerprint": "a", "n": 1' + "0" * 5000
        + "}]}\n", encoding="utf-8")
    code, out, err = check(tmp_path, monkeypatch, cli, "teams: {}\n", "--baseline", "base.json")
    assert (code, out) == (2, "")
    assert err == ("orglint: error: base.json:2:41: not a baseline file: a number of more than "
                   "4,300 digits\n")


# --- every config value, generated -----------------------------------------------------------

CONFIG_VALUES = st.one_of(
    st.sampled_from(['"a\\0b"', ".nan", "-.inf", "1e400", "1" * 4400, "0x" + "f" * 4000,
                     '"\\ud800"', "2027-01-31", '"2027-01-31"', "*x", "[]", "{}", "~", "true",
                     "[a, a]", "[x.py, ./x.py]", '"sales\\n"', "{a: {b: .nan}}"]),
    st.text(alphabet="ab1-:.#*/ \\\"'[]{}", max_size=10),
)
CONFIG_PLACES = st.sampled_from([
    "include: %s", "select: %s", "fail_on: %s", "plugins: %s", "baseline: %s", "cache_dir: %s",
    "waiver_files: %s", "rules: {BND004: {options: {max: %s}}}", "complexity: {high_rate: %s}",
    "waivers: [{rule: ORG006, target: 'team:a', reason: r, owner: %s, expires: %s}]",
    "evidence: {period: {from: %s}}", "sources: [{type: csv-people, path: %s}]", "%s: 1",
    "rule_docs_url: %s",
])


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(CONFIG_PLACES, CONFIG_VALUES)
def test_any_config_value_is_used_or_a_config_error_in_one_line(tmp_path, monkeypatch, cli,
                                                                 place, value):
    (tmp_path / "orglint.yaml").write_text(place.replace("%s", value) + "\n", encoding="utf-8")
    code, out, err = check(tmp_path, monkeypatch, cli, "teams:\n  a: {}\n")
    assert code in (0, 1, 2), err
    assert "internal error" not in err, err
    if code == 2:
        assert out == "" and err.count("\n") >= 1
        for line in err.splitlines():
            assert line.startswith(("orglint.yaml:", "orglint: error:")), err
            line.encode("utf-8")
