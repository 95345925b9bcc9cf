"""Did-you-mean hints for unknown references, in time linear in the number of references.

A small kind (at most ``EXACT_LIMIT`` distinct spellings) is searched in full, as
``difflib.get_close_matches(word, ids, n=1)`` would, comparing at most ``MAX_COMPARED`` ids
with difflib. A larger one is searched through an index of its ids with one letter deleted (a
symmetric-delete index): a hint there names an id one letter off (a letter missing, extra,
changed or moved), scored as difflib scores it, ``2 * shared letters / total letters``. Either
way a hint costs a bounded amount of work whatever the number of ids, and each distinct word
is looked up once. Between ids of the same score, one a single edit away wins (``anx``: ``ana``
before ``dan``), then the larger string, as difflib.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

# kinds with at most this many distinct spellings are searched in full
EXACT_LIMIT = 100
# the spellings of a kind are counted up to one more than this: past EXACT_LIMIT the count
# only tells whether an index shared after some ids are gone still holds a large kind
# (rebuild_org), which does not pay for sorting the letters of every id
COUNTED = 2 * EXACT_LIMIT
# at most this many candidates of a small kind are compared with difflib for one word
MAX_COMPARED = 16


def _letters(word: str) -> frozenset[tuple[str, int]]:
    """A word's letters as a set that counts repeats: its intersection with another word's
    is the multiset intersection that difflib's ``quick_ratio`` counts."""
    seen: dict[str, int] = {}
    out = []
    for char in word:
        seen[char] = seen.get(char, 0) + 1
        out.append((char, seen[char]))
    return frozenset(out)


def one_edit(word: str, other: str) -> bool:
    """Whether ``other`` is ``word`` with at most one letter missing, extra, changed, or
    swapped with its neighbour."""
    if word == other:
        return True
    if len(word) == len(other):
        diff = [index for index, (a, b) in enumerate(zip(word, other, strict=True)) if a != b]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and word[diff[0]] == other[diff[1]]
                                  and word[diff[1]] == other[diff[0]])
    short, long = (word, other) if len(word) < len(other) else (other, word)
    if len(long) - len(short) != 1:
        return False
    start = 0
    while start < len(short) and short[start] == long[start]:
        start += 1
    return short[start:] == long[start + 1:]


Ranked = tuple[float, bool, str]  # (score, a single edit away, candidate): the larger wins


def _ranked(best: Ranked | None, word: str, candidate: str, score: float) -> Ranked:
    """The better of ``best`` and ``candidate`` at ``score``: the higher score, then one a
    single edit from ``word``, then the larger string (the edit is checked only where the
    score does not lose)."""
    if best is not None and score < best[0]:
        return best
    ranked = (score, one_edit(word, candidate), candidate)
    return ranked if best is None or ranked > best else best


def _deletes(word: str) -> list[str]:
    """The word itself and each way of deleting one letter from it."""
    return [word, *(word[:index] + word[index + 1:] for index in range(len(word)))]


class SuggestionIndex:
    """The closest of ``candidates`` to a word by difflib's ratio, at least ``cutoff``.

    ``work`` counts the candidates whose bound or ratio was computed and the index keys looked
    up or stored: a measure of cost that does not depend on the machine.
    """

    def __init__(self, candidates: list[str], cutoff: float = 0.6,
                 like: SuggestionIndex | None = None) -> None:
        """``like``: an index of a superset of ``candidates`` whose index of deletes this one
        may share (a large kind whose org lost a few ids), answering as if built anew.

        ``spellings`` is the number of distinct spellings (letters in any order) of the
        candidates; for a large kind, a lower bound of it above ``EXACT_LIMIT``. ``groups``
        holds the candidates of each spelling of a small kind ([] for a large one)."""
        self.cutoff = cutoff
        self.work = 0
        self.spellings: int
        self.exact: bool
        self.candidates = list(dict.fromkeys(candidates))
        self.longest = max(map(len, self.candidates), default=0)
        self._index: dict[str, str | list[str]] | None = None
        # the index for the keys of the words expected only (expect), and those keys
        self._partial: dict[str, str | list[str]] = {}
        self._covered: frozenset[str] = frozenset()
        self._skip: frozenset[str] = frozenset()  # in the shared index, but not candidates
        self._answers: dict[str, str | None] = {}
        self.groups: list[list[str]] = []
        self.lengths: list[int] = []
        self.letters: list[frozenset[tuple[str, int]]] = []
        if like is not None and like._index is not None and not like.exact:
            mine = set(self.candidates)
            gone = set(like.candidates) - mine
            # each id gone takes at most one spelling with it: still a large kind when
            # more than EXACT_LIMIT remain, searched through the same index without them
            if like.spellings - len(gone) > EXACT_LIMIT and len(mine) + len(gone) == len(
                    like.candidates):
                self.spellings = like.spellings - len(gone)
                self.exact = False
                self._index = like._index
                self._skip = frozenset(gone) | like._skip
                return
        groups: dict[str, list[str]] = {}
        for candidate in candidates:
            groups.setdefault("".join(sorted(candidate)), []).append(candidate)
            if len(groups) > COUNTED:
                break  # a large kind: searched through its index, never by group
        self.spellings = len(groups)
        self.exact = self.spellings <= EXACT_LIMIT
        if self.exact:
            self.groups = list(groups.values())
            self.lengths = [len(spelling) for spelling in groups]
            self.letters = [_letters(spelling) for spelling in groups]

    def expect(self, words: Iterable[str]) -> None:
        """Say which words ``closest`` is about to be asked: a large kind then indexes only
        the keys those words have, in one pass over the candidates (a third of the time of
        the whole index at 100,000 ids). A word asked that was not expected makes the whole
        index. The answers are the same either way."""
        if self.exact or self._index is not None:
            return
        wanted = frozenset(key for word in words if len(word) <= self.longest + 1
                           and word not in self._answers for key in _deletes(word))
        if wanted and not wanted <= self._covered:
            self._partial = self._build(wanted)
            self._covered = wanted

    def closest(self, word: str, besides: str | None = None) -> str | None:
        """The candidate most like ``word`` with a ratio of at least the cutoff (ties: one a
        single edit away, then the larger string), or None; never ``besides`` (the entity
        whose field names ``word``: it cannot mean itself). In a large kind, only candidates
        one edit away count."""
        if word in self._answers:
            answer = self._answers[word]
        else:
            answer = self._answers[word] = (self._search(word) if self.exact
                                            else self._near(word))
        if answer is None or answer != besides:
            return answer
        return self._search(word, besides) if self.exact else self._near(word, besides)

    def _search(self, word: str, besides: str | None = None) -> str | None:
        """``difflib.get_close_matches(word, candidates, n=1, cutoff)``: difflib's upper bounds
        prune every candidate that cannot beat the best match found so far, and candidates
        with the same letters share one bound."""
        size = len(word)
        cutoff = self.cutoff
        mine = _letters(word)
        bounded = []
        for letters, length, ids in zip(self.letters, self.lengths, self.groups, strict=True):
            total = length + size
            self.work += 1
            if total and 2.0 * min(length, size) / total < cutoff:
                continue  # difflib's real_quick_ratio: the lengths alone rule it out
            bound = 2.0 * len(mine & letters) / total if total else 1.0
            if bound >= cutoff:
                bounded.append((bound, ids))
        bounded.sort(key=lambda item: -item[0])  # most promising first: the rest is pruned
        return self._best(word, bounded, besides)

    def _near(self, word: str, besides: str | None = None) -> str | None:
        """The best of the candidates one letter off: those that share a key of the index
        with the word. Both reduce to the key by deleting at most one letter, so all the
        letters of the key are shared, in order, and the score is ``2 * len(key) / total``."""
        if len(word) > self.longest + 1:
            return None  # no candidate is one deletion away
        keys = _deletes(word)
        index = self._index
        if index is None:
            index = self._partial if self._covered.issuperset(keys) else self._build()
        best: Ranked | None = None
        size = len(word)
        for key in keys:
            self.work += 1
            found = index.get(key)
            if found is None:
                continue
            for candidate in (found,) if type(found) is str else found:
                self.work += 1
                if candidate in self._skip or candidate == besides:
                    continue
                score = 2.0 * len(key) / (size + len(candidate))
                if score >= self.cutoff:
                    best = _ranked(best, word, candidate, score)
        return best[2] if best is not None else None

    def _build(self, wanted: frozenset[str] | None = None) -> dict[str, str | list[str]]:
        """Each candidate under itself and under each of its one-letter deletions: one
        candidate as itself, several as a list (most keys have one: a list for each would
        be most of the index). With ``wanted``, the keys in it only, returned; else every
        key, kept as the index."""
        index: dict[str, str | list[str]] = {}
        setdefault = index.setdefault
        work = 0
        for candidate in self.candidates:
            size = len(candidate)
            work += size + 1
            for place in range(size + 1):
                key = candidate[:place] + candidate[place + 1:] if place < size else candidate
                if wanted is not None and key not in wanted:
                    continue
                found = setdefault(key, candidate)
                if found is candidate:
                    continue  # a new key, or this candidate's own again (a doubled letter)
                if isinstance(found, str):
                    index[key] = [found, candidate]
                elif found[-1] != candidate:  # a candidate's keys come together
                    found.append(candidate)
        self.work += work
        if wanted is None:
            self._index = index
        return index

    def _best(self, word: str, bounded: list[tuple[float, list[str]]],
              besides: str | None = None) -> str | None:
        """The best candidate by difflib's ratio among groups sorted by an upper bound of it,
        falling: groups that cannot beat the best so far are not compared, nor any past the
        first ``MAX_COMPARED`` candidates."""
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(word)
        best: Ranked | None = None
        compared = 0
        for bound, ids in bounded:
            if best is not None and bound < best[0]:
                break
            for candidate in ids:
                if candidate == besides:
                    continue
                if compared == MAX_COMPARED:
                    return best[2] if best is not None else None
                compared += 1
                self.work += 1
                matcher.set_seq1(candidate)
                score = matcher.ratio()
                if score >= self.cutoff:
                    best = _ranked(best, word, candidate, score)
        return best[2] if best is not None else None
