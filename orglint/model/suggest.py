"""Did-you-mean hints for unknown references, fast on orgs with thousands of ids."""

from __future__ import annotations

import difflib


def _letters(word: str) -> frozenset[tuple[str, int]]:
    """A word's letters as a set that counts repeats: its intersection with another word's
    is the multiset intersection that difflib's ``quick_ratio`` counts."""
    seen: dict[str, int] = {}
    out = []
    for char in word:
        seen[char] = seen.get(char, 0) + 1
        out.append((char, seen[char]))
    return frozenset(out)


class SuggestionIndex:
    """``difflib.get_close_matches(word, candidates, n=1, cutoff)`` with the same answer, fast
    on thousands of ids: difflib's upper bounds prune every candidate that cannot beat the best
    match found so far, and candidates with the same letters share one bound."""

    def __init__(self, candidates: list[str], cutoff: float = 0.6) -> None:
        self.cutoff = cutoff
        groups: dict[str, list[str]] = {}
        for candidate in candidates:
            groups.setdefault("".join(sorted(candidate)), []).append(candidate)
        self.groups = list(groups.values())
        self.lengths = [len(spelling) for spelling in groups]
        self.letters = [_letters(spelling) for spelling in groups]

    def closest(self, word: str) -> str | None:
        """The candidate most like ``word`` with a ratio of at least the cutoff (ties: the
        larger string), or None."""
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(word)
        size = len(word)
        cutoff = self.cutoff
        # difflib's quick_ratio for every group at once: it bounds the ratio from above
        shared = map(len, map(_letters(word).__and__, self.letters))
        bounded = []
        for common, length, ids in zip(shared, self.lengths, self.groups, strict=True):
            total = length + size
            bound = 2.0 * common / total if total else 1.0
            if bound >= cutoff:
                bounded.append((bound, ids))
        bounded.sort(key=lambda item: -item[0])  # most promising first: the rest is pruned
        best: tuple[float, str] | None = None
        for bound, ids in bounded:
            if best is not None and bound < best[0]:
                break
            for candidate in ids:
                matcher.set_seq1(candidate)
                score = matcher.ratio()
                if score >= cutoff and (best is None or (score, candidate) > best):
                    best = (score, candidate)
        return best[1] if best is not None else None
