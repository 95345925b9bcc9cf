"""Which files make the org: the checked folder's config, odd files, nothing found."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from orglint.cli import main

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
