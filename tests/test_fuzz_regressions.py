"""Every failure the fuzzer (tests/fuzz/) has found, as its smallest input.

Each test runs the fuzzer's whole oracle on the shrunk reproducer (exit 0, 1 or 2, no
traceback or internal error, cached equals uncached, two runs byte-identical, machine-readable
output that parses) and, where the issue says what the right answer is, checks the place it
is reported at. The comment over each test names the kind of issue 15 it belongs to.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fuzz.corpus import Input
from fuzz.oracle import judge, run_inprocess, write


@pytest.fixture(autouse=True)
def _own_cache_key(tmp_path, monkeypatch):
    """The cache signing key of these runs lives in the test's folder, not the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "key-home"))


def holds(tmp_path: Path, files: dict[str, bytes], argv: tuple[str, ...] = ("check",),
          where: str | None = None) -> None:
    """The oracle holds for the input, and (with ``where``) its output matches ``where``."""
    item = Input(files, argv)
    failure = judge(item, tmp_path / "judged")
    assert failure is None, f"{failure.signature}\n{failure.output}"
    if where is not None:
        write(item, tmp_path / "shown")
        run = run_inprocess(tmp_path / "shown", (*argv, "--no-cache"))
        text = (run.out + run.err).decode("utf-8", "backslashreplace")
        assert re.search(where, text), text


# issue 15 item 1: numbers of any size: a decimal integer past 4,300 digits
def test_decimal_integer_past_the_int_string_limit(tmp_path):
    holds(tmp_path, {"org.yaml": b"decisions:\n  d:\n    frequency: " + b"9" * 4301 + b"\n"},
          where=r"org\.yaml:3:\d+: ORG002 ")


# issue 15 item 1: numbers of any size: a huge hex integer quoted in a message
def test_huge_hex_integer_in_a_message(tmp_path):
    holds(tmp_path, {"org.yaml": b"decisions:\n  d:\n    frequency: 0x" + b"f" * 3700 + b"\n"},
          where=r"org\.yaml:3:\d+: ORG002 ")


# issue 15 item 2: text that cannot be encoded: a lone surrogate
def test_lone_surrogate_in_a_quoted_scalar(tmp_path):
    holds(tmp_path, {"org.yaml": b'handoffs: "\\ud800"\n'}, where=r"org\.yaml:1:\d+: ORG002 ")


# issue 15 item 3: every parser event and error path: a %YAML 1.3 directive
def test_yaml_1_3_directive(tmp_path):
    holds(tmp_path, {"org.yaml": b"%YAML 1.3\n---\npeople: {}\n"})


# issue 15 item 3: every parser event and error path: an undefined alias as a key beside an empty key
def test_undefined_alias_key_beside_an_empty_key(tmp_path):
    holds(tmp_path, {"org.yaml": b": 1\n*x : 2\n"}, where=r"org\.yaml:2:1: ORG001 ")


# issue 15 item 4: every config value: a NUL byte in a path
def test_nul_byte_in_the_baseline_path(tmp_path):
    holds(tmp_path, {"orglint.yaml": b'baseline: "\\0"\n', "org.yaml": b"people: {}\n"},
          where=r"orglint\.yaml:1:\d+: config error: ")


# issue 15 item 12: every output escapes what its format cannot hold: a control character in JUnit
def test_control_character_in_junit_output(tmp_path):
    holds(tmp_path, {"org.yaml": b'raci:\n  r:\n    activities:\n    - activity: "a\\x03"\n'},
          argv=("check", "--format", "junit"))


# issue 15 item 17: every cost linear in the input (a syntax error after a long blank run)
def test_syntax_error_after_a_long_blank_run(tmp_path):
    """Explaining the error walked each blank of the run to its end (200,000 blanks: minutes);
    the oracle's five seconds hold."""
    holds(tmp_path, {"org.yaml": b"handoffs:\n  h:\n    to: x" + b" " * 200_000 + b": y\n"},
          where=r"org\.yaml:3:200010: ORG001 ")


# issue 15 item 1 (found by the 100,000-input campaign): a role named by a digit other than
# ASCII ('¹'.isdigit() is true, int('¹') raises) with an unknown holder; and a role named '2',
# which is a key, not a list index
def test_a_role_named_by_a_superscript_digit(tmp_path):
    holds(tmp_path, {"org.yaml": "people:\n  ana: {name: Ana}\nteams:\n  t:\n    lead: ana\n"
                                 "    roles:\n      '\u00b9': [bob]\n      '2': [ana, bob]\n"
                                 .encode()},
          where=r"org\.yaml:7:13: ORG003 \[error\] team 't' field 'roles\.\u00b9\[0\]' names "
                r"unknown person 'bob'\n(.|\n)*org\.yaml:8:18: ORG003 ")
