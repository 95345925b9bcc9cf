"""The parse on several cores: how many processes it takes, and that a stopped run leaves
none behind. The stopped runs are real processes on a large generated org."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orglint.load import parallel

ROOT = Path(__file__).resolve().parent.parent

_spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
assert _spec is not None and _spec.loader is not None
generate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(generate)

MB = 1024 * 1024


def test_a_file_is_read_whole_and_no_more_than_one_byte_past_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "MAX_FILE_BYTES", 100_000)
    sizes = {"empty": 0, "small": 3, "at the limit": 100_000, "past it": 250_000}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(bytes(range(256)) * (size // 256) + b"x" * (size % 256))
    read = {name: parallel.read_file(str(tmp_path / name), name) for name in sizes}
    assert {name: len(raw) for name, raw in read.items()} == {  # type: ignore[arg-type]
        "empty": 0, "small": 3, "at the limit": 100_000, "past it": 100_001}
    assert read["small"] == b"xxx"
    folder = parallel.read_file(str(tmp_path), "there")
    gone = parallel.read_file(str(tmp_path / "gone"), "gone.yaml")
    assert [(hit.message, str(hit.position)) for loaded in (folder, gone)
            for hit in loaded.problems] == [  # type: ignore[union-attr]
        ("cannot read file: Is a directory", "there:1:1"),
        ("cannot read file: No such file or directory", "gone.yaml:1:1")]


@pytest.fixture
def machine(monkeypatch):
    """A machine with the given cores and one-minute load average."""
    monkeypatch.delenv(parallel.ENV_PROCESSES, raising=False)

    def set_to(cores: int, load: float) -> None:
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)))
        monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
        monkeypatch.setattr(parallel, "running_elsewhere", lambda: None)  # no /proc/loadavg

    return set_to


@pytest.mark.parametrize(("cores", "load", "size", "expected"), [
    (2, 0.1, 10 * MB, 2),    # idle: both cores
    (2, 0.6, 10 * MB, 1),    # one core busy elsewhere: a worker would only compete with us
    (2, 4.5, 10 * MB, 1),    # loaded
    (8, 2.0, 10 * MB, 6),    # six of eight free
    (8, 0.0, 10 * MB, 8),
    (64, 0.0, 10 * MB, 20),  # no more than one process per 512 KiB
    (8, 0.0, 400 * 1024, 1),  # too little to share
    (1, 0.0, 10 * MB, 1),
])
def test_the_parse_takes_the_free_cores(machine, cores, load, size, expected):
    machine(cores, load)
    assert parallel.processes(size) == expected


def test_what_runs_now_counts_before_the_lagging_load_average(machine, monkeypatch):
    machine(2, 1.4)  # the minute's average still holds the run that just ended
    assert parallel.processes(10 * MB) == 1
    monkeypatch.setattr(parallel, "running_elsewhere", lambda: 0.0)
    assert parallel.processes(10 * MB) == 2
    monkeypatch.setattr(parallel, "running_elsewhere", lambda: 2.0)  # two busy processes
    assert parallel.processes(10 * MB) == 1


@pytest.mark.parametrize(("text", "elsewhere"), [
    ("0.52 0.58 0.59 1/68 12345\n", 0.0),   # only this process runs
    ("2.10 2.06 2.33 3/70 2001\n", 2.0),
    ("0.00 0.00 0.00 0/12 1\n", 0.0),
    ("garbage", None),
    ("1 2 3 x/y 4", None),
])
def test_running_elsewhere_reads_proc_loadavg(text, elsewhere):
    assert parallel.running_elsewhere(text) == elsewhere


def test_the_setting_decides_and_a_bad_one_is_ignored(machine, monkeypatch):
    machine(2, 4.5)
    monkeypatch.setenv(parallel.ENV_PROCESSES, "3")
    assert parallel.processes(100) == 3
    for bad in ("0", "-2", "two", ""):
        monkeypatch.setenv(parallel.ENV_PROCESSES, bad)
        assert parallel.processes(10 * MB) == 1


def test_shares_hold_about_equal_bytes_in_order():
    jobs = [(index, b"x" * (100 if index % 2 else 300), f"f{index}", "") for index in range(40)]
    shares = parallel._split(jobs, 3)
    assert [job for share in shares for job in share] == jobs
    sizes = [sum(len(job[1]) for job in share) for share in shares]
    assert len(shares) == 3 and max(sizes) - min(sizes) <= 600, sizes


@pytest.fixture(scope="module")
def large_org(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("large") / "org"
    generate.write(out, 20_000)
    (out / "orglint.yaml").write_text("include: ['**/*.yaml']\n", encoding="utf-8")
    return out


def children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def _as_from_a_terminal() -> None:
    """Ctrl-C stops the run whatever started the tests (a shell's background job ignores
    SIGINT, and its children inherit that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize(("stop", "code"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_stopped_parse_leaves_no_process_behind(large_org, tmp_path, stop, code):
    env = {**os.environ, parallel.ENV_PROCESSES: "2", "XDG_CACHE_HOME": str(tmp_path)}
    run = subprocess.Popen([sys.executable, "-m", "orglint", "check", "--no-cache"],
                           cwd=large_org, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, preexec_fn=_as_from_a_terminal)
    try:
        deadline = time.monotonic() + 120
        workers: list[int] = []
        while not workers and run.poll() is None and time.monotonic() < deadline:
            workers = children(run.pid)
            time.sleep(0.01)
        assert workers, "the parse never started a worker"
        run.send_signal(stop)
        out, err = run.communicate(timeout=60)  # nothing else holds the run's output open
    finally:
        run.kill()
    # a shell reports 128 + the signal either way: exit 130 or 143, or for SIGINT the end
    # Python gives a KeyboardInterrupt that passed through code it compiled at run time
    assert run.returncode in ({code, -stop} if stop == signal.SIGINT else {code}), err
    assert out == b""
    assert b"Traceback" not in err
    time.sleep(0.2)
    assert [pid for pid in workers if Path(f"/proc/{pid}").exists()] == []
