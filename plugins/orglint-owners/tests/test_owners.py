"""The owners source: the entities it reads from a tree of OWNERS files, where they stand,
and the findings orglint makes of them."""

from __future__ import annotations

from pathlib import Path

import orglint_owners

from orglint.engine.check import Settings, check
from orglint.sources import with_defaults

TREE = {
    "OWNERS": "approvers: [Alice, bob]\nreviewers: [carol]\n",
    "pkg/api/OWNERS": "approvers: [dan]\nreviewers: [carol, erin]\n",
    "vendor/OWNERS": "options: {no_parent_owners: true}\nreviewers: [frank]\n",
}


def read(tmp_path: Path):
    for name, text in TREE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    reader = orglint_owners.OwnersReader()
    options = with_defaults(reader, {})
    return reader.read(tmp_path, options, lambda path: path.relative_to(tmp_path).as_posix())


def test_each_owners_file_is_a_team_in_the_folder_hierarchy(tmp_path):
    result = read(tmp_path)
    teams = {ident: team for loaded in result.files for doc in loaded.documents
             for ident, team in doc.data["teams"].items()}
    assert teams == {
        "root": {"name": "root", "lead": ["alice", "bob"], "members": ["alice", "bob", "carol"],
                 "children": ["pkg.api"]},
        "pkg.api": {"name": "pkg/api", "lead": "dan", "members": ["dan", "carol", "erin"],
                    "parent": "root"},
        "vendor": {"name": "vendor", "members": ["frank"]},
    }
    assert result.counts == {"OWNERS files": 3}


def test_findings_point_into_the_owners_files(tmp_path, registry):
    result = check(read(tmp_path).files, registry, Settings(select=["ORG"]))
    shown = [(f.path, f.line, f.column, f.code, f.message) for f in result.findings]
    assert shown == [
        ("vendor/OWNERS", 1, 1, "ORG006", "team 'vendor' has no lead"),
    ]
    org = result.org
    place = org.teams["pkg.api"].src.position("members.2")
    assert (place.path, place.line, place.column) == ("pkg/api/OWNERS", 2, 20)
    assert org.people["alice"].name == "Alice"
    assert str(org.people["erin"].src.position()) == "pkg/api/OWNERS:2:20"


def test_the_source_is_registered_through_the_hook():
    assert set(orglint_owners.orglint_sources()) == {"owners"}
