"""SOD001 through orglint's own case-file runner, and its documentation examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from orglint.docs import examples
from orglint.engine.check import Settings, check
from orglint.load.documents import load_text
from orglint.testing import compare, load_cases, run_case

CASES = [case for path in sorted((Path(__file__).parent / "rules").glob("*.yaml"))
         for case in load_cases(path)]


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_case(case, registry):
    assert compare(case, run_case(case, registry)) == []


def test_the_rule_is_registered_with_its_options(registry):
    item = registry.lookup("self-approval")
    assert item is not None
    assert (item.code, item.severity, item.blocks_stage) == ("SOD001", "warning", 3)
    assert item.defaults["through_teams"] is True
    assert "approve" in item.defaults["words"]
    assert item.validate_options({"through_teams": "yes"}) == [
        (("through_teams",), "option 'through_teams' of SOD001: must be of boolean type")]


def test_documentation_examples_fail_and_pass(registry):
    item = registry.lookup("SOD001")
    found = examples(item)
    assert set(found) == {"Fails", "Passes"}
    loading = ["ORG001", "ORG002", "ORG003", "ORG004", "ORG005"]
    failing = check([load_text(found["Fails"], "fails.yaml")], registry,
                    Settings(select=["SOD001", *loading])).findings
    passing = check([load_text(found["Passes"], "passes.yaml")], registry,
                    Settings(select=["SOD001", *loading])).findings
    assert [f.code for f in failing] == ["SOD001"]
    assert passing == []
