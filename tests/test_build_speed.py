"""What the model build does to stay fast at scale gives what the plain algorithms give:
did-you-mean hints of a large kind, fresh or sharing the index of an org that lost ids, the
grouping of a small kind, and references resolved through a table of ids once a kind is asked
for often."""

from __future__ import annotations

import dataclasses
import difflib
import functools
import random

import pytest

from orglint.load.documents import load_text
from orglint.model import build as build_module
from orglint.model import build_org
from orglint.model.suggest import COUNTED, EXACT_LIMIT, SuggestionIndex

LETTERS = "ab-1"


@functools.cache
def _keys(text: str) -> frozenset[str]:
    return frozenset((text, *(text[:place] + text[place + 1:] for place in range(len(text)))))


def single_edit(word: str, ident: str) -> bool:
    """Whether ``ident`` is ``word`` with one letter changed, deleted, added or swapped with
    its neighbour (or the same), by trying each."""
    if len(word) == len(ident):
        swaps = {word[:at] + word[at + 1] + word[at] + word[at + 2:] for at in range(len(word) - 1)}
        return sum(a != b for a, b in zip(word, ident, strict=True)) <= 1 or ident in swaps
    short, long = sorted((word, ident), key=len)
    return len(long) == len(short) + 1 and short in _keys(long)


def one_letter_off(word: str, ids: list[str], cutoff: float = 0.6) -> str | None:
    """The hint of a large kind, found by looking at every id: among the ids one letter off
    the word (the two share the word or the id with at most one letter deleted), the best by
    ``2 * shared letters / total letters``; ties to an id a single edit away, then to the
    larger id."""
    mine = _keys(word)
    best: tuple[float, bool, str] | None = None
    for ident in ids:
        shared = mine & _keys(ident)
        if not shared:
            continue
        score = 2.0 * max(map(len, shared)) / (len(word) + len(ident))
        ranked = (score, single_edit(word, ident), ident)
        if score >= cutoff and (best is None or ranked > best):
            best = ranked
    return best[2] if best is not None else None


def _ids(count: int, seed: int) -> list[str]:
    """Short ids of few letters: many share a key, many are anagrams of each other."""
    rng = random.Random(seed)
    ids = sorted({"".join(rng.choice(LETTERS) for _ in range(rng.randint(1, 9)))
                  for _ in range(count)})
    rng.shuffle(ids)
    return ids


def _near_misses(ids: list[str], count: int, seed: int) -> list[str]:
    """Ids with a letter changed, missing, added or moved; and a few words far from all."""
    rng = random.Random(seed)
    words = ["", "z", "ab-1ab-1ab-1", "x" * 40]
    for _ in range(count):
        word = rng.choice(ids)
        place = rng.randrange(len(word) + 1)
        how = rng.randrange(4)
        if how == 0:
            word = word[:place] + rng.choice(LETTERS + "z") + word[place + 1:]
        elif how == 1:
            word = word[:place] + word[place + 1:]
        elif how == 2:
            word = word[:place] + rng.choice(LETTERS + "z") + word[place:]
        elif place + 1 < len(word):
            word = word[:place] + word[place + 1] + word[place] + word[place + 2:]
        words.append(word)
    return words


@pytest.fixture(scope="module")
def large() -> list[str]:
    ids = _ids(1500, seed=5)
    assert len({"".join(sorted(ident)) for ident in ids}) > COUNTED
    return ids


def test_a_large_kind_names_the_best_id_one_letter_off(large):
    index = SuggestionIndex(large)
    assert not index.exact and index.groups == []
    # counting spellings stops past the limit: only whether there are more matters
    assert EXACT_LIMIT < index.spellings <= COUNTED + 1
    words = _near_misses(large, 300, seed=6)
    assert [index.closest(word) for word in words] == [
        one_letter_off(word, large) for word in words]


@pytest.mark.parametrize("gone", [1, 7, COUNTED - EXACT_LIMIT - 1, COUNTED])
def test_an_index_shared_after_ids_are_gone_answers_as_one_built_anew(large, gone):
    index = SuggestionIndex(large)
    index.closest("ab")  # its index of deletes is built, to be shared
    rng = random.Random(gone)
    removed = set(rng.sample(large, gone))
    fewer = [ident for ident in large if ident not in removed]
    shared = SuggestionIndex(fewer, like=index)
    # shared while the ids left surely hold more than EXACT_LIMIT spellings
    assert (shared._index is index._index) == (gone < COUNTED - EXACT_LIMIT)
    # near misses of the ids that are gone too
    words = _near_misses(large, 150, seed=gone)
    expected = [one_letter_off(word, fewer) for word in words]
    assert [shared.closest(word) for word in words] == expected
    assert [SuggestionIndex(fewer).closest(word) for word in words] == expected
    # an org rebuilt from a rebuilt one: the ids gone before stay gone
    again = [ident for ident in fewer if ident != fewer[0]]
    twice = SuggestionIndex(again, like=shared)
    assert [twice.closest(word) for word in words] == [
        one_letter_off(word, again) for word in words]


def _spellings(count: int) -> list[str]:
    """Ids of ``count`` distinct spellings, the first of them also written backwards."""
    ids = [f"team-{'x' * number}" for number in range(count)]
    return [*ids, ids[1][::-1]]


def test_a_kind_of_at_most_the_limit_of_spellings_is_grouped_in_full():
    ids = _spellings(EXACT_LIMIT)
    index = SuggestionIndex(ids)
    assert index.exact and index.spellings == EXACT_LIMIT
    grouped = {}
    for ident in ids:
        grouped.setdefault("".join(sorted(ident)), []).append(ident)
    assert index.groups == list(grouped.values())
    assert index.lengths == [len(spelling) for spelling in grouped]
    words = ["taem-x", "team-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "x-maet", "nothing"]
    assert [index.closest(word) for word in words] == [
        (difflib.get_close_matches(word, ids, n=1) or [None])[0] for word in words]
    assert not SuggestionIndex(_spellings(EXACT_LIMIT + 1)).exact


def test_a_large_kind_that_loses_ids_down_to_the_limit_is_searched_in_full():
    ids = _spellings(EXACT_LIMIT + 5)
    index = SuggestionIndex(ids)
    assert not index.exact
    index.closest("team-x")
    fewer = ids[:EXACT_LIMIT - 5]
    shared = SuggestionIndex(fewer, like=index)
    assert shared.exact and shared._index is None
    words = ["taem-x", "team-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
             "tem-xx", "team"]
    assert [shared.closest(word) for word in words] == [
        SuggestionIndex(fewer).closest(word) for word in words]


# -- references resolved through a table of ids ---------------------------------------------


def _org_text() -> str:
    """People and teams enough for each kind to be asked for past a quarter of its ids, an id
    that is a person and a team, and references that are unknown, prefixed or in lists."""
    people = "".join(f"  p{number:03d}: {{name: P{number}, reports_to: p{number // 2:03d}}}\n"
                     for number in range(1, 300))
    teams = "".join(f"  t{number:02d}: {{lead: p{number:03d}, members: [p{number + 1:03d}, "
                    f"p{number + 2:03d}, ops, p9{number}], parent: t{number // 2:02d}}}\n"
                    for number in range(1, 60))
    handoffs = "".join(f"  h{number}: {{from: t{number:02d}, to: t{number + 1:02d}, owner: "
                       f"{owner}, backup_owner: p{number:03d}}}\n"
                       for number, owner in enumerate(
                           ["ops", "team:ops", "person:ops", "t03", "p004", "t5x", "p00x"] * 20,
                           start=1))
    metrics = "".join(f"  m{number}: {{owner: ops, rewards: [t{number:02d}, ops, p{number:03d}],"
                      f" downstream: [t{number:02d}, handoff:h{number}, h{number}, j1, jx]}}\n"
                      for number in range(1, 50))
    return (f"people:\n  p000: {{name: Root}}\n  ops: {{name: Ops Person}}\n{people}"
            f"teams:\n  t00: {{lead: p000}}\n  ops: {{lead: p001}}\n{teams}"
            f"journeys:\n  j1: {{owner: ops, path: [t01, t02, ops]}}\n"
            f"handoffs:\n{handoffs}metrics:\n{metrics}")


def _entities(org):
    """Every entity as its fields (src aside), with the dangling and invalid fields and the
    slots kept."""
    return [(entity.kind, entity.id, repr([(spec.name, getattr(entity, spec.name))
                                           for spec in dataclasses.fields(entity)
                                           if spec.name not in ("src", "fields")]),
             sorted(entity.fields.dangling or ()), sorted(entity.fields.invalid or ()),
             repr(entity.fields.slots))
            for entity in org.entities()]


def test_references_resolve_the_same_with_or_without_a_table_of_ids(monkeypatch):
    documents = load_text(_org_text(), "org.yaml").documents
    monkeypatch.setattr(build_module, "AMONG_AFTER", 10 ** 9)  # resolved one by one
    alone = build_org(documents)
    monkeypatch.setattr(build_module, "AMONG_AFTER", 0)  # a table once a quarter is asked
    tables = []
    ids = build_module._Builder._ids

    def spy(builder, kinds):
        found = ids(builder, kinds)
        if found:
            tables.append(kinds)
        return found

    monkeypatch.setattr(build_module._Builder, "_ids", spy)
    tabled = build_org(documents)
    assert {("person",), ("person", "team"), ("team", "person"),
            ("team", "journey", "handoff")} <= set(tables)
    assert {kind: [hit.message for hit in hits] for kind, hits in tabled.problems.items()} == {
        kind: [hit.message for hit in hits] for kind, hits in alone.problems.items()}
    assert any("'ops' is ambiguous" in hit.message
               for hit in tabled.problems["unknown-reference"])
    assert _entities(tabled) == _entities(alone)
    # one Ref per entity, shared by every reference to it
    for org in (alone, tabled):
        people, teams = org.people, org.teams
        assert people["p020"].reports_to is people["p021"].reports_to is teams["t10"].leads[0] \
            is teams["t09"].members[0]


def test_an_index_made_for_the_words_expected_answers_as_the_whole_index(large):
    """expect() indexes only the keys of the words it is told of: their answers, and those
    of words asked later without being expected (which make the whole index), are the ones
    the whole index gives."""
    words = _near_misses(large, 300, seed=8)
    whole = SuggestionIndex(large)
    expected = [whole.closest(word) for word in words]
    assert expected == [one_letter_off(word, large) for word in words]
    partial = SuggestionIndex(large)
    partial.expect(words[:200])
    assert partial._index is None
    assert set(partial._partial) <= {key for word in words[:200] for key in _keys(word)}
    assert [partial.closest(word) for word in words[:200]] == expected[:200]
    assert partial._index is None  # every word asked was expected
    assert [partial.closest(word) for word in words[200:]] == expected[200:]
    assert partial._index is not None  # a word not expected: the whole index was made
    # an index shared by an org rebuilt after ids are gone is the whole one only
    fewer = large[5:]
    again = SuggestionIndex(fewer, like=partial)
    again.expect(words)
    assert [again.closest(word) for word in words] == [
        one_letter_off(word, fewer) for word in words]


def test_the_hints_of_an_org_are_found_in_one_pass_for_the_words_asked():
    people = "".join(f"  person-{number:05d}: {{name: P{number}}}\n" for number in range(300))
    text = (f"people:\n{people}teams:\n  sales: {{name: Sales  Team, lead: person-0012x, "
            "members: [p7, persn-00200, ' P7 ']}\n  support: {lead: person-00001, parent: sales team}\n")
    org = build_org(load_text(text, "org.yaml").documents)
    hints = [hit.message for hit in org.unknown_references()]
    assert hints == [
        "team 'sales' field 'lead' names unknown person 'person-0012x'; did you mean "
        "'person-00129'?",
        "team 'sales' field 'members[0]' names unknown person 'p7'; that is the name of "
        "person 'person-00007': write its id",
        "team 'sales' field 'members[1]' names unknown person 'persn-00200'; did you mean "
        "'person-00200'?",
        "team 'sales' field 'members[2]' names unknown person ' P7 '; that is the name of "
        "person 'person-00007': write its id",
        "team 'support' field 'parent' names unknown team 'sales team'; that is the name of "
        "team 'sales': write its id"]
    index = org.suggestions[("person",)]
    assert index._index is None and set(index._partial)  # the words' keys only
    assert [org.hint(kinds, value) for kinds, value in (
        (("person",), "person-0012x"), (("person",), "P7"), (("team",), "sales team"))] == [
        "; did you mean 'person-00129'?", "; that is the name of person 'person-00007': write "
        "its id", "; that is the name of team 'sales': write its id"]
