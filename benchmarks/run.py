"""orglint against the parse floor and its peers, side by side, on generated orgs.

    python benchmarks/run.py                          # 10,000 and 100,000 people
    python benchmarks/run.py --sizes 10000 --repeat 5
    python benchmarks/run.py --sizes 100000 --repeat 1 --skip report --timeout 300
    python benchmarks/run.py --install-spectral       # npm-installs Spectral into benchmarks/

For each size it prints wall time (median of --repeat runs, each a fresh process), the peak
resident memory of the largest process, lines per second, and each figure as a ratio to the
floor and to a warm check, for:

- orglint check, cold (empty cache; run in turn with the floor, so the ratio of the goal
  compares runs under the same load), with --no-cache, warm (nothing changed: the results
  cache answers) and warm judging again (the parse cache only: the model is built and every
  rule runs, as after an edit), which --diff-base and impact are judged against;
- orglint check --no-cache parsing in one process and in two (ORGLINT_PROCESSES), paired
  run by run, with the load average at the time (--busy N keeps N cores busy meanwhile);
- orglint report as HTML and as Markdown (warm cache);
- orglint check --diff-base HEAD with one file changed (the org is a git repository);
- orglint impact on the first team's lead;
- the floor: PyYAML's libyaml loader composing the same files, nothing else;
- `orglint check` on a small example repo (examples/northwind-services), for the 0.3 s target;
- yamllint with its default config, and Spectral with a two-rule ruleset (handoff owners and
  metric downstreams), each when installed (peers run --peer-repeat times, default 1).

Then the targets of benchmarks/README.md, each with its verdict. A command that passes
--timeout or --max-memory-mb is stopped and shown as such. Figures depend on the machine:
compare ratios.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"
SPECTRAL = HERE / "node_modules" / ".bin" / "spectral"
RULESET = HERE / "spectral-ruleset.yaml"

FLOOR = """
import os, sys, yaml
for folder, dirs, files in os.walk(sys.argv[1]):
    dirs.sort()
    for name in sorted(files):
        if name.endswith('.yaml'):
            with open(os.path.join(folder, name), 'rb') as handle:
                yaml.compose(handle.read(), Loader=yaml.CSafeLoader)
"""

# Runs a command (argv[1]: timeout in seconds, argv[2]: address-space cap in MB, 0 for none);
# prints its wall time, the peak RSS (KiB) of its largest process (RUSAGE_CHILDREN covers
# every process the launcher and its children waited for) and its exit code.
# The wait blocks until the command ends, and a timer kills it at the timeout: waiting with a
# timeout (subprocess.run(timeout=...)) polls every 50 ms, which rounds every wall time up to
# the next poll.
LAUNCHER = """
import resource, subprocess, sys, threading, time
timeout, cap = float(sys.argv[1]), int(sys.argv[2])
def limit():
    if cap:
        resource.setrlimit(resource.RLIMIT_AS, (cap << 20, cap << 20))
expired = []
start = time.perf_counter()
run = subprocess.Popen(sys.argv[3:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       preexec_fn=limit)
timer = threading.Timer(timeout, lambda: (expired.append(True), run.kill()))
timer.daemon = True
timer.start()
code = run.wait()
wall = time.perf_counter() - start
timer.cancel()
print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
      "timeout" if expired else code)
"""

BUSY = "while True: pass"

TARGET_PEOPLE = 10_000
LARGE_PEOPLE = 100_000
COMMANDS = ("cold", "nocache", "processes", "warm", "report", "diff", "impact", "peers")


def orglint_command() -> list[str]:
    """`orglint` as users run it: the console script of this interpreter, else `-m orglint`."""
    script = Path(sys.executable).parent / "orglint"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "orglint"]


@dataclass
class Figure:
    name: str
    wall: float
    peak_mb: float
    runs: int
    failed: str = ""  # "timeout", or the exit code of a run that crashed or ran out of memory


@dataclass
class Limits:
    timeout: float
    memory_mb: int


def generate(people: int, layout: str) -> Path:
    """The org for a size, generated once and reused while the generator is unchanged."""
    folder = OUT / f"org-{people}-{layout}"
    stamp = folder / ".stamp"
    want = f"{people} {layout} {hash_file(HERE / 'generate.py')}"
    if stamp.exists() and stamp.read_text() == want:
        return folder
    subprocess.run([sys.executable, str(HERE / "generate.py"), "--people", str(people),
                    "--layout", layout, "--out", str(folder)], check=True,
                   stdout=subprocess.DEVNULL)
    stamp.write_text(want)
    return folder


def hash_file(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def count(folder: Path) -> tuple[int, int]:
    files = lines = 0
    for path in folder.rglob("*.yaml"):
        files += 1
        lines += path.read_bytes().count(b"\n")
    return files, lines


LIMITS = Limits(timeout=3600.0, memory_mb=0)
OK_CODES = ("0", "1")  # no findings, findings


def run_once(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float, str]:
    """One run: wall seconds, peak MB and exit code (or "timeout")."""
    done = subprocess.run([sys.executable, "-c", LAUNCHER, str(LIMITS.timeout),
                           str(LIMITS.memory_mb), *command], cwd=cwd, env=env,
                          capture_output=True, text=True, check=True)
    wall, peak, code = done.stdout.split()
    return float(wall), int(peak) / 1024, code


def measure(name: str, command: list[str], repeat: int, cwd: Path, env: dict[str, str],
            before: object = None) -> Figure:
    walls, peaks = [], []
    for _ in range(repeat):
        if callable(before):
            before()
        wall, peak, code = run_once(command, cwd, env)
        if code not in OK_CODES:
            return Figure(name, wall, peak, len(walls) + 1, failed=code)
        walls.append(wall)
        peaks.append(peak)
    return Figure(name, statistics.median(walls), max(peaks), repeat)


def paired(names: tuple[str, str], command: list[str], envs: tuple[dict[str, str], ...],
           repeat: int, cwd: Path) -> tuple[Figure, Figure]:
    """Two settings of one command, run alternately so that both see the same load."""
    first, second = alternate([(names[0], command, envs[0], None),
                               (names[1], command, envs[1], None)], repeat, cwd)
    return first, second


Run = tuple[str, list[str], dict[str, str], object]  # name, command, environment, before


def alternate(runs: list[Run], repeat: int, cwd: Path) -> list[Figure]:
    """Several commands run in turn, round after round, so that all see the same load (the
    machine's speed drifts over minutes): each one's median wall time and largest peak."""
    walls: list[list[float]] = [[] for _ in runs]
    peaks: list[list[float]] = [[] for _ in runs]
    for _ in range(repeat):
        for number, (_, command, env, before) in enumerate(runs):
            if callable(before):
                before()
            wall, peak, code = run_once(command, cwd, env)
            if code not in OK_CODES:
                return [Figure(each[0], wall, peak, 1, failed=code) for each in runs]
            walls[number].append(wall)
            peaks[number].append(peak)
    return [Figure(name, statistics.median(walls[number]), max(peaks[number]), repeat)
            for number, (name, _, _, _) in enumerate(runs)]


def load_average() -> str:
    try:
        return "load average " + ", ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "no load average"


def as_repository(folder: Path) -> Path:
    """The org as a git repository with one commit, for --diff-base; the file that the
    one-file change edits."""
    changed = sorted(folder.rglob("t*.yaml"))[0]
    if not (folder / ".git").is_dir():
        git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.org"]
        subprocess.run([*git, "init", "-q"], cwd=folder, check=True)
        (folder / ".gitignore").write_text(".stamp\n.orglint_cache/\n")
        subprocess.run([*git, "add", "-A"], cwd=folder, check=True)
        subprocess.run([*git, "commit", "-qm", "org"], cwd=folder, check=True)
    return changed


def install_spectral() -> None:
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is not installed: Spectral needs node and npm")
    subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(HERE)],
                   check=True)


def bench(people: int, layout: str, repeat: int, peer_repeat: int,
          commands: tuple[str, ...] = COMMANDS) -> dict[str, Figure]:
    folder = generate(people, layout)
    files, lines = count(folder)
    cache = OUT / f"cache-{people}-{layout}"
    env = {**os.environ, "ORGLINT_CACHE_DIR": str(cache), "PYTHONDONTWRITEBYTECODE": "0"}
    tool = orglint_command()
    orglint = [*tool, "check", "."]
    figures: dict[str, Figure] = {}
    print(f"\n{people:,} people: measuring ({load_average()})", flush=True)

    def clear() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    floor = ("libyaml compose (floor)", [sys.executable, "-c", FLOOR, "."], env, None)
    if "cold" in commands:  # in turn: the ratio of the goal compares runs under the same load
        figures["floor"], figures["cold"] = alternate(
            [floor, ("orglint check, cold", orglint, env, clear)], repeat, folder)
    else:
        figures["floor"] = measure(*floor[:2], repeat, folder, env)
    if "nocache" in commands:
        figures["nocache"] = measure("orglint check --no-cache", [*orglint, "--no-cache"],
                                     repeat, folder, env)
    if "processes" in commands:
        one, two = paired(("--no-cache, 1 process", "--no-cache, 2 processes"),
                          [*orglint, "--no-cache"],
                          ({**env, "ORGLINT_PROCESSES": "1"},
                           {**env, "ORGLINT_PROCESSES": "2"}), repeat, folder)
        figures["one"], figures["two"] = one, two
    subprocess.run(orglint, cwd=folder, env=env, capture_output=True)  # fill the cache
    figures["warm"] = measure("orglint check, warm", orglint, repeat, folder, env)

    def forget_results() -> None:  # the parse cache stays: the model is built, rules judge
        for found in cache.rglob("*.results"):
            found.unlink()

    figures["rejudge"] = measure("check, warm, judging again", orglint, repeat, folder, env,
                                 forget_results)
    if "report" in commands:
        for form, suffix in (("html", "html"), ("markdown", "md")):
            target = OUT / f"report-{people}.{suffix}"
            figures[f"report-{form}"] = measure(
                f"orglint report ({form})", [*tool, "report", "--format", form, "-o",
                                              str(target)], repeat, folder, env)
    if "diff" in commands:
        changed = as_repository(folder)
        original = changed.read_bytes()
        try:  # one real change: a team renamed
            changed.write_bytes(original.replace(b"name: Team ", b"name: Renamed team ", 1))
            figures["diff"] = measure("check --diff-base HEAD (1 file)",
                                      [*orglint, "--diff-base", "HEAD"], repeat, folder, env)
        finally:
            changed.write_bytes(original)
    if "impact" in commands:
        figures["impact"] = measure("orglint impact (a team lead)",
                                    [*tool, "impact", "person:p00005"], repeat, folder, env)
    yamllint = shutil.which("yamllint") if "peers" in commands else None
    if yamllint:
        figures["yamllint"] = measure("yamllint (default config)", [yamllint, "."],
                                      peer_repeat, folder, env)
    if SPECTRAL.exists() and "peers" in commands:
        figures["spectral"] = measure(
            "spectral lint (2 rules)",
            [str(SPECTRAL), "lint", "--ruleset", str(RULESET), "--quiet", "**/*.yaml"],
            peer_repeat, folder, env)
    report(people, layout, files, lines, figures)
    return figures


def report(people: int, layout: str, files: int, lines: int, figures: dict[str, Figure]) -> None:
    print(f"\n{people:,} people, {layout}: {files:,} files, {lines:,} lines ({load_average()})")
    bases = [key for key in ("floor", "warm", "yamllint", "spectral") if key in figures]
    head = f"  {'':33} {'wall s':>8} {'peak MB':>8} {'lines/s':>10}"
    head += "".join(f" {'x ' + key:>11}" for key in bases)
    print(head)
    for key, figure in figures.items():
        row = f"  {figure.name:33} {figure.wall:8.3f} {figure.peak_mb:8.0f} "
        if figure.failed:
            print(row + f"stopped after {figure.runs} run(s): {figure.failed}")
            continue
        row += f"{lines / figure.wall:10,.0f}"
        row += "".join(f" {figure.wall / figures[base].wall:11.2f}"
                       if base != key and not figures[base].failed else f" {'':11}"
                       for base in bases)
        print(row)


def small_example(folder: Path, repeat: int) -> Figure:
    """`orglint check` on a small real-looking repo, as a user runs it (cache and all)."""
    env = {key: value for key, value in os.environ.items() if key != "ORGLINT_CACHE_DIR"}
    orglint = [*orglint_command(), "check"]
    subprocess.run(orglint, cwd=folder, env=env, capture_output=True)  # as on a second commit
    return measure(f"orglint check ({folder.name})", orglint, repeat, folder, env)


def verdicts(results: dict[int, dict[str, Figure]],
             small: Figure | None = None) -> list[tuple[str, str, bool]]:
    out = []
    if small is not None:
        out.append((f"small example ({small.name.split('(')[1].rstrip(')')}) <= 0.3 s",
                    f"{small.wall:.2f} s", small.wall <= 0.3))
    for people in (TARGET_PEOPLE, LARGE_PEOPLE):
        target = results.get(people)
        if target:
            out.extend(_size_verdicts(people, target))
    sizes = sorted(results)
    for small, large in itertools.pairwise(sizes):
        if "cold" in results[small] and "cold" in results[large]:
            grow = large / small
            ratio = results[large]["cold"].wall / results[small]["cold"].wall
            out.append((f"{grow:g}x the org ({small:,} -> {large:,} people) <= "
                        f"{grow * 1.1:g}x the time", f"{ratio:.2f}x", ratio <= grow * 1.1))
    return out


def _size_verdicts(people: int, target: dict[str, Figure]) -> list[tuple[str, str, bool]]:
    """The goals of one size (issue 14's, at 10,000 and 100,000 people)."""
    out = []
    floor, warm = target["floor"].wall, target["warm"].wall

    def ratio(key: str, base: float, limit: float, label: str) -> None:
        figure = target.get(key)
        if figure is None:
            return
        if figure.failed:
            out.append((label, f"stopped: {figure.failed}", False))
            return
        out.append((label, f"{figure.wall / base:.2f}x ({figure.wall:.2f} s)",
                    figure.wall <= limit * base))

    at = f"at {people:,} people"
    ratio("cold", floor, 2.0, f"cold <= 2x floor {at}")
    if people == TARGET_PEOPLE:
        out.append(("warm <= 0.5 s", f"{warm:.2f} s", warm <= 0.5))
        peak = max(target[k].peak_mb for k in ("cold", "nocache", "warm") if k in target)
        out.append(("peak memory <= 200 MB", f"{peak:.0f} MB", peak <= 200))
    # against the warm check that builds the model and judges (the warm check of the goals:
    # with nothing changed the results cache answers in a fraction of it; a report, a diff
    # and impact need the model)
    again = target["rejudge"].wall if "rejudge" in target else warm
    for form in ("html", "markdown"):
        ratio(f"report-{form}", again, 3.0, f"report ({form}) <= 3x warm judging {at}")
    ratio("diff", again, 1.5, f"--diff-base, 1 file changed, <= 1.5x warm judging {at}")
    ratio("impact", again, 1.3, f"impact <= 1.3x warm judging {at}")
    for peer in ("spectral", "yamllint"):
        if peer in target and not target[peer].failed:
            out.append((f"{peer} for reference {at}",
                        f"{target[peer].wall / floor:.1f}x the floor", True))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000",
                        help="people per org, comma-separated (default 10000,100000)")
    parser.add_argument("--layout", choices=("per-team", "single"), default="per-team")
    parser.add_argument("--repeat", type=int, default=5, help="runs per orglint figure")
    parser.add_argument("--peer-repeat", type=int, default=1, help="runs per peer figure")
    parser.add_argument("--install-spectral", action="store_true",
                        help="npm-install @stoplight/spectral-cli into benchmarks/node_modules")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--skip", default="",
                        help=f"commands to leave out, comma-separated ({','.join(COMMANDS)})")
    parser.add_argument("--timeout", type=float, default=1800,
                        help="seconds a run may take before it is stopped (default 1800)")
    parser.add_argument("--max-memory-mb", type=int, default=0,
                        help="address space a run may use, in MB (default: no limit)")
    parser.add_argument("--busy", type=int, default=0,
                        help="keep this many cores busy while measuring (a loaded machine)")
    parser.add_argument("--small", type=Path, default=HERE.parent / "examples" / "northwind-services",
                        help="a small repo for the 0.3 s target (default: the Northwind example)")
    args = parser.parse_args(argv)
    skip = {name.strip() for name in args.skip.split(",") if name.strip()}
    if skip - set(COMMANDS):
        parser.error(f"--skip: unknown {', '.join(sorted(skip - set(COMMANDS)))}")
    commands = tuple(name for name in COMMANDS if name not in skip)
    LIMITS.timeout, LIMITS.memory_mb = args.timeout, args.max_memory_mb
    if args.install_spectral:
        install_spectral()
    OUT.mkdir(exist_ok=True)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {load_average()}; each "
          f"figure the median of {args.repeat} runs (peers: {args.peer_repeat}), each run a "
          f"fresh process" + (f"; {args.busy} cores kept busy" if args.busy else ""))
    burners = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range(args.busy)]
    try:
        return _run(args, commands)
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


def _run(args: argparse.Namespace, commands: tuple[str, ...]) -> int:
    if not shutil.which("yamllint"):
        print("yamllint not installed: pip install -r benchmarks/requirements.txt")
    if not SPECTRAL.exists():
        print("Spectral not installed: python benchmarks/run.py --install-spectral")
    small = None
    if args.small.is_dir():
        small = small_example(args.small, args.repeat)
        print(f"\n{small.name}: {small.wall:.3f} s wall, {small.peak_mb:.0f} MB")
    results = {}
    for people in (int(size) for size in args.sizes.split(",")):
        results[people] = bench(people, args.layout, args.repeat, args.peer_repeat, commands)
    checks = verdicts(results, small)
    if checks:
        print("\ntargets")
        for label, value, ok in checks:
            print(f"  {label:55} {value:28} {'ok' if ok else 'MISSED'}")
    if args.json:
        args.json.write_text(json.dumps({str(k): {n: vars(f) for n, f in v.items()}
                                         for k, v in results.items()}, indent=2))
    return 0 if all(ok for _, _, ok in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
