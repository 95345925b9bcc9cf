"""``python -m tests.fuzz --count 100000 --seed 1 --jobs 2``: run a campaign, print its figures,
and write a shrunk reproducer of every distinct failure to ``--out``."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

from .campaign import run_campaign, write_reproducers
from .known import known_reason


def main(argv: list[str] | None = None) -> int:
    """Exit 0 when every failure is of a known kind (``tests/fuzz/known.py``), else 1."""
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--count", type=int, default=1000, help="inputs to run (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="campaign seed (default 1)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--out", type=Path, default=Path("fuzz-failures"),
                        help="folder for the reproducers (default ./fuzz-failures)")
    parser.add_argument("--mode", choices=("inprocess", "subprocess"), default="inprocess",
                        help="run orglint in the worker (fast) or as a child process each time")
    parser.add_argument("--shrink-budget", type=int, default=300,
                        help="oracle runs spent shrinking each distinct failure (0: no shrinking)")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop as on Ctrl-C: report what ran
    start = time.perf_counter()
    report = run_campaign(args.count, args.seed, args.jobs, args.mode, progress=True,
                          journal=args.out)
    seconds = time.perf_counter() - start
    figures = (f"{report.summary()}\n"
               f"time: {seconds:.0f} s ({report.run / max(seconds, 1e-9):.0f} inputs/s, {args.jobs} jobs)")
    print(figures, flush=True)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "summary.txt").write_text(figures + "\n", encoding="utf-8")
    if report.first:
        written = write_reproducers(report, args.out, args.shrink_budget, args.mode, args.jobs)
        print(f"reproducers: {len(written)} in {args.out}/")
    unknown = [sig for sig in report.signatures if known_reason(sig) is None]
    for signature in unknown:
        print(f"NEW: {signature}")
    return 1 if unknown else 0


if __name__ == "__main__":
    sys.exit(main())
