"""The parse and the rules on several cores: how many processes they take, that the result
is the one of a single process, and that a stopped run leaves none behind. The stopped runs
are real processes on a large generated org."""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orglint import workers
from orglint.engine import check as engine
from orglint.finding import Hit
from orglint.load import parallel
from orglint.load.cache import undump
from orglint.load.documents import load_text
from orglint.model import build_org
from orglint.registry import Registry, Rule

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
    monkeypatch.delenv(workers.ENV_PROCESSES, raising=False)
    monkeypatch.delenv(workers.ENV_PROCESSES_FORMER, raising=False)

    def set_to(cores: int, load: float) -> None:
        monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)))
        monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load))
        monkeypatch.setattr(workers, "running_elsewhere", lambda: None)  # no /proc/loadavg

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
    monkeypatch.setattr(workers, "running_elsewhere", lambda: 0.0)
    assert parallel.processes(10 * MB) == 2
    monkeypatch.setattr(workers, "running_elsewhere", lambda: 2.0)  # two busy processes
    assert parallel.processes(10 * MB) == 1


@pytest.mark.parametrize(("text", "elsewhere"), [
    ("0.52 0.58 0.59 1/68 12345\n", 0.0),   # only this process runs
    ("2.10 2.06 2.33 3/70 2001\n", 2.0),
    ("0.00 0.00 0.00 0/12 1\n", 0.0),
    ("garbage", None),
    ("1 2 3 x/y 4", None),
])
def test_running_elsewhere_reads_proc_loadavg(text, elsewhere):
    assert workers.running_elsewhere(text) == elsewhere


def test_the_setting_decides_and_a_bad_one_is_ignored(machine, monkeypatch):
    machine(2, 4.5)
    monkeypatch.setenv(workers.ENV_PROCESSES, "3")
    assert parallel.processes(100) == 3
    for bad in ("0", "-2", "two", ""):
        monkeypatch.setenv(workers.ENV_PROCESSES, bad)
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
    env = {**os.environ, workers.ENV_PROCESSES: "2", "XDG_CACHE_HOME": str(tmp_path)}
    run = subprocess.Popen([sys.executable, "-m", "orglint", "check", "--no-cache"],
                           cwd=large_org, env=env, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, preexec_fn=_as_from_a_terminal)
    try:
        deadline = time.monotonic() + 120
        started: list[int] = []
        while not started and run.poll() is None and time.monotonic() < deadline:
            started = children(run.pid)
            time.sleep(0.01)
        assert started, "the parse never started a worker"
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
    assert [pid for pid in started if Path(f"/proc/{pid}").exists()] == []


# --- the rules of a large org, shared with a forked worker -----------------------------------

SMALL_ORG = """\
people:
  ana: {name: Ana}
  leo: {name: Leo}
  maya: {name: Maya}
teams:
  sales: {lead: ana, members: [ana, leo]}
  support: {lead: maya}
"""


def _org():
    return build_org(load_text(SMALL_ORG, "org.yaml").documents)


def _rule(number: int, body, plugin: str = "orglint.rules.testing", cost: int = 0) -> Rule:
    return Rule(code=f"TST{number:03d}", name=f"test-{number}", severity="warning",
                blocks_stage=2, function=body, plugin=plugin, cost=cost)


def _per_person(number: int):
    """A rule with one finding per person, told apart by the rule's number."""
    def body(org):
        for person in org.people.values():
            yield Hit(f"rule {number} saw {person.id}", entity=f"person:{person.id}")
    return body


def _judged(rules: list[Rule], processes: int):
    return engine.run_rules(_org(), rules, Registry(rules), engine.Settings(), None, processes)


@pytest.fixture
def shared(monkeypatch):
    """Every org is large enough to share its rules."""
    monkeypatch.setattr(engine, "SHARED_ENTITIES", 0)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks")
def test_shared_rules_find_what_one_process_finds(shared):
    rules = [_rule(number, _per_person(number)) for number in range(1, 31)]
    alone = _judged(rules, 1)
    assert len(alone) == 90
    assert [str(finding.path) for finding in alone[:1]] == ["org.yaml"]
    for _ in range(3):  # which process takes which rule differs from run to run
        assert _judged(rules, 2) == alone
        assert _judged(rules, 3) == alone


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks")
def test_a_rule_that_fails_in_any_process_is_reported_as_one_process_reports_it(shared):
    def crash(org):
        raise ValueError("boom")
        yield  # pragma: no cover - a generator

    def slow_crash(org):
        time.sleep(0.05)  # the other process has taken the later crash by then
        raise KeyError("first")
        yield  # pragma: no cover - a generator

    rules = [_rule(1, _per_person(1)), _rule(2, slow_crash), _rule(3, _per_person(3)),
             _rule(4, crash), _rule(5, _per_person(5))]
    with pytest.raises(engine.RuleCrash) as alone:
        _judged(rules, 1)
    assert str(alone.value) == "rule TST002 (orglint.rules.testing) failed: KeyError: 'first'"
    for _ in range(3):
        with pytest.raises(engine.RuleCrash) as both:
            _judged(rules, 2)
        assert str(both.value) == str(alone.value)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks")
def test_a_worker_that_dies_has_its_rules_judged_here(shared):
    here = os.getpid()

    def dies_in_a_worker(org):
        if os.getpid() != here:
            os._exit(3)
        yield Hit("judged here", entity="person:ana")

    rules = [_rule(number, _per_person(number)) for number in range(1, 9)]
    rules.insert(4, _rule(99, dies_in_a_worker))
    alone = _judged(rules, 1)
    assert "judged here" in {finding.message for finding in alone}
    for _ in range(3):
        assert _judged(rules, 2) == alone


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks")
def test_a_plugins_rules_are_judged_in_this_process_only(shared):
    here = os.getpid()

    def where(org):
        yield Hit(f"judged in {'this process' if os.getpid() == here else 'a worker'}",
                  entity="person:ana")

    rules = [_rule(number, _per_person(number)) for number in range(1, 9)]
    rules += [_rule(50 + number, where, plugin="acme_rules") for number in range(4)]
    for _ in range(3):
        messages = {finding.message for finding in _judged(rules, 2)}
        assert "judged in this process" in messages
        assert "judged in a worker" not in messages


def test_a_small_org_is_judged_in_one_process(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("a worker was started")

    monkeypatch.setattr(engine, "judge_shared", forbidden)
    rules = [_rule(number, _per_person(number)) for number in range(1, 5)]
    assert len(_judged(rules, 2)) == 12


def test_the_setting_sets_the_processes_of_a_run(monkeypatch):
    monkeypatch.delenv(workers.ENV_PROCESSES, raising=False)
    monkeypatch.setenv(workers.ENV_PROCESSES_FORMER, "3")
    assert workers.free_processes() == (3 if hasattr(os, "fork") else 1)
    monkeypatch.setenv(workers.ENV_PROCESSES, "1")  # the current name wins
    assert workers.free_processes() == 1


# --- the parse, shared piece by piece ----------------------------------------------------------


def _jobs(count: int) -> list[parallel.Job]:
    return [(index, f"people:\n  p{index}: {{name: P {index}}}\n".encode(), f"f{index}.yaml", "")
            for index in range(count)]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks")
def test_claims_go_to_one_process_each_and_all_are_taken():
    with workers.Claims(1000) as claims, workers.Workers([lambda: list(claims)]) as started:
        mine = list(claims)
        [theirs] = list(started.results())
    assert sorted(mine + theirs) == list(range(1000))
    with pytest.raises(ValueError):
        workers.Claims(workers.Claims.MAX + 1)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks")
def test_the_shared_parse_gives_each_file_once_and_as_one_process_does():
    jobs = _jobs(500)
    alone = {index: loaded.documents[0].data for index, loaded, _ in parallel.parse_shares(jobs, 1)}
    shared = parallel.parse_shares(jobs, 2, entries=True)
    assert sorted(index for index, _, _ in shared) == list(range(500))
    here = [index for index, loaded, _ in shared if loaded is not None]
    assert 0 < len(here) < 500  # both took pieces
    raws = {index: raw for index, raw, _, _ in jobs}
    assert {index: (loaded or undump(entry, raws[index])).documents[0].data
            for index, loaded, entry in shared} == alone


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks")
def test_a_parse_worker_that_dies_has_its_pieces_parsed_here(monkeypatch):
    here = os.getpid()
    real = parallel._entries

    def dies_after_taking(pieces, claims):
        taken = real(pieces, claims)
        if os.getpid() != here:
            os._exit(3)
        return taken

    monkeypatch.setattr(parallel, "_entries", dies_after_taking)
    jobs = _jobs(500)
    shared = parallel.parse_shares(jobs, 2, entries=True)
    assert sorted(index for index, _, _ in shared) == list(range(500))
    assert all(loaded is not None and entry for _, loaded, entry in shared)  # all parsed here


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks")
def test_the_costliest_rules_are_claimed_first(shared, monkeypatch):
    """The rules that declare a cost are taken first, the costliest first, then the others in
    rule order, whichever process takes them."""
    from orglint import workers

    claimed: list[int] = []
    real = workers.Claims.__iter__

    def noting(self):
        for claim in real(self):
            claimed.append(claim)  # in this process only: the worker's list is its own
            yield claim

    monkeypatch.setattr(workers.Claims, "__iter__", noting)
    costs = {7: 2, 3: 1}
    rules = [_rule(number, _per_person(number), cost=costs.get(number, 0))
             for number in range(1, 9)]
    seen: list[str] = []

    def judge(org, jobs, inputs):
        jobs = list(jobs)
        seen.extend(item.code for item, _, _ in jobs)
        return real_judge(org, jobs, inputs)

    real_judge = engine.judge
    monkeypatch.setattr(engine, "judge", judge)
    assert _judged(rules, 2) == _judged(rules, 1)
    # the claims this process made, in the order of the shared list
    order = ["TST007", "TST003", "TST001", "TST002", "TST004", "TST005", "TST006", "TST008"]
    assert claimed and claimed == sorted(claimed)
    assert [code for code in seen[:len(claimed)]] == [order[claim] for claim in claimed]


def _files(folder: Path, count: int) -> list[tuple[str, str]]:
    """``count`` small org files of 10 KiB each (enough to be parsed on two processes)."""
    folder.mkdir()
    named = []
    for number in range(count):
        people = "".join(f"  p{number}x{item}: {{name: P {item}, title: T}}\n"
                         for item in range(250))
        path = folder / f"f{number:03d}.yaml"
        path.write_text(f"people:\n{people}", encoding="utf-8")
        named.append((str(path), path.name))
    return named


def _pack(cache) -> dict[str, bytes]:
    from orglint.load.cache import _read_signed

    return _read_signed(cache._pack, cache._secret)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks")
@pytest.mark.parametrize("packer", ["works", "dies", "cannot start"])
def test_the_pack_of_a_parse_on_two_processes_is_the_pack_of_one(tmp_path, monkeypatch, packer):
    """Parsed on two processes, the entries of the files parsed here are made, and the pack
    written, by a forked process while this one goes on (or here, when that process dies or
    cannot start): the pack holds what a parse in one process writes, entry for entry."""
    from orglint.load.cache import ParseCache, wait_for_packs

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    named = _files(tmp_path / "org", 120)
    alone = ParseCache(tmp_path / "alone")
    parallel.load_many(named, alone, parallel=False)
    here = os.getpid()
    real = ParseCache._write

    def dies(self):
        if os.getpid() != here:
            os._exit(3)
        return real(self)

    if packer == "dies":
        monkeypatch.setattr(ParseCache, "_write", dies)
    elif packer == "cannot start":
        monkeypatch.setattr(workers.os, "fork", lambda: (_ for _ in ()).throw(OSError("no")))
    monkeypatch.setenv("ORGLINT_PROCESSES", "2")
    shared = ParseCache(tmp_path / "shared")
    loaded = parallel.load_many(named, shared, parallel=True)
    assert len(loaded) == 120
    if packer != "cannot start":
        assert shared._packer is not None  # still writing: this process went on
    wait_for_packs()
    assert shared._packer is None and shared.writable
    assert _pack(shared) == _pack(alone) and len(_pack(alone)) == 120
    # the next run of this process reads the whole pack
    again = ParseCache(tmp_path / "shared")
    parallel.load_many(named, again, parallel=True)
    assert (again.hits, again.misses) == (120, 0)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks")
def test_a_pack_being_written_is_waited_for_before_it_is_read(tmp_path, monkeypatch):
    from orglint.load import cache as cache_module

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("ORGLINT_PROCESSES", "2")
    named = _files(tmp_path / "org", 60)
    real = cache_module.ParseCache._write

    def slow(self):
        time.sleep(0.5)
        return real(self)

    monkeypatch.setattr(cache_module.ParseCache, "_write", slow)
    first = cache_module.ParseCache(tmp_path / "c")
    parallel.load_many(named, first, parallel=True)
    assert first._packer is not None
    assert cache_module._PACKING[0] is first
    second = cache_module.ParseCache(tmp_path / "c")
    parallel.load_many(named, second, parallel=True)  # reads the pack: waits for it first
    assert cache_module._PACKING == [] and (second.hits, second.misses) == (60, 0)
