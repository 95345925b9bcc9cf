"""Incremental runs: a warm check with nothing changed, --diff-base with one file changed, and
impact, each against a warm check that rebuilds the model and reruns every rule.

    python benchmarks/incremental.py --people 10000 100000 --repeat 3

Each figure is the median of ``--repeat`` runs of ``orglint`` as a process, in wall seconds and
in CPU seconds (user + system of the process and its children): on a shared machine CPU time
is the steadier of the two. Ratios are taken against the rebuilding warm check measured in the
same round, run for run. ``measure(people)`` returns the figures for one size, for
benchmarks/run.py.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

Figure = tuple[float, float]  # (wall seconds, CPU seconds)
ORGLINT = [sys.executable, "-m", "orglint"]


def timed(command: list[str], cwd: Path) -> Figure:
    """One run of ``command`` in ``cwd``: wall and CPU seconds (exit codes 0 and 1 are fine)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed: {done.stderr.decode()[-500:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@example.com",
           "GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@example.com"}
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=env)


def forget_results(org: Path) -> None:
    """Remove the stored results: the next check reads the parse cache and judges again."""
    for found in (org / ".orglint_cache").rglob("*.results"):
        found.unlink()


def median(runs: list[Figure]) -> Figure:
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def measure(people: int, repeat: int = 3, folder: Path | None = None) -> dict[str, Figure]:
    """Generate an org of ``people`` (as a git repository), fill its caches, and time each way
    of running it; name -> median (wall, CPU) seconds."""
    base = Path(folder or tempfile.mkdtemp(prefix="orglint-incremental-"))
    org = base / f"org-{people}"
    if org.exists():
        shutil.rmtree(org)
    generate.write(org, people)
    (org / ".gitignore").write_text(".orglint_cache/\n", encoding="utf-8")
    git(org, "init", "-q")
    git(org, "add", ".")
    git(org, "commit", "-q", "-m", "base")
    changed = sorted(org.rglob("t0001.yaml"))[0]
    original = changed.read_text(encoding="utf-8")
    check = [*ORGLINT, "check", "-q"]
    timed(check, org)  # cold: fills the parse cache and stores the result
    rounds: dict[str, list[Figure]] = {}

    def add(name: str, run: Callable[[], Figure]) -> None:
        rounds.setdefault(name, []).append(run())

    def rebuilding() -> Figure:
        forget_results(org)
        return timed(check, org)

    owner, nobody = busiest_and_idle(org)
    for _ in range(repeat):
        add("check warm, rebuilding (parse cache only)", rebuilding)
        add("check warm, nothing changed", lambda: timed(check, org))
        # one file changed: the first --diff-base reads the base from the results cache
        changed.write_text(original.replace("name: ", "name: X", 1), encoding="utf-8")
        timed(check, org)  # the user's own check of the change (stores its result)
        forget_results(org)
        timed(check, org)  # the base is no longer stored either: only the parse cache helps
        git(org, "stash", "-q")
        timed(check, org)  # the base, checked and stored
        git(org, "stash", "pop", "-q")
        add("--diff-base, one file changed, first", lambda: timed([*check, "--diff-base", "HEAD"], org))
        add("--diff-base, one file changed, again", lambda: timed([*check, "--diff-base", "HEAD"], org))
        changed.write_text(original, encoding="utf-8")
        timed(check, org)
        add(f"impact person:{owner} (owns most)",
            lambda: timed([*ORGLINT, "impact", f"person:{owner}"], org))
        add(f"impact person:{nobody} (owns nothing)",
            lambda: timed([*ORGLINT, "impact", f"person:{nobody}"], org))
    return {name: median(runs) for name, runs in rounds.items()}


def busiest_and_idle(org: Path, sample: int = 300) -> tuple[str, str]:
    """Among the first ``sample`` people and the last one (``losses`` walks the org once per
    person): the one named most often in a role, and one who holds none."""
    from orglint.engine.impact import losses
    from orglint.session import open_session

    here = Path.cwd()
    os.chdir(org)
    try:
        session = open_session(None, cwd=org, use_cache=False)
        found = session.check([], session.settings()).org
    finally:
        os.chdir(here)
    people = sorted(found.people.values(), key=lambda person: person.id)
    counted = sorted(((sum(1 for _ in losses(found, person.ref)), person.id)
                      for person in [*people[:sample], people[-1]]),
                     key=lambda x: (-x[0], x[1]))
    idle = next(ident for count, ident in counted[::-1] if count == 0)
    return counted[0][1], idle


def report(people: int, figures: dict[str, Figure]) -> None:
    rebuild = figures["check warm, rebuilding (parse cache only)"]
    print(f"\n{people:,} people")
    print(f"  {'run':<44} {'wall s':>8} {'CPU s':>8} {'x rebuild (wall, CPU)':>24}")
    for name, (wall, cpu) in figures.items():
        print(f"  {name:<44} {wall:8.3f} {cpu:8.3f} "
              f"{wall / rebuild[0]:11.2f} {cpu / rebuild[1]:11.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, nargs="+", default=[10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folder", type=Path, help="where to generate (default: a temp folder)")
    args = parser.parse_args(argv)
    for people in args.people:
        report(people, measure(people, args.repeat, args.folder))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
