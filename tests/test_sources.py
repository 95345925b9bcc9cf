"""Sources: files of other systems read as org entities that keep their positions.

Each built-in source is run on real or realistic data, and the entities it yields are
compared exactly with golden files: the YAML ``orglint import`` writes, where every entity
stands under the place it was read from. The same entities read directly and read back from
that YAML give the same findings. After an intended change, regenerate and review the diff:

    ORGLINT_UPDATE_GOLDEN=1 pytest tests/test_sources.py
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from sources_data import HR_COLUMNS, RACI_COLUMNS, hr_rows, raci_rows, to_csv, write_xlsx

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "sources"
GOLDEN = ROOT / "tests" / "golden" / "sources"
UPDATE = os.environ.get("ORGLINT_UPDATE_GOLDEN", "") not in ("", "0")
LOADING = ("ORG001", "ORG002", "ORG003", "ORG004", "ORG005")
HR_CONFIG = ("  - type: csv-people\n    path: hr-export.csv\n    columns: "
             + json.dumps(HR_COLUMNS) + "\n")
JOURNEYS = """\
journeys:
  onboarding: {owner: e1001, volume: high, path: [sales, delivery, billing]}
  support-case: {owner: e1003, volume: medium, path: [support, billing]}
"""


def needs_openpyxl() -> None:
    """XLSX tests run where openpyxl is (tox installs the ``xlsx`` extra): they fail without it
    under CI (CI=true), and are skipped, with the reason, elsewhere."""
    try:
        import openpyxl  # noqa: F401
    except ImportError:
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail("openpyxl is missing in CI: install the xlsx extra")
        pytest.skip("openpyxl is not installed (pip install 'orglint[xlsx]')")


def raci_config(name: str) -> str:
    return f"  - {{type: raci-matrix, path: {name}, columns: {json.dumps(RACI_COLUMNS)}}}\n"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """An empty ops repo as the current folder; ``repo(config, **files)`` writes its
    orglint.yaml and files (``__`` in a name stands for ``/``) and returns its folder."""
    return make_repo(tmp_path, monkeypatch)


def make_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The ``repo`` fixture's value, for other modules' fixtures."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ORGLINT_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.setenv("ORGLINT_CACHE_DIR", str(tmp_path.parent / f"{tmp_path.name}-cache"))

    def write(config: str = "", **files: str) -> Path:
        (tmp_path / "orglint.yaml").write_text(config, encoding="utf-8")
        for name, text in files.items():
            path = tmp_path / name.replace("__", "/")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8", newline="")
        return tmp_path

    return write


def findings(cli, *argv: str) -> list[dict]:
    code, out, err = cli("check", "--format", "json", "--no-cache", *argv)
    assert code in (0, 1), err
    return json.loads(out)["findings"]


def golden(name: str, folder: Path) -> None:
    """The YAML files of ``folder`` equal ``tests/golden/sources/NAME/``."""
    expected = GOLDEN / name
    written = {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.yaml"))}
    if UPDATE:
        shutil.rmtree(expected, ignore_errors=True)
        expected.mkdir(parents=True)
        for file, text in written.items():
            (expected / file).write_text(text, encoding="utf-8")
    assert written == {path.name: path.read_text(encoding="utf-8")
                       for path in sorted(expected.glob("*.yaml"))}


def same_findings(direct: list[dict], imported: list[dict]) -> None:
    """The same problems about the same entities, wherever they are placed."""
    def key(finding: dict) -> tuple:
        # a message that names another place names it in the files read
        message = re.sub(r"[^\s(]+:[0-9]+:[0-9]+", "PLACE", finding["message"])
        return finding["code"], finding["entity"], finding["field"], message

    assert sorted(map(key, direct)) == sorted(map(key, imported))


def round_trip(cli, repo: Path, kind: str, source: str, name: str, config: str) -> list[dict]:
    """Check with the source, import it, check the imported YAML instead (the source gone,
    ``config`` the config without it): the same findings."""
    direct = findings(cli)
    code, _, err = cli("import", kind, source, "-o", "imported")
    assert (code, err) == (0, "")
    golden(name, repo / "imported")
    (repo / "orglint.yaml").write_text(config, encoding="utf-8")
    gone = repo / source
    shutil.rmtree(gone) if gone.is_dir() else gone.unlink()
    imported = findings(cli)
    same_findings(direct, imported)
    assert source not in {finding["path"] for finding in imported}
    return direct


# --- Backstage ---------------------------------------------------------------------------------


def test_backstage_example_org_yields_its_entities(cli, repo):
    root = repo("sources:\n  - {type: backstage, path: catalog}\n")
    shutil.copytree(FIXTURES / "backstage-acme", root / "catalog")
    # read directly, the example org shows its two real defects and nothing false: team-e
    # names boxoffice as parent while boxoffice's children omit it (ORG008), two users share
    # a display name and an email (ORG009); and the catalog records no team leads (ORG006)
    code, catalog_check, _ = cli("check", "--no-cache")
    assert code == 0
    # other kinds are skipped and counted
    code, out, _ = cli("import", "backstage", "catalog", "-o", str(root.parent / "counted"))
    assert code == 0
    assert out.splitlines()[0] == "Read 9 files (9 groups, 17 users, 1 skipped Location)."
    direct = round_trip(cli, root, "backstage", "catalog", "backstage-acme", "")
    assert {f["code"] for f in direct}.isdisjoint(LOADING)  # it loads clean: nothing false
    expected = GOLDEN / "backstage-acme.txt"
    if UPDATE:
        expected.write_text(catalog_check, encoding="utf-8")
    assert catalog_check == expected.read_text(encoding="utf-8")
    teams = (root / "imported" / "teams.yaml").read_text(encoding="utf-8")
    people = (root / "imported" / "people.yaml").read_text(encoding="utf-8")
    # the two real defects, as the data the rules need: team-e names boxoffice as its parent,
    # boxoffice's children omit it; two guests share a display name and an email
    assert "  team-e:\n" in teams and "    parent: boxoffice\n" in teams
    assert "    children: [team-c, team-d]\n" in teams
    guests = [block for block in people.split("  # ") if "guest:" in block]
    assert len(guests) == 2
    assert all("name: Guest User" in g and "email: guest@example.com" in g for g in guests)


def test_backstage_ids_keep_namespaces_and_report_collisions(cli, repo):
    catalog = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: Ops}
spec: {type: team, children: [user:guest]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: guest, namespace: other}
spec: {memberOf: [group:default/ops, nowhere]}
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: {name: other.guest}
spec: {memberOf: [ops]}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: website}
"""
    repo("sources:\n  - {type: backstage, path: catalog.yaml}\n", **{"catalog.yaml": catalog})
    shown = [(f["line"], f["column"], f["code"], f["message"]) for f in findings(cli)
             if f["code"] in LOADING]
    assert shown == [
        (4, 31, "ORG003", "group 'default/Ops' spec.children names a user ('user:guest'); "
                          "expected a group"),
        (9, 38, "ORG003", "user 'other/guest' is a member of group 'nowhere', which the catalog "
                          "does not define"),
        (13, 18, "ORG004", "duplicate person id 'other.guest': already defined at "
                           "catalog.yaml:8:18 (user 'default/other.guest' maps to the same id)"),
    ]


# --- GitHub teams ------------------------------------------------------------------------------


def test_kubernetes_team_file_loads(cli, repo):
    root = repo("sources:\n  - {type: github-teams, path: teams.yaml}\n")
    shutil.copy(FIXTURES / "kubernetes" / "sig-apps-teams.yaml", root / "teams.yaml")
    direct = round_trip(cli, root, "github-teams", "teams.yaml", "kubernetes-sig-apps", "")
    assert {f["code"] for f in direct}.isdisjoint(LOADING)


def test_github_teams_nesting_leads_and_duplicate_logins(cli, repo):
    teams = """\
teams:
  Release Managers:
    description: Cut releases
    maintainers: [Alice, bob]
    members: [carol, ALICE]
    privacy: closed
    teams:
      patch-team:
        members: [carol]
        maintainer: [dave]
"""
    repo("sources:\n  - {type: github-teams, path: teams.yaml}\n", **{"teams.yaml": teams})
    shown = [(f["line"], f["column"], f["code"], f["message"]) for f in findings(cli)
             if f["code"] in LOADING]
    assert shown == [
        (5, 22, "ORG004", "login 'ALICE' is listed twice in team 'Release Managers' "
                          "(first at teams.yaml:4:19)"),
        (10, 9, "ORG002", "unknown key 'maintainer' in team 'patch-team'; did you mean "
                          "'maintainers'?"),
    ]
    code, _, _ = cli("import", "github-teams", "teams.yaml", "-o", "out")
    assert code == 1
    assert (Path("out") / "teams.yaml").read_text(encoding="utf-8").splitlines()[2:] == [
        "  # teams.yaml:2:3",
        "  release-managers:",
        "    name: Release Managers",
        "    description: Cut releases",
        "    lead: [alice, bob]",
        "    members: [alice, bob, carol]",
        "    children: [patch-team]",
        "  # teams.yaml:8:7",
        "  patch-team:",
        "    name: patch-team",
        "    parent: release-managers",
        "    members: [carol]",
    ]


# --- HR export and RACI matrix -----------------------------------------------------------------


def test_hr_export_of_300_people_round_trips(cli, repo):
    root = repo("sources:\n" + HR_CONFIG, **{"hr-export.csv": to_csv(hr_rows(300)),
                                             "journeys.yaml": JOURNEYS})
    direct = round_trip(cli, root, "csv-people", "hr-export.csv", "hr-300", "")
    assert {f["code"] for f in direct}.isdisjoint(LOADING)
    people = (root / "imported" / "people.yaml").read_text(encoding="utf-8")
    assert people.count("\n  # hr-export.csv:") == 300


@pytest.mark.parametrize("sheet", ["raci.csv", "raci.xlsx"])
def test_raci_spreadsheet_round_trips(cli, repo, sheet):
    if sheet.endswith(".xlsx"):
        needs_openpyxl()
    root = repo("sources:\n" + HR_CONFIG + raci_config(sheet),
                **{"hr-export.csv": to_csv(hr_rows(300)), "journeys.yaml": JOURNEYS})
    if sheet.endswith(".xlsx"):
        write_xlsx(raci_rows([]), root / sheet)
    else:
        (root / sheet).write_text(to_csv(raci_rows([])), encoding="utf-8", newline="")
    direct = round_trip(cli, root, "raci-matrix", sheet, sheet.replace(".", "-"),
                        "sources:\n" + HR_CONFIG)
    assert {f["code"] for f in direct}.isdisjoint(LOADING)
    racs = sorted((f["code"], f["line"], f["column"]) for f in direct if f["code"] == "RAC003")
    # the accountable team's cell: a character column in CSV, the sheet column in XLSX
    assert racs == ([("RAC003", 5, 40), ("RAC003", 6, 35), ("RAC003", 7, 40)]
                    if sheet.endswith(".csv") else
                    [("RAC003", 5, 6), ("RAC003", 6, 7), ("RAC003", 7, 7)])
