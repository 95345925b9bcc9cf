"""A stage is claimed only when the rules that block it ran; fingerprints survive reordering."""

from __future__ import annotations

import json
from pathlib import Path

from orglint.commands import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(capsys, monkeypatch, cwd: Path, *argv: str) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("ORGLINT_TODAY", "2026-06-01")
    code = main(["check", "--no-cache", *argv])
    return code, capsys.readouterr().out


def test_ignoring_every_rule_earns_no_stage(capsys, monkeypatch):
    code, out = run(capsys, monkeypatch, EXAMPLES / "harbor-health", "--ignore", "ALL")
    assert code == 0
    assert out.splitlines()[-2:] == [
        "Stage 1 of 4: reactive - problems are handled as they surface; the structure is not yet "
        "written down.",
        "Stage 2 (designed surface) was not assessed: BND003, ORG001, ORG002, ORG003, ORG004, "
        "ORG005 and 1 more did not run (--select, --ignore or severity off).",
    ]


def test_a_stage_whose_rule_is_ignored_is_not_assessed(capsys, monkeypatch):
    code, out = run(capsys, monkeypatch, EXAMPLES / "harbor-health", "--ignore", "BND004",
                    "--format", "json")
    stage = json.loads(out)["stage"]
    assert (code, stage["number"], stage["blockers"], stage["unassessed"]) == (
        0, 3, [], ["BND004"])


def test_info_rules_never_hold_a_stage_back(capsys, monkeypatch):
    # ORG007 is info: ignoring it leaves the healthy example at stage 4
    _, out = run(capsys, monkeypatch, EXAMPLES / "harbor-health", "--ignore", "ORG007")
    assert out.splitlines()[-1].startswith("Stage 4 of 4: systemic")


ORG = """\
people:
  leo: {name: Leo Park}
  dan: {name: Dan Okafor}
journeys:
  onboarding: {owner: leo, path: [sales, delivery], context: [scope, customer_id]}
teams:
  sales: {lead: leo}
  delivery: {lead: dan}
handoffs:
  sales-to-delivery: {from: sales, to: delivery, owner: leo}
raci:
  scope-change:
    activities:
      - {activity: Log the change, R: [dan]}
      - {activity: Price the change, R: [leo], A: [leo, dan]}
"""


def fingerprints(capsys, monkeypatch, root: Path, org: str) -> list[tuple[str, str]]:
    (root / "org.yaml").write_text(org, encoding="utf-8")
    (root / "orglint.yaml").write_text("select: [RAC001, CTX001]\n", encoding="utf-8")
    _, out = run(capsys, monkeypatch, root, "--format", "json")
    return sorted((f["code"], f["fingerprint"]) for f in json.loads(out)["findings"])


def test_fingerprints_do_not_depend_on_list_positions(capsys, monkeypatch, tmp_path):
    before = fingerprints(capsys, monkeypatch, tmp_path, ORG)
    reordered = ORG.replace("context: [scope, customer_id]", "context: [customer_id, scope]")
    reordered = reordered.replace(
        "      - {activity: Log the change, R: [dan]}\n"
        "      - {activity: Price the change, R: [leo], A: [leo, dan]}\n",
        "      - {activity: Price the change, R: [leo], A: [leo, dan]}\n"
        "      - {activity: Log the change, R: [dan]}\n")
    assert reordered != ORG
    after = fingerprints(capsys, monkeypatch, tmp_path, reordered)
    assert [code for code, _ in before] == ["CTX001", "CTX001", "RAC001", "RAC001"]
    assert after == before
