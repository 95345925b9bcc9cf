"""The model: what a field says (written, empty, absent, dangling, invalid) and whether it is
known, list positions, the shared questions of the Org, and read-only indexes."""

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
  onboarding: {owner: leo, path: [sales, delivery, slaes, sales]}
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


INVALID = """\
people:
  ana: {name: Ana Ruiz}
teams:
  sales: {lead: ana, layer: front, members: ana}
  delivery: {lead: [ana, ann], name: [Delivery]}
handoffs:
  a-to-b:
    from: sales
    to: [delivery]
    complexity: extreme
    exception_rate: 1e400
    governance: yes
    sla: {acknowledge: soon, complete: 2d}
    carries: [scope, ""]
metrics:
  kickoff: {owner: ana, rewards: []}
"""


def test_a_value_the_schema_refuses_is_invalid_and_not_read():
    invalid = build_org(load_text(INVALID, "org.yaml").documents)
    handoff = invalid.handoffs["a-to-b"]
    assert (handoff.complexity, handoff.exception_rate, handoff.target) == (None, None, None)
    assert {field: handoff.state(field) for field in (
        "complexity", "exception_rate", "to", "governance", "sla.acknowledge", "carries")} \
        == dict.fromkeys(("complexity", "exception_rate", "to", "governance", "sla.acknowledge",
                          "carries"), FieldState.INVALID)
    assert handoff.given("complexity") and handoff.written("to") == ["delivery"]
    assert handoff.sla == {"complete": "2d"} and handoff.carries == ("scope",)
    sales, delivery = invalid.teams["sales"], invalid.teams["delivery"]
    assert sales.layer is None and sales.state("layer") is FieldState.INVALID
    # one id where only a list is taken is resolved as written, and is still not known
    assert sales.members == (Ref("person", "ana"),) and not sales.known("members")
    assert delivery.name == "delivery" and delivery.state("name") is FieldState.INVALID
    # a required field not written is absent, and not known: no type is made up for it
    metric = invalid.metrics["kickoff"]
    assert metric.type == "" and metric.state("type") is FieldState.ABSENT
    assert not metric.known("type") and metric.known("rewards") and metric.known("source")


def test_a_field_is_known_when_the_model_holds_what_the_file_says(org):
    handoff = org.handoffs["sales-to-delivery"]
    assert handoff.known("from") and handoff.known("backup_owner") and handoff.known("sla")
    assert not handoff.known("owner")  # written empty: ORG002
    assert not handoff.known("governance.escalation")  # an item dangles: ORG003
    # a field is not known when one inside it, or one it is part of, is not
    assert not handoff.known("governance")
    invalid = build_org(load_text(INVALID, "org.yaml").documents)
    refused = invalid.handoffs["a-to-b"]
    assert not refused.known("governance.decision_maker") and not refused.known("sla")
    assert refused.known("from") and not invalid.teams["delivery"].known("lead")
    [activity] = org.raci["scope-change"].activities
    assert activity.known("A") and activity.known("C") and not activity.known("R")


def test_list_positions_are_kept_past_a_dangling_item(org):
    handoff = org.handoffs["sales-to-delivery"]
    assert [(slot.field, slot.ref) for slot in handoff.levels()] == [
        ("governance.escalation.0", Ref("person", "dan")),
        ("governance.escalation.2", Ref("person", "leo"))]
    assert [slot.text for slot in handoff.slots("governance.escalation")] == [None, "nobody", None]
    # a dangling path item is no team: the pairs it is part of are unknown, and the teams
    # around it no boundary
    assert list(org.journeys["onboarding"].boundaries()) == [
        ("path.1", Ref("team", "sales"), Ref("team", "delivery"))]
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


# -- did you mean -------------------------------------------------------------------------------


def _typos(count: int) -> tuple[list[str], list[str]]:
    """``count`` ids ``person-00000``... and, for each, a copy with one letter changed."""
    import random

    rng = random.Random(3)
    ids = [f"person-{number:05d}" for number in range(count)]
    words = []
    for ident in ids:
        place = rng.randrange(len(ident))
        words.append(ident[:place] + rng.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                     + ident[place + 1:])
    return ids, words


def test_a_small_kind_is_searched_in_full_as_difflib_does():
    import difflib

    from orglint.model.suggest import SuggestionIndex

    ids = ["leo", "dan", "delivery", "sales-team", "billing", "customer-success", "ana"]
    index = SuggestionIndex(ids)
    words = ["loe", "delivry", "sales", "biling", "customer", "zzz", "da", "an", "x" * 5000]
    assert [index.closest(word) for word in words] == [
        (difflib.get_close_matches(word, ids, n=1) or [None])[0] for word in words]
    assert [index.closest(word) for word in words] == [
        "leo", "delivery", "sales-team", "billing", "customer-success", None, "dan", "dan", None]


def test_a_large_kind_names_the_id_one_letter_off():
    from orglint.model.suggest import SuggestionIndex

    ids, _ = _typos(5000)
    index = SuggestionIndex([*ids, "delivery-team"])
    assert not index.exact
    # changed, missing, extra and moved letters: the closest by difflib's score, ties to an id
    # a single edit away, then to the larger id; an id more than one letter off is not
    # named (difflib would name 'delivery-team' for 'delivery')
    assert [index.closest(word) for word in (
        "person-0x123", "person-0123", "person-001234", "preson-00123", "delivery-tema",
        "delivery", "nobody", " " * 20000)] == [
        "person-04123", "person-04123", "person-01234", "person-00123", "delivery-team",
        None, None, None]


def test_hints_agree_with_difflib_on_one_letter_typos():
    import difflib

    from orglint.model.suggest import SuggestionIndex, one_edit

    ids, words = _typos(2000)
    index = SuggestionIndex(ids)
    sample = words[::40]
    matcher = difflib.SequenceMatcher()

    def best(word: str) -> str | None:  # difflib's best ratio; ties to a single edit away
        matcher.set_seq2(word)
        ranked = []
        for ident in ids:
            matcher.set_seq1(ident)
            if matcher.ratio() >= 0.6:
                ranked.append((matcher.ratio(), one_edit(word, ident), ident))
        return max(ranked)[2] if ranked else None

    expected = [best(word) for word in sample]
    got = [index.closest(word) for word in sample]
    assert sum(a == b for a, b in zip(got, expected, strict=True)) >= len(sample) - 1
    # where difflib's own pick differs, the hint is one edit away and difflib's is not
    for word, hint in zip(sample, got, strict=True):
        picked = (difflib.get_close_matches(word, ids, n=1) or [None])[0]
        if hint != picked:
            assert one_edit(word, hint) and not one_edit(word, picked), word


def test_hints_cost_work_linear_in_the_ids_and_references():
    from orglint.model.suggest import SuggestionIndex

    work = []
    for count in (1000, 10000):
        ids, words = _typos(count)
        index = SuggestionIndex(ids)
        for word in words:
            index.closest(word)
        work.append(index.work)
    assert work[1] <= 15 * work[0], work


def test_a_typo_among_many_people_names_the_person_it_misses():
    people = "".join(f"  person-{number:05d}: {{name: P{number}}}\n" for number in range(300))
    text = (f"people:\n{people}teams:\n  sales: {{lead: person-00128, members: [person-0012x, "
            f"persn-00200, '{' ' * 5000}x']}}\n")
    org = build_org(load_text(text, "org.yaml").documents)
    assert [hit.message for hit in org.unknown_references()] == [
        "team 'sales' field 'members[0]' names unknown person 'person-0012x'; did you mean "
        "'person-00129'?",  # as difflib.get_close_matches answers
        "team 'sales' field 'members[1]' names unknown person 'persn-00200'; did you mean "
        "'person-00200'?",
        f"team 'sales' field 'members[2]' names unknown person '{' ' * 5000}x'",
    ]


def test_hints_are_found_when_asked_for_not_while_the_org_is_built():
    people = "".join(f"  person-{number:05d}: {{name: P{number}}}\n" for number in range(300))
    text = (f"people:\n{people}teams:\n  sales: {{name: Sales  Team, lead: person-0012x}}\n"
            "  support: {lead: person-00001, parent: sales team}\n")
    org = build_org(load_text(text, "org.yaml").documents)
    assert [hit.message for hit in org.problems["unknown-reference"]] == [
        "team 'sales' field 'lead' names unknown person 'person-0012x'",
        "team 'support' field 'parent' names unknown team 'sales team'"]
    assert org.suggestions == {}  # no index yet: no rule asked
    hints = [hit.message for hit in org.unknown_references()]
    assert hints == [
        "team 'sales' field 'lead' names unknown person 'person-0012x'; did you mean "
        "'person-00129'?",
        "team 'support' field 'parent' names unknown team 'sales team'; that is the name of "
        "team 'sales': write its id"]
    assert list(org.suggestions) == [("person",)]  # asked once, kept for the next question
    assert [hit.message for hit in org.unknown_references()] == hints


def test_a_hint_is_one_edit_away_never_the_entity_itself_and_mends_a_kind():
    text = ("people:\n  ana: {name: Ana Ruiz, reports_to: anx}\n  dan: {name: Dan Okafor}\n"
            "  sales: {name: Sales Bot}\n"
            "teams:\n  sales: {lead: ana, members: [ana]}\n"
            "  delivery: {lead: dan, members: [dan], parent: delivry}\n"
            "journeys:\n  onboarding: {owner: persn:sales, path: [sales, delivery]}\n"
            "handoffs:\n  sales-to-delivery: {from: sales, to: delivery, owner: anx}\n")
    org = build_org(load_text(text, "org.yaml").documents)
    assert [hit.message for hit in org.unknown_references()] == [
        # 'ana' is one edit from 'anx' but names the person herself: the next best
        "person 'ana' field 'reports_to' names unknown person 'anx'; did you mean 'dan'?",
        # the only close team is the team itself: no hint
        "team 'delivery' field 'parent' names unknown team 'delivry'",
        # 'sales' alone would be ambiguous (a person and a team): the kind is mended
        "journey 'onboarding' field 'owner' names unknown person or team 'persn:sales'; "
        "did you mean 'person:sales'?",
        # 'ana' and 'dan' score alike; 'ana' is a single edit away
        "handoff 'sales-to-delivery' field 'owner' names unknown person or team 'anx'; "
        "did you mean 'ana'?"]


# -- indexes that keep rules linear ---------------------------------------------------------------


def _chain(count: int) -> str:
    """Teams t0000 (led by ana) <- t0001 <- ... each the parent of the next, written deepest
    first, then a two-team cycle with no lead and a team under it."""
    teams = "".join(f"  t{number:04d}: {{parent: t{number - 1:04d}}}\n"
                    for number in range(count - 1, 0, -1))
    return ("people:\n  ana: {name: Ana}\nteams:\n" + teams + "  t0000: {lead: ana}\n"
            "  loop-a: {parent: loop-b}\n  loop-b: {parent: loop-a}\n  under: {parent: loop-a}\n")


def test_every_team_is_led_through_the_nearest_team_up_its_chain_that_names_leads():
    org = build_org(load_text(_chain(50), "org.yaml").documents)
    top = org.teams["t0000"]
    assert org.leads_of(org.teams["t0049"]) == ((Ref("person", "ana"),), top)
    assert org.leads_of(top) == ((Ref("person", "ana"),), None)
    assert [org.leads_of(org.teams[name]) for name in ("loop-a", "loop-b", "under")] == [
        ((), None)] * 3
    assert org.led_through[Ref("team", "t0049")] is top


def test_leads_are_found_in_one_walk_however_deep_the_chain():
    from orglint.model.build import _led_through

    class Counted(dict):  # every step up a parent chain looks the parent up here
        steps = 0

        def get(self, *args):
            Counted.steps += 1
            return super().get(*args)

    steps = []
    for count in (1000, 10000):
        teams = build_org(load_text(_chain(count), "org.yaml").documents).teams
        Counted.steps = 0
        _led_through(Counted(teams))
        steps.append(Counted.steps)
    assert steps[0] <= 1000 + 10 and steps[1] <= 10000 + 10, steps


def test_a_team_knows_which_teams_list_it_among_their_children():
    org = build_org(load_text(
        "teams:\n  a: {children: [c, d]}\n  b: {children: [c]}\n  c: {parent: a}\n  d: {}\n",
        "org.yaml").documents)
    assert org.listed_by == {Ref("team", "c"): {Ref("team", "a"), Ref("team", "b")},
                             Ref("team", "d"): {Ref("team", "a")}}


def test_the_teams_of_a_person_are_read_from_an_index():
    org = build_org(load_text(
        "people:\n  ana: {}\n  leo: {}\n  dan: {}\nteams:\n  a: {lead: ana, members: [leo, ana]}\n"
        "  b: {lead: [leo, ana], members: [dan]}\n  c: {members: [leo]}\n", "org.yaml").documents)
    teams = {name: org.teams[name] for name in "abc"}
    assert dict(org.teams_of_person) == {
        Ref("person", "ana"): (teams["a"], teams["b"]),
        Ref("person", "leo"): (teams["a"], teams["c"], teams["b"]),
        Ref("person", "dan"): (teams["b"],)}
    assert org.teams_of(Ref("person", "leo")) is org.teams_of_person[Ref("person", "leo")]
    assert org.teams_of(Ref("person", "nobody")) == ()


def test_a_handoff_is_described_with_its_sides_as_written():
    text = ("people:\n  ana: {name: Ana}\nteams:\n  sales: {lead: ana}\n"
            "handoffs:\n  a: {from: sales, to: delivry, owner: ana}\n"
            "  b: {to: sales, owner: ana}\n  c: {owner: ana}\n")
    org = build_org(load_text(text, "org.yaml").documents)
    assert [org.describe(org.handoffs[ident]) for ident in "abc"] == [
        "handoff 'a' (sales -> delivry)", "handoff 'b' (to sales)", "handoff 'c'"]
