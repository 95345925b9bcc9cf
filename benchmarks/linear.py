"""Every rule costs time linear in the size of the org: two sizes, one run, per-rule figures.

    python benchmarks/linear.py              # 2,000 and 20,000 teams (10,000 and 100,000 people)
    python benchmarks/linear.py --people 2500 --factor 4 --repeat 3

Both orgs are generated (benchmarks/generate.py), loaded and resolved once. Each rule is then
judged two ways:

- time: each rule runs --repeat times on each org, the sizes interleaved so that a busy moment
  of the machine falls on both, each run in CPU time of the thread and after the CPU caches
  were flushed (a rule that reads a few thousand entities would otherwise find them all in
  cache at the small size and none at the large one). The fastest run of each counts. The
  rule's ratio between the sizes is set against the ratio of a pass that is linear by
  construction, measured the same way: every entity, every field, and every entity a field
  names looked up by id, as rules read memory (a pass over the fields alone is printed too:
  it reads memory in order, so a larger org costs it less). A rule whose ratio exceeds the
  reference's by more than --slack (default 1.25x) is SUPERLINEAR. Rules that take under
  --floor-ms at the larger size are not judged by time: timer noise dominates them.
- calls: the Python function calls each rule makes on each org (cProfile's count: exact, the
  same on every machine). A rule whose calls grow more than --factor times 1.15 is SUPERLINEAR.

The exit status is 1 when a rule, or all rules together, is marked.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

from orglint.model import Ref  # noqa: E402

FLUSH_BYTES = 64 << 20  # twice the largest last-level cache of the machines this runs on
_dirty = bytearray(FLUSH_BYTES)
_clean = bytes(FLUSH_BYTES)


def flush_caches() -> None:
    """Write more memory than the CPU caches hold, so the next run starts from memory."""
    _dirty[:] = _clean


def prepared(people: int) -> tuple[Any, float]:
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


INPUTS = {"evidence": None}  # no event logs


def _inputs() -> dict[str, Any]:
    from orglint.engine.waivers import WaiverState

    return {**INPUTS, "waivers": WaiverState()}  # no waivers declared


def run_rule(rule: Any, org: Any) -> None:
    for _hit in rule.run(org, rule.defaults, _inputs()):
        pass


def touch_everything(org: Any) -> None:
    """A pass that is linear by construction: every entity, every field. Its ratio shows
    what a larger working set alone costs."""
    for entity in org.entities():
        for _key, _value in vars(entity).items():
            pass


def follow_everything(org: Any) -> None:
    """A pass that is linear by construction and reads memory the way rules do: every
    entity, every field, and every entity a field names, looked up by its id (each reference
    once, wherever the two live in memory). Rules are judged against it."""
    for entity in org.entities():
        for value in vars(entity).values():
            if type(value) is tuple:
                for item in value:
                    if type(item) is Ref:
                        org.section(item.kind).get(item.id)
            elif type(value) is Ref:
                org.section(value.kind).get(value.id)


def timed(function: Callable[[], None]) -> float:
    """The CPU time of one run, from cold caches: time the machine gave other processes
    does not count (they still share the caches and memory, so take the fastest of several)."""
    flush_caches()
    start = time.thread_time()
    function()
    return time.thread_time() - start


def calls(function: Callable[[], None]) -> int:
    """The Python function calls ``function`` makes (and those of builtins it calls)."""
    profile = cProfile.Profile()
    profile.enable()
    function()
    profile.disable()
    return int(pstats.Stats(profile).total_calls)  # type: ignore[attr-defined]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000, help="the smaller org (people)")
    parser.add_argument("--factor", type=int, default=10, help="the larger org is this many times")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--slack", type=float, default=1.25)
    parser.add_argument("--floor-ms", type=float, default=5.0)
    args = parser.parse_args(argv)

    from orglint.plugins import build_registry, make_manager

    registry = list(build_registry(make_manager()))
    sizes = (args.people, args.people * args.factor)
    gc.disable()  # as `orglint check` runs: no collector pauses in the figures
    orgs = {}
    for people in sizes:
        orgs[people], model_time = prepared(people)
        print(f"{people:,} people ({len(orgs[people].teams):,} teams): model built in "
              f"{model_time * 1000:.0f} ms")
    best: dict[str, list[float]] = {}
    for _ in range(args.repeat):
        for index, people in enumerate(sizes):  # interleaved: both sizes share a busy moment
            org = orgs[people]
            samples = [("pass", timed(lambda org=org: touch_everything(org))),
                       ("follow", timed(lambda org=org: follow_everything(org)))]
            samples += [(rule.code, timed(lambda rule=rule, org=org: run_rule(rule, org)))
                        for rule in registry]
            for code, seconds in samples:
                row = best.setdefault(code, [float("inf")] * len(sizes))
                row[index] = min(row[index], seconds)
    counted = {rule.code: [calls(lambda rule=rule, org=orgs[people]: run_rule(rule, org))
                           for people in sizes] for rule in registry}

    small, large = sizes
    plain = best["pass"][1] / best["pass"][0]
    reference = best["follow"][1] / best["follow"][0]
    limit = reference * args.slack
    calls_limit = args.factor * 1.15
    print(f"\n{'rule':10} {f'{small:,} ms':>11} {f'{large:,} ms':>12} {'ratio':>6} "
          f"{'/ pass':>6} {'calls':>9} {'ratio':>6}  verdict")
    print(f"{'pass':10} {best['pass'][0] * 1000:11.2f} {best['pass'][1] * 1000:12.2f} "
          f"{plain:6.2f} {plain / reference:6.2f}  every entity, every field")
    print(f"{'follow':10} {best['follow'][0] * 1000:11.2f} {best['follow'][1] * 1000:12.2f} "
          f"{reference:6.2f} {1:6.2f}  and every entity a field names: the reference")
    marked = []
    totals = [0.0, 0.0]
    for rule in registry:
        times = best[rule.code]
        totals = [totals[0] + times[0], totals[1] + times[1]]
        ratio = times[1] / times[0] if times[0] else float("inf")
        made = counted[rule.code]
        calls_ratio = made[1] / made[0] if made[0] else float("inf")
        judged = times[1] * 1000 >= args.floor_ms
        if (judged and ratio > limit) or calls_ratio > calls_limit:
            verdict = "SUPERLINEAR"
            marked.append(rule.code)
        else:
            verdict = "linear" if judged else "linear (calls; too fast to time)"
        print(f"{rule.code:10} {times[0] * 1000:11.2f} {times[1] * 1000:12.2f} {ratio:6.2f} "
              f"{ratio / reference:6.2f} {made[1]:9,} {calls_ratio:6.2f}  {verdict}")
    ratio = totals[1] / totals[0]
    total_ok = ratio <= limit
    print(f"{'all rules':10} {totals[0] * 1000:11.2f} {totals[1] * 1000:12.2f} {ratio:6.2f} "
          f"{ratio / reference:6.2f} {'':9} {'':6}  {'linear' if total_ok else 'SUPERLINEAR'}")
    print(f"\n{args.factor}x the org: all rules take {ratio:.2f}x the time; a plain pass over "
          f"every entity {plain:.2f}x, one that also follows every reference {reference:.2f}x "
          f"(caches flushed before every run, fastest of {args.repeat}). A rule is flagged "
          f"above {limit:.2f}x ({args.slack}x the following pass), or when its function calls "
          f"grow more than {calls_limit:.1f}x.")
    if marked:
        print("superlinear: " + ", ".join(marked))
    return 0 if total_ok and not marked else 1


if __name__ == "__main__":
    raise SystemExit(main())
