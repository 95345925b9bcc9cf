"""A seeded campaign: inputs ``0 .. count-1``, judged in worker processes, failures grouped by
signature, the first input of each signature shrunk and written out as a reproducer.

Input ``i`` depends only on the seed and ``i``: four in five are mutations of a seed input
(``random.Random(f"{seed}:{i}")``), one in five is drawn by hypothesis in batches of
``BLOCK // 5`` per block of ``BLOCK`` indices. Job ``j`` of ``jobs`` takes the blocks whose
number is ``j`` modulo ``jobs``. A worker that dies (a segfault, the OOM killer) is recorded as
a crash of the input it was running, and a new worker goes on from the next input.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import traceback
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .corpus import Input, all_seeds, example_seeds
from .oracle import Failure, judge_in_temp, run_subprocess, write

BLOCK = 100
HYPOTHESIS_EVERY = 5
TESTS = Path(__file__).resolve().parents[1]


class Maker:
    """Makes input ``i`` of a seed, as described in the module doc; keeps the hypothesis batch
    of the current block."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.seeds = all_seeds()
        self.examples = example_seeds()
        self.batches: dict[int, list[Input]] = {}

    def __call__(self, i: int) -> Input:
        from .generate import generated_inputs
        from .mutate import mutate

        if i % HYPOTHESIS_EVERY == HYPOTHESIS_EVERY - 1:
            block = i // BLOCK
            if block not in self.batches:
                self.batches.clear()
                self.batches[block] = generated_inputs(self.seed * 1_000_003 + block,
                                                       BLOCK // HYPOTHESIS_EVERY)
            batch = self.batches[block]
            return batch[(i % BLOCK) // HYPOTHESIS_EVERY % len(batch)]
        rng = random.Random(f"{self.seed}:{i}")
        start = rng.choice(self.examples) if rng.random() < 0.2 else rng.choice(self.seeds)
        return mutate(rng, start)


def inputs(seed: int, indices: list[int]) -> Iterator[tuple[int, Input]]:
    """``(i, input i)`` for each of ``indices`` (ascending), as described in the module doc."""
    make = Maker(seed)
    for i in indices:
        yield i, make(i)


def scratch_root() -> str | None:
    """Where inputs are written: /dev/shm when it is a writable folder (creating and removing
    thousands of folders costs a third of the time on a disk), else the system's temp folder."""
    shm = "/dev/shm"
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


def _encode(item: Input) -> dict[str, object]:
    return {"files": {name: base64.b64encode(data).decode() for name, data in item.files.items()},
            "argv": list(item.argv), "origin": item.origin}


def decode(record: dict[str, object]) -> Input:
    """An input from its JSON record (``_encode``)."""
    files = record["files"]
    assert isinstance(files, dict)
    return Input({name: base64.b64decode(data) for name, data in files.items()},
                 tuple(record["argv"]), str(record.get("origin", "")))  # type: ignore[arg-type]


def worker(argv: list[str] | None = None) -> None:
    """A worker process: judge this job's indices, one JSON line per input on stdout."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int)
    parser.add_argument("--count", type=int)
    parser.add_argument("--job", type=int)
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument("--mode", default="inprocess")
    args = parser.parse_args(argv)
    # stopped by the campaign: finish the current input, then leave through `finally`, which
    # removes the scratch folders (an exception would land inside orglint's own handler)
    stop: list[int] = []
    signal.signal(signal.SIGTERM, lambda signum, frame: stop.append(signum))
    # orglint keeps its cache signing key under XDG_CACHE_HOME: a throwaway one per worker
    key_home = os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="orglint-fuzz-key-",
                                                               dir=scratch_root())
    for name in ("ORGLINT_CACHE_DIR", "ORGLINT_DEBUG", "FORCE_COLOR", "NO_COLOR"):
        os.environ.pop(name, None)
    base = Path(tempfile.mkdtemp(prefix="orglint-fuzz-", dir=scratch_root()))
    mine = [i for i in range(args.start, args.count) if (i // BLOCK) % args.jobs == args.job]
    out = sys.__stdout__
    assert out is not None
    make = Maker(args.seed)
    try:
        for i in mine:
            if stop:
                break
            out.write(json.dumps({"start": i}) + "\n")
            out.flush()
            record: dict[str, object] = {"done": i}
            try:
                item = make(i)
            except Exception as exc:  # the campaign's own fault: counted, and the campaign goes on
                record.update(kind="generator", signature=f"generator: {type(exc).__name__}",
                              output=traceback.format_exc()[-4000:], input=None)
                out.write(json.dumps(record) + "\n")
                out.flush()
                continue
            failure = judge_in_temp(item, base, args.mode)
            if failure:
                record.update(kind=failure.kind, signature=failure.signature,
                              output=failure.output, input=_encode(item))
            out.write(json.dumps(record) + "\n")
            out.flush()
    finally:
        shutil.rmtree(base, ignore_errors=True)
        shutil.rmtree(key_home, ignore_errors=True)


@dataclass
class Report:
    """A campaign's figures: ``run`` inputs, failures per kind, and per signature the count and
    the first failing input (index, input, output)."""

    run: int = 0
    interrupted: bool = False
    kinds: dict[str, int] = field(default_factory=dict)
    signatures: dict[str, int] = field(default_factory=dict)
    first: dict[str, tuple[int, Input | None, str, str]] = field(default_factory=dict)

    def add(self, index: int, kind: str, signature: str, item: Input | None, output: str) -> None:
        """Count one failing input."""
        self.kinds[kind] = self.kinds.get(kind, 0) + 1
        self.signatures[signature] = self.signatures.get(signature, 0) + 1
        if signature not in self.first or index < self.first[signature][0]:
            self.first[signature] = (index, item, kind, output)

    def summary(self) -> str:
        """The figures as printed: inputs run, crashes, hangs, nondeterministic outputs, cache
        mismatches, bad outputs, and one line per distinct signature."""
        get = self.kinds.get
        lines = [f"inputs run: {self.run}{' (interrupted)' if self.interrupted else ''}",
                 f"crashes: {get('crash', 0) + get('bad-exit', 0)}",
                 f"hangs: {get('hang', 0) + get('slow', 0)}",
                 f"nondeterministic outputs: {get('nondeterministic', 0)}",
                 f"cache mismatches: {get('cache-mismatch', 0)}",
                 f"bad outputs: {get('bad-output', 0)}",
                 f"generator failures: {get('generator', 0)}",
                 f"distinct failures: {len(self.signatures)}"]
        for signature, count in sorted(self.signatures.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"  {count:6d}  {signature}")
        return "\n".join(lines)


def _worker_command(args: list[str]) -> list[str]:
    code = (f"import sys; sys.path.insert(0, {str(TESTS)!r}); "
            "from fuzz.campaign import worker; worker(sys.argv[1:])")
    return [sys.executable, "-c", code, *args]


def run_campaign(count: int, seed: int, jobs: int = 1, mode: str = "inprocess",
                 progress: bool = False, journal: Path | None = None) -> Report:
    """Judge inputs ``0 .. count-1`` of ``seed`` in ``jobs`` worker processes.

    With ``journal`` (a folder), each failing input is appended to ``journal/failures.jsonl``
    as it comes and ``journal/summary.txt`` is rewritten every 1,000 inputs, so that a
    campaign stopped by anything (the machine, a kill) keeps what it found."""
    report = Report()
    if journal is not None:
        journal.mkdir(parents=True, exist_ok=True)
        (journal / "failures.jsonl").unlink(missing_ok=True)

    def note(index: int, kind: str, signature: str, item: Input | None, output: str) -> None:
        new = signature not in report.signatures
        report.add(index, kind, signature, item, output)
        if progress and new:
            print(f"... new failure at input {index}: {signature}", file=sys.stderr, flush=True)
        if journal is not None:
            with open(journal / "failures.jsonl", "a", encoding="utf-8") as log:
                log.write(json.dumps({"index": index, "kind": kind, "signature": signature,
                                      "output": output,
                                      "input": _encode(item) if item else None}) + "\n")
    lock = threading.Lock()
    live: list[subprocess.Popen[bytes]] = []
    stopping = threading.Event()

    def job(number: int) -> None:
        start = 0
        while True:
            process = subprocess.Popen(
                _worker_command(["--seed", str(seed), "--count", str(count), "--job", str(number),
                                 "--jobs", str(jobs), "--start", str(start), "--mode", mode]),
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                start_new_session=True)  # Ctrl-C reaches the campaign, which stops the workers
            live.append(process)
            running = None
            assert process.stdout is not None
            err: list[bytes] = []
            drain = threading.Thread(target=_drain, args=(process.stderr, err))
            drain.start()
            for line in process.stdout:
                if stopping.is_set():  # what a stopped worker still says does not count
                    continue
                record = json.loads(line)
                if "start" in record:
                    running = record["start"]
                    continue
                running = None
                with lock:
                    report.run += 1
                    if "signature" in record:
                        note(record["done"], record["kind"], record["signature"],
                             decode(record["input"]) if record["input"] else None,
                             record["output"])
                    if report.run % 1000 == 0:
                        if progress:
                            print(f"... {report.run} inputs, {sum(report.kinds.values())} failing",
                                  file=sys.stderr, flush=True)
                        if journal is not None:
                            (journal / "summary.txt").write_text(report.summary() + "\n",
                                                                 encoding="utf-8")
            code = process.wait()
            drain.join()
            if stopping.is_set():
                return
            if running is None:
                if code != 0:
                    raise RuntimeError(f"fuzz worker failed ({code}): "
                                       f"{b''.join(err).decode(errors='replace')[-2000:]}")
                return
            # the worker died inside input `running`: a crash of that input
            item = Maker(seed)(running)
            with lock:
                report.run += 1
                note(running, "crash", f"crash: process died ({code})", item,
                     b"".join(err).decode(errors="replace")[-2000:])
            start = running + 1
            while start < count and (start // BLOCK) % jobs != number:
                start += 1
            if start >= count:
                return

    errors: list[BaseException] = []

    def guarded(number: int) -> None:
        try:
            job(number)
        except BaseException as exc:  # raised again in the caller's thread
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(number,), daemon=True)
               for number in range(jobs)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(0.5)
    except KeyboardInterrupt:  # stopped: report what ran
        stopping.set()
        report.interrupted = True
    finally:  # no worker outlives the campaign
        for process in live:
            if process.poll() is None:
                process.terminate()
        for thread in threads:
            thread.join(5)
    if errors:
        raise errors[0]
    return report


def _drain(stream: object, into: list[bytes]) -> None:
    into.append(stream.read())  # type: ignore[attr-defined]


def slug(signature: str) -> str:
    """A folder name for a signature: its first words, lower-case, and a short hash of it."""
    words = re.sub(r"[^a-z0-9]+", "-", signature.lower()).strip("-")[:50].strip("-")
    return f"{words}-{hashlib.sha256(signature.encode()).hexdigest()[:6]}"


def write_reproducers(report: Report, folder: Path, budget: int = 300, mode: str = "inprocess",
                      jobs: int = 1) -> list[Path]:
    """Shrink the first input of each signature and write it under ``folder/SLUG/``: the
    files, ``command.txt`` (how to run it) and ``output.txt`` (what ``python -m orglint``
    prints there) and ``signature.txt``. Returns the folders written."""
    from concurrent.futures import ProcessPoolExecutor

    folder.mkdir(parents=True, exist_ok=True)
    work = sorted((sig, first) for sig, first in report.first.items() if first[1] is not None)
    written = []
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        shrunk = list(pool.map(_shrink_one, [(sig, item, budget, mode) for sig, (_, item, _, _) in work]))
    for (signature, (index, item, kind, output)), small in zip(work, shrunk, strict=True):
        target = folder / slug(signature)
        shutil.rmtree(target, ignore_errors=True)
        write(small, target / "repo")
        scratch = Path(tempfile.mkdtemp(prefix="orglint-repro-"))
        try:
            write(small, scratch)
            run = run_subprocess(scratch, small.argv)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        (target / "signature.txt").write_text(
            f"{signature}\nkind: {kind}\ncount: {report.signatures[signature]}\n"
            f"first input: {index} ({item.origin})\n", encoding="utf-8")
        (target / "command.txt").write_text(
            f"cd repo && python -m orglint {' '.join(small.argv)}\n"
            "(the oracle also runs it again with the parse cache warm, and with --no-cache)\n",
            encoding="utf-8")
        (target / "output.txt").write_text(
            f"exit {run.code}\n--- stdout\n{run.out.decode('utf-8', 'backslashreplace')}"
            f"--- stderr\n{run.err.decode('utf-8', 'backslashreplace')}"
            f"--- what the oracle saw on the original input\n{output}\n", encoding="utf-8")
        written.append(target)
    return written


def _shrink_one(job: tuple[str, Input, int, str]) -> Input:
    signature, item, budget, mode = job
    key_home = os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="orglint-fuzz-key-",
                                                               dir=scratch_root())
    try:
        return _shrunk(signature, item, budget, mode)
    finally:
        shutil.rmtree(key_home, ignore_errors=True)


def _shrunk(signature: str, item: Input, budget: int, mode: str) -> Input:
    from .oracle import judge_in_temp
    from .shrink import shrink

    def sig(candidate: Input) -> str | None:
        failure: Failure | None = judge_in_temp(candidate, Path(scratch_root() or
                                                                tempfile.gettempdir()), mode)
        return failure.signature if failure else None

    if signature.startswith(("hang", "slow")):  # each try takes seconds: a few only
        budget = min(budget, 12)
    if sig(item) != signature:  # not reproducible alone (a hang under load): keep it whole
        return item
    return shrink(item, sig, budget, seconds=180)
