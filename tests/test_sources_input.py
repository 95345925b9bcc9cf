"""Sources meet bad input and the rest of orglint: a finding at the place or one line and exit
2, never a traceback; findings on source entities point at the source file in every format;
a source's files are never read as org YAML; the hook takes a plugin's source."""

from __future__ import annotations

import json
import sys
import zipfile
from pathlib import Path

import pytest
from test_sources import LOADING, findings, make_repo, needs_openpyxl

PEOPLE = """\
id,name,manager,team,lead
maya,Maya Chen,,Leadership,yes
leo,"Park, Leo",maya,Sales,yes
ana,"Ana
Lima",leo,Sales,no
"""


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """An empty ops repo as the current folder (see ``test_sources.repo``)."""
    return make_repo(tmp_path, monkeypatch)


CONFIG = "sources:\n  - {type: csv-people, path: people.csv, columns: {id: id, name: name, " \
         "manager: manager, team: team, lead: lead}}\n"


def located(cli, *argv: str) -> list[tuple[str, int, int, str, str]]:
    return [(f["path"], f["line"], f["column"], f["code"], f["message"])
            for f in findings(cli, *argv) if f["code"] in LOADING]


def test_a_finding_on_a_source_entity_points_at_its_cell_in_every_format(cli, repo):
    # the manager of the row after a quoted field that spans two lines
    repo(CONFIG, **{"people.csv": PEOPLE + 'dan,Dan,"ana",Sales,\nbo,Bo,nobody,Sales,\n'})
    expected = ("people.csv", 7, 7, "ORG003",
                "person 'bo' field 'reports_to' names unknown person 'nobody'")
    assert located(cli) == [expected]
    code, text, _ = cli("check", "--no-cache")
    assert code == 1
    assert text.splitlines()[0].startswith("people.csv:7:7: ORG003 [error] person 'bo'")
    code, out, _ = cli("check", "--no-cache", "--format", "sarif")
    result = json.loads(out)["runs"][0]["results"][0]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "people.csv"
    assert (location["region"]["startLine"], location["region"]["startColumn"]) == (7, 7)
    code, out, _ = cli("check", "--no-cache", "--format", "github")
    assert out.startswith("::error file=people.csv,line=7,col=7,")


def test_an_id_in_the_yaml_and_the_source_is_org004_naming_both(cli, repo):
    repo(CONFIG, **{"people.csv": PEOPLE, "org.yaml": "people:\n  leo: {name: Leo Park}\n"})
    assert located(cli) == [("org.yaml", 2, 3, "ORG004", "duplicate person id 'leo': already "
                             "defined at people.csv:3:1")]


def test_malformed_rows_and_cells_are_findings_at_their_place(cli, repo):
    bad = PEOPLE + 'eve,Eve\nzed,"Zed" Z,leo,Sales,no\nkim,Kim,leo,Sales,perhaps\nleo,Leo Again,,Sales,\n'
    repo(CONFIG, **{"people.csv": bad})
    assert located(cli) == [
        ("people.csv", 6, 1, "ORG001", "malformed CSV row: 2 fields where the header has 5"),
        ("people.csv", 7, 1, "ORG001", "malformed CSV: ',' expected after '\"'"),
        ("people.csv", 8, 19, "ORG002", "lead is 'perhaps'; expected yes or no (y, true, 1, x "
                                        "/ n, false, 0, empty)"),
        ("people.csv", 9, 1, "ORG004", "duplicate person id 'leo': already defined at "
                                       "people.csv:3:1"),
    ]


def test_a_file_that_is_no_text_is_one_finding(cli, repo):
    root = repo(CONFIG)
    (root / "people.csv").write_bytes(b"id,name\nmaya,Ma\xffya\n")
    assert located(cli) == [("people.csv", 2, 8, "ORG001", "not utf-8 text: byte 0xff is invalid "
                             "(set the source's 'encoding' option)")]


def test_a_mapped_column_that_does_not_exist_is_a_config_error(cli, repo):
    repo(CONFIG.replace("manager: manager", "manager: Manager ID"), **{"people.csv": PEOPLE})
    code, out, err = cli("check")
    assert (code, out) == (2, "")
    assert err == ("orglint.yaml:2:81: config error: source csv-people: column 'Manager ID' is not "
                   "in people.csv (columns: 'id', 'name', 'manager', 'team', 'lead')\n")


@pytest.mark.parametrize(("entry", "message"), [
    ("{type: backstag, path: x}", "2:12: config error: unknown source type 'backstag'; did you "
                                  "mean 'backstage'?"),
    ("{type: raci-matrix, path: people.csv, activty_column: id}",
     "2:43: config error: source raci-matrix has no option 'activty_column'; did you mean "
     "'activity_column'?"),
    ("{type: backstage, path: catalog}", "2:29: config error: source path 'catalog' does not "
                                         "exist"),
    ("{type: raci-matrix, path: people.csv, delimiter: ';;'}",
     "2:54: config error: option 'delimiter' of source raci-matrix: max length is 1"),
    ("{path: people.csv}", "2:5: config error: field 'sources[0]' is missing required field "
                           "'type'"),
])
def test_a_wrong_sources_entry_is_one_line_at_its_place(cli, repo, entry, message):
    repo(f"sources:\n  - {entry}\n", **{"people.csv": PEOPLE})
    code, out, err = cli("check")
    assert (code, out, err) == (2, "", f"orglint.yaml:{message}\n")


def test_an_unreadable_or_protected_workbook_is_one_finding(cli, repo):
    needs_openpyxl()
    root = repo("sources:\n  - {type: raci-matrix, path: sheets}\n")
    (root / "sheets").mkdir()
    # an encrypted workbook is an OLE compound file, not a zip
    (root / "sheets" / "locked.xlsx").write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 504)
    with zipfile.ZipFile(root / "sheets" / "broken.xlsx", "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    assert located(cli) == [
        ("sheets/broken.xlsx", 1, 1, "ORG001", "not a readable .xlsx workbook: \"There is no "
                                               "item named '[Content_Types].xml' in the archive\""),
        ("sheets/locked.xlsx", 1, 1, "ORG001", "the workbook is encrypted (password-protected) "
                                               "or an old .xls file: save it as an unprotected "
                                               ".xlsx, or export it as CSV"),
    ]


def test_a_workbook_without_openpyxl_is_one_line(cli, repo, monkeypatch):
    repo("sources:\n  - {type: raci-matrix, path: raci.xlsx}\n", **{"raci.xlsx": "x"})
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # as if it were not installed
    code, out, err = cli("check")
    assert (code, out, err) == (2, "", "orglint: error: raci.xlsx: reading .xlsx needs openpyxl; "
                                       "install it with pip install 'orglint[xlsx]'\n")


def test_an_unknown_raci_cell_and_header_are_findings_at_their_cells(cli, repo):
    sheet = "Activity,maya,Head of Sales\nApprove,A/R,\nTell,\"R, s\",x\n"
    repo("sources:\n  - {type: raci-matrix, path: raci.csv}\n",
         **{"raci.csv": sheet, "org.yaml": "people:\n  maya: {}\n"})
    assert located(cli) == [
        ("raci.csv", 1, 15, "ORG002", "column 'Head of Sales' is no person or team id: name it "
                                      "under the source's columns: {\"Head of Sales\": ID}"),
        ("raci.csv", 3, 6, "ORG002", "cell 'R, s' is not R, A, C or I (or a combination such as "
                                     "A/R)"),
    ]


def test_a_source_folder_is_never_read_as_org_yaml(cli, repo):
    root = repo("sources:\n  - {type: backstage, path: catalog}\n", **{
        "catalog__team.yaml": "apiVersion: backstage.io/v1alpha1\nkind: Group\n"
                              "metadata: {name: ops}\nspec: {type: team, children: []}\n"})
    assert located(cli) == []  # no "unknown section 'apiVersion'"
    # an org that lives in its sources alone, and a source file named on the command line
    code, out, _ = cli("check", "--no-cache", "catalog/team.yaml")
    assert code == 0
    assert out.startswith("catalog/team.yaml:3:18: ORG006 [warning] team 'ops' has no lead")
    assert (root / "catalog" / "team.yaml").exists()


def test_import_never_overwrites_a_file(cli, repo):
    root = repo(CONFIG, **{"people.csv": PEOPLE, "out__teams.yaml": "# mine\n"})
    code, out, err = cli("import", "csv-people", "people.csv", "-o", "out")
    assert (code, out, err) == (2, "", "orglint: error: out/teams.yaml exists; orglint import "
                                       "never overwrites a file\n")
    assert not (root / "out" / "people.yaml").exists()
    assert (root / "out" / "teams.yaml").read_text(encoding="utf-8") == "# mine\n"


def test_import_takes_options_on_the_command_line(cli, repo):
    repo("", **{"people.csv": PEOPLE})
    code, out, err = cli("import", "csv-people", "people.csv", "-o", "out",
                         "--options", "{columns: {id: id, name: name}}")
    assert (code, err) == (0, "")
    assert out == ("Read 1 file (3 people).\nWrote out/people.yaml (3 people).\n")
    assert Path("out/people.yaml").read_text(encoding="utf-8").splitlines()[1:5] == [
        "people:", "  # people.csv:2:1", "  maya:", "    name: Maya Chen"]
    code, _, err = cli("import", "csv-peeple", "people.csv", "-o", "out2")
    assert (code, err) == (2, "orglint: error: unknown source type 'csv-peeple'; did you mean "
                              "'csv-people'?\n")
    code, _, err = cli("import", "csv-people", "people.csv", "-o", "out2", "--options", "[1]")
    assert (code, err) == (2, "orglint: error: --options must be a YAML mapping, such as "
                              "'{columns: {id: Employee ID}}'\n")
    # a required option neither given nor configured is a usage error, not a crash
    code, _, err = cli("import", "csv-people", "people.csv", "-o", "out2")
    assert (code, err) == (2, "orglint: error: --options (or a 'sources:' entry for this path in "
                              "the config): option 'columns' of source csv-people: required "
                              "field\n")


def test_impact_of_a_person_from_a_source_points_into_it(cli, repo):
    repo(CONFIG, **{"people.csv": PEOPLE})
    code, out, _ = cli("impact", "leo")
    assert code == 0
    assert out.splitlines()[:4] == [
        "If Park, Leo (person:leo) left, 1 place would lose their person:", "",
        "Teams they lead (1):", "  people.csv:3:28: team 'sales' (Sales): lead"]


LOCAL_PLUGIN = '''
from orglint import hookimpl
from orglint.load.documents import LoadedFile
from orglint.sources import SourceRead, SourceReader
from orglint.sources.document import Anchor, SourceDocument, Table


class Names(SourceReader):
    """One person a line: ``id name``."""

    patterns = ("*.txt",)

    def read(self, path, options, display):
        shown = display(path)
        lines = path.read_text(encoding="utf-8").splitlines()
        table = Table(shown, list(range(1, len(lines) + 1)))
        people = {line.split()[0]: {"name": line.split(maxsplit=1)[1]} for line in lines}
        anchors = {("people", ident): Anchor(table, (row,)) for row, ident in enumerate(people)}
        doc = SourceDocument(shown, {"people": people}, anchors=anchors)
        return SourceRead([LoadedFile(shown, [doc], [])])


@hookimpl
def orglint_sources():
    return {"names": Names()}
'''


def test_a_plugin_adds_a_source_through_the_hook(cli, repo):
    repo("plugins: [names_source.py]\nsources:\n  - {type: names, path: names.txt}\n",
         **{"names_source.py": LOCAL_PLUGIN, "names.txt": "maya Maya Chen\nleo Leo Park\n",
            "org.yaml": "teams:\n  sales: {lead: leo, members: [leo, maya, ana]}\n"})
    assert located(cli) == [("org.yaml", 2, 43, "ORG003", "team 'sales' field 'members[2]' names "
                             "unknown person 'ana'")]
    Path("org.yaml").write_text("people:\n  maya: {}\n", encoding="utf-8")
    assert located(cli) == [("org.yaml", 2, 3, "ORG004", "duplicate person id 'maya': already "
                             "defined at names.txt:1:1")]


def test_malformed_team_files_and_empty_exports_are_findings(cli, repo):
    teams = 'teams:\n  x: [1]\n  y:\n    teams: [a]\n    members: [1, null]\n'
    repo("sources:\n  - {type: github-teams, path: teams.yaml}\n"
         "  - {type: csv-people, path: empty.csv, columns: {id: id}}\n",
         **{"teams.yaml": teams, "empty.csv": ""})
    assert located(cli) == [
        ("empty.csv", 1, 1, "ORG001", "the file is empty: expected a header row"),
        ("teams.yaml", 2, 6, "ORG002", "team 'x' must be a mapping (description, maintainers, "
                                       "members, ...)"),
        ("teams.yaml", 4, 12, "ORG002", "'teams' of team 'y' must be a mapping of child teams"),
        ("teams.yaml", 5, 15, "ORG002", "'members' holds 1, not a login"),
        ("teams.yaml", 5, 18, "ORG002", "'members' holds an empty value, not a login"),
    ]


def test_a_backstage_list_with_an_empty_or_mistyped_item_is_a_finding_at_it(cli, repo):
    catalog = "kind: Group\nmetadata: {name: ops}\nspec: {members: [null, 3], parent: 5}\n"
    repo("sources:\n  - {type: backstage, path: catalog.yaml}\n", **{"catalog.yaml": catalog})
    assert located(cli) == [
        ("catalog.yaml", 3, 18, "ORG002", "team 'ops' field 'members[0]' must not be empty"),
        ("catalog.yaml", 3, 24, "ORG002", "team 'ops' field 'members[1]' must be a string, not 3"),
        ("catalog.yaml", 3, 36, "ORG002", "team 'ops' field 'parent' must be a string, not 5"),
    ]


def test_import_says_to_remove_the_source_entry_it_replaces(cli, repo):
    root = repo(CONFIG, **{"people.csv": PEOPLE})
    code, out, err = cli("import", "csv-people", "people.csv", "-o", "out")
    assert (code, err) == (0, "")
    assert out == ("Read 1 file (3 people, 2 teams).\n"
                   "Wrote out/people.yaml (3 people), out/teams.yaml (2 teams).\n"
                   "Next: remove the 'csv-people' entry for people.csv from 'sources:' in "
                   "orglint.yaml; until then each id it read is defined twice (ORG004).\n")
    duplicates = [f for f in findings(cli) if f["code"] == "ORG004"]
    assert len(duplicates) == 5  # what the line says: 3 people and 2 teams, twice
    (root / "orglint.yaml").write_text("", encoding="utf-8")
    assert [f for f in findings(cli) if f["code"] == "ORG004"] == []
