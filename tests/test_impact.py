"""`orglint impact person:ID`: what loses its person, and the stage the org falls to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orglint.commands import main
from orglint.engine.impact import without_person
from orglint.load.documents import load_text
from orglint.model import build_org

# every rule runs (a stage is only claimed when its rules ran); the few that this small org
# trips anyway are lowered to info, which never blocks
CONFIG = """\
rules:
  FBK001: {severity: info}
  INC003: {severity: info}
  INC005: {severity: info}
  GOV007: {severity: info}
"""
ORG = """\
people:
  maya: {name: Maya Chen, title: Founder, founder: true}
  carla: {name: Carla Diaz, title: Engagement Manager}
  dan: {name: Dan Okafor}
  ana: {name: Ana Ruiz}
teams:
  sales: {name: Sales, lead: carla, members: [carla, ana]}
  delivery: {name: Delivery, lead: dan, members: [dan, maya]}
journeys:
  onboarding: {name: Onboarding, owner: carla, path: [sales, delivery]}
handoffs:
  sales-to-delivery:
    from: sales
    to: delivery
    owner: carla
    backup_owner: dan
    complexity: high
    governance:
      decision_maker: maya
      escalation: [dan, carla]
decisions:
  refund: {name: Refunds, frequency: weekly, decided_by: carla}
raci:
  kickoff:
    activities:
      - {activity: Run the kick-off, R: [carla], A: carla, I: [delivery]}
      - {activity: Staff the project, R: [dan, carla], A: dan, I: [sales]}
"""

CARLA = """\
If Carla Diaz (person:carla, Engagement Manager) left, 7 places would lose their person:

Boundaries they own or back up (1):
  org.yaml:15:12: handoff 'sales-to-delivery' (Sales -> Delivery): owner; backup Dan Okafor stays

Decisions they make (1):
  org.yaml:22:58: decision 'refund' (Refunds): decides it (comes up weekly)

Escalation paths they end (1):
  org.yaml:20:25: handoff 'sales-to-delivery' (Sales -> Delivery): final escalation, after Dan Okafor

RACI activities where they are A or the only R (2):
  org.yaml:26:41: activity 'Run the kick-off' of RACI 'kickoff': the only responsible (R)
  org.yaml:26:53: activity 'Run the kick-off' of RACI 'kickoff': accountable (A)

Journeys they own (1):
  org.yaml:10:41: journey 'onboarding' (Onboarding): owns the customer across it

Teams they lead (1):
  org.yaml:7:30: team 'sales' (Sales): lead

Stage now: 2 of 4 (designed surface).
Without Carla Diaz: 1 of 4 (reactive).

New findings without Carla Diaz (5):
  org.yaml:7:3: ORG006 [warning] team 'sales' has no lead
  org.yaml:10:3: BND003 [error] journey 'onboarding' has no named owner
  org.yaml:12:3: BND001 [error] handoff 'sales-to-delivery' (Sales -> Delivery) has no named owner
  org.yaml:26:9: RAC001 [error] activity 'Run the kick-off' of RACI 'kickoff' has no accountable person (A)
  org.yaml:26:9: RAC002 [error] activity 'Run the kick-off' of RACI 'kickoff' has nobody responsible (R)
"""

MAYA = """\
If Maya Chen (person:maya, Founder) left, 1 place would lose their person:

Decisions they make (1):
  org.yaml:19:23: handoff 'sales-to-delivery' (Sales -> Delivery): decision maker for exceptions

Stage now: 2 of 4 (designed surface).
Without Maya Chen: still 2 of 4 (designed surface).

New findings without Maya Chen (1):
  org.yaml:19:7: GOV001 [error] handoff 'sales-to-delivery' (Sales -> Delivery) is high-complexity \
but has no decision maker
"""

ANA = """\
If Ana Ruiz (person:ana) left, nothing would lose its person.

Stage now: 2 of 4 (designed surface).
Without Ana Ruiz: still 2 of 4 (designed surface).

No new findings without Ana Ruiz.
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "orglint.yaml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "org.yaml").write_text(ORG, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ORGLINT_DISABLE_PLUGIN_AUTOLOAD", "1")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["impact", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("person, expected", [
    ("person:carla", CARLA), ("carla", CARLA), ("maya", MAYA), ("person:ana", ANA),
])
def test_text_output(repo: Path, capsys: pytest.CaptureFixture[str], person: str,
                     expected: str) -> None:
    assert run(capsys, person) == (0, expected, "")


def test_json_output(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "person:maya", "--format", "json")
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["person"] == {"id": "maya", "name": "Maya Chen", "title": "Founder"}
    assert data["losses"] == {
        "boundaries": [],
        "decisions": [{
            "group": "decisions", "entity": "handoff:sales-to-delivery",
            "field": "governance.decision_maker",
            "what": "handoff 'sales-to-delivery' (Sales -> Delivery)",
            "role": "decision maker for exceptions", "path": "org.yaml", "line": 19, "column": 23,
        }],
        "escalations": [], "activities": [], "journeys": [], "teams": [], "roles": [],
        "owned": [],
    }
    assert data["stage"] == {"now": {"number": 2, "name": "designed surface"},
                             "without": {"number": 2, "name": "designed surface"}}
    assert [(f["code"], f["line"], f["column"], f["message"]) for f in data["new_findings"]] == [
        ("GOV001", 19, 7, "handoff 'sales-to-delivery' (Sales -> Delivery) is high-complexity "
                          "but has no decision maker"),
    ]


def test_each_file_is_read_once(repo: Path, capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    """For the results key and for the documents alike, warm or cold."""
    import collections

    from orglint.load import parallel

    real, reads = parallel.read_file, collections.Counter[str]()

    def counted(path: str, shown: str) -> object:
        reads[shown] += 1
        return real(path, shown)

    monkeypatch.setattr(parallel, "read_file", counted)
    for _ in range(2):  # cold, then with the result stored
        reads.clear()
        assert run(capsys, "carla")[0] == 0
        assert reads and set(reads.values()) == {1}, reads


def test_output_is_deterministic(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = run(capsys, "carla", "--format", "json")
    assert run(capsys, "carla", "--format", "json") == first


@pytest.mark.parametrize("person, message", [
    ("carl", "orglint: error: no person 'carl' in the org; did you mean 'person:carla'?\n"),
    ("person:zed", "orglint: error: no person 'zed' in the org\n"),
    ("Carla Diaz", "orglint: error: no person 'Carla Diaz' in the org; that is the name of "
                   "'person:carla': give its id\n"),
    ("person:carla  DIAZ", "orglint: error: no person 'carla  DIAZ' in the org; that is the "
                           "name of 'person:carla': give its id\n"),
    ("CARLA", "orglint: error: no person 'CARLA' in the org; did you mean 'person:carla'?\n"),
    ("Person:carl", "orglint: error: no person 'carl' in the org; did you mean "
                    "'person:carla'?\n"),
    ("sales", "orglint: error: no person 'sales' in the org; 'sales' is a team, and impact "
              "takes a person\n"),
    ("team:sales", "orglint: error: impact takes a person (person:ID or ID), not 'team:sales'\n"),
])
def test_unknown_person_is_a_usage_error(repo: Path, capsys: pytest.CaptureFixture[str],
                                         person: str, message: str) -> None:
    assert run(capsys, person) == (2, "", message)


def test_impact_says_when_a_file_could_not_be_read(repo, capsys):
    (repo / "broken.yaml").write_text("teams:\n  x: [unclosed\n", encoding="utf-8")
    code, out, err = run(capsys, "carla")
    assert (code, err) == (0, "")
    assert out.endswith(
        "\nIncomplete: 1 file could not be read (broken.yaml); what it holds is missing here, "
        "and findings that may follow from it are held back. Run 'orglint check' to see why.\n")
    code, out, err = run(capsys, "carla", "--format", "json")
    assert json.loads(out)["unreadable"] == ["broken.yaml"]


def test_a_name_is_found_whatever_its_accents(tmp_path, capsys, monkeypatch):
    (tmp_path / "org.yaml").write_text(
        "people:\n  tomas: {name: Tomás Ribeiro}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "Tomas  RIBEIRO") == (
        2, "", "orglint: error: no person 'Tomas  RIBEIRO' in the org; that is the name of "
               "'person:tomas': give its id\n")


def test_a_name_two_people_share_asks_for_an_id(tmp_path, capsys, monkeypatch):
    (tmp_path / "org.yaml").write_text(
        "people:\n  ana: {name: Ana Ruiz}\n  ana2: {name: Ana Ruiz}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "ana ruiz") == (2, "", "orglint: error: no person 'ana ruiz' in the "
                                       "org; 2 people have that name: give one id (person:ana, "
                                       "person:ana2)\n")


@pytest.mark.parametrize(("text", "names_her"), [
    ("teams:\n  sales: {lead: carla}\n", True),
    ("teams:\n  sales: {lead: dan}\n", False),
    # an escape spells the id with other bytes: the file is read value by value
    ('teams:\n  sales: {lead: "carl\\x61"}\n', True),
    ("teams:\n  sales:\n    lead: >-\n      carla\n", True),
    ("teams:\n  sales: {lead: carlas}\n", False),  # the id within a longer one
    ("teams: &t\n  sales: {lead: carla}\nother: *t\n", True),
])
def test_the_bytes_of_a_file_pass_over_it_only_when_they_cannot_hold_the_id(text, names_her):
    people = load_text("people:\n  carla: {name: Carla}\n  dan: {name: Dan}\n", "people.yaml")
    loaded = load_text(text, "teams.yaml")
    org = build_org([*people.documents, *loaded.documents])
    files = [people, loaded]
    texts = [None, text.encode()]
    by_values, touched = without_person(files, org, "carla")
    by_bytes, touched_too = without_person(files, org, "carla", texts)
    assert touched_too == touched
    assert ("teams", "sales") in touched if names_her else touched == {("people", "carla")}
    assert [doc.data for loaded in by_bytes for doc in loaded.documents] == [
        doc.data for loaded in by_values for doc in loaded.documents]
    raw = text.encode()
    if b"carla" not in raw and b"\\" not in raw:
        assert by_bytes[1] is loaded  # passed over: the same file, not a copy


def test_without_person_keeps_positions_and_leaves_the_original_alone() -> None:
    text = """\
people:
  carla: {name: Carla Diaz}
  dan: {name: Dan Okafor}
  maya: {name: Maya Chen}
teams:
  sales: {lead: carla}
handoffs:
  a-to-b:
    from: sales
    to: sales
    owner: "person:carla"
    governance: {escalation: [dan, carla, maya]}
raci:
  r:
    activities:
      - {activity: One, R: [carla], A: maya}
      - {activity: Two, R: [dan, carla], A: carla}
"""
    loaded = load_text(text, "org.yaml")
    doc = loaded.documents[0]
    original = json.dumps(doc.data, sort_keys=True)
    org = build_org(loaded.documents)
    [changed], touched = without_person([loaded], org, "carla")
    assert touched == {("people", "carla"), ("teams", "sales"), ("handoffs", "a-to-b"),
                       ("raci", "r")}
    new = changed.documents[0]
    assert json.dumps(doc.data, sort_keys=True) == original
    assert list(new.data["people"]) == ["dan", "maya"]
    assert new.data["teams"]["sales"] == {}
    handoff = new.data["handoffs"]["a-to-b"]
    assert "owner" not in handoff
    assert handoff["governance"] == {"escalation": ["dan", "maya"]}
    assert new.data["raci"]["r"]["activities"] == [
        {"activity": "One", "A": "maya"}, {"activity": "Two", "R": ["dan"]},
    ]
    escalation = ("handoffs", "a-to-b", "governance", "escalation")
    # maya moves from index 2 to 1 and keeps the place she has in the file
    assert new.values[(*escalation, 1)] == doc.values[(*escalation, 2)] == (12, 43)
    assert (*escalation, 2) not in new.values
    assert ("people", "carla") not in new.keys
    assert ("handoffs", "a-to-b", "owner") not in new.values


def test_the_documented_example_is_the_real_output(repo: Path, capsys: pytest.CaptureFixture[str]
                                                   ) -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "impact.md").read_text("utf-8")
    assert f"```yaml\n{ORG}```" in doc
    code, out, _ = run(capsys, "person:maya")
    assert code == 0
    assert f"`orglint impact person:maya` prints:\n\n```\n{out}```" in doc


def test_findings_that_stand_either_way_are_not_new(tmp_path, capsys, monkeypatch):
    # the hint of an unknown lead names Eve while she is there, and not without her; the
    # unknown member moves from members[1] to members[0]: the same problems, not new ones
    (tmp_path / "org.yaml").write_text(
        "people:\n  eve: {name: Eve Martin}\n"
        "teams:\n  billing: {lead: Eve Martin, members: [eve, devv]}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    code = main(["impact", "eve", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["new_findings"] == []


# -- incremental impact against the full re-check -----------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def full_impacts(org: Path, people: list[str]) -> dict[str, str]:
    """The oracle: no cache, and for each re-run every document copied and validated afresh
    (``anew``) and the org built from scratch, every rule run on the org as it is and on the
    copy without the person (impact before it reused anything); person -> the JSON it
    prints."""
    import orglint.engine.impact as impact
    from orglint.session import open_session, run_check

    session = open_session(None, cwd=org, use_cache=False)
    settings = session.settings()
    files = session.load([])
    result = run_check(session.registry, files, settings)
    # the org impact rebuilt from the one it had is set aside: the oracle builds anew
    return {person: impact.render_json(impact.assess(
                result, files, f"person:{person}",
                lambda changed, _rebuilt: run_check(session.registry, anew(changed), settings)))
            for person in people}


def anew(files):
    """A deep copy of loaded files with no schema problems computed ahead: validated afresh."""
    import copy

    copied = copy.deepcopy(files)
    for loaded in copied:
        for doc in loaded.documents:
            doc.schema = None
    return copied


def orgs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    import importlib.util
    import shutil

    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    base = tmp_path_factory.mktemp("impact-orgs")
    found = []
    for example in sorted((ROOT / "examples").iterdir()):
        config = example / "orglint.yaml"
        # an org with event logs reads them on every check (seconds): the re-run without the
        # person is the same code either way
        if config.is_file() and "evidence:" not in config.read_text(encoding="utf-8"):
            shutil.copytree(example, base / example.name)
            found.append(base / example.name)
    generate.write(base / "generated", 100, defects=0.1)
    found.append(base / "generated")
    # past 100 ids a did-you-mean is searched through an index of deletes, which the org
    # without the person shares with the org as it is
    generate.write(base / "generated-large", 1000, defects=0.1)
    found.append(base / "generated-large")
    found.append(hints_org(base / "hints"))
    return found


def hints_org(folder: Path) -> Path:
    """400 people (past 100 spellings: hints come from an index of deletes) and a few who
    are named by near misses, by a bare id a team shares (an ambiguous reference while both
    exist) and in a reporting-line cycle: the messages of the references that do not resolve
    change with who is there."""
    people = {f"p{i:03d}": {"name": f"Person {i}"} for i in range(400)}
    people["p003"]["nmae"] = "a schema problem in the entry of someone who leaves"
    people["p007"]["reports_to"] = "p008"
    people["p008"]["reports_to"] = "p007"
    people["ops"] = {"name": "Ops Person"}
    people["zelda"] = {"name": "Zelda Ito"}
    people["maximiliano"] = {"name": "Maximiliano Ruiz"}  # a longer id than any near miss
    teams = {f"t{i}": {"lead": f"p{i:03d}", "members": [f"p{i + 50:03d}"]} for i in range(40)}
    teams["ops"] = {"lead": "p001"}
    teams["t1"]["members"] = ["p0011", "p051"]      # one letter off p001 (and p011)
    teams["t2"]["members"] = ["p0x2", "ops"]        # near p002; 'ops' is a person and a team
    teams["t3"]["lead"] = "Person 3"                # a display name, not the id
    teams["t6"]["members"] = ["zeldaa"]             # near zelda alone
    teams["t4"]["parent"] = "t5"
    teams["t5"]["parent"] = "t4"
    handoffs = {"a": {"from": "t1", "to": "t2", "owner": "p001", "backup_owner": "p0012"},
                "b": {"from": "t2", "to": "t3", "owner": "ops"}}  # a person or a team
    import yaml

    folder.mkdir(parents=True)
    (folder / "org.yaml").write_text(yaml.safe_dump(
        {"org": {"name": "Hints"}, "people": people, "teams": teams, "handoffs": handoffs},
        sort_keys=False), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def all_orgs(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return orgs(tmp_path_factory)


def persons(org: Path) -> list[str]:
    """Five people spread over the org, and the founders, in a stable order."""
    from orglint.session import open_session

    session = open_session(None, cwd=org, use_cache=False)
    people = sorted(session.check([], session.settings()).org.people.values(),
                    key=lambda person: person.id)
    chosen = {person.id for person in people[::max(1, len(people) // 5)]}
    chosen |= {person.id for person in people if getattr(person, "founder", False)}
    # in the hints org: those the near misses, the ambiguity and the cycle are about
    chosen |= {"p001", "p002", "p003", "p007", "ops", "zelda"} & {person.id for person in people}
    return sorted(chosen)


def test_incremental_impact_equals_the_full_re_check(all_orgs, capsys, monkeypatch, tmp_path):
    """Cold and warm (the org read back from the results cache, only what names the person
    copied), impact says exactly what the full re-check says, for people who own much,
    little or nothing, in every example and a generated org with defects."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("ORGLINT_CACHE_DIR", raising=False)
    compared = 0
    for org in all_orgs:
        monkeypatch.chdir(org)
        chosen = persons(org)
        expected = full_impacts(org, chosen)
        for person in chosen:
            for _ in range(2):  # cold, then warm
                code, out, err = run(capsys, f"person:{person}", "--format", "json")
                assert (code, err, out) == (0, "", expected[person]), (org.name, person)
            compared += 1
    assert compared >= 20


def test_the_rebuilt_org_judges_as_one_built_anew(all_orgs, monkeypatch):
    """Every finding, message for message (a did-you-mean, an ambiguity, a cycle), and the
    stage, are the same on the org rebuilt from the one with the person as on the org built
    anew from the files without them."""
    from orglint.engine.check import prepare
    from orglint.engine.impact import find_person
    from orglint.session import open_session, run_check

    compared = 0
    for org in all_orgs:
        monkeypatch.chdir(org)
        session = open_session(None, cwd=org, use_cache=False)
        settings = session.settings()
        files = session.load([])
        result = run_check(session.registry, files, settings)
        for person in persons(org):
            changed, touched = without_person(files, result.org, find_person(result.org, person).id)
            rebuilt, _ = prepare(changed, result.org.complexity, like=(result.org, touched))
            fresh = run_check(session.registry, anew(changed), settings)
            again = run_check(session.registry, changed, settings, rebuilt)
            assert [f.as_dict() for f in again.findings] == [f.as_dict() for f in fresh.findings]
            assert again.stage == fresh.stage
            compared += 1
    assert compared >= 20


def test_a_hint_naming_the_person_who_left_is_gone_from_the_rebuilt_org(tmp_path, monkeypatch):
    from orglint.engine.check import prepare
    from orglint.session import open_session, run_check

    folder = hints_org(tmp_path / "hints")
    monkeypatch.chdir(folder)
    session = open_session(None, cwd=folder, use_cache=False)
    settings = session.settings()
    files = session.load([])
    org = run_check(session.registry, files, settings).org
    near = "names unknown person 'zeldaa'; did you mean 'zelda'?"
    assert any(near in hit.message for hit in org.unknown_references())
    changed, touched = without_person(files, org, "zelda")
    rebuilt, _ = prepare(changed, org.complexity, like=(org, touched))
    messages = [hit.message for hit in rebuilt.unknown_references()]
    assert "team 't6' field 'members[0]' names unknown person 'zeldaa'" in messages


def test_without_a_person_the_usage_error_names_only_the_person(repo, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["impact"])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.endswith(
        "error: the following arguments are required: PERSON\n")


def org_digest(org) -> dict:
    """Everything an Org holds, as plain values: each entity's attributes, fields and place;
    the problems and hints; each index, with a check that every entity it holds is the one
    in its section (not a copy left from an org it was rebuilt from)."""
    import dataclasses
    from types import MappingProxyType

    from orglint.model.build import INDEXED
    from orglint.schema.org import KIND_SECTION

    def plain(value):
        if dataclasses.is_dataclass(value):
            return (type(value).__name__, tuple(
                (spec.name, plain(getattr(value, spec.name))) for spec in dataclasses.fields(value)
                if spec.name not in ("src", "fields")))
        if isinstance(value, (tuple, list)):
            return tuple(plain(item) for item in value)
        if isinstance(value, (dict, MappingProxyType)):
            return tuple((key, plain(item)) for key, item in value.items())
        return value

    def same(entity):
        assert org.section(entity.kind)[entity.id] is entity, entity.ref
        return entity.id

    entities = {
        section: [(ident, plain(entity), str(entity.src.position()), entity.fields.dangling,
                   entity.fields.invalid, entity.fields.slots)
                  for ident, entity in org.section(kind).items()]
        for kind, section in KIND_SECTION.items()}
    indexes = {name: {key: tuple(same(entity) for entity in items)
                      for key, items in getattr(org, name).items()}
               for name in (*INDEXED, "teams_of_person")}
    indexes["systems_of_team"] = {key: sorted(same(system) for system in found)
                                  for key, found in org.systems_of_team.items()}
    indexes["led_through"] = {key: team and same(team) for key, team in org.led_through.items()}
    indexes["listed_by"] = dict(org.listed_by)
    return {"name": org.name, "entities": entities, "indexes": indexes, "hints": org.hints,
            "problems": {kind: [(hit.message, hit.entity, hit.field, hit.position) for hit in hits]
                         for kind, hits in org.problems.items()},
            "unknown": [hit.message for hit in org.unknown_references()]}


def test_the_rebuilt_org_holds_what_one_built_anew_holds(all_orgs, tmp_path, monkeypatch):
    """Entity for entity, index for index, problem for problem: the org rebuilt without a
    person (its sections and indexes patched, or its documents added again where an id is
    defined twice) equals the org built from the files without them."""
    import shutil

    from orglint.engine.check import prepare
    from orglint.engine.impact import find_person
    from orglint.session import open_session

    twice = tmp_path / "twice"
    shutil.copytree(all_orgs[0], twice)
    # a copy of the first org with an id defined twice: a team, and a person who leaves
    (twice / "again.yaml").write_text(
        "people:\n  p001: {name: Again}\n  solo: {name: Solo}\n"
        "teams:\n  again: {lead: solo, members: [p001]}\n", encoding="utf-8")
    # and one where a bare id names a person and a team: once the person is gone it names the
    # team, whose systems, handoffs and journeys gain what it now owns
    shared = tmp_path / "shared"
    shutil.copytree(all_orgs[0], shared)
    (shared / "shared.yaml").write_text(
        "people:\n  shared: {name: Shared}\n  solo: {name: Solo}\n"
        "teams:\n  shared: {lead: solo, systems: [sys-listed]}\n"
        "  other: {lead: solo, systems: [sys-shared]}\n"
        "systems:\n  sys-shared: {owner: shared}\n  sys-listed: {owner: solo}\n"
        "handoffs:\n  shared-to-other: {from: shared, to: other, owner: shared}\n"
        "decisions:\n  pricing: {decided_by: shared}\n", encoding="utf-8")
    compared = patched = 0
    for org in [*all_orgs, twice, shared]:
        monkeypatch.chdir(org)
        session = open_session(None, cwd=org, use_cache=False)
        files = session.load([])
        built, _ = prepare(files)
        for person in sorted({*persons(org), "solo", "shared"} & set(built.people)):
            changed, touched = without_person(files, built, find_person(built, person).id)
            rebuilt, _ = prepare(changed, built.complexity, like=(built, touched))
            fresh, _ = prepare(anew(changed), built.complexity)
            assert org_digest(rebuilt) == org_digest(fresh), (org.name, person)
            compared += 1
            patched += not built.problems.get("duplicate-id")
    assert compared >= 25 and patched >= 20


@pytest.mark.parametrize("edit", [
    ("handoffs", "a-to-b", "to: b", "to: c"),          # a boundary moves: journeys filed again
    ("handoffs", "a-to-b", "owner: pa", "owner: pb"),  # an owner changes on the same boundary
    ("teams", "b", "lead: pb", "lead: pc"),             # a lead changes: the chains of teams
    ("systems", "crm", "owner: b", "owner: c"),         # a system changes owning team
    ("people", "pc", "  pc: {name: C}", "  # gone"),      # a person is gone
])
def test_an_org_rebuilt_after_any_edit_of_touched_entities_equals_one_built_anew(edit):
    """``rebuild_org`` takes any change inside the entities it is told were touched, not only
    a departure: each edit gives the org a fresh build of the edited text gives."""
    from orglint.load.documents import load_text
    from orglint.model import build_org, rebuild_org

    text = ("people:\n  pa: {name: A}\n  pb: {name: B}\n  pc: {name: C}\n"
            "teams:\n  a: {lead: pa, systems: [crm]}\n  b: {lead: pb, parent: a}\n"
            "  c: {parent: b, members: [pa]}\n"
            "systems:\n  crm: {owner: b}\n"
            "handoffs:\n  a-to-b: {from: a, to: b, owner: pa}\n  b-to-c: {from: b, to: c}\n"
            "journeys:\n  sale: {path: [a, b, c], owner: pb}\n"
            "metrics:\n  m: {rewards: [b], downstream: [a-to-b]}\n")
    section, ident, old, new = edit
    org = build_org(load_text(text, "org.yaml").documents)
    assert old in text
    edited = load_text(text.replace(old, new), "org.yaml").documents
    rebuilt = rebuild_org(org, edited, {(section, ident)})
    assert org_digest(rebuilt) == org_digest(build_org(edited))


def test_an_entity_whose_id_is_written_as_a_number_is_read_again_without_the_person():
    from orglint.load.documents import load_text
    from orglint.model import Ref, build_org, rebuild_org

    loaded = load_text("people:\n  pa: {name: A}\n  pb: {name: B}\n"
                       "teams:\n  2024: {lead: [pa, pb]}\n", "org.yaml")
    org = build_org(loaded.documents)
    changed, touched = without_person([loaded], org, "pa")
    assert ("teams", "2024") in touched  # the loader makes every key text
    rebuilt = rebuild_org(org, changed[0].documents, touched)
    assert rebuilt.teams["2024"].leads == (Ref("person", "pb"),)
    assert org_digest(rebuilt) == org_digest(build_org(changed[0].documents))
