"""Run orglint on one input and judge the result.

The oracle, for every input:
- the exit code is 0, 1 or 2, and no output holds ``Traceback`` or ``internal error``
  (kind ``crash``);
- a run takes under ``SLOW`` seconds (``slow``; past ``HARD`` the run is stopped: ``hang``);
- two runs that parse (the first with the parse cache cold, then one with ``--no-cache``) give
  byte-identical stdout, stderr and exit code (``nondeterministic``);
- a run with the cache warm gives the stdout and exit code of the uncached run, and each
  file parsed without its position index (as a parse worker does) gives what the indexed
  parse gives, places found again included (``cache-mismatch``);
- machine-readable output parses (json, sarif, gitlab as JSON; junit as XML) (``bad-output``).

Runs are in process by default (``orglint.commands.main(argv)`` with stdout and stderr captured
as UTF-8 byte streams, strict, like a real pipe) and in a child process with ``mode="subprocess"``.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .corpus import Input

SLOW = 5.0   # seconds: an input slower than this (twice) is a failure
HARD = 30.0  # seconds: a run still going is stopped


@dataclass(frozen=True)
class Run:
    """One orglint run: ``code`` (exit code, -N for a signal, None when stopped), captured
    ``out`` and ``err`` bytes, wall ``seconds``."""

    code: int | None
    out: bytes
    err: bytes
    seconds: float


@dataclass(frozen=True)
class Failure:
    """What the oracle found: ``kind`` (crash, hang, slow, nondeterministic, cache-mismatch,
    bad-output, bad-exit), ``signature`` (the kind and a normalised description: inputs with
    the same signature are one fault) and ``output`` (the evidence, as text)."""

    kind: str
    signature: str
    output: str


class _Stopped(BaseException):
    """Raised in process when a run passes ``HARD`` seconds (not an ``Exception``, so orglint's
    own handler does not turn it into an exit code)."""


def _on_alarm(signum: int, frame: object) -> None:
    raise _Stopped()


_runs = 0


def run_inprocess(folder: Path, argv: tuple[str, ...], hard: float = HARD) -> Run:
    """``orglint ARGV`` in this process with ``folder`` as the current folder."""
    from orglint.commands import main

    global _runs
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="strict", write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", errors="backslashreplace",
                           write_through=True)
    stdin = io.TextIOWrapper(io.BytesIO(b""), encoding="utf-8")
    here = os.getcwd()
    os.chdir(folder)
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, hard)
    start = time.perf_counter()
    code: int | None
    saved_in = sys.stdin
    try:
        sys.stdin = stdin
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(argv))
            except SystemExit as exc:  # argparse's exit
                code = exc.code if isinstance(exc.code, int) else 2
            except _Stopped:
                code = None
            except KeyboardInterrupt:  # the campaign is being stopped, not a finding
                raise
            except BaseException as exc:  # what main let through: shown as Python would
                import traceback

                code = 1
                err.write("Traceback (most recent call last):\n" + "".join(
                    traceback.format_exception_only(type(exc), exc)))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        sys.stdin = saved_in
        os.chdir(here)
        gc.unfreeze()  # main() freezes what it allocated; a long campaign must collect it
        _runs += 1
        if _runs % 64 == 0:
            gc.collect()
    seconds = time.perf_counter() - start
    out.flush()
    err.flush()
    return Run(code, out.buffer.getvalue(), err.buffer.getvalue(), seconds)  # type: ignore[attr-defined]


def run_subprocess(folder: Path, argv: tuple[str, ...], hard: float = HARD) -> Run:
    """``python -m orglint ARGV`` in a child process, in ``folder``; stopped after ``hard``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ORGLINT_", "FORCE_COLOR"))}
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "orglint", *argv], cwd=folder, env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=hard,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        return Run(None, exc.stdout or b"", exc.stderr or b"", time.perf_counter() - start)
    return Run(done.returncode, done.stdout, done.stderr, time.perf_counter() - start)


def write(item: Input, folder: Path) -> None:
    """The input's files under ``folder`` (created; parent folders too)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in item.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def _normal(text: str) -> str:
    """A message with what varies between inputs of one fault (quoted text, numbers, paths)
    replaced, so that one fault has one signature."""
    text = re.sub(r"(?<![A-Za-z])'[^'\n]*'(?![A-Za-z])|\"[^\"\n]*\"", "'…'", text)
    text = re.sub(r"\S+\.(yaml|yml|toml|json)\b", "FILE", text)
    text = re.sub(r"0x[0-9a-fA-F]+|\d+", "N", text)
    return text.strip()[:120]


def _crash_line(run: Run) -> str | None:
    text = (run.out + run.err).decode("utf-8", "backslashreplace")
    for line in text.splitlines():
        if "internal error" in line:
            return line.split("internal error:", 1)[-1].replace(
                "(set ORGLINT_DEBUG=1 for details)", "").strip()
    if "Traceback" in text:
        lines = [line for line in text.splitlines() if line.strip()]
        return lines[-1] if lines else "Traceback"
    return None


def _show(run: Run, limit: int = 2000) -> str:
    text = f"exit {run.code}\n--- stdout\n{run.out.decode('utf-8', 'backslashreplace')}" \
           f"--- stderr\n{run.err.decode('utf-8', 'backslashreplace')}"
    return text if len(text) <= limit else text[:limit] + f"\n... ({len(text) - limit} more characters)"


def _single(run: Run, argv: tuple[str, ...]) -> Failure | None:
    """What one run shows on its own: a crash, a stop, a wrong exit code, unparseable output."""
    if run.code is None:
        return Failure("hang", f"hang: {argv[0]}", _show(run))
    crash = _crash_line(run)
    if crash is not None:
        exception = crash.split(":", 1)
        name = exception[0].strip()
        message = exception[1] if len(exception) > 1 else ""
        return Failure("crash", f"crash: {name}: {_normal(message)}", _show(run))
    if run.code not in (0, 1, 2):
        return Failure("bad-exit", f"bad-exit: {run.code}", _show(run))
    fmt = argv[argv.index("--format") + 1] if "--format" in argv else "text"
    if argv[0] == "check" and run.code in (0, 1) and fmt in ("json", "sarif", "gitlab", "junit"):
        try:
            if fmt == "junit":
                ET.fromstring(run.out)
            else:
                json.loads(run.out)
        except Exception as exc:  # the format's own parser refuses it
            return Failure("bad-output", f"bad-output: {fmt}: {type(exc).__name__}", _show(run))
    return None


def _differs(a: Run, b: Run, streams: bool = True) -> str | None:
    """Which of exit code, stdout (and stderr) differ, with the first differing line."""
    if a.code != b.code:
        return f"exit {a.code} != {b.code}"
    pairs = [("stdout", a.out, b.out)] + ([("stderr", a.err, b.err)] if streams else [])
    for name, x, y in pairs:
        if x != y:
            left, right = x.splitlines(), y.splitlines()
            k = next((k for k, (p, q) in enumerate(zip(left, right, strict=False)) if p != q),
                     min(len(left), len(right)))
            line = (left[k:k + 1] or right[k:k + 1] or [b""])[0]
            return f"{name}: {line[:200].decode('utf-8', 'backslashreplace')}"
    return None


Runner = Callable[[Path, tuple[str, ...]], Run]


def judge(item: Input, folder: Path, mode: str = "inprocess",
          runner: Runner | None = None) -> Failure | None:
    """Write ``item`` into the empty ``folder`` and run the whole oracle; None when it holds.
    ``runner`` (folder, argv) -> Run replaces the mode's way of running orglint. ``folder``
    is left behind (the caller removes it)."""
    run = runner or (run_subprocess if mode == "subprocess" else run_inprocess)
    write(item, folder)
    argv = item.argv
    cold = run(folder, argv)                  # parses, fills the parse cache
    found = _single(cold, argv)
    if found:
        return found
    warm = run(folder, argv)                  # reads the parse cache
    found = _single(warm, argv)
    if found:
        return found
    bare = run(folder, (*argv, "--no-cache")) if argv[0] == "check" else run(folder, argv)
    found = _single(bare, argv)
    if found:
        return found
    if max(cold.seconds, warm.seconds, bare.seconds) > SLOW:
        again = run(folder, (*argv, "--no-cache") if argv[0] == "check" else argv)
        if again.seconds > SLOW:
            return Failure("slow", f"slow: {argv[0]}", f"{again.seconds:.1f} s\n" + _show(again))
    differs = _differs(cold, bare)
    if differs:
        second = run(folder, (*argv, "--no-cache") if argv[0] == "check" else argv)
        if _differs(bare, second):
            return Failure("nondeterministic", f"nondeterministic: {argv[0]}",
                           f"{_differs(bare, second)}\n{_show(bare)}\n{_show(second)}")
        return Failure("cache-mismatch", f"cache-mismatch: cold {_normal(differs)}",
                       f"cold cache:\n{_show(cold)}\nno cache:\n{_show(bare)}")
    differs = _differs(warm, bare, streams=False)
    if differs:
        return Failure("cache-mismatch", f"cache-mismatch: {_normal(differs)}",
                       f"warm cache:\n{_show(warm)}\nno cache:\n{_show(bare)}")
    return _unindexed_differs(folder)


def _parsed(loaded: object) -> tuple[object, ...]:
    """Everything a parsed file holds, the documents' places included."""
    documents = [(d.data, d.keys, d.values, d.written, d.index, d.schema)
                 for d in loaded.documents]  # type: ignore[attr-defined]
    return (loaded.path, loaded.problems, loaded.directives, documents)  # type: ignore[attr-defined]


def _unindexed_differs(folder: Path) -> Failure | None:
    """A file of ``folder`` that parses differently without its position index."""
    from orglint.load.cache import parse

    for path in sorted(folder.rglob("*")):
        if not path.is_file() or ".orglint_cache" in path.parts:
            continue
        raw = path.read_bytes()
        shown = path.relative_to(folder).as_posix()
        # compared as text: a NaN is unequal to itself
        if repr(_parsed(parse(raw, shown, indexed=False))) != repr(_parsed(parse(raw, shown))):
            return Failure("cache-mismatch", "cache-mismatch: parsed without the index",
                           f"{shown}:\n{raw[:2000].decode('utf-8', 'backslashreplace')}")
    return None


def judge_in_temp(item: Input, base: Path | None = None, mode: str = "inprocess") -> Failure | None:
    """``judge`` in a new temporary folder (under ``base``), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="in-", dir=base))
    try:
        return judge(item, folder / "repo", mode)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
