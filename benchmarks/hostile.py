"""Inputs built to be slow: each cost must grow linearly with the input, never faster.

    python benchmarks/hostile.py              # sizes n, 2n and 4n for each case
    python benchmarks/hostile.py --base 20000

For each case the fastest of --repeat runs is printed at three sizes with the ratio to the
smallest; linear code shows ratios near 2 and 4, quadratic code 4 and 16. A case whose 4x ratio
exceeds --limit (default 8) is marked SUPERLINEAR and the exit status is 1. The cases:

- glob: an include glob of many stars against a long file name that almost matches it;
- directive: an inline ``# orglint:`` comment after a line full of quote characters;
- hint: a finding's fingerprint (json, sarif, gitlab) when its message holds a long run of
  blanks before a "did you mean" hint;
- visible: the text format's escaping of a name full of control characters;
- metric, system, silo: the rules INC003, CTX001 and CTX002 on an org of ``size / 10`` teams
  in a chain of handoffs and journeys, where one metric rewards every team and names every
  handoff downstream (INC003), and one system that every team uses holds ``size`` items
  (CTX001, CTX002). Only the rule is timed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def glob_case(size: int) -> Callable[[], object]:
    from orglint.load.discover import Glob

    glob = Glob("*a" * 40 + "*.yaml")
    name = "a" * 39 + "b" * size + ".yaml"
    return lambda: glob.match(name)


def directive_case(size: int) -> Callable[[], object]:
    from orglint.load.directives import scan_directives

    text = "a: " + "x'\"" * size + "  # orglint: disable=A\n"
    return lambda: scan_directives(text)


def hint_case(size: int) -> Callable[[], object]:
    from orglint.finding import Finding

    finding = Finding(path="a.yaml", line=1, column=1, code="ORG003", severity="error",
                      name="unknown-reference", entity="team:a", field="lead",
                      message="names unknown person 'x" + " " * size + "y'; did you mean 'z'?")
    return lambda: finding.fingerprint


def visible_case(size: int) -> Callable[[], object]:
    from orglint.outputs.formatters import visible

    text = "\x1b[31m\u202e\ufffe" * size
    return lambda: visible(text)


def _org_wide(size: int) -> object:
    """The org of the metric, system and silo cases (see the module doc)."""
    from orglint.load.documents import Document
    from orglint.model import build_org

    teams = max(2, size // 10)
    ids = [f"t{i}" for i in range(teams)]
    data = {
        "people": {"ana": {"name": "Ana"}},
        "teams": {team: {"lead": "ana", "systems": ["crm"]} for team in ids},
        "systems": {"crm": {"holds": [f"item{i}" for i in range(size)]}},
        "handoffs": {f"h{i}": {"from": ids[i], "to": ids[i + 1], "owner": "ana"}
                     for i in range(teams - 1)},
        "journeys": {f"j{i}": {"owner": "ana", "path": [ids[i], ids[i + 1]],
                               "context": ["item0", "missing"]} for i in range(teams - 1)},
        "metrics": {"m": {"type": "handoff", "rewards": ids,
                          "downstream": [f"h{i}" for i in range(1, teams - 1)]}},
    }
    return build_org([Document("org.yaml", data)])


def _rule_case(code: str) -> Callable[[int], Callable[[], object]]:
    def case(size: int) -> Callable[[], object]:
        from orglint.plugins import build_registry, make_manager

        item = build_registry(make_manager()).by_code[code]
        org = _org_wide(size)
        return lambda: list(item.run(org, {}, {}))
    return case


CASES = {"glob": glob_case, "directive": directive_case, "hint": hint_case,
         "visible": visible_case, "metric": _rule_case("INC003"),
         "system": _rule_case("CTX001"), "silo": _rule_case("CTX002")}


def fastest(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", type=int, default=10_000, help="the smallest size")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--limit", type=float, default=8.0)
    args = parser.parse_args()
    sizes = [args.base, 2 * args.base, 4 * args.base]
    print(f"{'case':<10} " + " ".join(f"{size:>12,}" for size in sizes) + "   ratios")
    failed = False
    for name, case in CASES.items():
        times = [fastest(case(size), args.repeat) for size in sizes]
        ratios = [t / times[0] for t in times[1:]]
        mark = " SUPERLINEAR" if ratios[-1] > args.limit else ""
        failed = failed or bool(mark)
        print(f"{name:<10} " + " ".join(f"{t * 1000:>10.2f}ms" for t in times)
              + "   " + " ".join(f"{r:.1f}x" for r in ratios) + mark)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
