"""Docs that cannot drift: every rule explains itself, and its examples do what they say."""

from __future__ import annotations

import pytest

from orglint.docs import EXAMPLE_EVIDENCE, example_logs, examples
from orglint.engine.check import Settings, check
from orglint.load.documents import load_text
from orglint.plugins import build_registry, make_manager
from orglint.testing import evidence_observer

RULES = list(build_registry(make_manager()))


@pytest.mark.parametrize("item", RULES, ids=[r.code for r in RULES])
def test_rule_has_why_and_both_examples(item):
    why = item.doc.split("Fails:")[0].strip()
    assert len(why.split(".")) >= 3, f"{item.code}: explain the why in two or three sentences"
    found = examples(item)
    assert set(found) == {"Fails", "Passes"}, f"{item.code}: needs a Fails and a Passes example"


@pytest.mark.parametrize("item", RULES, ids=[r.code for r in RULES])
def test_failing_example_fails_and_passing_example_passes(item, registry, tmp_path):
    found = examples(item)
    logs = example_logs(item)

    def run(name: str):
        observe = None
        if name in logs:  # an evidence rule: the example's own event log
            folder = tmp_path / name
            folder.mkdir()
            observe = evidence_observer(EXAMPLE_EVIDENCE, {"events.csv": logs[name]}, folder)
        settings = Settings(select=[item.code], observe=observe)
        return check([load_text(found[name], f"{name.lower()}.yaml")], registry, settings)

    failing, passing = run("Fails"), run("Passes")
    assert [f.code for f in failing.findings if f.code == item.code], "the failing example passes"
    assert [f.message for f in passing.findings if f.code == item.code] == []
    if not item.code.startswith("ORG00"):
        # the examples are complete orgs: nothing dangles in them
        clean = Settings(select=["ORG001", "ORG002", "ORG003", "ORG004", "ORG005"])
        for name, text in found.items():
            broken = check([load_text(text, "x.yaml")], registry, clean).findings
            assert broken == [], f"{item.code} {name} example: {broken}"
