"""Every file orglint writes appears whole or not at all: a full disk, an interrupt or SIGTERM
while writing leaves the earlier file as it was and no temporary file, and says so in one
line with exit 2 (130 on SIGINT, 143 on SIGTERM)."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from orglint.commands import main

ROOT = Path(__file__).resolve().parent.parent
BACKSTAGE = ROOT / "tests" / "fixtures" / "sources" / "backstage-acme"
ORG = """\
people:
  ana: {name: Ana}
teams:
  a: {name: A, lead: ana, members: [ana]}
  b: {name: B, lead: ana, members: [ana]}
handoffs:
  a-to-b: {from: a, to: b}
"""
EARLIER = "an earlier complete file\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "org.yaml").write_text(ORG, encoding="utf-8")
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ORGLINT_TODAY", "2026-06-01")
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    return tmp_path


def full_disk(monkeypatch) -> None:
    """The disk fills up halfway through the first file written."""
    def write_half(handle: int, data: bytes) -> None:
        os.write(handle, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    import orglint.files

    monkeypatch.setattr(orglint.files, "_write_all", write_half)


# (the command line, the file it writes, the one line it says when the disk is full)
WRITERS = [
    (["check", "--no-cache", "--output", "sarif:out/r.sarif"], "out/r.sarif",
     "orglint: error: cannot write --output sarif:out/r.sarif: No space left on device"),
    (["check", "--no-cache", "--write-baseline", "out/base.json"], "out/base.json",
     "orglint: error: cannot write --write-baseline out/base.json: No space left on device"),
    (["report", "-o", "out/r.html"], "out/r.html",
     "orglint: error: cannot write report out/r.html: No space left on device"),
    (["schema", "-o", "out/schema.json"], "out/schema.json",
     "orglint: error: cannot write schema out/schema.json: No space left on device"),
    (["graph", "-o", "out/g.mmd"], "out/g.mmd",
     "orglint: error: cannot write graph out/g.mmd: No space left on device"),
]


@pytest.mark.parametrize(("argv", "target", "error"), WRITERS, ids=lambda v: str(v)[:30])
def test_a_full_disk_keeps_the_earlier_file_and_is_one_line(repo, capsys, monkeypatch,
                                                            argv, target, error):
    (repo / target).write_text(EARLIER, encoding="utf-8")
    full_disk(monkeypatch)
    code = main(argv)
    _, err = capsys.readouterr()
    assert (code, err) == (2, error + "\n")
    assert (repo / target).read_text(encoding="utf-8") == EARLIER
    assert sorted(path.name for path in (repo / "out").iterdir()) == [Path(target).name]


@pytest.mark.parametrize(("argv", "printed"), [
    (["check", "--no-cache", "--output", "sarif:out/w"], ["check", "--no-cache", "--format",
                                                          "sarif"]),
    (["report", "-o", "out/w"], ["report"]),
    (["schema", "-o", "out/w"], ["schema"]),
    (["graph", "-o", "out/w"], ["graph"]),
    (["check", "--no-cache", "--write-baseline", "out/w"], None),
])
def test_each_file_is_written_whole_with_the_mode_of_a_new_file(repo, capsys, argv, printed):
    code = main(argv)
    capsys.readouterr()
    assert code in (0, 1)
    written = repo / "out" / "w"
    if printed is not None:  # the same text it prints without a file
        main(printed)
        assert written.read_text(encoding="utf-8") == capsys.readouterr().out
    else:
        assert '"orglint_baseline": 1' in written.read_text(encoding="utf-8")
    mask = os.umask(0)
    os.umask(mask)
    assert written.stat().st_mode & 0o777 == 0o666 & ~mask
    assert sorted(path.name for path in (repo / "out").iterdir()) == ["w"]


def test_import_and_init_on_a_full_disk_leave_no_part_of_a_file(repo, capsys, monkeypatch):
    full_disk(monkeypatch)
    code = main(["import", "backstage", str(BACKSTAGE), "-o", "imported"])
    _, err = capsys.readouterr()
    assert (code, err.splitlines()[-1]) == (
        2, "orglint: error: cannot write imported/teams.yaml: No space left on device")
    assert list((repo / "imported").iterdir()) == []
    code = main(["init", "starter"])
    _, err = capsys.readouterr()
    assert (code, err) == (
        2, "orglint: error: cannot write starter/orglint.yaml: No space left on device\n")
    assert list((repo / "starter").iterdir()) == []


@pytest.mark.parametrize("unbuffered", ["", "1"])
@pytest.mark.parametrize("argv", [["check"], ["rules"], ["schema"], ["report"], ["graph"],
                                  ["init", "fresh"],
                                  ["import", "backstage", str(BACKSTAGE), "-o", "imported"]],
                         ids=lambda argv: argv[0])
def test_standard_output_on_a_full_disk_is_one_line_and_exit_2(repo, argv, unbuffered):
    env = {**os.environ, "PYTHONUNBUFFERED": unbuffered, "ORGLINT_TODAY": "2026-06-01"}
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "orglint", *argv], cwd=repo, stdout=full,
                              stderr=subprocess.PIPE, text=True, env=env, timeout=120,
                              check=False)
    assert (done.returncode, done.stderr) == (
        2, "orglint: error: cannot write to standard output: No space left on device\n")


STOP_WHILE_WRITING = """\
import os, signal, sys
import orglint.files

# as from a terminal, whatever started the tests (a shell's background job ignores SIGINT)
signal.signal(signal.SIGINT, signal.default_int_handler)

def write_half_then_stop(handle, data):
    os.write(handle, data[: len(data) // 2])
    os.kill(os.getpid(), signal.{signal})
    os.write(handle, data[len(data) // 2:])

orglint.files._write_all = write_half_then_stop
from orglint.commands import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize(("name", "code"), [("SIGTERM", 143), ("SIGINT", 130)])
@pytest.mark.parametrize(("argv", "target"), [
    (["check", "--no-cache", "--output", "sarif:out/r.sarif"], "out/r.sarif"),
    (["report", "-o", "out/r.html"], "out/r.html"),
])
def test_a_stopped_run_leaves_the_earlier_file_and_no_part(repo, name, code, argv, target):
    (repo / target).write_text(EARLIER, encoding="utf-8")
    script = textwrap.dedent(STOP_WHILE_WRITING).replace("{signal}", name)
    done = subprocess.run([sys.executable, "-c", script, *argv], cwd=repo, capture_output=True,
                          text=True, timeout=120, check=False,
                          env={**os.environ, "ORGLINT_TODAY": "2026-06-01"})
    assert (done.returncode, done.stdout, done.stderr) == (code, "", "")
    assert (repo / target).read_text(encoding="utf-8") == EARLIER
    assert sorted(path.name for path in (repo / "out").iterdir()) == [Path(target).name]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # this process: untouched
