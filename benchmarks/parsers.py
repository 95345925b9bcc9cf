"""The parse, part by part, next to the libyaml floor and to rapidyaml when it is installed.

    python benchmarks/parsers.py                  # the 10,000-person org (2,001 files)
    python benchmarks/parsers.py --people 100000 --repeat 1
    pip install rapidyaml && python benchmarks/parsers.py

All in this one process, garbage collector off (as orglint runs), the fastest of --repeat
passes over the files, already read into memory. It prints seconds and the ratio to the floor:

- libyaml compose (floor): PyYAML's libyaml loader composing nodes, what benchmarks/run.py
  calls the floor;
- libyaml events only: the event stream the event builder reads, each event taken and
  dropped;
- libyaml compose, no resolver: the composer orglint runs on files of plain data, whose
  resolver only marks how each scalar was written (PyYAML's resolves each by regular
  expressions, in Python: most of the floor);
- orglint parse, indexed: ``load_bytes``, values and the place of every key and value;
- orglint parse from events, indexed: the same from the event builder alone, as files with
  anchors, tags or merge keys are read;
- orglint parse, not indexed: values only, as a parse worker reads (places are found again
  from the bytes for the documents a run reports on);
- schema check: orglint's schema validation of every document (part of the parse's work);
- with rapidyaml (``ryml``): its parse alone; its parse and a walk of its tree from Python
  into plain values (what orglint would have to do to use it); and its parse with its own
  JSON emitter read back by ``json.loads``.

Then what rapidyaml's JSON says of scalars orglint resolves (YAML 1.2's core schema: ``~`` is
null, ``0x1F`` is 31, ``.inf`` is infinity, ``*a`` is the anchored value; and dates): each
difference is a value orglint would read wrongly through that route.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

# YAML whose value under key "v" orglint resolves (YAML 1.2's core schema, and dates)
CORE_SCALARS = ["v: ~\n", "v: 0x1F\n", "v: .inf\n", "v: 0o17\n", "a: &a {x: 1}\nv: *a\n",
                "v: 'quoted'\n", "v: 2026-07-31\n"]


def best(passes: int, files: list[bytes], parse: Callable[[bytes], Any]) -> float:
    fastest = float("inf")
    for _ in range(passes):
        start = time.perf_counter()
        for raw in files:
            parse(raw)
        fastest = min(fastest, time.perf_counter() - start)
    return fastest


def compose_marks(composer: Any, raw: bytes) -> list[Any]:
    """Every document's nodes, composed with orglint's marking resolver."""
    parser = composer(raw.decode())
    nodes = []
    while parser.check_node():
        nodes.append(parser.get_node())
    return nodes


def ryml_value(tree: Any, node: int) -> Any:
    """rapidyaml's tree below ``node`` as plain values, walked through its Python binding."""
    import ryml

    if tree.is_map(node):
        mapping = {}
        child = tree.first_child(node)
        while child != ryml.NONE:
            mapping[bytes(tree.key(child)).decode()] = ryml_value(tree, child)
            child = tree.next_sibling(child)
        return mapping
    if tree.is_seq(node):
        items = []
        child = tree.first_child(node)
        while child != ryml.NONE:
            items.append(ryml_value(tree, child))
            child = tree.next_sibling(child)
        return items
    return bytes(tree.val(node)).decode()


def ryml_walk(raw: bytes) -> Any:
    import ryml

    tree = ryml.parse_in_arena(raw)
    return ryml_value(tree, tree.root_id())


def ryml_json(raw: bytes) -> Any:
    import ryml

    tree = ryml.parse_in_arena(raw)
    return json.loads(ryml.emit_json_malloc(tree, tree.root_id()))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import yaml
    from run import generate
    from yaml._yaml import CParser

    from orglint.load import documents as builders
    from orglint.load.documents import load_bytes
    from orglint.schema.org import validate

    folder = generate(args.people, "per-team")
    files = [path.read_bytes() for path in sorted(folder.rglob("*.yaml"))]
    documents = [doc for raw in files for doc in load_bytes(raw, "org.yaml").documents]
    gc.disable()
    rows: list[tuple[str, float]] = [
        ("libyaml compose (floor)",
         best(args.repeat, files, lambda raw: yaml.compose(raw, Loader=yaml.CSafeLoader))),
        ("libyaml events only",
         best(args.repeat, files, lambda raw: list(iter(CParser(raw.decode()).get_event, None)))),
        ("libyaml compose, no resolver",
         best(args.repeat, files, lambda raw: compose_marks(builders._composer(), raw))),
        ("orglint parse, indexed", best(args.repeat, files, lambda raw: load_bytes(raw, "o"))),
        ("orglint parse from events, indexed",
         best(args.repeat, files, lambda raw: builders._build(
             "o", builders._libyaml_events(raw.decode()), True))),
        ("orglint parse, not indexed",
         best(args.repeat, files, lambda raw: load_bytes(raw, "o", indexed=False))),
    ]
    start = time.perf_counter()
    for doc in documents:
        validate(doc)
    rows.append(("schema check", time.perf_counter() - start))
    try:
        import ryml
    except ImportError:
        ryml = None
    if ryml is not None:
        rows += [
            ("rapidyaml parse only", best(args.repeat, files, ryml.parse_in_arena)),
            ("rapidyaml parse + Python walk", best(args.repeat, files, ryml_walk)),
            ("rapidyaml parse + JSON emit + json.loads", best(args.repeat, files, ryml_json)),
        ]
    floor = rows[0][1]
    lines = sum(raw.count(b"\n") for raw in files)
    print(f"{args.people:,} people: {len(files):,} files, {lines:,} lines; "
          f"fastest of {args.repeat}")
    print(f"  {'':42s} {'seconds':>8s} {'x floor':>8s}")
    for name, seconds in rows:
        print(f"  {name:42s} {seconds:8.3f} {seconds / floor:8.2f}")
    if ryml is None:
        print("rapidyaml is not installed (pip install rapidyaml): its rows are left out")
        return 0
    print("\nrapidyaml's JSON against what orglint reads:")
    for text in CORE_SCALARS:
        expected = load_bytes(text.encode(), "o").documents[0].data["v"]
        got = ryml_json(text.encode())["v"]
        verdict = "same" if got == expected else "DIFFERS"
        print(f"  {text.strip().replace(chr(10), '; '):28s} orglint: {expected!r:28s} "
              f"rapidyaml: {got!r:22s} {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
