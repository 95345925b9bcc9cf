"""Findings told for the report: who owns each, and which are the top risks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from orglint.engine.waivers import Waiver
from orglint.finding import SEVERITY_RANK, Finding
from orglint.model import Entity, Org, Ref
from orglint.registry import AREAS, Rule

TOP_RISKS = 5
NO_OWNER = "no owner"


@dataclass(frozen=True)
class FindingView:
    """A finding as the report lists it: ``location`` (``path:line:col``), rule, severity,
    message, the rule's area and who owns the problem, in words."""

    location: str
    code: str
    name: str
    severity: str
    message: str
    area: str
    owner: str


@dataclass(frozen=True)
class Risk:
    """A finding that blocks the next stage, told for someone who never saw the YAML."""

    message: str
    expectation: str
    why: str
    owner: str
    code: str
    severity: str
    location: str
    stage: int

# -- owners ------------------------------------------------------------------------------------

def owner_of(org: Org, finding: Finding, waivers: Sequence[Waiver] = ()) -> str:
    """Who answers for the entity a finding is about, in words (``describe_owner``); for a
    finding about no known entity (a WVR finding), the owner of the one of ``waivers``
    declared on its line; "no owner" when nobody does."""
    entity = org.get(finding.entity) if finding.entity and ":" in finding.entity else None
    if entity is None:
        return _waiver_owner(org, finding, waivers)
    return describe_owner(org, _owner_ref(entity, finding.field))


def _waiver_owner(org: Org, finding: Finding, waivers: Sequence[Waiver]) -> str:
    for waiver in waivers:
        if (waiver.path, waiver.line) == (finding.path, finding.line) and waiver.owner:
            owner = Ref("person", waiver.owner)
            return describe_owner(org, owner) if org.get(owner) else str(waiver.owner)
    return NO_OWNER


def describe_owner(org: Org, ref: Ref | None) -> str:
    """A person as ``Name (title)``, a team as ``Name team, led by ...``; "no owner" for None
    or a reference the org does not resolve."""
    entity = org.get(ref)
    if ref is None or entity is None:
        return NO_OWNER
    title = getattr(entity, "title", None)
    if ref.kind == "team":
        lead = getattr(entity, "lead", None)
        return f"{entity.name} team" + (f", led by {org.display(lead)}" if lead else " (no lead)")
    return f"{entity.name} ({title})" if title else entity.name


def _owner_ref(entity: Entity, field_path: str | None) -> Ref | None:
    kind = entity.kind
    if kind == "team":
        return getattr(entity, "lead", None)
    if kind == "person":
        return getattr(entity, "reports_to", None) or entity.ref
    if kind == "decision":
        return getattr(entity, "decided_by", None)
    if kind == "raci":
        return _raci_accountable(entity, field_path)
    return getattr(entity, "owner", None)


def _raci_accountable(entity: Entity, field_path: str | None) -> Ref | None:
    activities = getattr(entity, "activities", [])
    steps = (field_path or "").split(".")
    if len(steps) > 1 and steps[0] == "activities" and steps[1].isdigit():
        chosen = [item for item in activities if item.index == int(steps[1])]
    else:
        chosen = list(activities)
    for activity in chosen:
        if activity.A:
            accountable: Ref = activity.A[0]
            return accountable
    return None

def finding_view(org: Org, known: dict[str, Rule], finding: Finding,
                 waivers: Sequence[Waiver] = ()) -> FindingView:
    """The view of one finding; ``known`` maps codes to rules, for the area; ``waivers`` name
    the owners of WVR findings."""
    return FindingView(
        location=finding.location, code=finding.code, name=finding.name,
        severity=finding.severity, message=finding.message, area=area_of(known, finding.code),
        owner=owner_of(org, finding, waivers),
    )


def area_of(known: dict[str, Rule], code: str) -> str:
    """The area name of a rule code, from ``known`` rules or the code's prefix."""
    item = known.get(code)
    if item is not None:
        return item.area
    prefix = code.rstrip("0123456789")
    return AREAS.get(prefix, prefix)


def top_risks(org: Org, known: dict[str, Rule], findings: Sequence[Finding],
              next_stage: int | None, waivers: Sequence[Waiver] = ()) -> list[Risk]:
    """The gaps a leader should hear about first: blockers of the next stage, then the errors
    and warnings of the stages above, one finding per rule in turn so the list is varied.
    At most ``TOP_RISKS``; ``info`` findings are never risks."""
    areas = list(AREAS)
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        if finding.severity != "info":
            groups[finding.code].append(finding)

    def rank(code: str) -> tuple[int, int, int, int, str]:
        item, severity = known.get(code), groups[code][0].severity
        stage = item.blocks_stage if item else 4
        prefix = code.rstrip("0123456789")
        area = areas.index(prefix) if prefix in areas else len(areas)
        return (stage != next_stage, -SEVERITY_RANK[severity], stage, area, code)

    ordered = [groups[code] for code in sorted(groups, key=rank)]
    chosen: list[Finding] = []
    depth = 0
    while len(chosen) < TOP_RISKS and any(len(group) > depth for group in ordered):
        chosen.extend(group[depth] for group in ordered if len(group) > depth)
        depth += 1
    return [_risk(org, known.get(finding.code), finding, waivers) for finding in chosen[:TOP_RISKS]]


def _risk(org: Org, item: Rule | None, finding: Finding, waivers: Sequence[Waiver]) -> Risk:
    doc = (item.doc if item else "").replace("`", "")
    paragraphs = [part.strip().replace("\n", " ") for part in doc.split("\n\n")]
    why = paragraphs[1] if len(paragraphs) > 1 and not paragraphs[1].endswith(":") else ""
    message = finding.message[:1].upper() + finding.message[1:]
    return Risk(message=message, expectation=item.summary if item else "", why=why,
                owner=owner_of(org, finding, waivers), code=finding.code, severity=finding.severity,
                location=finding.location, stage=item.blocks_stage if item else 4)
