"""A file of plain data is read from libyaml's composed nodes (``documents._compose``), the
rest from events (``documents._build``): both give the same documents, position indexes,
written texts and problems, for every file of the examples and the rule cases, for
1,200 mutations of them, and for each construct only the event builder reads."""

from __future__ import annotations

import random
from contextlib import contextmanager
from typing import Any

import pytest
from fuzz import mutate
from fuzz.corpus import CONFIG, all_seeds

from orglint.load import documents
from orglint.load.documents import LoadedFile, load_bytes, load_text


@contextmanager
def events_only():
    """Every file built from events, as before the composed path."""
    real = documents._compose

    def unusual(display: str, text: str, indexed: bool) -> LoadedFile:
        raise documents._Unusual

    documents._compose = unusual  # type: ignore[assignment]
    try:
        yield
    finally:
        documents._compose = real  # type: ignore[assignment]


def _shape(loaded: LoadedFile) -> Any:
    docs = [(d.path, d.index, d.data, d.keys, d.values, d.written) for d in loaded.documents]
    return docs, loaded.problems, loaded.directives, loaded.indexed


def _both(raw: bytes, indexed: bool) -> tuple[Any, Any]:
    composed = _shape(load_bytes(raw, "org.yaml", indexed))
    with events_only():
        built = _shape(load_bytes(raw, "org.yaml", indexed))
    return composed, built


def _seed_files() -> list[tuple[str, bytes]]:
    seen: dict[bytes, str] = {}
    for item in all_seeds():
        for name, raw in item.files.items():
            if name.endswith((".yaml", ".yml")) and name != CONFIG:
                seen.setdefault(raw, f"{item.origin}/{name}")
    return sorted((name, raw) for raw, name in seen.items())


SEEDS = _seed_files()


def test_this_libyaml_bounds_nesting_so_the_composed_path_runs():
    assert documents._composer() is not None


@pytest.mark.parametrize("indexed", [True, False])
def test_every_seed_file_reads_the_same_both_ways(indexed):
    composed = 0
    for name, raw in SEEDS:
        got, want = _both(raw, indexed)
        assert got == want, name
        try:
            documents._compose(name, raw.decode("utf-8-sig"), indexed)
            composed += 1
        except documents._Unusual:
            pass
    assert len(SEEDS) > 200
    assert composed >= len(SEEDS) * 0.9  # the composed path is the common one


# every mutator of the fuzz campaign that edits one file's bytes but long_run, whose long
# lines only slow the comparison down (a file over COMPOSE_CHARS is built from events anyway)
MUTATORS = (mutate.byte_flip, mutate.huge_number, mutate.odd_text, mutate.tag,
            mutate.anchor_alias, mutate.comment_directive, mutate.directive_header,
            mutate.deep_nesting, mutate.duplicate, mutate.reference_typo,
            mutate.multi_document, mutate.line_ending, mutate.data_mutation)


@pytest.mark.parametrize("seed", range(4))
def test_mutated_files_read_the_same_both_ways(seed):
    rng = random.Random(seed)
    for _ in range(300):
        name, raw = rng.choice(SEEDS)
        steps = []
        for _ in range(rng.choice([1, 1, 2, 3])):
            mutator = rng.choice(MUTATORS)
            try:
                raw = mutator(rng, raw)
            except (RecursionError, TypeError, ValueError, KeyError, IndexError):
                mutator = mutate.byte_flip  # a tree a data mutator cannot walk
                raw = mutator(rng, raw)
            steps.append(mutator.__name__)
        for indexed in (True, False):
            got, want = _both(raw, indexed)
            assert got == want, (name, steps, indexed)


UNUSUAL = {
    "anchor and alias": "base: &b {x: 1}\nother: *b\n",
    "anchor and alias in flow": "a: [&x 1, *x]\n",
    "unknown alias": "a: *nothing\n",
    "explicit string tag": "a: !!str 1984\n",
    "explicit int tag": "a: !!int x\n",
    "custom tag": "a: !custom x\n",
    "map tag": "a: !!map {b: 1}\n",
    "seq tag on root": "--- !!seq\n- 1\n",
    "tag directive": "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
    "merge key": "d: {x: 1}\ne:\n  <<: {x: 2, y: 3}\n  y: 4\n",
    "quoted merge key": "'<<': 1\n",
    "duplicate key": "a: 1\nb: 2\na: 3\n",
    "collection as key": "? [a, b]\n: 1\n",
    "nesting past the limit": "a: " + "[" * 65 + "]" * 65 + "\n",
    "nesting just within libyaml's bound": "a: " + "[" * 999 + "]" * 999 + "\n",
    "nesting past libyaml's bound": "a: " + "[" * 5000 + "]" * 5000 + "\n",
    "block nesting past the limit": "".join(" " * i + f"k{i}:\n" for i in range(80)) + " " * 80 + "x\n",
    "invalid yaml": "a: [1, 2\nb: 3\n",
    "tab indentation": "a:\n\tb: 1\n",
}


@pytest.mark.parametrize("text", UNUSUAL.values(), ids=UNUSUAL.keys())
@pytest.mark.parametrize("indexed", [True, False])
def test_what_only_events_read_is_built_from_events(text, indexed):
    with pytest.raises(documents._Unusual):
        documents._compose("org.yaml", text, indexed)
    got, want = _both(text.encode(), indexed)
    assert got == want


def test_a_large_file_is_built_from_events():
    text = "teams:\n" + "".join(f"  t{i}: {{name: T{i}}}\n" for i in range(60_000))
    assert len(text) > documents.COMPOSE_CHARS
    with pytest.raises(documents._Unusual):
        documents._compose("org.yaml", text, True)


def test_a_plain_file_never_reaches_the_event_builder(monkeypatch):
    def refuse(*args: Any) -> None:
        raise AssertionError("built from events")

    monkeypatch.setattr(documents, "_build", refuse)
    text = ("a: 1\nb: [x, 2026-07-31, '7', ~]\nc:\n  d: |\n    text\n  e: -.inf\n"
            "---\nplain\n---\n")
    loaded = load_text(text, "org.yaml")
    first, second, third = loaded.documents
    assert first.data == {"a": 1, "b": ["x", documents.iso_date("2026-07-31"), "7", None],
                          "c": {"d": "text\n", "e": float("-inf")}}
    assert first.keys == {("a",): (1, 1), ("b",): (2, 1), ("c",): (3, 1), ("c", "d"): (4, 3),
                          ("c", "e"): (6, 3)}
    assert first.values == {(): (1, 1), ("a",): (1, 4), ("b",): (2, 4), ("b", 0): (2, 5),
                            ("b", 1): (2, 8), ("b", 2): (2, 20), ("b", 3): (2, 25),
                            ("c",): (4, 3), ("c", "d"): (4, 6), ("c", "e"): (6, 6)}
    assert first.written == {("a",): "1", ("b", 1): "2026-07-31", ("c", "e"): "-.inf"}
    assert (second.data, second.values, second.index) == ("plain", {(): (8, 1)}, 1)
    assert (third.data, third.values, third.index) == (None, {(): (10, 1)}, 2)
    assert loaded.problems == []


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: &y [1, {c: &z 2}]\n",  # anchors without an alias change nothing
    "team: {name: R&D, description: Sales & Marketing}\n",
    "a: '*not an alias'\nb: 2 * 3\n",
])
@pytest.mark.parametrize("indexed", [True, False])
def test_an_anchor_or_a_star_alone_is_composed(text, indexed):
    composed = documents._compose("org.yaml", text, indexed)
    got, want = _both(text.encode(), indexed)
    assert got == want
    assert _shape(composed)[:3] == got[:3]  # load_text marks a file read without its index
