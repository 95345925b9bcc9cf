"""Loading many files: from the parse cache first, then the rest parsed on the free cores.

The parse is shared by this process and forked worker processes, one per free core
(``orglint.workers``: what a free core is, ``ORGLINT_PROCESSES``, and how a worker never
outlives the run), and never more than one process per ``PARALLEL_BYTES`` to parse: each
takes the next piece of the files until none is left.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence

from orglint.finding import Hit, Position
from orglint.load.cache import ParseCache, dump, parse, undump
from orglint.load.documents import MAX_FILE_BYTES, LoadedFile
from orglint.workers import (
    Claims,
    Workers,
    free_cores,
    setting,
    stop_kills_workers,
    usable_cores,
)

# the least bytes one process's share must hold for a worker to pay for itself
PARALLEL_BYTES = 512 * 1024
# the pieces of the parse per process: each process takes the next one until none is left
PIECES = 64

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
    count = min(1 if parallel is False else processes(size, every_core=bool(parallel)), len(jobs))
    keys = {index: key for index, _, _, key in jobs}
    raws = {index: raw for index, raw, _, _ in jobs}
    # on several cores, the entries of the files parsed here are made with the pack, on a
    # core the model build that comes next leaves free (ParseCache.save_later)
    later = count > 1 and cache.writable
    mine: list[tuple[str, LoadedFile]] = []
    for index, parsed, entry in parse_shares(jobs, count, entries=cache.writable and not later):
        # a worker's result comes as a cache entry only
        results[index] = parsed if parsed is not None else undump(entry, raws[index])
        if later and parsed is not None:
            mine.append((keys[index], parsed))
        elif cache.writable:
            cache.put(keys[index], entry)
    if later:
        cache.save_later(mine)
    else:
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
    """How many processes parse ``size`` bytes: ``ORGLINT_PROCESSES`` when set (see
    ``orglint.workers``); else with ``every_core`` one per core this process may use; else
    one per free core, but no more than one per ``PARALLEL_BYTES`` of input. 1 where
    processes cannot be forked. Raises nothing: a malformed setting counts as unset."""
    if not hasattr(os, "fork"):
        return 1
    chosen = setting()
    if chosen is not None:
        return chosen
    cores = usable_cores()
    if every_core:
        return cores
    return max(1, min(free_cores(cores), size // PARALLEL_BYTES))


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


def parse_shares(jobs: list[Job], count: int, entries: bool = False
                 ) -> list[tuple[int, LoadedFile | None, bytes]]:
    """Each job's result as ``(index, loaded file, cache entry)``, parsed by this process and
    ``count - 1`` forked workers together: the jobs are cut into pieces of about equal bytes
    (``PIECES`` per process), and each process takes the next piece nobody took until none
    is left, so one that other work slows down parses less. A worker's results come as
    entries only (the loaded file None). With ``entries`` a file parsed here has its entry
    too (else ``b""``), made while the workers still run. A worker that fails has its pieces
    parsed here: the result is the same."""

    def here(share: Sequence[Job]) -> list[tuple[int, LoadedFile | None, bytes]]:
        done = [(index, parse(raw, shown)) for index, raw, shown, _ in share]
        return [(index, loaded, dump(loaded) if entries else b"") for index, loaded in done]

    if count <= 1:
        return here(jobs)
    pieces = _split(jobs, min(len(jobs), PIECES * count, Claims.MAX))
    parsed: list[tuple[int, LoadedFile | None, bytes]] = []
    with Claims(len(pieces)) as claims:
        task = functools.partial(_entries, pieces, claims)
        with stop_kills_workers(), Workers([task] * (count - 1)) as workers:
            for claim in claims:
                parsed.extend(here(pieces[claim]))
            for done in workers.results():
                if done is not None:  # else the worker failed: what it took is parsed below
                    parsed.extend((index, None, entry) for index, entry in done)
    if len(parsed) < len(jobs):
        got = {index for index, _, _ in parsed}
        parsed.extend(here([job for job in jobs if job[0] not in got]))
    return parsed


def _entries(pieces: list[list[Job]], claims: Claims) -> list[tuple[int, bytes]]:
    """A worker's task: each file of the pieces it takes, parsed, as ``(index, cache
    entry)``. An entry holds no position index: the worker builds none it would not send."""
    return [(index, dump(parse(raw, shown, indexed=False)))
            for claim in claims for index, raw, shown, _ in pieces[claim]]
