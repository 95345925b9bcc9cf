"""Waivers end to end through the command line: records in the config and in waiver files,
inline comments, expiry against a pinned date, and malformed records as config errors."""

from __future__ import annotations

import json

import pytest
from ci_orgs import CONFIG, HEALTHY, TROUBLED, run, troubled, write

from orglint.load.directives import scan_directives

OPEN = ("org.yaml:10:3: BND001 [error] handoff 'sales-to-delivery' (Sales -> Delivery) has no "
        "named owner")
RECORD = ("org.yaml:11:3: BND001 [error] handoff 'delivery-to-billing' (Delivery -> Billing) has "
          "no named owner")


def lines(out: str) -> list[str]:
    return out.split("\n\n", 1)[0].splitlines() if "\n\n" in out else []


def test_a_live_waiver_silences_exactly_its_finding(tmp_path, capsys, monkeypatch):
    troubled(tmp_path)
    code, out, _ = run(capsys, monkeypatch, tmp_path, "check", today="2026-07-31")
    assert code == 1
    assert lines(out) == [OPEN]
    assert "Waived 2 findings:" in out


def test_an_expired_waiver_fails_the_check_and_its_finding_is_back(tmp_path, capsys, monkeypatch):
    troubled(tmp_path)
    code, out, _ = run(capsys, monkeypatch, tmp_path, "check", today="2026-08-01")
    assert code == 1
    assert lines(out) == [
        OPEN,
        RECORD,
        "orglint.yaml:3:5: WVR001 [error] waiver for BND001 on handoff:delivery-to-billing "
        "expired on 2026-07-31: its finding is back; dan owns it: fix the problem or renew the "
        "waiver",
    ]
    assert "Waived 1 finding:" in out


MAPPED = TROUBLED.replace(
    "sales-to-delivery: {from: sales, to: delivery}",
    "sales-to-delivery: {from: sales, to: delivery, owner: carla, sla: {acknowledge: 4h}}",
) + """\
journeys:
  order: {name: Order, owner: carla, path: [sales, delivery]}
metrics:
  kickoff-time: {type: handoff, owner: dan, rewards: [sales], downstream: [delivery, journey:order]}
reviews:
  monthly:
    {cadence: monthly, owner: carla, attendees: [sales, delivery], covers: [order], inputs: [kickoff-time]}
"""


def test_waived_findings_do_not_block_the_stage(tmp_path, capsys, monkeypatch):
    # every rule runs (a stage is claimed only when its rules ran); the warnings this small
    # org trips anyway are lowered to info, which never blocks
    lowered = ", ".join(f"{code}: {{severity: info}}"
                        for code in ("INC003", "INC004", "INC005", "FBK003", "GOV009"))
    config = CONFIG.replace("select: [BND001, WVR]\n", f"rules: {{{lowered}}}\n")
    troubled(tmp_path, MAPPED, config)
    code, out, _ = run(capsys, monkeypatch, tmp_path, "check")
    assert code == 0
    assert "Stage 4 of 4: systemic" in out
    code, out, _ = run(capsys, monkeypatch, tmp_path, "check", today="2026-08-01")
    assert code == 1
    assert out.splitlines()[-5:-1] == [
        "Stage 2 of 4: designed surface - customer journeys are mapped and each has a named "
        "owner.",
        "Blocking stage 3 (connected):",
        "  BND001 handoff-owner: 1 finding",
        "  WVR001 waiver-expired: 1 finding",
    ]


def test_waiver_files_are_read_and_listed(tmp_path, capsys, monkeypatch):
    troubled(tmp_path, config="select: [BND001, WVR]\nwaiver_files: [waivers/org.yaml]\n")
    write(tmp_path / "waivers" / "org.yaml", CONFIG.replace("select: [BND001, WVR]\n", ""))
    code, out, _ = run(capsys, monkeypatch, tmp_path, "check", "--format", "json")
    document = json.loads(out)
    assert code == 1
    assert document["summary"]["waived"] == 2
    assert [(w["rule"], w["target"], w["path"], w["line"], w["inline"])
            for w in document["waivers"]] == [
        ("BND001", None, "org.yaml", 12, True),
        ("BND001", "handoff:delivery-to-billing", "waivers/org.yaml", 2, False),
    ]
    assert document["files"] == ["org.yaml"]  # the waiver file is not part of the org


@pytest.mark.parametrize(("record", "message"), [
    ("{target: handoff:a}",
     "orglint.yaml:2:5: config error: field 'waivers[0]' is missing required field 'rule'"),
    ("{rule: BND001, target: sales}",
     "orglint.yaml:2:5: config error: waiver target 'sales' must be KIND:ID "
     "(handoff:sales-to-delivery); kinds: person, team, system, journey, handoff, metric, raci, "
     "review, decision"),
    ("{rule: BND001, target: handoff:a, expires: soon}",
     "orglint.yaml:2:48: config error: field 'waivers[0].expires' must be a date, not 'soon'"),
    ("{rule: BND01, target: handoff:a}",
     "orglint.yaml:2:5: config error: waiver names no rule 'BND01'; did you mean 'BND001'?"),
    ("{rule: BND001, target: handoff:a, colour: red}",
     "orglint.yaml:2:39: config error: unknown field 'colour' in field 'waivers[0]'; expected one "
     "of: expires, owner, reason, rule, target"),
])
def test_a_malformed_waiver_record_is_a_config_error_at_its_place(
        tmp_path, capsys, monkeypatch, record, message):
    troubled(tmp_path, HEALTHY, f"waivers:\n  - {record}\n")
    code, out, err = run(capsys, monkeypatch, tmp_path, "check")
    assert (code, out) == (2, "")
    assert err == message + "\n"


def test_a_missing_waiver_file_and_a_bad_date_are_usage_errors(tmp_path, capsys, monkeypatch):
    troubled(tmp_path, HEALTHY, "waiver_files: [nowhere.yaml]\n")
    code, _, err = run(capsys, monkeypatch, tmp_path, "check")
    assert (code, err) == (2, "orglint.yaml:1:16: config error: waiver file 'nowhere.yaml' "
                              "does not exist\n")
    troubled(tmp_path, HEALTHY, "select: [BND001]\n")
    code, _, err = run(capsys, monkeypatch, tmp_path, "check", today="2026-13-01")
    assert (code, err) == (2, "orglint: error: ORGLINT_TODAY='2026-13-01' is not a date "
                              "(YYYY-MM-DD)\n")


def test_inline_markers_are_read_from_comments_only():
    text = (
        'a: "# orglint: disable=BND001 reason=x"\n'
        "b: 1  # orglint: disable=BND001 reason=\"it's #1\"\n"
        "# orglint: disable=GOV002\n"
        "c: 'x # orglint: y'  # plain comment\n"
        "d: x#orglint:disable=BND001\n"
        "e: Dan's team  # orglint: disable=ORG006 reason=\"x\"\n"
        "f: ['a # orglint: no', \"b\\\" # orglint: no\"]  # orglint: disable=X\n"
        "g: 'it''s # orglint: no'\n"
    )
    assert scan_directives(text) == [
        (2, 7, 'disable=BND001 reason="it\'s #1"'),
        (3, 1, "disable=GOV002"),
        (6, 16, 'disable=ORG006 reason="x"'),
        (7, 46, "disable=X"),
    ]


def test_the_loader_keeps_inline_markers_only_when_the_text_has_them():
    from orglint.load.documents import load_text

    assert load_text("a: 1  # a comment\n", "x.yaml").directives == []
    assert load_text("a: 1  # orglint: disable=X\n", "x.yaml").directives == [(1, 7, "disable=X")]
