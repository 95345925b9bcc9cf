"""The GitHub Action (action.yml) and the GitLab CI template (ci/gitlab/orglint.gitlab-ci.yml).

Both are validated against the SchemaStore schemas that check-jsonschema ships (offline), then
run here the way their runners would run them, on a small org: the action's shell steps in
order with the runner's files (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY) and `${{ }}` lookups, the
GitLab job's script lines in one shell with the project folder as the working directory. What
they print and write is compared with what `orglint check` gives in-process for the same org.
They install orglint as a runner would: slow (a few installs), and real.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from ci_orgs import CONFIG, HEALTHY, TROUBLED, write
from user_machine import PLACEHOLDER, REPO, TAG, copy_repo, user_env

from orglint.commands import main

ACTION = REPO / "action.yml"
GITLAB = REPO / "ci" / "gitlab" / "orglint.gitlab-ci.yml"
CI_DOC = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")
TODAY = "2026-06-01"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize(("path", "schema"), [(ACTION, "vendor.github-actions"),
                                              (GITLAB, "vendor.gitlab-ci")])
def test_matches_the_schemastore_schema(path: Path, schema: str) -> None:
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema,
                           str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_documented_workflow_uses_the_action_at_the_release_tag(tmp_path: Path) -> None:
    section = CI_DOC[CI_DOC.index("### The action"):]
    workflow = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert workflow, "docs/ci.md shows no workflow for the action"
    path = write(tmp_path / "orglint.yml", workflow.group(1))
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema",
                           "vendor.github-workflows", str(path)], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    steps = yaml.safe_load(workflow.group(1))["jobs"]["orglint"]["steps"]
    action = PLACEHOLDER.removeprefix("https://github.com/")
    assert f"{action}@{TAG}" in [step.get("uses") for step in steps]

def test_action_is_a_composite_action_whose_inputs_are_documented() -> None:
    action = _load(ACTION)
    assert action["runs"]["using"] == "composite"
    assert {"name", "description", "inputs", "outputs", "runs"} <= set(action)
    for step in action["runs"]["steps"]:
        assert step["shell"] == "bash" and "run" in step
        # inputs reach scripts through env: never spliced into the script (script injection)
        assert "${{" not in step["run"], f"step '{step['name']}' interpolates into its script"
    section = CI_DOC[CI_DOC.index("### The action"):CI_DOC.index("### Without the action")]
    for kind in ("inputs", "outputs"):
        for name, spec in action[kind].items():
            assert spec["description"]
            assert f"`{name}`" in section, f"docs/ci.md does not document the {kind[:-1]} {name}"
    for name, spec in action["inputs"].items():
        if spec.get("default"):
            assert f"`{spec['default']}`" in section, f"docs/ci.md misses the default of {name}"


# -- the action, run as the runner runs a composite action ------------------------------------


@dataclass
class ActionRun:
    outputs: dict[str, str]
    steps: dict[str, subprocess.CompletedProcess[str]] = field(default_factory=dict)
    summary: str = ""
    failed: bool = False


def _lookup(context: dict[str, Any], expression: str) -> str:
    """`inputs.x`, `github.action_path`, `steps.id.outputs.x`: the only expressions used."""
    assert re.fullmatch(r"[a-z_]+(\.[A-Za-z0-9_-]+)+", expression), f"unsupported: {expression}"
    value: Any = context
    for part in expression.split("."):
        value = value.get(part, "") if isinstance(value, dict) else ""
    return str(value)


def _expand(text: str, context: dict[str, Any]) -> str:
    return EXPRESSION.sub(lambda match: _lookup(context, match.group(1)), str(text))


def _read_outputs(path: Path) -> dict[str, str]:
    """GITHUB_OUTPUT's `name=value` lines (and `name<<EOF` blocks)."""
    outputs: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines()
    while lines:
        line = lines.pop(0)
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter)
            outputs[name], lines = "\n".join(lines[:end]), lines[end + 1:]
        elif line:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


def run_action(workspace: Path, runner: Path, action_path: Path, env: dict[str, str],
               **inputs: str) -> ActionRun:
    action = _load(action_path / "action.yml")
    unknown = set(inputs) - set(action["inputs"])
    assert not unknown, f"the action has no inputs {unknown}"
    given = {name: inputs.get(name, spec.get("default", "")) for name, spec
             in action["inputs"].items()}
    context: dict[str, Any] = {"inputs": given, "steps": {},
                               "github": {"action_path": str(action_path),
                                          "workspace": str(workspace)}}
    run = ActionRun(outputs={})
    for number, step in enumerate(action["runs"]["steps"]):
        files = {key: runner / f"{key.lower()}-{number}" for key in
                 ("GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_ENV", "GITHUB_PATH")}
        for path in files.values():
            path.write_text("", encoding="utf-8")
        script = runner / f"step-{number}.sh"
        script.write_text(step["run"], encoding="utf-8")
        step_env = {**env, **{key: str(path) for key, path in files.items()},
                    "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(workspace),
                    "GITHUB_ACTION_PATH": str(action_path), "RUNNER_TEMP": str(runner),
                    **{key: _expand(value, context) for key, value in step.get("env", {}).items()}}
        # the runner's own command line for `shell: bash`
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                              cwd=workspace, env=step_env, capture_output=True, text=True,
                              timeout=900, check=False)
        run.steps[step.get("id", str(number))] = done
        run.summary += files["GITHUB_STEP_SUMMARY"].read_text(encoding="utf-8")
        context["steps"][step.get("id", str(number))] = {
            "outputs": _read_outputs(files["GITHUB_OUTPUT"])}
        if done.returncode != 0:
            run.failed = True
            break
    run.outputs = {name: _expand(spec["value"], context) for name, spec in action["outputs"].items()}
    return run


@pytest.fixture(scope="module")
def action_checkout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The action as `uses: your-org/orglint@TAG` checks it out: this repository's files."""
    return copy_repo(tmp_path_factory.mktemp("action") / "orglint")


@pytest.fixture
def runner(tmp_path: Path, pip_cache: Path) -> tuple[Path, dict[str, str]]:
    folder = tmp_path / "runner"
    folder.mkdir()
    env = user_env(tmp_path / "home", pip_cache)
    env["ORGLINT_TODAY"] = TODAY
    return folder, env


def _in_process(cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                *argv: str) -> tuple[int, str]:
    monkeypatch.chdir(cwd)
    monkeypatch.setenv("ORGLINT_TODAY", TODAY)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    code = main(["check", "--no-cache", *argv])
    return code, capsys.readouterr().out


def test_action_annotates_summarises_and_writes_sarif(
        tmp_path: Path, runner: tuple[Path, dict[str, str]], action_checkout: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    workspace = tmp_path / "workspace"
    write(workspace / "org.yaml", TROUBLED)
    write(workspace / "orglint.yaml", CONFIG)
    run = run_action(workspace, *runner[:1], action_checkout, runner[1])

    assert run.failed  # BND001 is an error: the step fails, as `orglint check` exits 1
    assert run.outputs == {"exit-code": "1", "sarif-file": "orglint.sarif"}
    check = run.steps["check"]
    code, annotations = _in_process(workspace, monkeypatch, capsys, "--format", "github")
    assert (code, check.stdout) == (1, annotations)
    assert check.stdout.startswith("::error file=org.yaml,line=10,col=3,title=BND001 handoff-owner::")
    assert run.summary == _in_process(workspace, monkeypatch, capsys, "--format", "markdown")[1]
    sarif = (workspace / "orglint.sarif").read_text(encoding="utf-8")
    assert sarif == _in_process(workspace, monkeypatch, capsys, "--format", "sarif")[1]
    assert json.loads(sarif)["version"] == "2.1.0"


def test_action_inputs_reach_the_check(
        tmp_path: Path, runner: tuple[Path, dict[str, str]], action_checkout: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    workspace = tmp_path / "workspace"
    # ORG007 (info): a person in no team
    write(workspace / "org" / "org.yaml", HEALTHY.replace("people:\n", "people:\n  lone: {name: Lo}\n"))
    write(workspace / "org" / "settings.yaml", "select: [ORG]\n")
    write(workspace / "docker-compose.yaml", "services: {web: {image: nginx}}\n")
    inputs = {"paths": "org", "config": "org/settings.yaml", "fail-on": "info",
              "sarif-file": "results.sarif", "args": "--ignore ORG006 --statistics"}
    run = run_action(workspace, *runner[:1], action_checkout, runner[1], **inputs)

    argv = ["--config", "org/settings.yaml", "--fail-on", "info", "--ignore", "ORG006",
            "--statistics", "org"]
    code, annotations = _in_process(workspace, monkeypatch, capsys, "--format", "github", *argv)
    assert code == 1 and "ORG007" in annotations  # info fails the step only with fail-on: info
    assert (run.outputs, run.steps["check"].stdout) == (
        {"exit-code": "1", "sarif-file": "results.sarif"}, annotations)
    assert (workspace / "results.sarif").read_text(encoding="utf-8") == _in_process(
        workspace, monkeypatch, capsys, "--format", "sarif", *argv)[1]

    # a clean org: the step passes; no sarif-file input, no SARIF
    run = run_action(workspace, *runner[:1], action_checkout, runner[1],
                     **{**inputs, "sarif-file": "", "fail-on": "error"})
    assert not run.failed
    assert run.outputs == {"exit-code": "0", "sarif-file": ""}


def test_action_names_no_sarif_file_when_the_check_could_not_run(
        tmp_path: Path, runner: tuple[Path, dict[str, str]], action_checkout: Path) -> None:
    workspace = tmp_path / "workspace"
    write(workspace / "org.yaml", HEALTHY)
    write(workspace / "orglint.sarif", "{}")  # left by an earlier run: not this run's result
    run = run_action(workspace, *runner[:1], action_checkout, runner[1], **{"fail-on": "fatal"})
    assert run.failed
    assert run.outputs == {"exit-code": "2", "sarif-file": ""}
    assert "--fail-on" in run.steps["check"].stderr
    assert not (workspace / "orglint.sarif").exists()


# -- the GitLab template, its script run as a GitLab runner runs it ------------------------------


def test_gitlab_template_installs_the_release_the_docs_name() -> None:
    job = _load(GITLAB)["orglint"]
    assert job["variables"]["ORGLINT_REPOSITORY"] == PLACEHOLDER
    assert job["variables"]["ORGLINT_VERSION"] == TAG
    assert job["artifacts"]["when"] == "always"
    assert "ci/gitlab/orglint.gitlab-ci.yml" in CI_DOC
    for name in job["variables"]:
        assert f"`{name}`" in CI_DOC, f"docs/ci.md does not document {name}"


def run_gitlab_job(project: Path, env: dict[str, str], **variables: str
                   ) -> subprocess.CompletedProcess[str]:
    job = _load(GITLAB)["orglint"]
    job_env = {**env, **{k: str(v) for k, v in job["variables"].items()}, **variables,
               "CI": "true", "GITLAB_CI": "true", "CI_PROJECT_DIR": str(project)}
    # a GitLab runner runs the script lines in one shell and stops at the first that fails
    script = "set -eo pipefail\n" + "\n".join(job["script"]) + "\n"
    return subprocess.run(["bash", "-c", script], cwd=project, env=job_env, capture_output=True,
                          text=True, timeout=900, check=False)


def test_gitlab_job_writes_the_code_quality_and_junit_reports(
        tmp_path: Path, pip_cache: Path, release_repo: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "project"
    write(project / "org.yaml", TROUBLED)
    write(project / "orglint.yaml", CONFIG)
    env = {**user_env(tmp_path / "home", pip_cache), "ORGLINT_TODAY": TODAY,
           "TMPDIR": str(tmp_path)}
    done = run_gitlab_job(project, env, ORGLINT_REPOSITORY=f"file://{release_repo}")
    assert done.returncode == 1, done.stdout + done.stderr  # an error: the job fails

    reports = _load(GITLAB)["orglint"]["artifacts"]["reports"]
    code_quality = (project / reports["codequality"]).read_text(encoding="utf-8")
    assert code_quality == _in_process(project, monkeypatch, capsys, "--format", "gitlab")[1]
    assert [issue["check_name"] for issue in json.loads(code_quality)][:1] == ["BND001"]
    junit = (project / reports["junit"]).read_text(encoding="utf-8")
    assert junit == _in_process(project, monkeypatch, capsys, "--format", "junit")[1]
    assert done.stdout.endswith(_in_process(project, monkeypatch, capsys)[1])

    # variables narrow the check: the same job passes on the healthy part of a repository
    write(project / "ok" / "org.yaml", HEALTHY)
    write(project / "ok" / "orglint.yaml", "select: [BND]\n")
    done = run_gitlab_job(project, env, ORGLINT_REPOSITORY=f"file://{release_repo}",
                          ORGLINT_PATHS="ok", ORGLINT_ARGS="--fail-on warning")
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads((project / reports["codequality"]).read_text(encoding="utf-8")) == []

