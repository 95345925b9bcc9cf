"""Every rule's case file: expected codes, positions and messages, failing and passing."""

from __future__ import annotations

from pathlib import Path

import pytest

from orglint.testing import compare, load_cases, run_case

CASE_DIR = Path(__file__).parent / "rules"
CASES = [case for path in sorted(CASE_DIR.glob("*.yaml")) for case in load_cases(path)]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(case, registry):
    assert compare(case, run_case(case, registry)) == []


def test_every_rule_has_a_case_file_with_failing_and_passing_cases(registry):
    by_rule: dict[str, list] = {}
    for case in CASES:
        by_rule.setdefault(case.rule, []).append(case)
    for item in registry:
        cases = by_rule.get(item.code)
        assert cases, f"{item.code} has no case file under tests/rules/"
        assert any(c.expect and any(e["code"] == item.code for e in c.expect) for c in cases), (
            f"{item.code} has no failing case")
        assert any(not any(e["code"] == item.code for e in c.expect) for c in cases), (
            f"{item.code} has no passing case")
