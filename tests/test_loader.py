"""Hostile input never crashes: every case gets a finding at an exact place, or one line on
stderr with exit code 2. Runs the real command line (``orglint.commands.main``), and a few times the
real process (``python -m orglint``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from orglint.load.documents import MAX_DEPTH, load_text

LOADING = "ORG001,ORG002,ORG003,ORG004,ORG005"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """An empty ops repo as the current folder; its config stops the upward search."""
    (tmp_path / "orglint.yaml").write_text("include: ['**/*.yaml']\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path



def lines(out: str) -> list[str]:
    """The finding lines of text output (everything before the blank line)."""
    return out.split("\n\n", 1)[0].splitlines() if "\n\n" in out else []


def check_lines(cli, *argv: str, select: str = LOADING) -> tuple[int, list[str]]:
    code, out, err = cli("check", "--select", select, *argv)
    assert err == ""
    return code, lines(out)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# --- syntax ---------------------------------------------------------------------------------


def test_invalid_yaml_is_org001_at_the_parsers_position(repo, cli):
    write(repo, "org.yaml", "teams:\n  sales: {name: Sales, members: [leo, ana}\n")
    code, out, err = cli("check", "--select", LOADING, "org.yaml")
    assert (code, err) == (1, "")
    assert out == (
        "org.yaml:2:42: ORG001 [error] the list opened with '[' on line 2 is not closed "
        "before '}': separate its items with ',' and end it with ']' "
        "(YAML: expected ',' or ']', but got '}' (while parsing a flow sequence))\n"
        "\n"
        "Found 1 problem (1 error) in 1 file.\n"
        "Stage not assessed: 1 finding in files that cannot be read or resolved; fix them "
        "first, then the stage can be judged.\n"
        "Why each rule matters and how to fix it: 'orglint rule ORG001'.\n"
    )


def test_unterminated_quote_is_reported_where_the_quote_opens(repo, cli):
    write(repo, "org.yaml", "teams:\n  sales: {name: 'Sales}\n")
    assert check_lines(cli, "org.yaml") == (1, [
        "org.yaml:2:17: ORG001 [error] this quoted text is never closed: add the closing quote "
        "(YAML: found unexpected end of stream (while scanning a quoted scalar))",
    ])


def test_a_colon_inside_a_flow_scalar_loads_although_the_c_scanner_rejects_it(repo, cli):
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    text = (
        "teams:\n"
        "  delivery: {name: Delivery}\n"
        "journeys:\n"
        "  onboarding: {path: [delivery]}\n"
        "metrics:\n"
        "  nps: {type: outcome, downstream: [journey:onboarding, team:delivery]}\n"
    )
    with pytest.raises(YAMLError):  # the pitfall is real in this ruamel version
        list(YAML(typ="safe", pure=False).parse(text))
    loaded = load_text(text, "org.yaml")
    assert loaded.problems == []
    doc = loaded.documents[0]
    assert doc.data["metrics"]["nps"]["downstream"] == ["journey:onboarding", "team:delivery"]
    assert doc.values[("metrics", "nps", "downstream", 1)] == (6, 57)
    write(repo, "org.yaml", text)
    assert check_lines(cli, "org.yaml") == (0, [])


def test_a_colon_inside_a_flow_mapping_value_loads():
    loaded = load_text("x: {k: team:x}\n", "x.yaml")
    assert loaded.problems == []
    assert loaded.documents[0].data == {"x": {"k": "team:x"}}
    assert loaded.documents[0].values[("x", "k")] == (1, 8)


def test_after_the_c_scanner_gives_up_the_pure_parser_reports_the_real_error():
    loaded = load_text("a: [x:y]\nb: [c\n", "x.yaml")
    assert loaded.documents == []
    [hit] = loaded.problems
    assert (hit.position.line, hit.position.column) == (2, 4)
    assert hit.message == ("this '[' is never closed: add ']' after its last item (YAML: "
                           "expected ',' or ']', but got '<stream end>' (while parsing a flow "
                           "sequence))")


@pytest.mark.parametrize(("text", "where", "char"), [
    ("people:\n  ana: {name: A}}\n", (2, 17), "}"),
    ("teams:\n  t:\n    members: [a, b]]\n", (3, 20), "]"),
    ("teams:\n  t:\n    members: [a, b]\n  ]\n", (4, 3), "]"),
])
def test_a_closing_bracket_that_closes_nothing_is_named_so(text, where, char):
    [hit] = load_text(text, "x.yaml").problems
    assert (hit.position.line, hit.position.column) == where
    assert hit.message == (f"this '{char}' closes nothing: remove it (YAML: expected <block "
                           f"end>, but found '{char}' (while parsing a block mapping))")


def test_yaml_1_2_scalars_no_stays_a_string():
    data = load_text("a: no\nb: yes\nc: true\nd: 0o17\ne: 1_000\nf: 2024-01-31\n", "x").documents[0].data
    import datetime

    assert data == {"a": "no", "b": "yes", "c": True, "d": 15, "e": "1_000",
                    "f": datetime.date(2024, 1, 31)}


# --- schema, references, ids, cycles -------------------------------------------------------


def test_schema_errors_stand_at_the_key_or_value_with_a_hint(repo, cli):
    write(repo, "org.yaml", (
        "teams:\n"
        "  sales: {layer: front}\n"
        "  delivery: {}\n"
        "handoffs:\n"
        "  sales-to-delivery:\n"
        "    from: sales\n"
        "    to: delivery\n"
        "    complexty: high\n"
        "journys: {}\n"
        "widgets: {}\n"
    ))
    assert check_lines(cli, "org.yaml") == (1, [
        "org.yaml:2:18: ORG002 [error] team 'sales' field 'layer' is 'front'; expected one of: "
        "frontstage, backstage, support",
        "org.yaml:8:5: ORG002 [error] unknown field 'complexty' in handoff 'sales-to-delivery'; "
        "did you mean 'complexity'?",
        "org.yaml:9:1: ORG002 [error] unknown section 'journys'; did you mean 'journeys'?",
        "org.yaml:10:1: ORG002 [error] unknown section 'widgets'; expected one of: decisions, "
        "handoffs, journeys, metrics, org, people, raci, reviews, systems, teams, version",
    ])


def test_unknown_references_name_the_nearest_id_and_ambiguity_is_explained(repo, cli):
    write(repo, "org.yaml", (
        "people:\n"
        "  leo: {name: Leo Park}\n"
        "teams:\n"
        "  sales: {lead: loe}\n"
        "  delivery: {lead: leo}\n"
        "journeys:\n"
        "  delivery: {owner: leo, path: [delivery]}\n"
        "metrics:\n"
        "  on-time: {type: outcome, downstream: [delivery]}\n"
    ))
    assert check_lines(cli, "org.yaml") == (1, [
        "org.yaml:4:17: ORG003 [error] team 'sales' field 'lead' names unknown person 'loe'; "
        "did you mean 'leo'?",
        "org.yaml:9:41: ORG003 [error] metric 'on-time' field 'downstream[0]': 'delivery' is "
        "ambiguous; write 'team:delivery' or 'journey:delivery'",
    ])


def test_duplicate_ids_across_files_name_both_places(repo, cli):
    write(repo, "a.yaml", "teams:\n  sales: {name: Sales}\n")
    write(repo, "sub/b.yaml", "# inside sales\nteams:\n  sales: {name: Inside sales}\n")
    assert check_lines(cli) == (1, [
        "sub/b.yaml:3:3: ORG004 [error] duplicate team id 'sales': already defined at a.yaml:2:3",
    ])


def test_several_files_and_documents_make_one_org(repo, cli):
    write(repo, "people.yaml", "people:\n  leo: {name: Leo Park}\n---\npeople:\n  ana: {}\n")
    write(repo, "teams.yaml", "teams:\n  sales: {lead: leo, members: [ana]}\n")
    assert check_lines(cli) == (0, [])


def test_cycles_in_reports_to_and_team_parent(repo, cli):
    write(repo, "org.yaml", (
        "people:\n"
        "  maya: {reports_to: leo}\n"
        "  leo: {reports_to: maya}\n"
        "teams:\n"
        "  ops: {parent: delivery}\n"
        "  delivery: {parent: ops}\n"
    ))
    assert check_lines(cli, "org.yaml") == (1, [
        "org.yaml:3:21: ORG005 [error] reporting line cycle: leo -> maya -> leo",
        "org.yaml:6:22: ORG005 [error] team hierarchy cycle: delivery -> ops -> delivery",
    ])


def test_a_long_cycle_is_walked_without_recursion():
    from orglint.model import CYCLE, build_org

    size = 20_000
    text = "people:\n" + "".join(
        f"  p{i:05d}: {{reports_to: p{(i + 1) % size:05d}}}\n" for i in range(size))
    org = build_org(load_text(text, "x").documents)
    [hit] = org.problems[CYCLE]
    assert hit.message.startswith("reporting line cycle: p00000 -> p00001 -> ")
    assert hit.message.endswith(" -> p19999 -> p00000")


def test_duplicate_keys_in_block_flow_and_nested_mappings(repo, cli):
    write(repo, "org.yaml", (
        "teams:\n"
        "  sales: {name: Sales, name: Inside}\n"
        "  delivery:\n"
        "    name: Delivery\n"
        "    name: Ops\n"
        "teams: {}\n"
    ))
    assert check_lines(cli, "org.yaml") == (1, [
        "org.yaml:2:24: ORG001 [error] duplicate key 'name' (first defined at line 2)",
        "org.yaml:5:5: ORG001 [error] duplicate key 'name' (first defined at line 4)",
        "org.yaml:6:1: ORG001 [error] duplicate key 'teams' (first defined at line 1)",
    ])


def test_a_top_level_list_is_not_an_org(repo, cli):
    write(repo, "org.yaml", "- teams\n- people\n")
    assert check_lines(cli, "org.yaml") == (1, [
        "org.yaml:1:1: ORG002 [error] a file must be a mapping of sections (people, teams, "
        "journeys, ...)",
    ])


# --- tags: refused, never run -----------------------------------------------------------------


def test_python_tags_are_refused_and_nothing_is_constructed(repo, cli, monkeypatch):
    marker = repo / "constructed"
    probe = repo / "probe_pkg"
    probe.mkdir()
    write(probe, "orglint_probe_boom.py",
          f"open({str(marker)!r}, 'w').write('imported')\n"
          "def run(*args):\n"
          f"    open({str(marker)!r}, 'w').write('called')\n"
          "class Thing:\n"
          "    def __init__(self, *a, **k):\n"
          f"        open({str(marker)!r}, 'w').write('built')\n")
    monkeypatch.syspath_prepend(str(probe))
    write(repo, "org.yaml", (
        "teams:\n"
        "  a: !!python/object/apply:orglint_probe_boom.run [x]\n"
        "  b: !!python/object:orglint_probe_boom.Thing {name: B}\n"
        "  c: !!python/name:orglint_probe_boom.run ''\n"
        "  d: !!python/object/new:orglint_probe_boom.Thing {}\n"
    ))
    code, found = check_lines(cli, "org.yaml", select="ORG001")
    assert code == 1
    assert found == [
        "org.yaml:2:6: ORG001 [error] tag '!!python/object/apply:orglint_probe_boom.run' is not "
        "allowed: orglint reads plain data",
        "org.yaml:3:6: ORG001 [error] tag '!!python/object:orglint_probe_boom.Thing' is not "
        "allowed: orglint reads plain data",
        "org.yaml:4:6: ORG001 [error] tag '!!python/name:orglint_probe_boom.run' is not "
        "allowed: orglint reads plain data",
        "org.yaml:5:6: ORG001 [error] tag '!!python/object/new:orglint_probe_boom.Thing' is not "
        "allowed: orglint reads plain data",
    ]
    assert not marker.exists()
    assert "orglint_probe_boom" not in sys.modules


def test_custom_and_unknown_standard_tags_are_refused(repo, cli):
    write(repo, "org.yaml", (
        "teams:\n"
        "  a: !custom {name: A}\n"
        "  b: {name: !!binary aGVsbG8=}\n"
        "  c: {name: !!str 12}\n"
        "  d: {name: !!int nope}\n"
    ))
    assert check_lines(cli, "org.yaml", select="ORG001") == (1, [
        "org.yaml:2:6: ORG001 [error] tag '!custom' is not allowed: orglint reads plain data",
        "org.yaml:3:13: ORG001 [error] tag '!!binary' is not allowed: orglint reads plain data",
        "org.yaml:5:13: ORG001 [error] 'nope' is not a valid !!int",
    ])


def test_a_value_the_file_could_not_give_is_reported_once(repo, cli):
    # the refused tag and the unknown alias leave no value: no ORG002 'must not be empty' too
    write(repo, "org.yaml", (
        "people:\n"
        "  ana: {name: !custom A}\n"
        "  dan: {name: *x}\n"
        "  eve: {nam: Eve}\n"
    ))
    assert check_lines(cli, "org.yaml", select="ORG001,ORG002") == (1, [
        "org.yaml:2:15: ORG001 [error] tag '!custom' is not allowed: orglint reads plain data",
        "org.yaml:3:15: ORG001 [error] unknown alias '*x'",
        "org.yaml:4:9: ORG002 [error] unknown field 'nam' in person 'eve'; did you mean 'name'?",
    ])


# --- bytes that are not YAML text ---------------------------------------------------------------


def test_a_file_that_is_not_utf8(repo, cli):
    write(repo, "org.yaml", "teams:\n  sales: {name: Café}\n".encode("latin-1"))
    assert check_lines(cli, "org.yaml") == (1, [
        "org.yaml:2:20: ORG001 [error] not UTF-8 text: byte 0xe9 is invalid",
    ])


def test_a_binary_file(repo, cli):
    write(repo, "org.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert check_lines(cli, "org.yaml") == (1, [
        "org.yaml:3:1: ORG001 [error] binary file (NUL byte); expected UTF-8 YAML text",
    ])


def test_a_utf8_bom_is_accepted(repo, cli):
    write(repo, "org.yaml", "\ufeffteams:\n  sales: {name: Café}\n".encode())
    assert check_lines(cli, "org.yaml") == (0, [])


@pytest.mark.parametrize("content", ["", "\n\n", "# just a comment\n# and another\n", "---\n", "~\n"])
def test_empty_and_comment_only_files_are_an_empty_org(repo, cli, content):
    write(repo, "org.yaml", content)
    code, out, err = cli("check", "org.yaml")
    assert (code, err) == (0, "")
    assert out.startswith("No problems found in 1 file.\n")


# --- aliases, nesting, merge keys -------------------------------------------------------------


def billion_laughs() -> str:
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_billion_laughs_is_refused_before_it_expands(repo, cli):
    write(repo, "org.yaml", billion_laughs())
    assert check_lines(cli, "org.yaml") == (1, [
        "org.yaml:6:36: ORG001 [error] aliases expand to more than 1,000,000 nodes; refused",
    ])


def test_the_alias_budget_counts_what_aliases_expand_to():
    """An alias of a list of 999 scalars stands for 1,000 nodes: a thousand of them spend the
    budget exactly, the next one is refused at its own place."""
    head = "crew: &crew [" + ", ".join(["x"] * 999) + "]\nuses:\n"
    at_limit = head + "  - *crew\n" * 1000
    assert load_text(at_limit, "x").problems == []
    refused = load_text(at_limit + "  - *crew\n", "x")
    assert refused.documents == []
    assert [(hit.message, hit.position.line, hit.position.column) for hit in refused.problems] == [
        ("aliases expand to more than 1,000,000 nodes; refused", 1003, 5),
    ]


def test_a_large_file_without_aliases_is_not_refused_however_nested():
    """330,000 scalars six levels deep, no alias: nothing to refuse (the file's own nodes are
    bounded by its size; a budget that counted each node again for every container around it
    refused this 1.3 MB file)."""
    item = "{a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}"
    text = "journeys:\n" + "".join(
        f"  j{n}:\n    steps:\n" + f"      - {item}\n" * 5 for n in range(3_000))
    loaded = load_text(text, "x")
    assert loaded.problems == []
    data = loaded.documents[0].data["journeys"]
    assert len(data) == 3_000
    assert data["j2999"]["steps"][4]["b"][9] == 10


def test_ordinary_aliases_share_their_value(repo, cli):
    write(repo, "org.yaml", (
        "people:\n  leo: {name: Leo}\n  ana: {name: Ana}\n"
        "teams:\n"
        "  sales: {lead: leo, members: &crew [leo, ana]}\n"
        "  delivery: {lead: ana, members: *crew}\n"
    ))
    assert check_lines(cli, "org.yaml") == (0, [])


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1000])
def test_very_deep_flow_nesting_is_refused(repo, cli, depth):
    write(repo, "org.yaml", "teams: " + "[" * depth + "]" * depth + "\n")
    # the 64th open bracket is the 65th collection, counting the top mapping
    assert check_lines(cli, "org.yaml") == (1, [
        "org.yaml:1:71: ORG001 [error] nesting deeper than 64 levels; refused",
    ])


def test_very_deep_block_nesting_is_refused(repo, cli):
    text = "teams:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(100)) + "  " * 101 + "x\n"
    write(repo, "org.yaml", text)
    assert check_lines(cli, "org.yaml") == (1, [
        "org.yaml:65:129: ORG001 [error] nesting deeper than 64 levels; refused",
    ])


def test_nesting_at_the_limit_loads():
    depth = MAX_DEPTH - 1  # the top mapping is the first level
    loaded = load_text("teams: " + "[" * depth + "]" * depth + "\n", "x")
    assert loaded.problems == []


def test_50k_levels_do_not_crash_the_process(repo):
    """The C composer of ruamel segfaults around here; orglint reads events and stops at 64."""
    write(repo, "org.yaml", "teams: " + "[" * 50_000 + "]" * 50_000 + "\n")
    proc = subprocess.run([sys.executable, "-m", "orglint", "check", "--select", LOADING,
                           "org.yaml"], capture_output=True, text=True, cwd=repo, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ""
    assert lines(proc.stdout) == [
        "org.yaml:1:71: ORG001 [error] nesting deeper than 64 levels; refused",
    ]


def test_merge_keys_fill_in_what_is_not_written():
    loaded = load_text((
        "people:\n"
        "  base: &base {name: Base, title: Engineer}\n"
        "  ana:\n"
        "    <<: *base\n"
        "    name: Ana Silva\n"
    ), "x")
    assert loaded.problems == []
    doc = loaded.documents[0]
    assert doc.data["people"]["ana"] == {"name": "Ana Silva", "title": "Engineer"}
    # a merged field stands at the merge key's value, the written one at itself
    assert doc.values[("people", "ana", "title")] == (4, 9)
    assert doc.values[("people", "ana", "name")] == (5, 11)


def test_a_merge_key_needs_a_mapping(repo, cli):
    write(repo, "org.yaml", "people:\n  ana:\n    <<: [1, 2]\n    name: Ana\n")
    assert check_lines(cli, "org.yaml") == (1, [
        "org.yaml:3:9: ORG001 [error] a merge key '<<' needs a mapping or a list of mappings",
    ])


def test_merged_schema_errors_point_at_the_merge(repo, cli):
    write(repo, "org.yaml", (
        "people:\n"
        "  base: &base {name: Base, titel: Engineer}\n"
        "  ana:\n"
        "    <<: *base\n"
    ))
    assert check_lines(cli, "org.yaml") == (1, [
        "org.yaml:2:28: ORG002 [error] unknown field 'titel' in person 'base'; did you mean "
        "'title'?",
        "org.yaml:4:9: ORG002 [error] unknown field 'titel' in person 'ana'; did you mean "
        "'title'?",
    ])


# --- paths ------------------------------------------------------------------------------------


def test_a_path_that_does_not_exist_is_one_line_and_exit_2(repo, cli):
    code, out, err = cli("check", "nope.yaml")
    assert (code, out, err) == (2, "", "orglint: error: path 'nope.yaml' does not exist\n")


def test_a_path_that_does_not_exist_in_a_real_process(repo):
    proc = subprocess.run([sys.executable, "-m", "orglint", "check", "missing/"],
                          capture_output=True, text=True, cwd=repo, timeout=60)
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        2, "", "orglint: error: path 'missing' does not exist\n")


def test_an_unreadable_file_is_a_finding(repo, cli):
    path = write(repo, "org.yaml", "teams: {}\n")
    path.chmod(0)
    try:
        readable = os.access(path, os.R_OK)
        if readable:
            pytest.skip("running as root: chmod 000 does not stop reading")
        assert check_lines(cli) == (1, [
            "org.yaml:1:1: ORG001 [error] cannot read file: Permission denied",
        ])
    finally:
        path.chmod(0o644)


def test_a_permission_error_is_a_finding_even_as_root(repo, cli, monkeypatch):
    """What chmod 000 does to a normal user, simulated wherever orglint opens the file."""
    import builtins
    import io

    write(repo, "org.yaml", "teams: {}\n")
    real_open, real_os_open = builtins.open, os.open

    def refusing(real):
        def refuse(path, *args, **kwargs):
            if str(path).endswith("org.yaml"):
                raise PermissionError(13, "Permission denied", str(path))
            return real(path, *args, **kwargs)
        return refuse

    monkeypatch.setattr(builtins, "open", refusing(real_open))
    monkeypatch.setattr(io, "open", refusing(real_open))
    monkeypatch.setattr(os, "open", refusing(real_os_open))
    assert check_lines(cli) == (1, [
        "org.yaml:1:1: ORG001 [error] cannot read file: Permission denied",
    ])


def test_a_dangling_symlink_is_a_finding(repo, cli):
    """Even as root: a link whose target is gone cannot be read (shown by the link)."""
    (repo / "org.yaml").symlink_to(repo / "gone.yaml")
    assert check_lines(cli) == (1, [
        "org.yaml:1:1: ORG001 [error] cannot read file: No such file or directory",
    ])


def test_hostile_files_together_in_a_real_process(repo):
    write(repo, "laughs.yaml", billion_laughs())
    write(repo, "binary.yaml", b"\x00\x01")
    write(repo, "latin.yaml", "a: \xe9\n".encode("latin-1"))
    write(repo, "tags.yaml", "teams: !!python/object/apply:os.system ['echo pwned']\n")
    write(repo, "good.yaml", "teams:\n  sales: {name: Sales}\n")
    proc = subprocess.run([sys.executable, "-m", "orglint", "check", "--select", LOADING],
                          capture_output=True, text=True, cwd=repo, timeout=120)
    assert proc.returncode == 1
    assert proc.stderr == ""
    assert "pwned" not in proc.stdout
    assert lines(proc.stdout) == [
        "binary.yaml:1:1: ORG001 [error] binary file (NUL byte); expected UTF-8 YAML text",
        "latin.yaml:1:4: ORG001 [error] not UTF-8 text: byte 0xe9 is invalid",
        "laughs.yaml:6:36: ORG001 [error] aliases expand to more than 1,000,000 nodes; refused",
        "tags.yaml:1:8: ORG001 [error] tag '!!python/object/apply:os.system' is not allowed: "
        "orglint reads plain data",
        "tags.yaml:1:8: ORG002 [error] section 'teams' must be a mapping, not a list",
    ]
