"""Work shared with forked worker processes: how many cores are free, and workers that each
run one task and send back what it returns.

A core is free when nothing else runs on it now (``/proc/loadavg``'s running tasks on Linux,
else ``os.getloadavg``), against the cores this process may run on (``os.sched_getaffinity``).
On a loaded machine a worker only competes with this process for the same core, and handing
results back makes the run slower than doing the work here, so then there is none.
``ORGLINT_PROCESSES`` sets the most processes a run uses (1: this one only);
``ORGLINT_PARSE_PROCESSES`` is its former name, still read when it is not set.

A worker never outlives the run. It holds no stdin, stdout or stderr of the run (all go to
``/dev/null``), so a caller reading the run's output never waits on it; it dies when its
parent does (``PR_SET_PDEATHSIG`` on Linux, else the broken pipe it writes to); and a run
stopped by SIGINT or SIGTERM kills and reaps its workers before it exits (130 and 143).
Where processes cannot be forked (Windows, a sandbox), each task runs in this process: the
result is the same.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import Any

ENV_PROCESSES = "ORGLINT_PROCESSES"
ENV_PROCESSES_FORMER = "ORGLINT_PARSE_PROCESSES"

Task = Callable[[], Any]


def setting() -> int | None:
    """The count ``ORGLINT_PROCESSES`` (else ``ORGLINT_PARSE_PROCESSES``) sets: a whole number,
    at least 1; None when unset or malformed."""
    for name in (ENV_PROCESSES, ENV_PROCESSES_FORMER):
        value = os.environ.get(name, "").strip()
        if value:
            return int(value) if value.isdigit() and int(value) >= 1 else None
    return None


def free_processes() -> int:
    """How many processes a run may use now: the setting when there is one, else one per free
    core (``free_cores``); 1 where processes cannot be forked."""
    if not hasattr(os, "fork"):
        return 1
    return setting() or free_cores(usable_cores())


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, else the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


def free_cores(cores: int) -> int:
    """Of ``cores``, how many the machine leaves idle, this run's own included; at least 1.
    Busy is what runs elsewhere now (``running_elsewhere``), else the last minute's load
    average, which lags: it still counts runs that have just ended (the run before this
    one in a script or a CI job)."""
    busy = running_elsewhere()
    if busy is None:
        try:
            busy = os.getloadavg()[0]
        except (AttributeError, OSError):  # no load average here: assume an idle machine
            busy = 0.0
    return max(1, min(cores, int(cores - busy + 0.5)))


def running_elsewhere(text: str | None = None) -> float | None:
    """How many other tasks are running or ready to run at this moment, from the fourth
    field of Linux's ``/proc/loadavg`` (``running/total``, this process among the running);
    None where that file cannot be read. ``text`` stands for the file's content."""
    try:
        if text is None:
            with open("/proc/loadavg", encoding="ascii") as handle:
                text = handle.read(200)
        running = int(text.split()[3].split("/")[0])
    except (OSError, ValueError, IndexError):
        return None
    return float(max(0, running - 1))


class Claims:
    """The numbers ``0 .. count - 1`` handed out one at a time, in order, to whichever process
    asks first (this one, or a worker forked while the claims are open): iterating takes the
    next number nobody took yet, until none is left. The numbers sit in a pipe written whole
    before any worker starts, two bytes each (so ``count`` is at most ``MAX``, 8 KiB, under
    any pipe's capacity); a read of two bytes is one claim, whole. Use as a context manager:
    leaving it closes this process's end."""

    MAX = 4096

    def __init__(self, count: int) -> None:
        if not 0 <= count <= self.MAX:
            raise ValueError(f"{count} claims: at most {self.MAX}")
        self._read, write = os.pipe()
        with os.fdopen(write, "wb") as pipe:
            pipe.write(b"".join(number.to_bytes(2, "big") for number in range(count)))

    def __iter__(self) -> Iterator[int]:
        while True:
            claim = os.read(self._read, 2)
            if len(claim) < 2:
                return
            yield int.from_bytes(claim, "big")

    def __enter__(self) -> Claims:
        return self

    def __exit__(self, *exc_info: object) -> None:
        with contextlib.suppress(OSError):
            os.close(self._read)


class Workers:
    """One forked worker per task, started on entering the ``with`` block; ``results()``
    yields, in the order of the tasks, what each returned (unpickled), or None for a worker
    that could not start or failed (it raised, was killed, or returned what cannot be
    pickled): the caller then does that task itself. Leaving the block kills and reaps any
    worker still running.

    A task runs on a copy of this process made when the block is entered: what it changes
    stays there, and only what it returns comes back."""

    def __init__(self, tasks: Sequence[Task]) -> None:
        self.tasks = list(tasks)
        self.running: list[tuple[int, int]] = []  # (pid, read end of its pipe)

    def __enter__(self) -> Workers:
        parent = os.getpid()
        for task in self.tasks:
            pid, read = -1, -1
            if hasattr(os, "fork"):
                read, write = os.pipe()
                try:
                    pid = os.fork()
                except OSError:  # no processes here (a sandbox): the caller does the task
                    os.close(read)
                    os.close(write)
                    pid, read = -1, -1
                else:
                    if pid == 0:  # the worker: never returns
                        siblings = [fd for _, fd in self.running if fd >= 0] + [read]
                        _work(task, write, parent, siblings)
                    os.close(write)
            self.running.append((pid, read))
        return self

    def results(self) -> Iterator[Any]:
        """What each task returned, in the order of the tasks, as each worker ends; None for a
        worker that could not start or failed. Waits for every worker in turn."""
        for pid, read in self.running:
            done: Any = None
            if pid > 0:
                with os.fdopen(read, "rb") as pipe:
                    blob = pipe.read()
                _, status = os.waitpid(pid, 0)
                if os.waitstatus_to_exitcode(status) == 0:
                    with contextlib.suppress(Exception):
                        done = pickle.loads(blob)
            yield done
        self.running = []

    def __exit__(self, *exc_info: object) -> None:
        for pid, read in self.running:
            if pid > 0:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
                with contextlib.suppress(OSError):
                    os.close(read)
                with contextlib.suppress(OSError):
                    os.waitpid(pid, 0)
        self.running = []


def _work(task: Task, write: int, parent: int, siblings: list[int]) -> None:
    """The forked worker: run ``task`` and write what it returns, pickled, to the pipe
    ``write``; exit 0, or 1 on any error. It holds no output of the run and dies with its
    parent."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _die_with_parent(parent)
        for fd in siblings:  # other workers' pipes: their writers must see a broken pipe
            os.close(fd)
        quiet = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # a caller waiting for the run's output never waits on a worker
            os.dup2(quiet, fd)
        os.close(quiet)
        blob = pickle.dumps(task(), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write, "wb") as pipe:
            pipe.write(blob)
        code = 0
    finally:
        os._exit(code)


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to kill this process when its parent dies (Linux); exit now if it
    already has."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)


@contextlib.contextmanager
def stop_kills_workers() -> Iterator[None]:
    """While workers run, SIGTERM (when nothing else handles it) stops this process with exit
    143 through the normal unwinding, so the workers are killed on the way out; SIGINT already
    does, as KeyboardInterrupt (130)."""
    previous: Any = None
    try:
        previous = signal.getsignal(signal.SIGTERM)
        if previous == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, _terminated)
    except ValueError:  # not the main thread: the workers still die with this process
        previous = None
    try:
        yield
    finally:
        if previous == signal.SIG_DFL:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _terminated(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)


__all__ = ["Claims", "Workers", "free_cores", "free_processes", "running_elsewhere", "setting",
           "stop_kills_workers", "usable_cores"]
