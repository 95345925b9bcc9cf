"""Daily use, run as a user runs it (the console script, in a real process): one file of the
org, an editor's buffer on standard input, rule hints, format names in any case, colour,
--quiet and shell completion."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ORGLINT = [sys.executable, "-m", "orglint"]
STAGE4 = ("Stage 4 of 4: systemic - no single points of failure or founder bottleneck; SLAs "
          "measured, context shared, feedback loops in place.")


def run(*args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
        ) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items()
               if k not in ("NO_COLOR", "FORCE_COLOR", "ANSI_COLORS_DISABLED")}
    environ.update(env or {})
    return subprocess.run([*ORGLINT, *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, env=environ, check=False)


@pytest.fixture
def starter(tmp_path: Path) -> Path:
    """The clean starter org of `orglint init`."""
    assert run("init", "org", cwd=tmp_path).returncode == 0
    return tmp_path / "org"


def test_one_file_is_checked_against_the_whole_org(starter: Path) -> None:
    proc = run("check", "handoffs.yaml", cwd=starter)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout == f"No problems found in 1 file.\n{STAGE4}\n"


def test_one_file_shows_only_its_own_findings(starter: Path) -> None:
    text = (starter / "handoffs.yaml").read_text(encoding="utf-8")
    (starter / "handoffs.yaml").write_text(text.replace("owner: ben ", "owner: bne "),
                                           encoding="utf-8")
    (starter / "org.yaml").write_text((starter / "org.yaml").read_text(encoding="utf-8")
                                      .replace("lead: ana", "lead: anna", 1), encoding="utf-8")
    proc = run("check", "-q", "handoffs.yaml", cwd=starter)
    assert proc.stdout == (
        "handoffs.yaml:8:12: ORG003 [error] handoff 'sales-to-delivery' field 'owner' names "
        "unknown person or team 'bne'; did you mean 'ben'?\n")
    both = run("check", "-q", "handoffs.yaml", "org.yaml", cwd=starter)
    assert both.stdout.count("ORG003") == 2


def test_a_subfolder_is_checked_against_the_whole_org(starter: Path) -> None:
    (starter / "flows").mkdir()
    (starter / "handoffs.yaml").rename(starter / "flows" / "handoffs.yaml")
    # named from the org's folder, and as '.' from inside it: the same, judged on the whole org
    assert run("check", "flows", cwd=starter).stdout == f"No problems found in 1 file.\n{STAGE4}\n"
    inside = run("check", ".", cwd=starter / "flows")
    assert (inside.returncode, inside.stdout) == (0, f"No problems found in 1 file.\n{STAGE4}\n")
    text = (starter / "flows" / "handoffs.yaml").read_text(encoding="utf-8")
    (starter / "flows" / "handoffs.yaml").write_text(text.replace("owner: ben ", "owner: bne "),
                                                     encoding="utf-8")
    (starter / "org.yaml").write_text((starter / "org.yaml").read_text(encoding="utf-8")
                                      .replace("lead: ana", "lead: anna", 1), encoding="utf-8")
    assert run("check", "-q", ".", cwd=starter / "flows").stdout == (
        "handoffs.yaml:8:12: ORG003 [error] handoff 'sales-to-delivery' field 'owner' names "
        "unknown person or team 'bne'; did you mean 'ben'?\n")
    # the org's own folder is the whole org, as no path is
    assert run("check", "-q", ".", cwd=starter).stdout.count("ORG003") == 2


def test_stdin_stands_for_the_named_file(starter: Path) -> None:
    buffer = (starter / "handoffs.yaml").read_text(encoding="utf-8").replace("owner: ben ",
                                                                              "owner: bne ")
    proc = run("check", "-", "--stdin-filename", "handoffs.yaml", "-q", cwd=starter,
               stdin=buffer)
    assert proc.returncode == 1
    assert proc.stdout.startswith("handoffs.yaml:8:12: ORG003 [error] handoff "
                                  "'sales-to-delivery' field 'owner' names unknown person")
    # the saved file is untouched, and checks clean
    assert run("check", cwd=starter).returncode == 0


def test_stdin_without_a_name_joins_the_org(starter: Path) -> None:
    buffer = (starter / "org.yaml").read_text(encoding="utf-8")
    proc = run("check", "-", "-q", "--select", "ORG004", cwd=starter, stdin=buffer)
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert lines and all(line.startswith("<stdin>:") and " ORG004 " in line for line in lines)


@pytest.mark.parametrize("args, message", [
    (["check", "-", "org.yaml"], "'-' (standard input) cannot be combined with other paths"),
    (["check", "--stdin-filename", "org.yaml"],
     "--stdin-filename needs '-' as the path: orglint check - --stdin-filename PATH"),
    (["rule", "BND01"], "no rule 'BND01'; did you mean 'BND001'? (see 'orglint rules')"),
    (["rule", "handof-owner"],
     "no rule 'handof-owner'; did you mean 'handoff-owner'? (see 'orglint rules')"),
])
def test_usage_mistakes_get_one_line(args: list[str], message: str, starter: Path) -> None:
    proc = run(*args, cwd=starter, stdin="")
    assert (proc.returncode, proc.stdout, proc.stderr) == (2, "", f"orglint: error: {message}\n")


def test_format_names_in_any_case(starter: Path, tmp_path: Path) -> None:
    upper = run("check", "--format", "JSON", "--output", f"SARIF:{tmp_path / 'o.sarif'}",
                cwd=starter)
    lower = run("check", "--format", "json", cwd=starter)
    assert (upper.returncode, upper.stdout) == (0, lower.stdout)
    assert (tmp_path / "o.sarif").read_text(encoding="utf-8").startswith("{")
    assert run("rules", "--format", "JSON", cwd=starter).stdout.startswith("[")


BROKEN = "teams:\n  sales: {name: Sales}\n  delivery: {name: Delivery}\n"


@pytest.mark.parametrize("args, env, colored", [
    ([], {}, False),                                   # not a terminal
    (["--color", "always"], {}, True),
    (["--color", "always"], {"NO_COLOR": "1"}, True),  # the command line wins
    ([], {"FORCE_COLOR": "1"}, True),
    (["--color", "never"], {"FORCE_COLOR": "1"}, False),
    ([], {"NO_COLOR": "1", "TERM": "xterm"}, False),
])
def test_colour(args: list[str], env: dict[str, str], colored: bool, tmp_path: Path) -> None:
    (tmp_path / "org.yaml").write_text(BROKEN, encoding="utf-8")
    proc = run("check", *args, cwd=tmp_path, env=env)
    first = proc.stdout.splitlines()[0]
    if colored:
        assert first == ("org.yaml:2:3: \x1b[1mORG006\x1b[0m \x1b[33m[warning]\x1b[0m "
                         "team 'sales' has no lead")
    else:
        assert first == "org.yaml:2:3: ORG006 [warning] team 'sales' has no lead"


def test_colour_never_reaches_an_output_file(tmp_path: Path) -> None:
    (tmp_path / "org.yaml").write_text(BROKEN, encoding="utf-8")
    run("check", "--color", "always", "--output", "text:out.txt", cwd=tmp_path)
    assert "\x1b" not in (tmp_path / "out.txt").read_text(encoding="utf-8")


def test_quiet_prints_findings_only(tmp_path: Path) -> None:
    (tmp_path / "org.yaml").write_text(BROKEN, encoding="utf-8")
    proc = run("check", "--quiet", cwd=tmp_path)
    assert proc.stdout == ("org.yaml:2:3: ORG006 [warning] team 'sales' has no lead\n"
                           "org.yaml:3:3: ORG006 [warning] team 'delivery' has no lead\n")


def test_the_summary_says_where_to_read_more(tmp_path: Path) -> None:
    (tmp_path / "org.yaml").write_text(BROKEN, encoding="utf-8")
    last = run("check", cwd=tmp_path).stdout.splitlines()[-1]
    assert last == "Why each rule matters and how to fix it: 'orglint rule ORG006'."
    shown = run("rule", "ORG006", cwd=tmp_path).stdout
    assert shown.startswith("ORG006 team-without-lead\n")


def test_where_to_read_more_names_an_error_before_a_warning(tmp_path: Path) -> None:
    # two warnings of one rule, then an error that keeps the stage from being judged
    (tmp_path / "org.yaml").write_text(
        "people:\n  ana: {name: Ana Ruiz}\nteams:\n  sales: {members: [ana]}\n"
        "  support: {members: [ana]}\n  ops: {lead: ana, members: [ana], layer: 5}\n",
        encoding="utf-8")
    lines = run("check", cwd=tmp_path).stdout.splitlines()
    assert lines[:3] == [
        "org.yaml:4:3: ORG006 [warning] team 'sales' has no lead",
        "org.yaml:5:3: ORG006 [warning] team 'support' has no lead",
        "org.yaml:6:43: ORG002 [error] team 'ops' field 'layer' is 5; expected one of: "
        "frontstage, backstage, support"]
    assert lines[-1] == "Why each rule matters and how to fix it: 'orglint rule ORG002'."


def complete(line: str, cwd: Path) -> list[str]:
    """What the shell would offer after ``line``: argcomplete's protocol, as its shell script
    runs it (answers on descriptor 8, debug output to descriptor 9)."""
    script = shutil.which("orglint", path=str(Path(sys.executable).parent)) or "orglint"
    env = {**os.environ, "_ARGCOMPLETE": "1", "_ARGCOMPLETE_IFS": "\n",
           "COMP_LINE": line, "COMP_POINT": str(len(line)), "_ARGCOMPLETE_SHELL": "bash"}
    proc = subprocess.run(["bash", "-c", f"'{script}' 8>&1 9>/dev/null"], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    return sorted(word.strip() for word in proc.stdout.split("\n") if word.strip())


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_completion_offers_commands_and_options(tmp_path: Path) -> None:
    assert complete("orglint ch", tmp_path) == ["check"]
    assert complete("orglint check --fail-", tmp_path) == ["--fail-on"]
    assert complete("orglint check --fail-on ", tmp_path) == ["error", "info", "warning"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_completion_offers_rule_codes_areas_names_and_person_ids() -> None:
    org = Path(__file__).resolve().parent.parent / "examples" / "northwind-services"
    assert complete("orglint rule BND00", org) == [f"BND00{i}" for i in range(1, 8)]
    # `rule` shows one rule: no area; any case
    assert complete("orglint rule gov0", org) == [f"gov00{i}" for i in range(1, 10)]
    assert complete("orglint check --select GO", org) == [
        "GOV", *(f"GOV00{i}" for i in range(1, 10))]
    # the last item of a comma-separated list, the earlier ones kept and not offered again
    assert complete("orglint check --select BND001,CTX", org) == [
        "BND001,CTX", "BND001,CTX001", "BND001,CTX002"]
    assert "CTX001,CTX001" not in complete("orglint check --select CTX001,", org)
    assert complete("orglint check --ignore AL", org) == ["ALL"]
    assert complete("orglint check --ignore al", org) == ["all"]
    assert complete("orglint check --ignore handoff-", org) == [
        "handoff-owner", "handoff-quality-unrewarded", "handoff-within-a-team"]
    assert complete("orglint impact ma", org) == ["maya"]
    assert complete("orglint impact person:c", org) == ["person:carla"]


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_completion_offers_nothing_where_the_config_is_broken(tmp_path: Path) -> None:
    (tmp_path / "orglint.yaml").write_text("select: [\n", encoding="utf-8")
    assert complete("orglint rule BND00", tmp_path) == []
    assert complete("orglint impact ma", tmp_path) == []


@pytest.mark.parametrize("shell, marker", [
    ("bash", "complete -o nospace -o default -o bashdefault -F _python_argcomplete orglint"),
    ("zsh", "#compdef orglint"),
    ("fish", "complete --command orglint"),
])
def test_completion_scripts(shell: str, marker: str, tmp_path: Path) -> None:
    proc = run("completion", shell, cwd=tmp_path)
    assert proc.returncode == 0
    assert marker in proc.stdout


@pytest.mark.skipif(shutil.which("bash") is None, reason="no bash")
def test_bash_loads_the_completion_script(tmp_path: Path) -> None:
    script = run("completion", "bash", cwd=tmp_path).stdout
    (tmp_path / "c.bash").write_text(script, encoding="utf-8")
    proc = subprocess.run(["bash", "-c", "source c.bash && complete -p orglint"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "orglint" in proc.stdout


def test_a_file_that_cannot_be_read_is_shown_beside_the_named_one(starter: Path) -> None:
    handoffs = starter / "handoffs.yaml"
    lines = handoffs.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[4] = "\t" + lines[4].lstrip(" ")  # a tab on line 5 makes the file unreadable
    handoffs.write_text("".join(lines), encoding="utf-8")
    proc = run("check", "-q", "journeys.yaml", cwd=starter)
    shown = proc.stdout.splitlines()
    assert shown[0].startswith("handoffs.yaml:5:1: ORG001 [error] a tab cannot indent YAML")
    assert all(line.startswith(("handoffs.yaml:", "journeys.yaml:")) for line in shown)


def test_without_a_config_the_named_files_are_the_org(tmp_path: Path) -> None:
    # nothing says where the org ends: the folder is not walked (it may be a home folder)
    (tmp_path / "a.yaml").write_text("teams:\n  sales: {}\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("teams: [\n", encoding="utf-8")
    proc = run("check", "-q", "a.yaml", cwd=tmp_path)
    assert proc.stdout == "a.yaml:2:3: ORG006 [warning] team 'sales' has no lead\n"
