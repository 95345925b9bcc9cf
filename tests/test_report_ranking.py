"""The report's judgement: risks ranked by consequence, the remediation plan's phases, areas
that are not mapped, the stage in the words of `orglint check`, and an appendix that stays
usable at 300+ findings."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from orglint.commands import main
from orglint.engine.check import CheckResult
from orglint.model.entities import Ref
from orglint.outputs.report import build
from orglint.outputs.report.findings import Ranking
from orglint.outputs.report.plan import PHASE_OF, phase_of
from orglint.outputs.report.reach import ReachIndex
from orglint.outputs.report.scorecard import AREA_NEEDS
from orglint.registry import Registry, rule
from orglint.session import open_session

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TODAY = "2026-01-15"


@pytest.fixture(autouse=True)
def _today(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ORGLINT_TODAY", TODAY)


def checked(name: str, monkeypatch: pytest.MonkeyPatch) -> tuple[CheckResult, Registry]:
    """The check of a fixture folder, run from inside it as `orglint report` runs it."""
    monkeypatch.chdir(FIXTURES / name)
    session = open_session(None, paths=[])
    return session.check([], session.settings()), session.registry


def markdown(name: str, monkeypatch: pytest.MonkeyPatch,
             capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.chdir(FIXTURES / name)
    capsys.readouterr()
    assert main(["report", "--format", "markdown"]) == 0
    return capsys.readouterr().out


def html_of(name: str, monkeypatch: pytest.MonkeyPatch,
            capsys: pytest.CaptureFixture[str]) -> str:
    monkeypatch.chdir(FIXTURES / name)
    capsys.readouterr()
    assert main(["report"]) == 0
    return capsys.readouterr().out


# -- ranking -----------------------------------------------------------------------------------

def test_findings_are_ranked_by_consequence_never_by_id(monkeypatch: pytest.MonkeyPatch) -> None:
    result, registry = checked("report-ranking", monkeypatch)
    known = {item.code: item for item in registry}
    ranking = Ranking(result.org, known, result.findings, result.stage.next)
    assert [(f.code, f.entity) for f in ranking.ordered(result.findings)] == [
        ("BND002", "journey:z-support"),      # error; high volume
        ("BND002", "journey:a-renewal"),      # error; low volume
        ("INC002", "metric:zz-churn"),        # warning, stage 3; two findings on the metric
        ("INC002", "metric:aa-margin"),       # ... one finding
        ("INC004", "metric:zz-churn"),        # warning, stage 4; its teams reach high volume
        ("GOV008", "handoff:sales-to-delivery"),    # medium volume, two journeys
        ("GOV008", "handoff:delivery-to-support"),  # medium volume, one journey
    ]


def test_observed_cases_rank_before_declared_volume(monkeypatch: pytest.MonkeyPatch) -> None:
    """The hook for event logs: cases seen on a journey outrank the volume declared for it."""
    result, registry = checked("report-ranking", monkeypatch)
    report = build(result, today=date(2026, 1, 15), version="test", rules=registry,
                   observed={"journey:a-renewal": 1200, "journey:z-support": 40,
                             "journey:m-onboarding": 300, "handoff:delivery-to-support": 900})
    assert [(risk.code, risk.reach) for risk in report.risks[:2]] == [
        ("BND002", "on Annual renewal (low volume, 1,200 cases observed)"),
        ("BND002", "on Support case (high volume, 40 cases observed)"),
    ]
    # a handoff's own count, when given, comes before the sum over its journeys
    plan = [(item.code, item.targets) for item in report.plan[2].items]
    assert plan == [("GOV008", ("handoff delivery-to-support",)),
                    ("GOV008", ("handoff sales-to-delivery",))]


def test_the_journeys_each_kind_of_entity_sits_on(monkeypatch: pytest.MonkeyPatch) -> None:
    result, _ = checked("report-ranking", monkeypatch)
    index = ReachIndex(result.org)

    def on(kind: str, ident: str) -> list[str]:
        return [journey.id for journey in index.journeys(Ref(kind, ident))]

    assert on("journey", "m-upgrade") == ["m-upgrade"]
    assert on("handoff", "sales-to-delivery") == ["m-onboarding", "m-upgrade"]
    assert on("team", "billing") == ["a-renewal", "z-support"]
    # a person: the journeys they own, and those of the handoffs and teams they answer for
    assert on("person", "cy") == ["m-onboarding", "z-support"]
    assert on("metric", "aa-margin") == ["a-renewal", "z-support"]
    assert on("review", "weekly") == ["a-renewal", "m-onboarding", "m-upgrade", "z-support"]
    assert on("system", "crm") == ["a-renewal", "m-onboarding", "m-upgrade", "z-support"]
    assert on("team", "no-such-team") == []
    assert index.of("waiver:whatever").journeys == ()
    assert index.of(None).text == ""


@pytest.mark.parametrize(("name", "expected"), [
    # three context items dropped on one journey are one risk
    ("report-small", [("BND002", ""), ("CTX001", "And 2 more like it on this journey."),
                      ("WVR001", ""), ("INC003", ""), ("INC002", "")]),
    # seven handoffs nobody owns are one risk, and leave room for the others
    ("report-plan", [("BND003", ""), ("BND001", "And 6 more like it, none with an owner."),
                     ("BND002", ""), ("CTX001", ""), ("ORG006", "")]),
])
def test_one_risk_per_rule_and_owner(name: str, expected: list[tuple[str, str]],
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    result, registry = checked(name, monkeypatch)
    report = build(result, today=date(2026, 1, 15), version="test", rules=registry)
    assert [(risk.code, risk.more_text) for risk in report.risks] == expected


# -- the remediation plan -------------------------------------------------------------------------

def test_every_built_in_rule_has_its_phase(registry: Registry) -> None:
    phases: dict[int, list[str]] = {1: [], 2: [], 3: []}
    for item in registry:
        if item.plugin.startswith("orglint.rules") or item.prefix in PHASE_OF:
            phases[phase_of(item.code, item)].append(item.code)
    assert phases == {
        1: ["BND002", "BND003", "CTX001", "CTX002", "EVD001", "EVD002", "EVD005", "ORG001",
            "ORG002", "ORG003", "ORG004", "ORG005", "ORG006", "ORG007", "ORG008", "ORG009"],
        2: ["BND001", "BND004", "BND005", "BND006", "BND007", "EVD004", "EVD006", "GOV001",
            "GOV002", "GOV003", "GOV004", "GOV005", "GOV006", "GOV007", "INC001", "INC002",
            "INC003", "INC004", "INC005", "RAC001", "RAC002", "RAC003", "RAC004", "RAC005",
            "RAC006"],
        3: ["EVD003", "EVD007", "EVD008", "FBK001", "FBK002", "FBK003", "FBK004", "FBK005",
            "GOV008", "GOV009", "WVR001", "WVR002", "WVR003"],
    }


@pytest.mark.parametrize(("stage", "phase"), [(2, 1), (3, 2), (4, 3)])
def test_a_plugin_rule_falls_in_the_phase_of_the_stage_it_blocks(stage: int, phase: int) -> None:
    @rule("ACME042", "anything", severity="warning", blocks_stage=stage)
    def anything(org: object) -> list[object]:
        """Anything."""
        return []

    assert phase_of("ACME042", anything) == phase
    assert phase_of("ACME042", None) == 3  # a rule nobody knows: last


def test_plan_items_name_their_owner(monkeypatch: pytest.MonkeyPatch) -> None:
    result, registry = checked("report-plan", monkeypatch)
    report = build(result, today=date(2026, 1, 15), version="test", rules=registry)
    shown = {phase.number: [(item.code, item.owner, item.tally, item.more) for item in phase.items]
             for phase in report.plan}
    assert shown == {
        1: [("BND003", "no owner", "1 error", 0),
            ("BND002", "Leo Park (Head of Sales)", "1 error", 0),
            ("CTX001", "Leo Park (Head of Sales)", "1 error", 0),
            ("ORG006", "no owner", "1 warning", 0),
            ("CTX002", "Leo Park (Head of Sales)", "1 warning", 0)],
        2: [("BND001", "no owner", "7 errors", 2),
            ("ACME001", "Carla Diaz (Delivery Lead)", "1 warning", 0),  # a plugin's, stage 3
            ("BND005", "no owner", "7 info", 2)],
        3: [("GOV008", "no owner", "7 warnings", 2),
            ("FBK002", "Maya Chen (Founder & CEO)", "1 warning", 0),
            ("FBK005", "no owner", "7 info", 2)],
    }
    assert report.plan[1].items[0].targets == (
        "handoff Kickoff", "handoff Legal review", "handoff Pricing", "handoff Scope",
        "handoff Security review")
    assert [phase.missing for phase in report.plan] == [
        (), (), ("an SLA on a handoff (handoffs: {id: {sla: {acknowledge: 4h}}})",
                 "a handoff metric that measures a boundary (metrics: {id: {type: handoff}})")]


# -- areas that are not mapped ------------------------------------------------------------------

# each area as (prefix, status, what it judged); a one-line row per area
STATUSES = {
    "report-empty": "ORG not mapped: no teams or people | BND not mapped: no handoffs | "
                    "GOV not mapped: no handoffs | INC not mapped: no metrics | "
                    "CTX not mapped: no journeys with context | RAC not mapped: no RACI tables | "
                    "FBK not mapped: no reviews | WVR not mapped: no waivers",
    "report-teams-only": "ORG clear: 3 teams, 7 people | BND not mapped: no handoffs | "
                         "GOV not mapped: no handoffs | INC not mapped: no metrics | "
                         "CTX not mapped: no journeys with context | "
                         "RAC not mapped: no RACI tables | FBK not mapped: no reviews | "
                         "WVR not mapped: no waivers",
    # findings speak louder than absence: warnings about a journey nothing measures or reviews
    # while people.yaml cannot be read, what may follow from it (INC005, FBK001) is held back
    "report-broken": "ORG failing: 1 team, 1 person | BND not mapped: no handoffs | "
                     "GOV not mapped: no handoffs | INC not mapped: no metrics | "
                     "CTX not mapped: no journeys with context | RAC not mapped: no RACI tables | "
                     "FBK not mapped: no reviews | WVR not mapped: no waivers",
    "report-small": "ORG clear: 3 teams, 4 people | BND failing: 1 handoff | "
                    "GOV attention: 1 handoff | INC attention: 1 metric | "
                    "CTX failing: 1 journey with context | RAC not mapped: no RACI tables | "
                    "FBK attention: 1 review | WVR failing: 3 waivers",
}


@pytest.mark.parametrize("name", sorted(STATUSES))
def test_an_area_with_nothing_to_judge_is_not_mapped(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    result, registry = checked(name, monkeypatch)
    report = build(result, today=date(2026, 1, 15), version="test", rules=registry)
    shown = " | ".join(f"{area.prefix} {area.status}: {area.mapped}" for area in report.areas)
    assert shown == STATUSES[name]


# -- the stage, in the words of `orglint check` -----------------------------------------------------

@pytest.mark.parametrize("name", ["report-empty", "report-teams-only", "report-broken",
                                  "report-small", "report-large", "report-plan"])
def test_the_report_says_the_stage_as_check_does(
        name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(FIXTURES / name)
    capsys.readouterr()
    main(["check", "--format", "text"])
    text = capsys.readouterr().out
    lines = text.splitlines()
    at = next(index for index, line in enumerate(lines) if line.startswith("Stage "))
    stage_line = lines[at]
    steps = [line[2:] for line in lines[at:] if line.startswith("  ")]
    report = markdown(name, monkeypatch, capsys)
    summary = report[report.index("## Executive summary"):report.index("### Top risks")]
    plain = summary.replace("\\", "")
    meaning = re.sub(r"^Stage (\d of 4: [a-z ]+ - |not assessed: )", "", stage_line).rstrip(".")
    assert meaning[:1].upper() + meaning[1:] in plain
    for step in steps:
        assert f"- {step}\n" in plain, step
    heading = lines[at + 1] if at + 1 < len(lines) else ""
    if heading.startswith(("Blocking stage", "Stage ")):
        assert f"\n{heading}\n" in plain


def test_not_assessed_says_what_to_fix_first(monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    html = html_of("report-broken", monkeypatch, capsys)
    assert '<div class="big" aria-hidden="true">?/4</div>' in html
    assert "<strong>Stage not assessed.</strong>" in html
    # the unknown references are held back: people.yaml, which cannot be read, may define them
    assert ("Fix these first, then the stage can be judged:\n<ul><li>ORG001 yaml-syntax: "
            "1 finding</li> </ul>") in html
    assert html.count('class="status-unassessed">not assessed</td>') == 4


def test_warnings_are_no_near_miss_while_the_structure_is_missing(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # 110 teams without a journey: the warnings block, and the journey is still to be written
    report = markdown("report-large", monkeypatch, capsys)
    assert ("**Stage 1 of 4: reactive.** 110 teams, 110 people written down, but no customer "
            "journey is mapped with its path and owner.\n\nBlocking stage 2 (designed "
            "surface):\n\n- ORG006 team-without-lead: 11 findings\n- and it needs a customer "
            "journey with a path of teams and one named owner") in report
    assert "only warnings keep it" not in report
    assert "No problems found" not in report


# -- the appendix at 300+ findings ---------------------------------------------------------------

LARGE_GROUPS = [
    ("### Structure: 11 findings", [("ORG006 team-without-lead", "11 warnings", 11)]),
    ("### Boundaries and ownership: 109 findings", [("BND001 handoff-owner", "109 errors", 109)]),
    ("### Governance: 109 findings", [("GOV002 missing-protocol", "109 warnings", 109)]),
    ("### Incentives: 109 findings", [("INC003 handoff-quality-unrewarded", "109 warnings", 109)]),
    ("### Feedback: 109 findings", [("FBK005 boundary-uninstrumented", "109 info", 109)]),
]


def test_appendix_groups_300_findings_by_area_and_rule_in_markdown(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    report = markdown("report-large", monkeypatch, capsys)
    appendix = report[report.index("## Appendix: every finding"):report.index("Generated by")]
    assert appendix.startswith("## Appendix: every finding\n\n447 findings, by area and rule; "
                               "within a rule, in file order.\n")
    sections = re.split(r"\n(?=### )", appendix)[1:]
    assert [section.splitlines()[0] for section in sections] == [h for h, _ in LARGE_GROUPS]
    for section, (_, rules) in zip(sections, LARGE_GROUPS, strict=True):
        parts = re.split(r"\n(?=#### )", section)[1:]
        assert [part.splitlines()[0] for part in parts] == [
            f"#### {title}: {counts}" for title, counts, _ in rules]
        for part, (title, _, rows) in zip(parts, rules, strict=True):
            code = title.split()[0]
            lines = [line for line in part.splitlines() if line.startswith("| ")]
            assert lines[0] == "| Where | Severity | Finding | Owner |"
            assert len(lines) - 2 == rows  # the header and the delimiter row
            assert all(code not in line or "org.yaml:" in line for line in lines[1:])


def test_appendix_collapses_large_rules_in_html(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    html = html_of("report-large", monkeypatch, capsys)
    appendix = html[html.index('<section id="findings"'):]
    assert re.findall(r"<h3>(.*?) <span", appendix) == [
        "Structure", "Boundaries and ownership", "Governance", "Incentives", "Feedback"]
    details = re.findall(r'<details class="rule"( open)?>\s*<summary><code>(\w+)</code> '
                         r"([a-z-]+): ([^<]+)</summary>(.*?)</details>", appendix, re.S)
    assert [(opened, code, counts) for opened, code, _, counts, _ in details] == [
        ("", "ORG006", "11 warnings"), ("", "BND001", "109 errors"), ("", "GOV002", "109 warnings"),
        ("", "INC003", "109 warnings"), ("", "FBK005", "109 info")]
    assert [body.count("<tr>") - 1 for *_, body in details] == [11, 109, 109, 109, 109]
    # a rule with few findings stays open
    small = html_of("report-small", monkeypatch, capsys)
    assert '<details class="rule" open>\n    <summary><code>CTX001</code> context-dropped: 3 errors' \
        "</summary>" in small



# -- the documentation says what the code does ------------------------------------------------------

DOC = (Path(__file__).resolve().parent.parent / "docs" / "report.md").read_text(encoding="utf-8")


def test_docs_show_the_phase_table_and_the_needs_of_each_area() -> None:
    phases = {int(match[0]): match[1] for match in re.findall(r"^\| ([123])\. [^|]+\| (.+) \|$",
                                                              DOC, re.M)}
    assert sorted(phases) == [1, 2, 3]
    for key, phase in PHASE_OF.items():
        assert re.search(rf"\b{key}", phases[phase]), (key, phase)
    for prefix, needs in AREA_NEEDS.items():
        row = next(line for line in DOC.splitlines() if line.startswith("| ") and f"({prefix})" in line)
        assert row.endswith(f"| {needs.absent} |"), prefix


def test_each_owner_is_worked_out_once_per_entity(monkeypatch: pytest.MonkeyPatch) -> None:
    """The appendix, the risks and the plan each name the owner of every finding: the owner
    of an entity is worked out once per report, however many findings it has."""
    import orglint.outputs.report.findings as findings

    result, registry = checked("report-large", monkeypatch)
    asked: list[object] = []
    real = findings.describe_owner

    def counting(org: object, ref: object) -> str:
        asked.append(ref)
        return real(org, ref)  # type: ignore[arg-type]

    monkeypatch.setattr(findings, "describe_owner", counting)
    report = build(result, today=date(2026, 1, 15), version="0", rules=registry)
    entities = {(f.entity, f.field) for f in result.findings
                if findings.entity_of(result.org, f) is not None}
    assert len(result.findings) == 447
    assert len(asked) == len(entities) == 120
    assert report.findings[0].owner == "no owner"
