"""Delta debugging: the smallest input that still fails the same way.

``shrink`` drops whole files, then runs ddmin over each file's lines and then its bytes, and
last tries the plain ``check`` command line, keeping each step only when the failure's
signature is unchanged. Each candidate is a full oracle run, so a budget bounds the work.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar

from .corpus import Input

T = TypeVar("T")


class _Budget(Exception):
    pass


def ddmin(units: Sequence[T], fails: Callable[[list[T]], bool]) -> list[T]:
    """A 1-minimal-by-chunks sublist of ``units`` for which ``fails`` still holds (Zeller's
    ddmin, complements only). ``fails(units)`` is assumed true."""
    current = list(units)
    parts = 2
    while len(current) >= 2:
        size = -(-len(current) // parts)
        for start in range(0, len(current), size):
            candidate = current[:start] + current[start + size:]
            if fails(candidate):
                current, parts = candidate, max(parts - 1, 2)
                break
        else:
            if parts >= len(current):
                break
            parts = min(parts * 2, len(current))
    return current


def shrink(item: Input, signature: Callable[[Input], str | None], budget: int = 300,
           seconds: float = 300.0) -> Input:
    """The smallest variant of ``item`` found, within ``budget`` oracle runs and about
    ``seconds``, whose ``signature`` equals ``item``'s (``signature`` returns None for an
    input that passes)."""
    target = signature(item)
    spent = 0
    deadline = time.monotonic() + seconds

    def same(candidate: Input) -> bool:
        nonlocal spent
        if spent >= budget or time.monotonic() > deadline:
            raise _Budget()
        spent += 1
        return signature(candidate) == target

    best = item
    try:
        names = ddmin(sorted(best.files), lambda keep: bool(keep) and same(
            replace(best, files={name: best.files[name] for name in keep})))
        best = replace(best, files={name: best.files[name] for name in names})
        for name in sorted(best.files):
            for split, join in ((lambda b: b.splitlines(keepends=True), b"".join),
                                (lambda b: [b[k:k + 1] for k in range(len(b))], b"".join)):
                units = split(best.files[name])
                if len(units) > 20000:
                    continue
                kept = ddmin(units, lambda keep, name=name, join=join, now=best: same(
                    replace(now, files={**now.files, name: join(keep)})))
                best = replace(best, files={**best.files, name: join(kept)})
        if best.argv != ("check",) and same(replace(best, argv=("check",))):
            best = replace(best, argv=("check",))
    except _Budget:
        pass
    return best
