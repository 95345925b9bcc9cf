"""A file that cannot be read holds back what may follow from it: no finding in a correct file
because of what the broken one would have defined, and no hint to change correct text."""

from __future__ import annotations

import pytest

from orglint.load.documents import load_text
from orglint.model import UNKNOWN_REFERENCE, UNRESOLVED, build_org

TEAMS = """\
people:
  ana: {name: Ana Silva}
  dan: {name: Dan Okafor}
teams:
  sales: {name: Sales, lead: ana, members: [ana]}
  delivery: {name: Delivery, lead: dan, members: [dan]}
  billing: {name: Billing, lead: dan}
"""
# a dedent on line 8: the file cannot be read
BROKEN = """\
handoffs:
  sales-to-delivery:
    from: sales
    to: delivery
    owner: ana
  delivery-to-billing:
    from: delivery
  to: billing
    owner: dan
"""
FIXED = BROKEN.replace("\n  to: billing", "\n    to: billing")
JOURNEYS = """\
journeys:
  onboarding: {owner: ana, path: [sales, delivery, billing]}
"""
# 'delivery-to-billing' is correct; 'delivry' is a typo; 'person:dan' names a kind the field
# does not accept, whatever any file defines
METRICS = """\
metrics:
  billing-speed:
    type: handoff
    owner: dan
    downstream: [delivery-to-billing]
  deals:
    type: output
    owner: ana
    rewards: [sales]
    downstream: [delivry, person:dan]
"""
SYNTAX = ("handoffs.yaml:9:5: ORG001 [error] line 9 is indented more than line 8, but 'to' on "
          "line 8 already has a value: indent it like line 8, or move that value onto its own "
          "line (YAML: mapping values are not allowed here)")
WRONG_KIND = ("metrics.yaml:10:27: ORG003 [error] metric 'deals' field 'downstream[1]' cannot "
              "name a person; it accepts team or journey or handoff")


@pytest.fixture
def repo(tmp_path, monkeypatch):
    for name, text in (("teams.yaml", TEAMS), ("handoffs.yaml", BROKEN),
                       ("journeys.yaml", JOURNEYS), ("metrics.yaml", METRICS)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_only_what_stands_without_the_broken_file_is_shown(repo, cli):
    code, out, _ = cli("check", ".")
    assert code == 1
    assert out == (
        f"{SYNTAX}\n{WRONG_KIND}\n\n"
        "Found 2 problems (2 errors) in 4 files.\n"
        "8 more findings are held back until every file can be read: they may follow from "
        "what the unread part holds.\n"
        "Stage not assessed: 2 findings in files that cannot be read or resolved; fix them "
        "first, then the stage can be judged.\n"
        "Why each rule matters and how to fix it: 'orglint rule ORG001'.\n")


def test_the_count_held_back_is_the_same_when_the_result_is_read_back(repo, cli):
    cold = cli("check", ".")
    assert any(path.suffix == ".results" for path in (repo / ".orglint_cache").rglob("*"))
    assert cli("check", ".") == cold
    assert cli("check", "--no-cache", ".") == cold
    # the four of test_the_check_keeps_what_it_held_back
    assert "\n4 more findings are held back until every file can be read" in \
        cli("check", "--select", "ORG,BND", ".")[1]


def test_nothing_is_held_back_behind_a_problem_that_is_not_shown(repo, cli):
    # ORG001 not selected: the broken file is not reported, so nothing may wait behind it
    # (a broken org must never pass with "No problems found")
    code, out, _ = cli("check", "--select", "BND", ".")
    assert code == 1
    assert out.splitlines()[:2] == [
        "journeys.yaml:2:42: BND002 [error] journey 'onboarding' crosses from Sales to Delivery "
        "but no handoff contracts that boundary",
        "journeys.yaml:2:52: BND002 [error] journey 'onboarding' crosses from Delivery to "
        "Billing but no handoff contracts that boundary"]
    assert "held back" not in out


def test_one_finding_held_back_is_said_in_the_singular():
    from orglint.outputs.formatters.text import held_back_line

    assert held_back_line(1) == ("1 more finding is held back until every file can be read: it "
                                 "may follow from what the unread part holds.")


def test_once_the_file_reads_the_held_findings_are_judged(repo, cli):
    (repo / "handoffs.yaml").write_text(FIXED, encoding="utf-8")
    code, out, _ = cli("check", "--select", "ORG,BND", ".")
    assert code == 1
    assert out.splitlines()[:2] == [
        "metrics.yaml:10:18: ORG003 [error] metric 'deals' field 'downstream[0]' names unknown "
        "team or journey or handoff 'delivry'; did you mean 'delivery'?", WRONG_KIND]


def test_the_check_keeps_what_it_held_back(repo):
    from orglint.engine.check import Settings, check
    from orglint.load.documents import load_file
    from orglint.plugins import build_registry, make_manager

    files = [load_file(name) for name in
             ("handoffs.yaml", "journeys.yaml", "metrics.yaml", "teams.yaml")]
    result = check(files, build_registry(make_manager()), Settings(select=["ORG", "BND"]))
    assert result.org.unreadable == ("handoffs.yaml",)
    assert [(f.location, f.code, f.message) for f in result.held_back] == [
        ("journeys.yaml:2:42", "BND002", "journey 'onboarding' crosses from Sales to Delivery "
         "but no handoff contracts that boundary"),
        ("journeys.yaml:2:52", "BND002", "journey 'onboarding' crosses from Delivery to Billing "
         "but no handoff contracts that boundary"),
        ("metrics.yaml:5:18", "ORG003", "metric 'billing-speed' field 'downstream[0]' names "
         "unknown team or journey or handoff 'delivery-to-billing', which may be defined in "
         "handoffs.yaml (could not be read)"),
        ("metrics.yaml:10:18", "ORG003", "metric 'deals' field 'downstream[0]' names unknown "
         "team or journey or handoff 'delivry', which may be defined in handoffs.yaml (could "
         "not be read)"),
    ]
    assert [f.code for f in result.findings] == ["ORG001", "ORG003"]


def test_a_waiver_for_what_the_broken_file_defines_is_not_reported(repo, cli):
    (repo / "orglint.yaml").write_text(
        "include: ['*.yaml']\nwaivers:\n  - {rule: BND001, target: handoff:delivery-to-billing, "
        "reason: agreed, owner: dan, expires: 2099-01-01}\n", encoding="utf-8")
    code, out, _ = cli("check")
    assert code == 1
    assert out.startswith(f"{SYNTAX}\n{WRONG_KIND}\n\nFound 2 problems (2 errors) in 4 files.")


def test_the_model_offers_no_hint_while_a_file_is_unreadable():
    documents = load_text(TEAMS + METRICS, "org.yaml").documents
    org = build_org(documents, unreadable=["a.yaml", "b.yaml", "c.yaml"])
    assert [hit.message for hit in org.problems[UNRESOLVED]] == [
        "metric 'billing-speed' field 'downstream[0]' names unknown team or journey or handoff "
        "'delivery-to-billing', which may be defined in a.yaml or 2 other files (could not be "
        "read)",
        "metric 'deals' field 'downstream[0]' names unknown team or journey or handoff "
        "'delivry', which may be defined in a.yaml or 2 other files (could not be read)"]
    assert [hit.message for hit in org.problems[UNKNOWN_REFERENCE]] == [
        "metric 'deals' field 'downstream[1]' cannot name a person; it accepts team or journey "
        "or handoff"]
    assert org.unreadable == ("a.yaml", "b.yaml", "c.yaml")
