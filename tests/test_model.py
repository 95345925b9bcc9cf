"""The model: what a field says (written, empty, absent, dangling), list positions, the shared
questions of the Org, and read-only indexes."""

from __future__ import annotations

import pytest

from orglint.load.documents import load_text
from orglint.model import Complexity, FieldState, Org, Ref, build_org

ORG = """\
people:
  dan: {name: Dan Okafor}
  leo: {name: Leo Park}
teams:
  sales: {name: Sales, lead: leo}
  delivery: {name: Delivery, members: [dan, leo, dan]}
journeys:
  onboarding: {owner: leo, path: [sales, slaes, delivery]}
handoffs:
  sales-to-delivery:
    from: sales
    to: delivery
    owner:
    exception_rate: 0.1
    governance: {escalation: [dan, nobody, leo]}
    sla: {}
raci:
  scope-change:
    activities:
      - {activity: Approve, R: [dan, ghost], A: leo}
"""


@pytest.fixture(scope="module")
def org() -> Org:
    return build_org(load_text(ORG, "org.yaml").documents)


def test_a_field_is_written_empty_absent_or_dangling(org):
    handoff = org.handoffs["sales-to-delivery"]
    assert handoff.state("from") is FieldState.WRITTEN
    assert handoff.state("owner") is FieldState.EMPTY
    assert handoff.state("backup_owner") is FieldState.ABSENT
    assert handoff.state("governance.escalation") is FieldState.DANGLING
    assert not handoff.given("owner") and handoff.given("governance.escalation")
    # where a finding points: the field when its key is written, else the entity
    assert (handoff.at("owner"), handoff.at("sla"), handoff.at("measured_by")) == (
        "owner", "sla", None)


def test_list_positions_are_kept_past_a_dangling_item(org):
    handoff = org.handoffs["sales-to-delivery"]
    assert [(slot.field, slot.ref) for slot in handoff.levels()] == [
        ("governance.escalation.0", Ref("person", "dan")),
        ("governance.escalation.2", Ref("person", "leo"))]
    assert [slot.text for slot in handoff.slots("governance.escalation")] == [None, "nobody", None]
    # the boundary around a dangling path item stands at the team that resolved
    assert list(org.journeys["onboarding"].boundaries()) == [
        ("path.2", Ref("team", "sales"), Ref("team", "delivery"))]
    [activity] = org.raci["scope-change"].activities
    assert [slot.field for slot in activity.cell("A")] == ["activities.0.A"]
    assert activity.named("R") == [Ref("person", "dan"), "ghost"]
    assert activity.label == "activity 'Approve' of RACI 'scope-change'"


def test_every_item_resolved_gives_each_its_index(org):
    slots = org.teams["delivery"].slots("members")
    assert [(slot.field, slot.index) for slot in slots] == [
        ("members.0", 0), ("members.1", 1), ("members.2", 2)]


def test_the_teams_of_a_person_are_those_they_are_in_or_lead(org):
    assert [team.id for team in org.teams_of(Ref("person", "leo"))] == ["delivery", "sales"]
    assert [team.id for team in org.teams_of(Ref("person", "dan"))] == ["delivery"]
    assert [team.id for team in org.teams_of(Ref("team", "sales"))] == ["sales"]
    assert org.teams_of(Ref("journey", "onboarding")) == ()


def test_the_journeys_a_handoff_lies_on(org):
    handoff = org.handoffs["sales-to-delivery"]
    assert [journey.id for journey in org.journeys_through(handoff)] == ["onboarding"]
    assert org.describe(handoff) == "handoff 'sales-to-delivery' (Sales -> Delivery)"


def test_effective_complexity_follows_the_org_setting():
    documents = load_text(ORG, "org.yaml").documents
    default = build_org(documents)
    raised = build_org(documents, Complexity(medium_rate=0.2, high_rate=0.5))
    handoff = default.handoffs["sales-to-delivery"]
    assert default.complexity_of(handoff) == "medium"
    assert raised.complexity_of(raised.handoffs["sales-to-delivery"]) == "low"
    assert Complexity().effective("high", 0.0) == "high"
    assert Complexity().effective(None, None) is None


def test_indexes_are_read_only_and_keyed_by_ref(org):
    owned = org.teams_of_member
    assert all(isinstance(key, Ref) for key in owned)
    assert all(isinstance(teams, tuple) for teams in owned.values())
    with pytest.raises(TypeError):
        owned[Ref("person", "ana")] = ()  # type: ignore[index]
    with pytest.raises(TypeError):
        org.teams["x"] = org.teams["sales"]  # type: ignore[index]
    with pytest.raises(AttributeError):
        org.teams = {}  # type: ignore[misc]
    assert org.teams_of_member.get(Ref("person", "ana")) is None  # no default entries appear
