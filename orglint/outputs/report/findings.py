"""Findings told for the report: who owns each, and which are the top risks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from orglint.engine.waivers import Waiver
from orglint.finding import SEVERITIES, SEVERITY_RANK, Finding
from orglint.model import Entity, Org, Ref, Team, is_index
from orglint.outputs.formatters.text import plural
from orglint.registry import AREAS, Rule
from orglint.schema.org import KIND_SECTION

from .reach import ReachIndex

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
    """A finding that blocks a stage, told for someone who never saw the YAML: what is wrong
    (``message``, a sentence with its full stop), what is expected and why, its owner, the
    stage it blocks, the journeys it sits on (``reach``, in words; "" when none) and how many
    ``more`` findings of its rule the same owner answers for (``more_text`` says it: "And 2
    more like it on this journey.", "" when none)."""

    message: str
    expectation: str
    why: str
    owner: str
    code: str
    severity: str
    location: str
    stage: int
    reach: str = ""
    more: int = 0
    more_text: str = ""

# -- owners ------------------------------------------------------------------------------------

def owner_of(org: Org, finding: Finding, waivers: Sequence[Waiver] = ()) -> str:
    """Who answers for the entity a finding is about, in words (``describe_owner``); for a
    finding about no known entity (a WVR finding), the owner of the one of ``waivers``
    declared on its line; "no owner" when nobody does. For many findings, ask one
    ``Owners``."""
    return Owners(org, waivers).of(finding)


class Owners:
    """``owner_of`` for every finding of one report: each entity's owner worked out once, and
    the waivers found by their line, so the time grows with the findings and waivers, not
    with their product."""

    def __init__(self, org: Org, waivers: Sequence[Waiver] = ()) -> None:
        self.org = org
        self._by_line: dict[tuple[str, int], str] = {}
        for waiver in waivers:
            if waiver.owner:
                self._by_line.setdefault((waiver.path, waiver.line), waiver.owner)
        self._known: dict[tuple[str, str | None], str] = {}

    def of(self, finding: Finding) -> str:
        """The owner of ``finding`` in words, as ``owner_of`` says it."""
        entity = entity_of(self.org, finding)
        if entity is None:
            owner = self._by_line.get((finding.path, finding.line))
            if owner is None:
                return NO_OWNER
            ref = Ref("person", owner)
            return describe_owner(self.org, ref) if self.org.get(ref) else str(owner)
        key = (finding.entity or "", finding.field)
        if key not in self._known:
            self._known[key] = describe_owner(self.org, _owner_ref(self.org, entity, finding.field))
        return self._known[key]


def entity_of(org: Org, finding: Finding) -> Entity | None:
    """The entity a finding is about; None for no entity, or one of a kind or id the org
    does not hold (a plugin may name other kinds)."""
    kind, _, ident = (finding.entity or "").partition(":")
    return org.get(Ref(kind, ident)) if ident and kind in KIND_SECTION else None


def describe_owner(org: Org, ref: Ref | None) -> str:
    """A person as ``Name (title)``, a team as ``Name team, led by ...``; "no owner" for None
    or a reference the org does not resolve."""
    entity = org.get(ref)
    if ref is None or entity is None:
        return NO_OWNER
    title = getattr(entity, "title", None)
    if isinstance(entity, Team):  # co-leads by name; a subteam's lead through its parent
        leads, via = org.leads_of(entity)
        if not leads:
            return f"{entity.name} team (no lead)"
        through = f" (through {via.name})" if via is not None else ""
        return f"{entity.name} team, led by {org.names(leads)}{through}"
    return f"{entity.name} ({title})" if title else entity.name


def _owner_ref(org: Org, entity: Entity, field_path: str | None) -> Ref | None:
    kind = entity.kind
    if isinstance(entity, Team):
        leads, _ = org.leads_of(entity)
        return leads[0] if leads else None
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
    if len(steps) > 1 and steps[0] == "activities" and is_index(steps[1]):
        chosen = [item for item in activities if item.index == int(steps[1])]
    else:
        chosen = list(activities)
    for activity in chosen:
        if activity.A:
            accountable: Ref = activity.A[0]
            return accountable
    return None

def finding_view(org: Org, known: dict[str, Rule], finding: Finding,
                 waivers: Sequence[Waiver] = (), owners: Owners | None = None) -> FindingView:
    """The view of one finding; ``known`` maps codes to rules, for the area; ``waivers`` name
    the owners of WVR findings (``owners``, when given, answers instead)."""
    return FindingView(
        location=finding.location, code=finding.code, name=finding.name,
        severity=finding.severity, message=finding.message, area=area_of(known, finding.code),
        owner=(owners or Owners(org, waivers)).of(finding),
    )


def area_of(known: dict[str, Rule], code: str) -> str:
    """The area name of a rule code, from ``known`` rules or the code's prefix."""
    item = known.get(code)
    if item is not None:
        return item.area
    prefix = code.rstrip("0123456789")
    return AREAS.get(prefix, prefix)


class Ranking:
    """Orders findings by consequence, never by id: severity (errors first); the stage a
    finding blocks (the next stage first, then the lower stages before the higher); the reach
    of its entity (``Reach.key``: observed cases, then the highest journey volume, then the
    number of journeys); the number of findings on the same entity (a concentration of gaps
    first); the rule's area in catalog order. Only then, for a total order: the code, the
    entity and the location."""

    def __init__(self, org: Org, known: dict[str, Rule], findings: Sequence[Finding],
                 next_stage: int | None, observed: Mapping[str, int] | None = None) -> None:
        self.known = known
        self.next_stage = next_stage
        self.reach = ReachIndex(org, observed)
        self.on_entity = Counter(finding.entity for finding in findings if finding.entity)
        self._areas = list(AREAS)

    def stage_of(self, finding: Finding) -> int:
        """The stage the finding's rule blocks (4 for a rule the registry does not know)."""
        item = self.known.get(finding.code)
        return item.blocks_stage if item else 4

    def key(self, finding: Finding) -> tuple[Any, ...]:
        """The sort key of one finding: smaller is more consequential."""
        stage = self.stage_of(finding)
        prefix = finding.code.rstrip("0123456789")
        area = self._areas.index(prefix) if prefix in self._areas else len(self._areas)
        return (-SEVERITY_RANK[finding.severity], stage != self.next_stage, stage,
                *self.reach.of(finding.entity).key, -self.on_entity[finding.entity or ""], area,
                finding.code, finding.entity or "", finding.path, finding.line, finding.column)

    def ordered(self, findings: Iterable[Finding]) -> list[Finding]:
        """``findings`` most consequential first."""
        return sorted(findings, key=self.key)


def top_risks(org: Org, known: dict[str, Rule], findings: Sequence[Finding],
              next_stage: int | None, waivers: Sequence[Waiver] = (),
              ranking: Ranking | None = None, owners: Owners | None = None) -> list[Risk]:
    """The gaps a leader should hear about first, ranked by consequence (``Ranking``). One
    risk per rule and owner, told by its most consequential finding: the others (three
    context items dropped on one journey, seven handoffs nobody owns) count in its ``more``,
    so one gap repeated does not crowd out the rest. At most ``TOP_RISKS``; ``info`` findings
    are never risks."""
    ranking = ranking or Ranking(org, known, findings, next_stage)
    owners = owners or Owners(org, waivers)
    groups: dict[tuple[str, str], list[Finding]] = {}
    for finding in ranking.ordered(f for f in findings if f.severity != "info"):
        key = (finding.code, owners.of(finding))
        groups.setdefault(key, []).append(finding)
    return [_risk(org, known.get(code), group, owner, ranking)
            for (code, owner), group in list(groups.items())[:TOP_RISKS]]


def _risk(org: Org, item: Rule | None, group: list[Finding], owner: str,
          ranking: Ranking) -> Risk:
    finding, more = group[0], len(group) - 1
    doc = (item.doc if item else "").replace("`", "")
    paragraphs = [part.strip().replace("\n", " ") for part in doc.split("\n\n")]
    why = paragraphs[1] if len(paragraphs) > 1 and not paragraphs[1].endswith(":") else ""
    message = finding.message[:1].upper() + finding.message[1:]
    if not message.endswith((".", "?", "!")):
        message += "."
    kind = (finding.entity or "").partition(":")[0]
    if not more:
        more_text = ""
    elif kind and all(other.entity == finding.entity for other in group):
        more_text = f"And {more} more like it on this {kind}."
    elif owner == NO_OWNER:
        more_text = f"And {more} more like it, none with an owner."
    else:
        more_text = f"And {more} more like it with the same owner."
    return Risk(message=message, expectation=item.summary if item else "", why=why,
                owner=owner, code=finding.code, severity=finding.severity,
                location=finding.location, stage=ranking.stage_of(finding),
                reach=ranking.reach.of(finding.entity).text, more=more, more_text=more_text)


# -- the appendix ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RuleGroup:
    """The findings of one rule, in file order, with the rule's expectation (``summary``)."""

    code: str
    name: str
    summary: str
    findings: tuple[FindingView, ...]

    @property
    def counts(self) -> str:
        """Its findings by severity in words: ``3 errors``, ``2 warnings, 1 info``."""
        return tally(view.severity for view in self.findings)


def tally(severities: Iterable[str]) -> str:
    """Findings by severity in words, worst first: ``2 errors, 1 warning``."""
    counts = Counter(severities)
    return ", ".join(plural(counts[level], level) for level in SEVERITIES if counts[level])


@dataclass(frozen=True)
class AreaGroup:
    """The findings of one rule area, one group per rule in code order."""

    prefix: str
    area: str
    rules: tuple[RuleGroup, ...]

    @property
    def count(self) -> int:
        """Its findings, every rule."""
        return sum(len(group.findings) for group in self.rules)


def grouped(views: Iterable[FindingView], known: dict[str, Rule]) -> list[AreaGroup]:
    """Findings grouped by area (catalog order, then a plugin's areas by prefix) and rule (by
    code), each group in the order given."""
    by_rule: dict[str, list[FindingView]] = {}
    for view in views:
        by_rule.setdefault(view.code, []).append(view)
    by_area: dict[str, list[RuleGroup]] = {}
    for code in sorted(by_rule):
        item = known.get(code)
        views_of = by_rule[code]
        by_area.setdefault(code.rstrip("0123456789"), []).append(RuleGroup(
            code=code, name=views_of[0].name, summary=item.summary.replace("`", "") if item else "",
            findings=tuple(views_of)))
    order = [*[prefix for prefix in AREAS if prefix in by_area],
             *sorted(set(by_area) - set(AREAS))]
    return [AreaGroup(prefix, by_area[prefix][0].findings[0].area, tuple(by_area[prefix]))
            for prefix in order]
