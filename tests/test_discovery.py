"""Which files make the org: the checked folder's config, odd files, nothing found."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from orglint.commands import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(capsys, monkeypatch, cwd: Path, *argv: str) -> tuple[int, str, str]:
    monkeypatch.chdir(cwd)
    code = main(["check", "--no-cache", *argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_a_folder_checked_from_outside_uses_its_own_config(capsys, monkeypatch, tmp_path):
    code, out, _ = run(capsys, monkeypatch, tmp_path, str(EXAMPLES / "harbor-health"))
    assert code == 0
    assert out.splitlines()[0] == "No problems found in 12 files."


def test_the_healthy_example_checked_from_the_repository_root(capsys, monkeypatch):
    code, out, _ = run(capsys, monkeypatch, EXAMPLES.parent, "examples/harbor-health")
    assert (code, out.splitlines()[0]) == (0, "No problems found in 12 files.")


def test_nothing_to_check_is_an_error_not_a_pass(capsys, monkeypatch, tmp_path):
    (tmp_path / "orglint.yaml").write_text("include: ['org/**/*.yaml']\n", encoding="utf-8")
    code, out, err = run(capsys, monkeypatch, tmp_path)
    assert (code, out) == (2, "")
    assert err == "orglint: error: no org files found in . (include: org/**/*.yaml)\n"



def test_config_files_are_never_org_data(capsys, monkeypatch, tmp_path):
    """The repository's root has no config; the org and its config live in org/, and a nested
    project keeps its own config: none of them is read as org data."""
    people = "people:\n  ana: {name: Ana}\n"
    (tmp_path / "org" / "nested").mkdir(parents=True)
    (tmp_path / "org" / "org.yaml").write_text(people, encoding="utf-8")
    (tmp_path / "org" / "orglint.yaml").write_text("include: ['**/*.yaml']\n", encoding="utf-8")
    (tmp_path / "org" / ".orglint.yaml").write_text("select: [ALL]\n", encoding="utf-8")
    (tmp_path / "org" / "nested" / "orglint.yaml").write_text("fail_on: warning\n",
                                                               encoding="utf-8")
    for cwd, args in ((tmp_path, ["org"]), (tmp_path / "org", []), (tmp_path, [])):
        code, out, _ = run(capsys, monkeypatch, cwd, "--select", "ORG002", *args)
        assert (code, out.splitlines()[0]) == (0, "No problems found in 1 file."), (cwd, args)

@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_skipped_when_walking_and_refused_when_named(capsys, monkeypatch, tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "org.yaml").write_text("people:\n  ana: {name: Ana}\n", encoding="utf-8")
    code, out, _ = run(capsys, monkeypatch, tmp_path, "--select", "ORG001,ORG002")
    assert "in 1 file." in out  # the FIFO was not opened (that would block forever)
    code, out, err = run(capsys, monkeypatch, tmp_path, "pipe.yaml")
    assert (code, err) == (2, "orglint: error: 'pipe.yaml' is neither a file nor a folder\n")


def test_a_symlink_loop_is_a_finding(capsys, monkeypatch, tmp_path):
    (tmp_path / "a.yaml").symlink_to("b.yaml")
    (tmp_path / "b.yaml").symlink_to("a.yaml")
    code, out, _ = run(capsys, monkeypatch, tmp_path, "--select", "ORG001")
    assert code == 1
    assert out.splitlines()[:2] == [
        "a.yaml:1:1: ORG001 [error] cannot read file: Too many levels of symbolic links",
        "b.yaml:1:1: ORG001 [error] cannot read file: Too many levels of symbolic links",
    ]


def test_python_dash_m_imports_nothing_from_the_checked_folder(tmp_path):
    import subprocess
    import sys

    (tmp_path / "org.yaml").write_text("people:\n  ana: {name: Ana}\n", encoding="utf-8")
    for name in ("pluggy", "json", "cerberus"):
        (tmp_path / f"{name}.py").write_text("raise SystemExit('imported from the repo')\n",
                                              encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "orglint", "check", "--no-cache"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "imported from the repo" not in proc.stdout + proc.stderr
    assert proc.stdout.startswith("org.yaml:2:3: ORG007 [info]")


def test_an_output_that_cannot_be_written_is_one_line(capsys, monkeypatch, tmp_path):
    (tmp_path / "org.yaml").write_text("people:\n  ana: {name: Ana}\n", encoding="utf-8")
    code, _, err = run(capsys, monkeypatch, tmp_path, "--write-baseline", "missing/b.json")
    assert (code, err) == (2, "orglint: error: cannot write --write-baseline missing/b.json: "
                              "No such file or directory\n")


def test_a_boolean_is_not_a_number_in_rule_options(capsys, monkeypatch, tmp_path):
    (tmp_path / "org.yaml").write_text("people:\n  ana: {name: Ana}\n", encoding="utf-8")
    (tmp_path / "orglint.yaml").write_text(
        "rules:\n  owner-overload: {options: {max: true}}\n", encoding="utf-8")
    code, _, err = run(capsys, monkeypatch, tmp_path)
    assert (code, err) == (
        2, "orglint.yaml:2:35: config error: option 'max' of BND004 must be a number, not true\n")


def test_utf16_is_named_as_such(capsys, monkeypatch, tmp_path):
    (tmp_path / "org.yaml").write_bytes("people: {}\n".encode("utf-16"))
    _, out, _ = run(capsys, monkeypatch, tmp_path, "--select", "ORG001")
    assert out.splitlines()[0] == (
        "org.yaml:1:1: ORG001 [error] UTF-16 or UTF-32 text; save the file as UTF-8")
