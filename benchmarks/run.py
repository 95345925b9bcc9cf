"""orglint against the parse floor and its peers, side by side, on generated orgs.

    python benchmarks/run.py                          # 1,000, 10,000 and 40,000 people
    python benchmarks/run.py --sizes 10000 --repeat 5
    python benchmarks/run.py --install-spectral       # npm-installs Spectral into benchmarks/

For each size it prints wall time (median of --repeat runs, each a fresh process), the peak
resident memory of the largest process, and lines per second, for:

- orglint check, cold (empty cache), with --no-cache, and warm (nothing changed);
- the floor: PyYAML's libyaml loader composing the same files, nothing else;
- `orglint check` on a small example repo (examples/northwind-services), for the 0.3 s target;
- yamllint with its default config, and Spectral with a two-rule ruleset (handoff owners and
  metric downstreams), each when installed (peers run --peer-repeat times, default 1).

Then each orglint figure as a ratio to the floor and to the peers, and the targets of
benchmarks/README.md, each with its verdict. Figures depend on the machine: compare ratios.
"""

from __future__ import annotations

import argparse
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

# Runs a command; prints its wall time and the peak RSS (KiB) of its largest process:
# RUSAGE_CHILDREN covers every process the launcher (and its children) waited for.
LAUNCHER = """
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
wall = time.perf_counter() - start
print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""

TARGET_PEOPLE = 10_000


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


def measure(name: str, command: list[str], repeat: int, cwd: Path, env: dict[str, str],
            before: object = None) -> Figure:
    walls, peaks = [], []
    for _ in range(repeat):
        if callable(before):
            before()
        done = subprocess.run([sys.executable, "-c", LAUNCHER, *command], cwd=cwd, env=env,
                              capture_output=True, text=True, check=True)
        wall, peak = done.stdout.split()
        walls.append(float(wall))
        peaks.append(int(peak) / 1024)
    return Figure(name, statistics.median(walls), max(peaks), repeat)


def install_spectral() -> None:
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("npm is not installed: Spectral needs node and npm")
    subprocess.run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(HERE)],
                   check=True)


def bench(people: int, layout: str, repeat: int, peer_repeat: int) -> dict[str, Figure]:
    folder = generate(people, layout)
    files, lines = count(folder)
    cache = OUT / f"cache-{people}-{layout}"
    env = {**os.environ, "ORGLINT_CACHE_DIR": str(cache), "PYTHONDONTWRITEBYTECODE": "0"}
    orglint = [*orglint_command(), "check", "."]
    figures: dict[str, Figure] = {}

    def clear() -> None:
        shutil.rmtree(cache, ignore_errors=True)

    figures["floor"] = measure("libyaml compose (floor)", [sys.executable, "-c", FLOOR, "."],
                               repeat, folder, env)
    figures["cold"] = measure("orglint check, cold", orglint, repeat, folder, env, clear)
    figures["nocache"] = measure("orglint check --no-cache", [*orglint, "--no-cache"],
                                 repeat, folder, env)
    subprocess.run(orglint, cwd=folder, env=env, capture_output=True)  # fill the cache
    figures["warm"] = measure("orglint check, warm", orglint, repeat, folder, env)
    yamllint = shutil.which("yamllint")
    if yamllint:
        figures["yamllint"] = measure("yamllint (default config)", [yamllint, "."],
                                      peer_repeat, folder, env)
    if SPECTRAL.exists():
        figures["spectral"] = measure(
            "spectral lint (2 rules)",
            [str(SPECTRAL), "lint", "--ruleset", str(RULESET), "--quiet", "**/*.yaml"],
            peer_repeat, folder, env)
    report(people, layout, files, lines, figures)
    return figures


def report(people: int, layout: str, files: int, lines: int, figures: dict[str, Figure]) -> None:
    print(f"\n{people:,} people, {layout}: {files:,} files, {lines:,} lines")
    peers = [key for key in ("floor", "yamllint", "spectral") if key in figures]
    head = f"  {'':28} {'wall s':>8} {'peak MB':>8} {'lines/s':>10}"
    head += "".join(f" {'x ' + key:>11}" for key in peers)
    print(head)
    for key, figure in figures.items():
        row = f"  {figure.name:28} {figure.wall:8.3f} {figure.peak_mb:8.0f} "
        row += f"{lines / figure.wall:10,.0f}"
        if key in ("cold", "nocache", "warm"):
            row += "".join(f" {figure.wall / figures[peer].wall:11.2f}" for peer in peers)
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
    target = results.get(TARGET_PEOPLE)
    if target:
        cold, floor = target["cold"].wall, target["floor"].wall
        out.append((f"cold <= 2.5x floor at {TARGET_PEOPLE:,} people",
                    f"{cold / floor:.2f}x ({cold:.2f} s / {floor:.2f} s)", cold <= 2.5 * floor))
        warm = target["warm"].wall
        out.append(("warm <= 0.5 s", f"{warm:.2f} s", warm <= 0.5))
        peak = max(target[k].peak_mb for k in ("cold", "nocache", "warm"))
        out.append(("peak memory <= 200 MB", f"{peak:.0f} MB", peak <= 200))
        for peer in ("spectral", "yamllint"):
            if peer in target:
                ratio = target[peer].wall / floor
                out.append((f"{peer} for reference", f"{ratio:.1f}x the floor", True))
    for small in sorted(results):
        if 4 * small in results:
            ratio = results[4 * small]["cold"].wall / results[small]["cold"].wall
            out.append((f"4x the org ({small:,} -> {4 * small:,} people) <= 4.4x the time",
                        f"{ratio:.2f}x", ratio <= 4.4))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,40000",
                        help="people per org, comma-separated (default 1000,10000,40000)")
    parser.add_argument("--layout", choices=("per-team", "single"), default="per-team")
    parser.add_argument("--repeat", type=int, default=5, help="runs per orglint figure")
    parser.add_argument("--peer-repeat", type=int, default=1, help="runs per peer figure")
    parser.add_argument("--install-spectral", action="store_true",
                        help="npm-install @stoplight/spectral-cli into benchmarks/node_modules")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--small", type=Path, default=HERE.parent / "examples" / "northwind-services",
                        help="a small repo for the 0.3 s target (default: the Northwind example)")
    args = parser.parse_args(argv)
    if args.install_spectral:
        install_spectral()
    OUT.mkdir(exist_ok=True)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; each figure the median "
          f"of {args.repeat} runs (peers: {args.peer_repeat}), each run a fresh process")
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
        results[people] = bench(people, args.layout, args.repeat, args.peer_repeat)
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
