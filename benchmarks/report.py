"""`orglint report` against a warm `orglint check` of the same org, on generated orgs.

    python benchmarks/report.py                       # 10,000 and 100,000 people
    python benchmarks/report.py --people 10000 --repeat 3

For each size it fills the cache with one check, then runs, --repeat times in turn and each in
a fresh process: a warm `orglint check`, `orglint report -o report.html` and `orglint report
-o report.md`. It prints each one's wall time (median) and peak resident memory (largest run),
and each report's time as a ratio to the warm check, paired: the median of the ratios of runs
made one after the other, so a machine that is busy for a while weighs on both sides. Goals
(issue 14): each report at most 3x a warm check and at most 1 GB at 100,000 people (20,000
teams); the exit status is 1 when one is missed. Figures depend on the machine and its load:
compare ratios, not seconds.

``bench_report(people)`` returns the figures for one size, for other scripts to print.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import OUT, Figure, generate, measure, orglint_command  # noqa: E402

GOAL_RATIO = 3.0  # each report, against a warm check of the same org
GOAL_MB = 1024.0
GOAL_PEOPLE = 100_000  # where the goals are judged (20,000 teams)
FORMATS = ("html", "md")


@dataclass
class ReportFigures:
    """One size: the warm check and each report format (``html``, ``md``) as a ``Figure``
    (median wall seconds, largest peak MB), and each format's ``ratios`` to the warm check,
    one per repeat (report seconds / check seconds of the runs made one after the other)."""

    people: int
    check: Figure
    reports: dict[str, Figure]
    ratios: dict[str, list[float]]

    def ratio(self, fmt: str) -> float:
        """The median paired ratio of the report in ``fmt`` to the warm check."""
        return statistics.median(self.ratios[fmt])


def bench_report(people: int, layout: str = "per-team", repeat: int = 1) -> ReportFigures:
    """Warm check, HTML and Markdown report of the generated org of ``people`` people, each
    run ``repeat`` times in turn, in fresh processes (see the module's text)."""
    folder = generate(people, layout)
    cache = OUT / f"cache-{people}-{layout}"
    target = OUT / f"report-{people}-{layout}"
    target.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "ORGLINT_CACHE_DIR": str(cache), "PYTHONDONTWRITEBYTECODE": "0"}
    orglint = orglint_command()
    check = [*orglint, "check", "."]
    subprocess.run(check, cwd=folder, env=env, capture_output=True)  # fill the cache
    runs: dict[str, list[Figure]] = {"check": [], **{fmt: [] for fmt in FORMATS}}
    ratios: dict[str, list[float]] = {fmt: [] for fmt in FORMATS}
    for _ in range(repeat):
        warm = measure("orglint check, warm", check, 1, folder, env)
        runs["check"].append(warm)
        for fmt in FORMATS:
            command = [*orglint, "report", "-o", str(target / f"report.{fmt}")]
            figure = measure(f"orglint report -o report.{fmt}", command, 1, folder, env)
            runs[fmt].append(figure)
            ratios[fmt].append(figure.wall / warm.wall)

    def summary(figures: list[Figure]) -> Figure:
        return Figure(figures[0].name, statistics.median(f.wall for f in figures),
                      max(f.peak_mb for f in figures), len(figures))

    return ReportFigures(people, summary(runs["check"]),
                         {fmt: summary(runs[fmt]) for fmt in FORMATS}, ratios)


def show(figures: ReportFigures) -> list[str]:
    """Print one size's table; return the goals it misses (judged at ``GOAL_PEOPLE``)."""
    teams = figures.people // 5
    print(f"\n{figures.people:,} people ({teams:,} teams), {figures.check.runs} run(s) each")
    print(f"  {'':30} {'wall s':>8} {'peak MB':>8} {'x warm check':>13}")
    print(f"  {figures.check.name:30} {figures.check.wall:8.2f} {figures.check.peak_mb:8.0f}")
    missed = []
    for fmt in FORMATS:
        figure, ratio = figures.reports[fmt], figures.ratio(fmt)
        print(f"  {figure.name:30} {figure.wall:8.2f} {figure.peak_mb:8.0f} {ratio:13.2f}")
        if figures.people == GOAL_PEOPLE:
            if ratio > GOAL_RATIO:
                missed.append(f"report {fmt}: {ratio:.2f}x a warm check (goal {GOAL_RATIO:g}x)")
            if figure.peak_mb > GOAL_MB:
                missed.append(f"report {fmt}: {figure.peak_mb:.0f} MB (goal {GOAL_MB:.0f} MB)")
    return missed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, nargs="+", default=[10_000, GOAL_PEOPLE])
    parser.add_argument("--layout", choices=("per-team", "single"), default="per-team")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    missed = []
    for people in args.people:
        missed += show(bench_report(people, args.layout, args.repeat))
    if GOAL_PEOPLE in args.people:
        print("\nGoals at 100,000 people: " + ("met" if not missed else "; ".join(missed)))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
