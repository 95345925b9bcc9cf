"""Configuration: discovery, --config, globs, validation with positions, rule selection and
severities. Everything runs through the real command line (``orglint.commands.main``)."""

from __future__ import annotations

from pathlib import Path

import pytest

ORG = (
    "people:\n"
    "  dan: {name: Dan Okafor}\n"
    "teams:\n"
    "  sales: {name: Sales}\n"
    "  delivery: {name: Delivery}\n"
    "handoffs:\n"
    "  sales-to-delivery: {from: sales, to: delivery}\n"
)
DAN = "ORG007 [info] person 'dan' (Dan Okafor) belongs to no team"
SALES = "ORG006 [warning] team 'sales' has no lead"
DELIVERY = "ORG006 [warning] team 'delivery' has no lead"
HANDOFF = "BND001 [error] handoff 'sales-to-delivery' (Sales -> Delivery) has no named owner"
THREE = "select: [ORG006, ORG007, BND001]\n"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(cli, monkeypatch, cwd: Path, *argv: str) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    return cli(*argv)


def findings(out: str) -> list[str]:
    return out.split("\n\n", 1)[0].splitlines() if "\n\n" in out else []


def summary(out: str) -> str:
    return next(line for line in out.splitlines() if line.startswith(("Found", "No problems")))


# --- discovery --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["orglint.yaml", ".orglint.yaml"])
def test_the_config_is_found_by_searching_upward(tmp_path, cli, monkeypatch, name):
    write(tmp_path / name, "select: [ORG006]\n")
    write(tmp_path / "org" / "org.yaml", ORG)
    deeper = tmp_path / "org" / "a" / "b"
    deeper.mkdir(parents=True)
    code, out, err = run(cli, monkeypatch, deeper, "check")
    assert (code, err) == (0, "")
    # with no paths, the config's folder is the org; paths are shown relative to the cwd
    assert findings(out) == [f"../../org.yaml:4:3: {SALES}", f"../../org.yaml:5:3: {DELIVERY}"]
    assert summary(out) == "Found 2 problems (2 warnings) in 1 file."


def test_the_nearest_config_wins_and_orglint_yaml_before_the_dotfile(tmp_path, cli,
                                                                       monkeypatch):
    write(tmp_path / "orglint.yaml", "select: [BND001]\n")
    write(tmp_path / "org" / "orglint.yaml", "select: [ORG007]\n")
    write(tmp_path / "org" / ".orglint.yaml", "select: [ORG006]\n")
    write(tmp_path / "org" / "org.yaml", ORG)
    code, out, _ = run(cli, monkeypatch, tmp_path / "org", "check")
    assert (code, findings(out)) == (0, [f"org.yaml:2:3: {DAN}"])


@pytest.mark.parametrize("toml", [
    '[project]\nname = "ops"\n\n[tool.orglint]\nselect = ["BND001"]\nfail_on = "error"\n'
    '\n[tool.other]\nselect = ["nothing"]\n',
    '[tool]\norglint = {select = ["BND001"]}\n',  # any TOML spelling of the table
], ids=["table", "inline"])
def test_tool_orglint_in_pyproject(tmp_path, cli, monkeypatch, toml):
    write(tmp_path / "pyproject.toml", toml)
    write(tmp_path / "org.yaml", ORG)
    code, out, err = run(cli, monkeypatch, tmp_path, "check")
    assert (code, err) == (1, "")
    assert findings(out) == [f"org.yaml:7:3: {HANDOFF}"]


def test_a_pyproject_without_the_section_is_passed_over(tmp_path, cli, monkeypatch):
    write(tmp_path / "orglint.yaml", "select: [ORG006]\n")
    write(tmp_path / "org" / "pyproject.toml", '[project]\nname = "unrelated"\n')
    write(tmp_path / "org" / "org.yaml", ORG)
    _code, out, _ = run(cli, monkeypatch, tmp_path / "org", "check")
    assert findings(out) == [f"org.yaml:4:3: {SALES}", f"org.yaml:5:3: {DELIVERY}"]


def test_a_pyproject_section_that_is_not_utf8_is_a_config_error(tmp_path, cli, monkeypatch):
    """Not passed over as if it held no settings: its bad byte is named at its place."""
    (tmp_path / "pyproject.toml").write_bytes(b'[tool.orglint]\nfail_on = "\xed\xa0\x80"\n')
    write(tmp_path / "org.yaml", ORG)
    code, out, err = run(cli, monkeypatch, tmp_path, "check")
    assert (code, out) == (2, "")
    assert err == "pyproject.toml:2:12: config error: not UTF-8 text: byte 0xed is invalid\n"


def test_config_option_names_the_file(tmp_path, cli, monkeypatch):
    write(tmp_path / "orglint.yaml", "select: [ORG006]\n")
    write(tmp_path / "ci" / "strict.yaml", "select: [ORG007]\nfail_on: info\n")
    write(tmp_path / "org.yaml", ORG)
    code, out, _ = run(cli, monkeypatch, tmp_path, "check", "--config", "ci/strict.yaml",
                       "org.yaml")
    assert (code, findings(out)) == (1, [f"org.yaml:2:3: {DAN}"])


def test_a_config_option_that_does_not_exist(tmp_path, cli, monkeypatch):
    code, out, err = run(cli, monkeypatch, tmp_path, "check", "--config", "nope.yaml")
    assert (code, out, err) == (2, "", "orglint: error: config file 'nope.yaml' does not exist\n")


# --- which files ----------------------------------------------------------------------------


def test_include_and_exclude_globs_and_the_config_is_not_linted(tmp_path, cli, monkeypatch):
    write(tmp_path / "orglint.yaml", (
        "select: [ORG006]\n"
        "include: ['org/**/*.yaml', 'extra.yml']\n"
        "exclude: ['org/drafts/**']\n"))
    write(tmp_path / "org" / "teams.yaml", "teams:\n  sales: {}\n")
    write(tmp_path / "org" / "deep" / "more.yaml", "teams:\n  billing: {}\n")
    write(tmp_path / "org" / "drafts" / "wip.yaml", "teams:\n  draft: {}\n")
    write(tmp_path / "org" / "notes.txt", "teams:\n  notes: {}\n")
    write(tmp_path / "extra.yml", "teams:\n  extra: {}\n")
    write(tmp_path / "other.yaml", "teams:\n  other: {}\n")
    _code, out, _ = run(cli, monkeypatch, tmp_path, "check")
    assert findings(out) == [
        "extra.yml:2:3: ORG006 [warning] team 'extra' has no lead",
        "org/deep/more.yaml:2:3: ORG006 [warning] team 'billing' has no lead",
        "org/teams.yaml:2:3: ORG006 [warning] team 'sales' has no lead",
    ]
    assert summary(out) == "Found 3 problems (3 warnings) in 3 files."


def test_the_config_file_is_not_part_of_the_org(tmp_path, cli, monkeypatch):
    # `select` is no section of the org format: linting the config would report it (ORG002)
    write(tmp_path / "orglint.yaml", "select: [ORG]\nfail_on: warning\n")
    write(tmp_path / "org.yaml", "teams:\n  sales: {}\n")
    code, out, _ = run(cli, monkeypatch, tmp_path, "check")
    assert findings(out) == ["org.yaml:2:3: ORG006 [warning] team 'sales' has no lead"]
    assert summary(out) == "Found 1 problem (1 warning) in 1 file."
    assert code == 1


def test_a_folder_argument_is_walked_with_the_globs(tmp_path, cli, monkeypatch):
    write(tmp_path / "orglint.yaml", "select: [ORG006]\nexclude: ['**/skip-*.yaml']\n")
    write(tmp_path / "org" / "a.yaml", "teams:\n  a: {}\n")
    write(tmp_path / "org" / "skip-b.yaml", "teams:\n  b: {}\n")
    write(tmp_path / "org" / ".hidden" / "c.yaml", "teams:\n  c: {}\n")
    _code, out, _ = run(cli, monkeypatch, tmp_path, "check", "org")
    assert findings(out) == ["org/a.yaml:2:3: ORG006 [warning] team 'a' has no lead"]


# --- errors in the config ---------------------------------------------------------------------


def config_errors(tmp_path, cli, monkeypatch, text: str, name: str = "orglint.yaml") -> list[str]:
    write(tmp_path / name, text)
    write(tmp_path / "org.yaml", ORG)
    code, out, err = run(cli, monkeypatch, tmp_path, "check")
    assert (code, out) == (2, "")
    return err.splitlines()


def test_unknown_and_mistyped_config_keys(tmp_path, cli, monkeypatch):
    assert config_errors(tmp_path, cli, monkeypatch, (
        "includ: ['**/*.yaml']\n"
        "fail_on: sometimes\n"
        "ignore: ORG007\n"
        "colour: red\n"
        "rules:\n"
        "  GOV001:\n"
        "    severity: loud\n"
        "    option: {}\n"
    )) == [
        "orglint.yaml:1:1: config error: unknown config key 'includ'; did you mean 'include'?",
        "orglint.yaml:2:10: config error: key 'fail_on' is 'sometimes'; expected one of: "
        "error, warning, info",
        "orglint.yaml:3:9: config error: key 'ignore' must be a list, not 'ORG007'",
        "orglint.yaml:4:1: config error: unknown config key 'colour'; expected one of: "
        "baseline, cache_dir, complexity, evidence, exclude, fail_on, ignore, include, plugins, "
        "rule_docs_url, rules, select, sources, waiver_files, waivers",
        "orglint.yaml:7:15: config error: field 'rules.GOV001.severity' is 'loud'; expected one "
        "of: error, warning, info, off",
        "orglint.yaml:8:5: config error: unknown field 'option' in field 'rules.GOV001'; did you "
        "mean 'options'?",
    ]


def test_bad_rule_options_and_unknown_rules(tmp_path, cli, monkeypatch):
    assert config_errors(tmp_path, cli, monkeypatch, (
        "rules:\n"
        "  GOV005:\n"
        "    options: {max_levels: 0, max_level: 2}\n"
        "  escalation-path:\n"
        "    options: {max_levels: low}\n"
        "  BND01: {severity: warning}\n"
        "select: [NOPE, INC03, SOD001]\n"
    )) == [
        "orglint.yaml:3:27: config error: option 'max_levels' of GOV005: min value is 1",
        "orglint.yaml:3:30: config error: GOV005 has no option 'max_level' (options: max_levels)",
        "orglint.yaml:5:27: config error: option 'max_levels' of GOV005: must be of integer type",
        "orglint.yaml:6:3: config error: unknown rule 'BND01'; did you mean 'BND001'?",
        "orglint.yaml:7:10: config error: 'NOPE' matches no rule",
        "orglint.yaml:7:16: config error: 'INC03' matches no rule; did you mean 'INC003'?",
        # a code is matched within its family: no rule is SOD-something
        "orglint.yaml:7:23: config error: 'SOD001' matches no rule",
    ]


def test_invalid_yaml_in_the_config(tmp_path, cli, monkeypatch):
    assert config_errors(tmp_path, cli, monkeypatch, "select: [ORG006\n") == [
        "orglint.yaml:1:9: config error: this '[' is never closed: add ']' after its last "
        "item (YAML: expected ',' or ']', but got '<stream end>' (while parsing a flow "
        "sequence))",
    ]


def test_a_config_that_is_not_a_mapping(tmp_path, cli, monkeypatch):
    assert config_errors(tmp_path, cli, monkeypatch, "- ORG006\n") == [
        "orglint.yaml:1:1: config error: the config must be a mapping",
    ]


def test_errors_in_pyproject(tmp_path, cli, monkeypatch):
    assert config_errors(tmp_path, cli, monkeypatch, (
        '[project]\nname = "ops"\n\n[tool.orglint]\nselect = ["ORG006"]\nfail_onn = "warning"\n'
        'include = 5\n'), name="pyproject.toml") == [
        "pyproject.toml:6:1: config error: unknown config key 'fail_onn'; did you mean "
        "'fail_on'?",
        "pyproject.toml:7:11: config error: key 'include' must be a list, not 5",
    ]


def test_invalid_toml_in_pyproject(tmp_path, cli, monkeypatch):
    errors = config_errors(tmp_path, cli, monkeypatch, '[tool.orglint]\nselect = [\n',
                           name="pyproject.toml")
    assert errors == ["pyproject.toml:3:1: config error: invalid TOML: Invalid value (at end of "
                      "document)"]


def test_invalid_toml_inside_the_file(tmp_path, cli, monkeypatch):
    errors = config_errors(tmp_path, cli, monkeypatch, '[tool.orglint]\nselect = [1,,]\n',
                           name="pyproject.toml")
    assert errors == ["pyproject.toml:2:13: config error: invalid TOML: Invalid value (at line 2, "
                      "column 13)"]


def test_an_empty_config_is_the_defaults(tmp_path, cli, monkeypatch):
    write(tmp_path / "orglint.yaml", "# nothing yet\n")
    write(tmp_path / "org.yaml", ORG)
    code, out, err = run(cli, monkeypatch, tmp_path, "check", "--select", "ORG006")
    assert (code, err) == (0, "")
    assert findings(out) == [f"org.yaml:4:3: {SALES}", f"org.yaml:5:3: {DELIVERY}"]


# --- select, ignore, severity ---------------------------------------------------------------


@pytest.fixture
def org(tmp_path):
    write(tmp_path / "org.yaml", ORG)
    return tmp_path


def with_config(cli, monkeypatch, folder: Path, config: str, *argv: str) -> tuple[int, list[str]]:
    write(folder / "orglint.yaml", config)
    code, out, err = run(cli, monkeypatch, folder, "check", *argv)
    assert err == ""
    return code, findings(out)


@pytest.mark.parametrize("select", ["ORG006", "org006", "team-without-lead", "ORG00,BND"])
def test_select_by_code_prefix_and_name_on_the_command_line(org, cli, monkeypatch, select):
    _code, found = with_config(cli, monkeypatch, org, THREE, "--select", select)
    expected = [f"org.yaml:4:3: {SALES}", f"org.yaml:5:3: {DELIVERY}"]
    if select == "ORG00,BND":
        expected = [f"org.yaml:2:3: {DAN}", *expected, f"org.yaml:7:3: {HANDOFF}"]
    assert found == expected


def test_ignore_by_prefix_name_and_code(org, cli, monkeypatch):
    code, found = with_config(cli, monkeypatch, org, "select: [ORG00, BND]\nignore: [BND]\n",
                              "--ignore", "person-without-team")
    assert (code, found) == (0, [f"org.yaml:4:3: {SALES}", f"org.yaml:5:3: {DELIVERY}"])


def test_the_most_specific_selector_wins(org, cli, monkeypatch):
    assert with_config(cli, monkeypatch, org, "select: [ORG]\nignore: [ORG00]\n") == (0, [])
    _code, found = with_config(cli, monkeypatch, org, "select: [ORG00]\nignore: [ORG]\n")
    assert found == [f"org.yaml:2:3: {DAN}", f"org.yaml:4:3: {SALES}",
                     f"org.yaml:5:3: {DELIVERY}"]
    _code, found = with_config(cli, monkeypatch, org, "select: [ORG007]\nignore: [ORG]\n")
    assert found == [f"org.yaml:2:3: {DAN}"]


def test_a_selector_that_matches_nothing_is_an_error(org, cli, monkeypatch):
    write(org / "orglint.yaml", THREE)
    code, out, err = run(cli, monkeypatch, org, "check", "--ignore", "XYZ")
    assert (code, out, err) == (2, "", "orglint: error: 'XYZ' matches no rule (see 'orglint rules')\n")
    code, out, err = run(cli, monkeypatch, org, "check", "--select", "BND01")
    assert (code, out, err) == (2, "", "orglint: error: 'BND01' matches no rule; did you mean "
                                       "'BND001'?\n")


def test_severity_override_by_code_and_name_and_off(org, cli, monkeypatch):
    code, found = with_config(cli, monkeypatch, org, THREE + (
        "rules:\n"
        "  ORG006: {severity: error}\n"
        "  person-without-team: {severity: warning}\n"
        "  BND001: {severity: \"off\"}\n"))
    assert code == 1  # ORG006 is an error now
    assert found == [
        "org.yaml:2:3: ORG007 [warning] person 'dan' (Dan Okafor) belongs to no team",
        "org.yaml:4:3: ORG006 [error] team 'sales' has no lead",
        "org.yaml:5:3: ORG006 [error] team 'delivery' has no lead",
    ]


def test_a_lowered_severity_no_longer_fails_the_run(org, cli, monkeypatch):
    code, found = with_config(cli, monkeypatch, org, THREE + "rules:\n  BND001: {severity: info}\n")
    assert code == 0
    assert found[-1] == "org.yaml:7:3: BND001 [info] handoff 'sales-to-delivery' (Sales -> " \
        "Delivery) has no named owner"


def test_rule_options_from_the_config_reach_the_rule(tmp_path, cli, monkeypatch):
    write(tmp_path / "org.yaml", (
        "teams:\n  a: {}\n  b: {}\n"
        "handoffs:\n  a-to-b: {from: a, to: b, exception_rate: 0.1}\n"))
    code, found = with_config(cli, monkeypatch, tmp_path, "select: [GOV001]\n")
    assert found == [
        "org.yaml:5:3: GOV001 [error] handoff 'a-to-b' (a -> b) is medium-complexity (exception "
        "rate 0.1) but has no written protocol and no escalation path",
    ]
    code, found = with_config(cli, monkeypatch, tmp_path,
                              "select: [GOV001]\ncomplexity: {medium_rate: 0.15}\n")
    assert (code, found) == (0, [])
    code, found = with_config(cli, monkeypatch, tmp_path,
                              "select: [BND006]\nrules:\n  BND006:\n    options: {max_teams: 2}\n")
    assert found == []


def test_fail_on_from_config_and_command_line(org, cli, monkeypatch):
    config = "select: [ORG006]\nfail_on: warning\n"
    assert with_config(cli, monkeypatch, org, config)[0] == 1
    assert with_config(cli, monkeypatch, org, config, "--fail-on", "error")[0] == 0


def test_the_complexity_setting_is_shared_by_every_governance_rule(tmp_path, cli, monkeypatch):
    # one handoff, rate 0.1: medium by default; low once medium_rate is 0.15
    write(tmp_path / "org.yaml", (
        "people:\n  dan: {name: Dan}\n  leo: {name: Leo}\n  maya: {name: Maya}\n"
        "teams:\n  a: {}\n  b: {}\n"
        "handoffs:\n  a-to-b:\n    from: a\n    to: b\n    complexity: low\n"
        "    exception_rate: 0.1\n"
        "    governance: {decision_maker: dan, escalation: [dan, leo, maya]}\n"))
    select = "select: [GOV001, GOV002, GOV003, GOV004]\n"
    _code, found = with_config(cli, monkeypatch, tmp_path, select)
    assert sorted(line.split()[1] for line in found) == ["GOV001", "GOV004"]
    _code, found = with_config(cli, monkeypatch, tmp_path,
                               select + "complexity: {medium_rate: 0.15, high_rate: 0.5}\n")
    assert sorted(line.split()[1] for line in found) == ["GOV002", "GOV003"]


def test_rate_options_of_gov001_and_gov004_say_where_they_moved(tmp_path, cli, monkeypatch):
    assert config_errors(tmp_path, cli, monkeypatch, (
        "rules:\n"
        "  GOV001:\n"
        "    options: {high_rate: 0.3}\n"
        "  complexity-understated:\n"
        "    options:\n"
        "      medium_rate: 0.1\n"
    )) == [
        "orglint.yaml:3:15: config error: option 'high_rate' of GOV001 moved to the config key "
        "'complexity.high_rate', one setting for GOV001-GOV004: write 'complexity: "
        "{high_rate: 0.3}' at the top level",
        "orglint.yaml:6:7: config error: option 'medium_rate' of GOV004 moved to the config key "
        "'complexity.medium_rate', one setting for GOV001-GOV004: write 'complexity: "
        "{medium_rate: 0.1}' at the top level",
    ]


def test_complexity_rates_are_shares_and_medium_is_not_above_high(tmp_path, cli, monkeypatch):
    assert config_errors(tmp_path, cli, monkeypatch, "complexity: {high_rate: 1.5}\n") == [
        "orglint.yaml:1:25: config error: field 'complexity.high_rate' must be at most 1, not 1.5",
    ]
    assert config_errors(tmp_path, cli, monkeypatch,
                         "complexity:\n  high_rate: 0.1\n  medium_rate: 0.2\n") == [
        "orglint.yaml:3:16: config error: complexity.medium_rate (0.2) is above "
        "complexity.high_rate (0.1)",
    ]


# --- every config value and every file orglint reads back ------------------------------------


@pytest.mark.parametrize(("toml", "kind"), [
    ("[tool]\norglint = [1]\n", "an array"),
    ('[tool]\norglint = "strict"\n', "a string"),
    ("tool.orglint = 1\n", "a number"),
])
def test_tool_orglint_that_is_no_table_is_a_config_error(tmp_path, cli, monkeypatch, toml, kind):
    position = "2:1" if toml.startswith("[tool]") else "1:1"
    assert config_errors(tmp_path, cli, monkeypatch, toml, name="pyproject.toml") == [
        f"pyproject.toml:{position}: config error: tool.orglint must be a table of settings "
        f"([tool.orglint]), not {kind}"]


def test_a_toml_date_and_time_is_no_expiry_date(tmp_path, cli, monkeypatch):
    assert config_errors(tmp_path, cli, monkeypatch, (
        '[tool.orglint]\nwaivers = [{rule = "ORG006", target = "team:sales", reason = "r", '
        'owner = "dan", expires = 2027-01-31T10:00:00}]\n'), name="pyproject.toml") == [
        "pyproject.toml:2:92: config error: field 'waivers[0].expires' must be a date, not "
        "'2027-01-31T10:00:00'"]


def test_pyproject_problems_stand_at_their_key_in_sub_tables_and_arrays(tmp_path, cli,
                                                                       monkeypatch):
    # a sub-table, an array of tables, and an array of inline tables one per line: each
    # problem at the key or value it is about, as in orglint.yaml
    assert config_errors(tmp_path, cli, monkeypatch, (
        '[project]\nname = "ops"\n\n[tool.orglint]\nfail_on = "error"\n\n'
        '[tool.orglint.rules]\nowner-overload = {options = {maxx = 3}}\n\n'
        '[[tool.orglint.waivers]]\nrule = "ORG006"\ntarget = "team:sales"\nreason = "r"\n\n'
        '[[tool.orglint.waivers]]\nrule = "ORG006"\ntarget = "team:sales"\nreason = "r"\n'
        'expires = 2027-01-31T10:00:00\n'), name="pyproject.toml") == [
        "pyproject.toml:19:11: config error: field 'waivers[1].expires' must be a date, not "
        "'2027-01-31T10:00:00'"]
    assert config_errors(tmp_path, cli, monkeypatch, (
        '[project]\nname = "ops"\n\n[tool.orglint]\nfail_on = "error"\n\n'
        '[tool.orglint.rules]\nowner-overload = {options = {maxx = 3}}\n'),
        name="pyproject.toml") == [
        "pyproject.toml:8:30: config error: BND004 has no option 'maxx' (options: max)"]
    assert config_errors(tmp_path, cli, monkeypatch, (
        '[tool.orglint]\nwaivers = [\n  {rule = "ORG006", target = "team:sales", reason = "a = {"},\n'
        '  {rule = "ORG006", target = "team:sales", reason = "r", expires = 2027-01-31T10:00:00},\n'
        ']\n'), name="pyproject.toml") == [
        "pyproject.toml:4:68: config error: field 'waivers[1].expires' must be a date, not "
        "'2027-01-31T10:00:00'"]


def test_a_toml_date_is_an_expiry_date(tmp_path, cli, monkeypatch):
    write(tmp_path / "pyproject.toml", (
        '[tool.orglint]\nselect = ["ORG006"]\nwaivers = [{rule = "ORG006", target = '
        '"team:sales", reason = "r", owner = "dan", expires = 2999-01-31}]\n'))
    write(tmp_path / "org.yaml", ORG)
    code, out, err = run(cli, monkeypatch, tmp_path, "check")
    assert (code, err) == (0, "")
    assert findings(out) == [f"org.yaml:5:3: {DELIVERY}"]


@pytest.mark.parametrize(("text", "name", "expected"), [
    ('cache_dir: "a\\0b"\n', "orglint.yaml",
     "orglint.yaml:1:12: config error: 'cache_dir' holds a NUL character (\\0), which no path "
     "or name can hold"),
    ('baseline: "a\\0b"\n', "orglint.yaml",
     "orglint.yaml:1:11: config error: 'baseline' holds a NUL character (\\0), which no path "
     "or name can hold"),
    ('include: ["a\\0b/*.yaml"]\n', "orglint.yaml",
     "orglint.yaml:1:11: config error: 'include[0]' holds a NUL character (\\0), which no path "
     "or name can hold"),
    ('[tool.orglint]\ncache_dir = "a\\u0000b"\n', "pyproject.toml",
     "pyproject.toml:2:13: config error: 'cache_dir' holds a NUL character (\\0), which no "
     "path or name can hold"),
    ("complexity: {medium_rate: .nan}\n", "orglint.yaml",
     "orglint.yaml:1:27: config error: 'complexity.medium_rate' is not a number (nan)"),
    ("[tool.orglint]\ncomplexity = {high_rate = nan}\n", "pyproject.toml",
     "pyproject.toml:2:27: config error: 'complexity.high_rate' is not a number (nan)"),
    (f"[tool.orglint]\nfail_on = 0x{'f' * 4000}\n", "pyproject.toml",
     "pyproject.toml:2:11: config error: 'fail_on' is a number beyond 64 bits"),
    (f"[tool.orglint]\nfail_on = 1{'0' * 5000}\n", "pyproject.toml",
     "pyproject.toml:2:11: config error: a number of more than 4,000 digits; orglint reads "
     "numbers up to 64 bits"),
    (f"complexity: {{high_rate: 0x{'f' * 5000}}}\n", "orglint.yaml",
     "orglint.yaml:1:25: config error: field 'complexity.high_rate' must be at most 1, not "
     "0xffffffffffffffffff... (5,002 characters)"),
])
def test_a_value_no_setting_can_use_is_a_config_error(tmp_path, cli, monkeypatch, text, name,
                                                      expected):
    assert config_errors(tmp_path, cli, monkeypatch, text, name=name) == [expected]


def test_a_plugin_listed_twice_is_a_config_error(tmp_path, cli, monkeypatch):
    write(tmp_path / "tools" / "ours.py", "")
    assert config_errors(tmp_path, cli, monkeypatch,
                         "plugins:\n  - tools/ours.py\n  - ./tools/ours.py\n  - tools/ours.py\n"
                         ) == [
        "orglint.yaml:3:5: config error: plugin './tools/ours.py' is listed twice under "
        "plugins: (first on line 2); list it once",
        "orglint.yaml:4:5: config error: plugin 'tools/ours.py' is listed twice under "
        "plugins: (first on line 2); list it once",
    ]


@pytest.mark.parametrize(("owner", "hint"), [
    ("Dan Okafor", "; an owner is a person id: 'dan' (Dan Okafor)"),
    ("dan okafor", "; an owner is a person id: 'dan' (Dan Okafor)"),
    ("dann", "; did you mean 'dan'?"),
    ("Someone Else", ""),
])
def test_a_waiver_owner_given_by_name_is_named_with_the_id(tmp_path, cli, monkeypatch, owner,
                                                           hint):
    write(tmp_path / "orglint.yaml", (
        "select: [ORG006, WVR003]\nwaivers:\n  - rule: ORG006\n    target: team:sales\n"
        f"    reason: hiring\n    owner: {owner}\n    expires: 2999-01-31\n"))
    write(tmp_path / "org.yaml", ORG)
    code, out, err = run(cli, monkeypatch, tmp_path, "check")
    assert (code, err) == (1, "")
    assert findings(out) == [
        f"org.yaml:5:3: {DELIVERY}",
        "orglint.yaml:3:5: WVR003 [error] waiver for ORG006 on team:sales is owned by "
        f"'{owner}', who is not a person in the org{hint}",
    ]
