"""How fast `orglint evidence` reads a large event log, next to a bare DuckDB query.

Writes a synthetic log (``--cases`` cases of ``--events-per-case`` events over ``--teams``
teams; 1,000,000 x 10 x 60 by default: 10 million events) as CSV and as Parquet, then for each
prints the wall time and the peak memory (resident size of the largest process, from a
launcher's getrusage of its children) of:

- ``orglint evidence --format json`` on an ops repo whose config names the log, and
- the floor: one DuckDB query computing the same handoff counts per boundary from the same
  file (a ``lag`` over each case, ordered by time), and nothing else.

Each run is a fresh process; the median of ``--repeat`` runs is shown, with the ratio to the
floor. The goal: at most 1.5 times the floor and at most 1.5 GB. The shared incident log end to
end (``orglint evidence`` on examples/incident-desk) is timed too; its goal is 3 s.

    pip install -e '.[evidence]'
    python benchmarks/evidence.py                       # 10 million events
    python benchmarks/evidence.py --cases 100000        # 1 million, quicker
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out" / "evidence"

# one process per measurement, started by a launcher that prints its wall time and the peak
# resident size of the largest process it waited for (kB on Linux); the command's output
# passes through
LAUNCHER = """
import resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:]).returncode
print("WALL", time.perf_counter() - start, file=sys.stderr)
print("PEAK_KB", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""

FLOOR = """
import sys, duckdb
path, fmt = sys.argv[1], sys.argv[2]
con = duckdb.connect(config={"memory_limit": "1GB"})
con.execute("SET enable_progress_bar = false")
source = (f"read_parquet('{path}')" if fmt == "parquet" else f"read_csv('{path}')")
rows = con.execute(f'''
SELECT prev_team, team, count(*) FROM (
  SELECT team, lag(team) OVER (PARTITION BY "case" ORDER BY "timestamp") AS prev_team
  FROM {source}
) WHERE prev_team <> team GROUP BY ALL
''').fetchall()
print(len(rows), sum(row[2] for row in rows))
"""


def generate(folder: Path, cases: int, per_case: int, teams: int) -> dict[str, Path]:
    """The log as CSV and Parquet (written by DuckDB, deterministic)."""
    import duckdb

    folder = folder / f"{cases}x{per_case}x{teams}"  # one folder per size: switching is free
    folder.mkdir(parents=True, exist_ok=True)
    csv_path, parquet_path = folder / "events.csv", folder / "events.parquet"
    stamp = folder / "made"
    if stamp.exists() and csv_path.exists() and parquet_path.exists():
        return {"csv": csv_path, "parquet": parquet_path}
    # each case moves through a few teams in runs of about three events, sometimes back
    query = f"""
    SELECT 'case-' || c AS "case",
           TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_seconds(c * 7 + e * 900 + (hash(c, e) % 600))
             AS "timestamp",
           'team-' || lpad(CAST((c + (e // 3) * (1 + c % 5) + CASE WHEN e % 7 = 6 THEN 3 ELSE 0 END)
             % {teams} AS VARCHAR), 2, '0') AS team,
           CASE WHEN e % 3 = 0 THEN 'Queued' ELSE 'Accepted' END AS activity
    FROM range({cases}) r(c), range({per_case}) s(e)
    ORDER BY c, e
    """
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    con.execute(f"COPY ({query}) TO '{csv_path}' (HEADER, DELIMITER ',')")
    con.execute(f"COPY ({query}) TO '{parquet_path}' (FORMAT parquet)")
    stamp.touch()
    return {"csv": csv_path, "parquet": parquet_path}


def ops_repo(folder: Path, log: Path) -> Path:
    repo = folder / f"repo-{log.suffix.lstrip('.')}"
    repo.mkdir(parents=True, exist_ok=True)
    (repo / "org.yaml").write_text("people:\n  ana: {name: Ana}\nteams:\n  team-00: {lead: ana}\n",
                                   encoding="utf-8")
    (repo / "orglint.yaml").write_text(f"evidence:\n  logs: [{{path: '{log}'}}]\n", encoding="utf-8")
    return repo


def run(argv: list[str], module: str | None, cwd: Path) -> tuple[float, float, str]:
    """(seconds, peak MB, stdout) of one fresh process: ``python -m module argv[1:]``, or
    the floor query on ``argv`` when ``module`` is None."""
    if module is not None:
        child = [sys.executable, "-m", module, *argv[1:]]
    else:
        child = [sys.executable, "-c", FLOOR, *argv]
    done = subprocess.run([sys.executable, "-c", LAUNCHER, *child], cwd=cwd,
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{done.stderr}")
    said = dict(line.split(" ", 1) for line in done.stderr.splitlines()
                if line.startswith(("WALL ", "PEAK_KB ")))
    return float(said["WALL"]), int(said["PEAK_KB"]) / 1024, done.stdout


def measure(label: str, argv: list[str], module: str | None, cwd: Path, repeat: int
            ) -> tuple[float, float, str]:
    runs = [run(argv, module, cwd) for _ in range(repeat)]
    seconds = statistics.median(r[0] for r in runs)
    peak = max(r[1] for r in runs)
    print(f"  {label:<28}{seconds:9.2f} s  {peak:8.0f} MB", flush=True)
    return seconds, peak, runs[-1][2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--events-per-case", type=int, default=10)
    parser.add_argument("--teams", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    events = args.cases * args.events_per_case
    print(f"Synthetic log: {events:,} events, {args.cases:,} cases, {args.teams} teams")
    logs = generate(OUT, args.cases, args.events_per_case, args.teams)
    missed = []
    for fmt, log in logs.items():
        print(f"{fmt} ({log.stat().st_size / 1e6:.0f} MB)")
        floor, _, floor_out = measure("floor (bare DuckDB query)", [str(log), fmt], None, OUT,
                                      args.repeat)
        seconds, peak, out = measure("orglint evidence", ["orglint", "evidence", "--format",
                                                          "json"], "orglint", ops_repo(log.parent, log),
                                     args.repeat)
        handoffs = json.loads(out)["handoffs"]
        floor_handoffs = int(floor_out.split()[1])
        assert handoffs == floor_handoffs, (handoffs, floor_handoffs)
        ratio = seconds / floor
        print(f"  ratio to the floor {ratio:.2f} (goal <= 1.5), peak {peak:.0f} MB (goal <= 1536),"
              f" {handoffs:,} handoffs in both")
        if ratio > 1.5 or peak > 1536:
            missed.append(fmt)
    example = ROOT / "examples" / "incident-desk"
    print("incident log (examples/incident-desk, 65,533 events)")
    seconds, _, _ = measure("orglint evidence", ["orglint", "evidence"], "orglint", example,
                            args.repeat)
    if seconds > 3:
        missed.append("incident log")
    print("all goals met" if not missed else f"goals missed: {', '.join(missed)}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
