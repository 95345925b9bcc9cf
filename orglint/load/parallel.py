"""Loading many files: from the parse cache first, then the rest parsed on the free cores.

The parse is split by bytes over this process and forked worker processes, one per free core:
a core is free when nothing else runs on it now (``/proc/loadavg``'s running tasks on Linux,
else ``os.getloadavg``, against the cores this process may run on, ``os.sched_getaffinity``).
On a loaded machine a worker only competes with this process for the same core, and the work
of handing results back makes the run slower than parsing in one process, so then there is
none. ``ORGLINT_PARSE_PROCESSES`` sets the count (1: one process).

A worker never outlives the run. It holds no stdout or stderr of the run (both go to
``/dev/null``), so a caller reading the run's output never waits on it; it dies when its parent
does (``PR_SET_PDEATHSIG`` on Linux, else the broken pipe it writes to); and a run stopped by
SIGINT or SIGTERM kills and reaps its workers before it exits (130 and 143).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
from collections.abc import Iterator, Sequence
from typing import Any

from orglint.finding import Hit, Position
from orglint.load.cache import ParseCache, dump, parse, undump
from orglint.load.documents import MAX_FILE_BYTES, LoadedFile

# the least bytes one process's share must hold for a worker to pay for itself
PARALLEL_BYTES = 512 * 1024
ENV_PROCESSES = "ORGLINT_PARSE_PROCESSES"

Job = tuple[int, bytes, str, str]  # (index in the result, bytes, display, cache key)


def load_many(files: Sequence[tuple[str, str]], cache: ParseCache,
              parallel: bool | None = None,
              read: Sequence[bytes | LoadedFile] | None = None) -> list[LoadedFile]:
    """One parsed file per ``(path, display)`` pair, in order: from ``cache`` when it has the
    entry, else parsed; then the cache is saved. ``parallel`` False parses in this process,
    True on every core this process may use, None as ``processes`` decides. A file that
    cannot be read is a ``LoadedFile`` with one problem, never an exception. The result is
    the same however many processes parse. ``read`` holds what ``read_file`` gave for each
    pair, when the caller read them already."""
    results: list[LoadedFile | None] = [None] * len(files)
    jobs: list[Job] = []
    for index, (path, shown) in enumerate(files):
        raw = read_file(path, shown) if read is None else read[index]
        if isinstance(raw, LoadedFile):
            results[index] = raw
            continue
        key = cache.key(raw, shown) if cache.enabled else ""
        cached = cache.get(key, raw) if cache.enabled else None
        if cached is not None:
            results[index] = cached
        else:
            jobs.append((index, raw, shown, key))
    size = sum(len(job[1]) for job in jobs)
    count = 1 if parallel is False else processes(size, every_core=bool(parallel))
    keys = {index: key for index, _, _, key in jobs}
    raws = {index: raw for index, raw, _, _ in jobs}
    shares = _split(jobs, min(count, len(jobs)))
    for index, parsed, entry in parse_shares(shares, entries=cache.writable):
        # a worker's result comes as a cache entry only
        results[index] = parsed if parsed is not None else undump(entry, raws[index])
        if cache.writable:
            cache.put(keys[index], entry)
    cache.save()
    return [loaded for loaded in results if loaded is not None]


def read_file(path: str, shown: str) -> bytes | LoadedFile:
    """A file's bytes (up to one byte past the size orglint reads), or the loaded file that
    says why it cannot be read. Read with the operating system's calls, not a file object:
    half the time for thousands of small files."""
    try:
        # O_BINARY: Windows would otherwise turn each CR LF into LF as it reads
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0))
        try:
            limit = MAX_FILE_BYTES + 1  # one byte past the limit: load_bytes refuses the file
            want = min(os.fstat(fd).st_size + 1, limit)  # the whole file in one call, and EOF
            chunks: list[bytes] = []
            total = 0
            while total < limit:  # until the end, however the file changed since fstat
                chunk = os.read(fd, want)
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
                want = min(limit - total, max(want, 1 << 16))
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)
        finally:
            os.close(fd)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        hit = Hit(f"cannot read file: {reason}", position=Position(shown, 1, 1))
        return LoadedFile(shown, [], [hit])


def processes(size: int, every_core: bool = False) -> int:
    """How many processes parse ``size`` bytes: ``ORGLINT_PARSE_PROCESSES`` when set (a whole
    number, at least 1); else with ``every_core`` one per core this process may use; else
    one per free core, but no more than one per ``PARALLEL_BYTES`` of input. 1 where
    processes cannot be forked. Raises nothing: a malformed setting counts as unset."""
    if not hasattr(os, "fork"):
        return 1
    setting = os.environ.get(ENV_PROCESSES, "").strip()
    if setting.isdigit() and int(setting) >= 1:
        return int(setting)
    cores = usable_cores()
    if every_core:
        return cores
    return max(1, min(free_cores(cores), size // PARALLEL_BYTES))


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


def _split(jobs: list[Job], count: int) -> list[list[Job]]:
    """``jobs`` cut into ``count`` runs of about equal bytes, in order (at least one run)."""
    if count <= 1:
        return [jobs]
    total = sum(len(job[1]) for job in jobs)
    shares: list[list[Job]] = [[]]
    running = 0
    for job in jobs:
        if running >= total * len(shares) / count and len(shares) < count:
            shares.append([])
        shares[-1].append(job)
        running += len(job[1])
    return [share for share in shares if share]


def parse_shares(shares: list[list[Job]], entries: bool = False
                 ) -> list[tuple[int, LoadedFile | None, bytes]]:
    """Each job's result as ``(index, loaded file, cache entry)``: every share but the last
    is parsed by a forked worker of its own, whose results come as entries only (the loaded
    file None), the last here. With ``entries`` a file parsed here has its entry too (else
    ``b""``), made while the workers still run. A worker that fails has its share parsed
    here: the result is the same."""

    def here(share: list[Job]) -> list[tuple[int, LoadedFile | None, bytes]]:
        done = [(index, parse(raw, shown)) for index, raw, shown, _ in share]
        return [(index, loaded, dump(loaded) if entries else b"") for index, loaded in done]

    if len(shares) == 1:
        return here(shares[0])
    parsed: list[tuple[int, LoadedFile | None, bytes]] = []
    with _stop_kills_workers(), _Workers(shares[:-1]) as workers:
        parsed.extend(here(shares[-1]))
        for share, done in workers.results():
            if done is None:  # the worker failed: its share is parsed here
                parsed.extend(here(share))
            else:
                parsed.extend((index, None, entry) for index, entry in done)
    return parsed


class _Workers:
    """Forked workers, one per share; ``results()`` reads what each sent back (None for a
    worker that failed). Leaving the ``with`` block kills and reaps any still running."""

    def __init__(self, shares: list[list[Job]]) -> None:
        self.shares = shares
        self.running: list[tuple[int, int]] = []  # (pid, read end of its pipe)

    def __enter__(self) -> _Workers:
        parent = os.getpid()
        for share in self.shares:
            read, write = os.pipe()
            try:
                pid = os.fork()
            except OSError:  # no processes here (a sandbox): this process parses the share
                os.close(read)
                os.close(write)
                self.running.append((-1, -1))
                continue
            if pid == 0:  # the worker: never returns
                _work(share, write, parent, [fd for _, fd in self.running] + [read])
            os.close(write)
            self.running.append((pid, read))
        return self

    def results(self) -> Iterator[tuple[list[Job], list[tuple[int, bytes]] | None]]:
        for share, (pid, read) in zip(self.shares, self.running, strict=True):
            done: list[tuple[int, bytes]] | None = None
            if pid > 0:
                with os.fdopen(read, "rb") as pipe:
                    blob = pipe.read()
                _, status = os.waitpid(pid, 0)
                if os.waitstatus_to_exitcode(status) == 0:
                    with contextlib.suppress(Exception):
                        done = pickle.loads(blob)
            yield share, done
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


def _work(share: list[Job], write: int, parent: int, inherited: list[int]) -> None:
    """The forked worker: parse ``share`` and write each result, as a cache entry, to the
    pipe ``write``; exit 0, or 1 on any error. It holds no output of the run and dies with
    its parent."""
    code = 1
    try:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _die_with_parent(parent)
        for fd in inherited:  # other workers' pipes: their writers must see a broken pipe
            os.close(fd)
        quiet = os.open(os.devnull, os.O_RDWR)
        for fd in (0, 1, 2):  # a caller waiting for the run's output never waits on a worker
            os.dup2(quiet, fd)
        os.close(quiet)
        # an entry holds no position index: the worker builds none it would not send
        done = [(index, dump(parse(raw, shown, indexed=False))) for index, raw, shown, _ in share]
        with os.fdopen(write, "wb") as pipe:
            pipe.write(pickle.dumps(done, protocol=pickle.HIGHEST_PROTOCOL))
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
def _stop_kills_workers() -> Iterator[None]:
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
