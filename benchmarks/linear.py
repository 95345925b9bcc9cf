"""Every rule costs time linear in the size of the org: two sizes, one run, per-rule figures.

    python benchmarks/linear.py                       # 5,000 and 20,000 people
    python benchmarks/linear.py --people 2500 --factor 4

Both orgs are generated (benchmarks/generate.py), loaded and resolved once; then each rule runs
--repeat times on each and its fastest time is printed with the ratio between the sizes. A rule
whose ratio exceeds the size factor by more than --slack (default 2x) is marked SUPERLINEAR,
as is a total over the factor plus 25%; the exit status is 1 when anything is marked. The
factor is the larger of --factor and the typical (median) rule's ratio: on a bigger org,
memory caches alone make linear code slower per entity, and a quadratic rule stands out
against its linear neighbours (4x the org, 16x the time). Rules that
take under --floor-ms at the larger size are shown but not judged: timer noise dominates them.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402


def prepared(people: int) -> tuple[object, float]:
    """The resolved Org of a generated org, and the time building the model took."""
    from orglint.engine.check import prepare
    from orglint.load.documents import load_bytes

    folder = HERE / "out" / f"org-{people}-per-team"
    files = generate.write(folder, people)
    loaded = [load_bytes(path.read_bytes(), path.relative_to(folder).as_posix())
              for path in files]
    start = time.perf_counter()
    org, _ = prepare(loaded)
    return org, time.perf_counter() - start


def _timed(function: object, org: object) -> float:
    start = time.perf_counter()
    function(org)  # type: ignore[operator]
    return time.perf_counter() - start


def time_rule(rule: object, org: object, options: dict[str, object], repeat: int) -> float:
    from orglint.engine.waivers import WaiverState

    inputs = {"waivers": WaiverState()}  # the rules that judge waivers: none declared
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _hit in rule.run(org, options, inputs):  # type: ignore[attr-defined]
            pass
        samples.append(time.perf_counter() - start)
    return min(samples)  # the least disturbed run: other processes only ever add time


def touch_everything(org: object) -> None:
    """A pass that is linear by construction: every entity, every field. Its ratio shows
    what a larger working set alone costs (memory caches), so rules are judged against it."""
    for entity in org.entities():  # type: ignore[attr-defined]
        for _key, _value in vars(entity).items():
            pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=5000, help="the smaller org (people)")
    parser.add_argument("--factor", type=int, default=4, help="the larger org is this many times")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--slack", type=float, default=2.0)
    parser.add_argument("--floor-ms", type=float, default=5.0)
    args = parser.parse_args(argv)

    from orglint.plugins import build_registry, make_manager

    registry = build_registry(make_manager())
    sizes = (args.people, args.people * args.factor)
    gc.disable()  # as `orglint check` runs: no collector pauses in the figures
    orgs = {}
    for people in sizes:
        orgs[people], model_time = prepared(people)
        print(f"{people:,} people: model built in {model_time * 1000:.0f} ms")
    reference = [min(_timed(touch_everything, orgs[people]) for _ in range(args.repeat * 4))
                 for people in sizes]
    small, large = sizes
    rows = []
    for rule in registry:
        options = {key: spec["default"] for key, spec in rule.options.items()}
        times = [time_rule(rule, orgs[people], options, args.repeat) for people in sizes]
        rows.append((rule.code, times, times[1] * 1000 >= args.floor_ms))
    judged = sorted(t[1] / t[0] for _, t, ok in rows if ok and t[0])
    # what linear code costs per entity on this machine at these sizes: the typical rule
    typical = judged[len(judged) // 2] if judged else float(args.factor)
    scale = max(float(args.factor), typical)
    limit = scale * args.slack
    print(f"{'rule':10} {f'{small:,} ms':>12} {f'{large:,} ms':>12} {'ratio':>7}")
    totals = [0.0, 0.0]
    marked = []
    for code, times, ok in rows:
        totals = [totals[0] + times[0], totals[1] + times[1]]
        ratio = times[1] / times[0] if times[0] else float("inf")
        verdict = "SUPERLINEAR" if ok and ratio > limit else ("" if ok else "(too fast)")
        if verdict == "SUPERLINEAR":
            marked.append(code)
        print(f"{code:10} {times[0] * 1000:12.2f} {times[1] * 1000:12.2f} {ratio:7.2f}"
              f"  {verdict}")
    ratio = totals[1] / totals[0]
    total_ok = ratio <= scale * 1.25
    print(f"{'all rules':10} {totals[0] * 1000:12.2f} {totals[1] * 1000:12.2f} {ratio:7.2f}"
          f"  {'' if total_ok else 'SUPERLINEAR'}")
    print(f"\n{args.factor}x the org: all rules take {ratio:.2f}x the time. On this machine "
          f"the typical rule takes {typical:.2f}x and a pass over every entity "
          f"{reference[1] / reference[0]:.2f}x (memory caches make a larger org slower per "
          f"entity); a rule is flagged above {limit:.1f}x, all rules above {scale * 1.25:.1f}x.")
    if marked:
        print("superlinear: " + ", ".join(marked))
    return 0 if total_ok and not marked else 1


if __name__ == "__main__":
    raise SystemExit(main())
