"""Structure-aware mutations of an input folder.

Each mutator takes a ``random.Random`` and one file's bytes and returns new bytes. Text
mutators work on lines and know YAML's shapes (``key: value``, list items, flow collections);
data mutators load the file with PyYAML, change the tree and dump it again (shared objects
become anchors and aliases, ``'<<'`` keys become merge keys). ``mutate`` picks a file of an
``Input`` and stacks one to three mutations on it, or changes the folder itself.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import yaml

from .corpus import CONFIG, Input

Mutator = Callable[[random.Random, bytes], bytes]

_KEY_VALUE = re.compile(
    rb"^(?P<indent>\s*(?:- )?)(?P<key>[^\s:#][^:#]*?):(?P<sep>[ \t]+)(?P<value>\S.*?)\s*$")
_REFERENCE = re.compile(rb"\b[a-z][a-z0-9-]{2,}\b")

HUGE = [
    b"9" * 4400,                      # past Python's int-to-string limit
    b"-" + b"1" * 5000,
    b"0x" + b"f" * 4000,              # huge hex
    b"0o" + b"7" * 5000,
    b"1e400", b"-1e400", b"1" + b"0" * 400 + b".5", b".inf", b"-.Inf", b".nan",
    b"1_000_000", b"0b" + b"1" * 20000, b"123456789012345678901234567890",
]
TEXTS = [
    b'"\\ud800"', b'"\\udfff x"', b'"a\\x00b"', b'"\\e[31mred\\e[0m"', b'"\\f\\v\\b"',
    b'"\\uFFFE"', b'"\\uFEFF"', b'"\\u202Eevil"', b'"sales\\n"', b'"sales "', b'" sales"',
    b'"\\t"', b'"\\r\\n"', b'"\\0"', b'"\\U0001F600"', "\u00e9quipe".encode(),
    "ﬁnance".encode(), "sale\u0301s".encode(), "ıd".encode(), "Ⅻ".encode(), "日本".encode(),
    "x\u200dy".encode(), b"\x1b[2J", b"a\x0cb", b"\xff\xfe", b"\xed\xa0\x80", b"\xc3",
    b"'it''s'", b"\"quote\\\"d\"", b"~", b"null", b"''", b'""', b"yes", b"no", b"on", b"off",
    b"2026-07-31", b"2026-02-30", b"1984", b"12:30:45", b"0o17", b"+.5", b"0.", b"!", b"&", b"*",
    b"@x", b"`x`", b"%x", b"|", b">", b"- x", b"? x", b"[", b"{", b"]", b"}", b"#x", b"a: b",
]
TAGS = [b"!!str ", b"!!int ", b"!!float ", b"!!bool ", b"!!null ", b"!!binary ", b"!!timestamp ",
        b"!!map ", b"!!seq ", b"!!set ", b"!!omap ", b"!!pairs ", b"!custom ", b"!<tag:x> ",
        b"!!python/object:os.system ", b"!!python/name:os.system ", b"! ", b"!e!x "]
DIRECTIVES = [b"%YAML 1.1\n---\n", b"%YAML 1.2\n---\n", b"%YAML 1.3\n---\n", b"%YAML 2.0\n---\n",
              b"%TAG !e! tag:example.com,2000:\n---\n", b"%FOO bar\n---\n", b"%YAML 1.2\n",
              b"\xef\xbb\xbf", b"---\n", b"--- |\n  text\n", b"...\n", b"--- !!str\n"]
WAIVER_COMMENTS = [b'# orglint: disable=BND001 reason="hiring"',
                   b"# orglint: disable=ORG006,ORG007",
                   b'# note  # orglint: disable=ORG006 reason="hiring"',
                   b"# orglint: disable=ALL", b"# orglint: disable=", b"# orglint: enable=BND001",
                   b'# orglint: disable=BND001 reason="' + b'"' * 200,
                   b"# orglint: disable-file=ORG002"]


def _lines(data: bytes) -> list[bytes]:
    return data.splitlines(keepends=True) or [b"\n"]


def _pick_key_value(rng: random.Random, lines: list[bytes]) -> tuple[int, re.Match[bytes]] | None:
    found = [(i, m) for i, line in enumerate(lines) if (m := _KEY_VALUE.match(line))]
    return rng.choice(found) if found else None


def _set_value(rng: random.Random, data: bytes, value: bytes) -> bytes:
    """``key: value`` with a random line's value replaced (or appended to the file)."""
    lines = _lines(data)
    picked = _pick_key_value(rng, lines)
    if picked is None:
        return data + b"\nx: " + value + b"\n"
    i, m = picked
    lines[i] = m.group("indent") + m.group("key") + b":" + m.group("sep") + value + b"\n"
    return b"".join(lines)


# --- byte and text mutators ------------------------------------------------------------------

def byte_flip(rng: random.Random, data: bytes) -> bytes:
    """Flip bits, overwrite, insert or delete a few bytes at random offsets."""
    buf = bytearray(data or b"\n")
    for _ in range(rng.randint(1, 4)):
        at = rng.randrange(len(buf) or 1)
        op = rng.randrange(4)
        if op == 0 and buf:
            buf[at] ^= 1 << rng.randrange(8)
        elif op == 1 and buf:
            buf[at] = rng.randrange(256)
        elif op == 2:
            buf[at:at] = bytes([rng.choice(b":-?[]{},#&*!|>'\"%@`\t\n \x00\x1b\x85\xa0\xff")])
        elif buf:
            del buf[at:at + rng.randint(1, 8)]
    return bytes(buf)


def huge_number(rng: random.Random, data: bytes) -> bytes:
    """A value (or, rarely, a key) becomes a huge or special number."""
    number = rng.choice(HUGE)
    if rng.random() < 0.2:
        lines = _lines(data)
        picked = _pick_key_value(rng, lines)
        if picked:
            i, m = picked
            lines[i] = m.group("indent") + number + b":" + m.group("sep") + m.group("value") + b"\n"
            return b"".join(lines)
    return _set_value(rng, data, number)


def odd_text(rng: random.Random, data: bytes) -> bytes:
    """A value becomes a surrogate, a control character, odd unicode or a YAML indicator."""
    text = rng.choice(TEXTS)
    if rng.random() < 0.3:  # inside an existing value
        lines = _lines(data)
        picked = _pick_key_value(rng, lines)
        if picked:
            i, m = picked
            value = m.group("value")
            at = rng.randrange(len(value) + 1)
            lines[i] = (m.group("indent") + m.group("key") + b":" + m.group("sep")
                        + value[:at] + text.strip(b'"') + value[at:] + b"\n")
            return b"".join(lines)
    return _set_value(rng, data, text)


def tag(rng: random.Random, data: bytes) -> bytes:
    """A tag before a value (``!!binary``, ``!!python/object``, a local tag ...)."""
    lines = _lines(data)
    picked = _pick_key_value(rng, lines)
    if picked is None:
        return rng.choice(TAGS) + data
    i, m = picked
    lines[i] = (m.group("indent") + m.group("key") + b":" + m.group("sep") + rng.choice(TAGS)
                + m.group("value") + b"\n")
    return b"".join(lines)


def anchor_alias(rng: random.Random, data: bytes) -> bytes:
    """Anchors and aliases in text: an anchored value used elsewhere, an undefined alias as
    a value or a key, an alias used as a key, an anchor on a key."""
    lines = _lines(data)
    found = [(i, m) for i, line in enumerate(lines) if (m := _KEY_VALUE.match(line))]
    if len(found) < 2:
        return data + b"\n*x : 1\n"
    (i, a), (j, b) = sorted(rng.sample(found, 2), key=lambda pair: pair[0])
    name = rng.choice([b"a", b"x1", b"\xc3\xa9", b"a" * 300])
    choice = rng.randrange(5)
    lines[i] = (a.group("indent") + a.group("key") + b":" + a.group("sep") + b"&" + name + b" "
                + a.group("value") + b"\n")
    if choice == 0:    # the later value is the earlier one
        lines[j] = b.group("indent") + b.group("key") + b":" + b.group("sep") + b"*" + name + b"\n"
    elif choice == 1:  # an alias as a key
        lines[j] = b.group("indent") + b"*" + name + b" :" + b.group("sep") + b.group("value") + b"\n"
    elif choice == 2:  # an undefined alias as a key or value
        lines[j] = b.group("indent") + rng.choice([b"*undefined : 1", b"k: *undefined"]) + b"\n"
    elif choice == 3:  # an alias before its anchor
        lines[i] = a.group("indent") + a.group("key") + b":" + a.group("sep") + b"*" + name + b"\n"
        lines[j] = (b.group("indent") + b.group("key") + b":" + b.group("sep") + b"&" + name + b" "
                    + b.group("value") + b"\n")
    else:              # an anchor on a key
        lines[j] = (b.group("indent") + b"&" + name + b" " + b.group("key") + b":" + b.group("sep")
                    + b.group("value") + b"\n")
    return b"".join(lines)


def comment_directive(rng: random.Random, data: bytes) -> bytes:
    """An ``# orglint:`` directive as a real comment, or as text inside a block, folded or
    multi-line quoted string (where it must not count)."""
    lines = _lines(data)
    directive = rng.choice(WAIVER_COMMENTS)
    picked = _pick_key_value(rng, lines)
    if picked is None:
        return data + b"\n" + directive + b"\n"
    i, m = picked
    indent = b" " * (len(m.group("indent")) + 2)
    head = m.group("indent") + m.group("key") + b":"
    kind = rng.randrange(5)
    if kind == 0:
        lines[i] = lines[i].rstrip(b"\n") + b"  " + directive + b"\n"
    elif kind == 1:
        lines[i] = head + b" |\n" + indent + b"text\n" + indent + directive + b"\n"
    elif kind == 2:
        lines[i] = head + b" >-\n" + indent + directive + b"\n"
    elif kind == 3:
        lines[i] = head + b' "first\n' + indent + directive.replace(b'"', b"'") + b'"\n'
    else:
        lines[i] = head + b" 'a # orglint: disable=" + m.group("value").replace(b"'", b"") + b"'\n"
    return b"".join(lines)


def directive_header(rng: random.Random, data: bytes) -> bytes:
    """A ``%YAML``/``%TAG`` directive, a BOM or document markers at the start or end."""
    header = rng.choice(DIRECTIVES)
    return header + data if rng.random() < 0.8 else data + b"\n" + header


def deep_nesting(rng: random.Random, data: bytes) -> bytes:
    """A value nested thousands deep (flow lists, flow maps, or block indentation)."""
    depth = rng.choice([100, 1000, 5000, 20000])
    kind = rng.randrange(3)
    if kind == 0:
        value = b"[" * depth + b"]" * depth
    elif kind == 1:
        value = b"{a: " * depth + b"1" + b"}" * depth
    else:
        depth = min(depth, 2000)
        value = b"\n" + b"".join(b" " * (k + 4) + b"k:\n" for k in range(depth)) + b" " * (depth + 4) + b"x"
    return _set_value(rng, data, value)


def duplicate(rng: random.Random, data: bytes) -> bytes:
    """A line (a key, an entity, a section header) repeated in place, or a whole file's
    top-level section repeated at the end."""
    lines = _lines(data)
    if rng.random() < 0.7:
        i = rng.randrange(len(lines))
        lines.insert(i, lines[i] if lines[i].endswith(b"\n") else lines[i] + b"\n")
        return b"".join(lines)
    starts = [i for i, line in enumerate(lines) if line[:1].isalpha()]
    if not starts:
        return data + data
    i = rng.choice(starts)
    end = next((k for k in starts if k > i), len(lines))
    return b"".join(lines) + b"\n" + b"".join(lines[i:end])


def long_run(rng: random.Random, data: bytes) -> bytes:
    """A very long line, id or whitespace run (spaces, tabs, quotes) inside a value."""
    size = rng.choice([1000, 20000, 200000])
    fill = rng.choice([b" ", b"\t", b"x", b"'", b'"', b"a-", b" #", b"\\"])
    run = (fill * size)[:size]
    kind = rng.randrange(3)
    if kind == 0:
        return _set_value(rng, data, b"x" + run + b"y")
    if kind == 1:
        return _set_value(rng, data, b'"x' + run.replace(b'"', b"'").replace(b"\\", b"/") + b'y"')
    lines = _lines(data)
    i = rng.randrange(len(lines))
    lines[i] = lines[i].rstrip(b"\n") + run + b"\n"
    return b"".join(lines)


def reference_typo(rng: random.Random, data: bytes) -> bytes:
    """A word that looks like an id: a letter dropped, doubled, swapped or changed in case; a
    kind prefix added; a trailing newline or space in quotes."""
    words = list(_REFERENCE.finditer(data))
    if not words:
        return data
    m = rng.choice(words)
    word = m.group()
    k = rng.randrange(len(word))
    typo = rng.choice([
        word[:k] + word[k + 1:], word[:k] + word[k:k + 1] * 2 + word[k + 1:],
        word[:k] + word[k + 1:k + 2] + word[k:k + 1] + word[k + 2:], word.upper(),
        word[:1].upper() + word[1:], b"team:" + word, b"journey:" + word, b"nokind:" + word,
        b'"' + word + b'\\n"', b'"' + word + b' "', word + b"." , b"-" + word, word + b"\xcc\x81",
    ])
    return data[:m.start()] + typo + data[m.end():]


def multi_document(rng: random.Random, data: bytes) -> bytes:
    """The file split into ``---`` documents at top-level keys, or with empty, scalar or
    ``...``-ended documents added."""
    lines = _lines(data)
    starts = [i for i, line in enumerate(lines) if line[:1].isalpha()]
    kind = rng.randrange(3)
    if kind == 0 and starts:
        for i in sorted(rng.sample(starts, rng.randint(1, len(starts))), reverse=True):
            lines.insert(i, b"---\n")
        return b"".join(lines)
    extra = rng.choice([b"---\n", b"--- \n...\n", b"---\nscalar\n", b"---\n- a\n", b"---\n{}\n",
                        b"...\n---\npeople: {}\n", b"---\n---\n"])
    return data + (b"" if data.endswith(b"\n") else b"\n") + extra


def line_ending(rng: random.Random, data: bytes) -> bytes:
    """CRLF, lone CR, NEL or LS line breaks; tabs for indentation; no final newline."""
    choice = rng.randrange(5)
    if choice == 0:
        return data.replace(b"\n", b"\r\n")
    if choice == 1:
        return data.replace(b"\n", b"\r")
    if choice == 2:
        return data.replace(b"\n", rng.choice(["\u0085", "\u2028"]).encode())
    if choice == 3:
        return data.replace(b"  ", b"\t", 1)
    return data.rstrip(b"\n")


# --- data mutators -----------------------------------------------------------------------------

def _nodes(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    out = [(path, value)]
    if isinstance(value, dict):
        for key, item in value.items():
            out.extend(_nodes(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out.extend(_nodes(item, (*path, index)))
    return out


def _set(root: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    parent = root
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return root


def _swap_type(rng: random.Random, value: Any) -> Any:
    if isinstance(value, dict):
        return rng.choice([list(value), list(value.values()), next(iter(value), None), str(value)])
    if isinstance(value, list):
        return rng.choice([value[0] if value else None, {str(v): v for v in value if
                                                          isinstance(v, (str, int))}, ""])
    return rng.choice([[value], {str(value): value}, {"value": [value]}, None, True, 0, 0.5, []])


def _merge(rng: random.Random, root: Any) -> Any:
    """A new entity that merges one or two others (``<<: *a`` or ``<<: [*a, *b]``); PyYAML
    writes the shared objects as anchors and aliases."""
    maps = [(path, node) for path, node in _nodes(root) if isinstance(node, dict) and node
            and len(path) == 2]
    if not maps:
        return None
    path, node = rng.choice(maps)
    parent: dict[Any, Any] = root
    for step in path[:-1]:
        parent = parent[step]
    sources = [node] + ([rng.choice(maps)[1]] if rng.random() < 0.5 else [])
    merged: dict[Any, Any] = {"<<": sources if len(sources) > 1 or rng.random() < 0.5 else node}
    if rng.random() < 0.5:  # override a key after the merge
        key = rng.choice(list(node))
        merged[key] = _swap_type(rng, node[key]) if rng.random() < 0.5 else node[key]
    parent[f"{path[-1]}-copy" if rng.random() < 0.8 else path[-1] + "\n"] = merged
    return root


def data_mutation(rng: random.Random, data: bytes) -> bytes:
    """Load the file, then swap a node's type (scalar <-> list <-> map), share a node (an
    alias), add a merge, delete or rename a key, or move an entity to another section; dump."""
    try:
        root = yaml.safe_load(data)
    except Exception:
        return byte_flip(rng, data)
    if not isinstance(root, (dict, list)):
        return byte_flip(rng, data)
    nodes = _nodes(root)
    kind = rng.randrange(5)
    if kind == 0:
        path, value = rng.choice(nodes)
        root = _set(root, path, _swap_type(rng, value))
    elif kind == 1:  # the same object in two places: an anchor and an alias
        (path_a, a), (path_b, _) = rng.choice(nodes), rng.choice(nodes)
        if path_b and path_a[:len(path_b)] != path_b:
            root = _set(root, path_b, a)
    elif kind == 2:
        root = _merge(rng, root) or root
    elif kind == 3:
        keyed = [(p, v) for p, v in nodes if p and isinstance(p[-1], str)]
        if keyed:
            path, value = rng.choice(keyed)
            parent = root
            for step in path[:-1]:
                parent = parent[step]
            del parent[path[-1]]
            if rng.random() < 0.5:
                parent[rng.choice(["", "Name", path[-1].upper(), path[-1] + "s", "<<", "1", "~"])] = value
    else:
        sections = [k for k, v in root.items() if isinstance(v, dict)] if isinstance(root, dict) else []
        if len(sections) >= 2:
            a, b = rng.sample(sections, 2)
            if root[a]:
                key = rng.choice(list(root[a]))
                root[b][key] = root[a].pop(key)
    try:
        text = yaml.safe_dump(root, allow_unicode=rng.random() < 0.5, sort_keys=False,
                              default_flow_style=rng.choice([None, False, True]),
                              width=rng.choice([80, 10 ** 6]))
    except Exception:  # a recursive structure: PyYAML cannot write it
        return byte_flip(rng, data)
    return re.sub(r"(?m)^(\s*)'<<':", r"\1<<:", text).encode("utf-8")


FILE_MUTATORS: list[tuple[Mutator, int]] = [
    (byte_flip, 3), (huge_number, 2), (odd_text, 3), (tag, 2), (anchor_alias, 2),
    (comment_directive, 2), (directive_header, 1), (deep_nesting, 1), (duplicate, 2),
    (long_run, 1), (reference_typo, 3), (multi_document, 2), (line_ending, 1),
    (data_mutation, 4),
]
_WEIGHTED = [m for m, weight in FILE_MUTATORS for _ in range(weight)]

CONFIG_VALUES = [
    b"include: ['" + b"*" * 24 + b".yaml']", b"include: ['**/**/**/**/**/**/*.yaml']",
    b"include: ['/etc/*']", b"include: ['../**/*.yaml']", b"include: ['[']", b"include: []",
    b"exclude: ['**']", b'cache_dir: "a\\x00b"', b"cache_dir: /dev/null", b"cache_dir: org.yaml",
    b'baseline: "a\\x00b"', b"baseline: org.yaml", b"baseline: .", b"plugins: [x.py, x.py]",
    b"plugins: [nonexistent]", b"select: [ALL]", b"select: [NOPE]", b"ignore: [ORG]",
    b"fail_on: info", b"fail_on: nope", b"rules: {ORG006: {severity: off}}",
    b"rules: {owner-overload: {options: {max: -1}}}", b"rules: {BND003: {options: []}}",
    b"rules: {ORG003: {options: {nope: 1}}}", b"complexity: {medium_rate: 0.5, high_rate: 0.1}",
    b"complexity: {medium_rate: 1e400}", b"waiver_files: [nope.yaml]", b"waiver_files: [org.yaml]",
    b"waivers: [{rule: BND001, target: 'handoff:x', reason: r, owner: o, expires: '2027-01-31'}]",
    b"waivers: [{rule: BND001, target: 'handoff:x', expires: 2027-02-30}]",
    b"waivers: [{rule: BND001, target: x}]", b"waivers: {}", b"rule_docs_url: 'http://x/\\n'",
    b"sources: [{type: csv-people, path: org.yaml}]", b"sources: [{type: nope, path: x}]",
    b"evidence: {logs: []}", b"format: 1", b"version: 1",
]


def config_mutation(rng: random.Random, data: bytes) -> bytes:
    """A config key set to an odd or hostile value (globs, paths with NUL, waivers, plugins)."""
    return data + (b"" if data.endswith(b"\n") or not data else b"\n") + rng.choice(CONFIG_VALUES) + b"\n"


def folder_mutation(rng: random.Random, item: Input) -> Input:
    """Change the folder: drop a file, empty it, copy it (a duplicate of every id), rename it
    to .yml, move the config to pyproject.toml, add a binary or an odd-named file."""
    files = dict(item.files)
    names = sorted(files)
    name = rng.choice(names)
    kind = rng.randrange(7)
    if kind == 0 and len(files) > 1:
        del files[name]
    elif kind == 1:
        files[name] = b""
    elif kind == 2:
        files["copy/" + name] = files[name]
    elif kind == 3 and name.endswith(".yaml"):
        files[name[:-5] + ".yml"] = files.pop(name)
    elif kind == 4 and CONFIG in files:
        from .generate import toml_config

        try:
            config = yaml.safe_load(files.pop(CONFIG)) or {}
        except Exception:
            config = {}
        # a config value may hold a lone surrogate: written as its bytes, a file orglint must
        # name as not UTF-8
        files["pyproject.toml"] = toml_config(
            config if isinstance(config, dict) else {}).encode("utf-8", "surrogatepass")
    elif kind == 5 and rng.random() < 0.5:
        files[CONFIG] = config_mutation(rng, files.get(CONFIG, b""))
    elif kind == 5:
        files[rng.choice(["bin.yaml", "z.yaml", "\u00e9.yaml", "a b.yaml", "-.yaml"])] = bytes(
            rng.randrange(256) for _ in range(rng.randint(0, 64)))
    else:
        files["x.yaml"] = b"teams:\n  " + rng.choice([b"sales", b"a" * 300, b"Sales", b"1"]) + b": {}\n"
    return replace(item, files=files)


ARGVS: list[tuple[tuple[str, ...], int]] = [
    (("check",), 8), (("check", "--format", "json"), 2), (("check", "--format", "sarif"), 2),
    (("check", "--format", "junit"), 2), (("check", "--format", "github"), 1),
    (("check", "--format", "gitlab"), 1), (("check", "--format", "markdown"), 1),
    (("check", "--statistics", "--fail-on", "info"), 1), (("graph",), 1),
    (("graph", "--format", "dot"), 1), (("report", "--format", "markdown"), 1),
]
_ARGV = [argv for argv, weight in ARGVS for _ in range(weight)]


def mutate(rng: random.Random, item: Input) -> Input:
    """``item`` with one to three mutations of one file (or of the folder), and a command line
    drawn from ``ARGVS``. ``origin`` records the mutators."""
    steps = []
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        if rng.random() < 0.1:
            item = folder_mutation(rng, item)
            steps.append("folder")
            continue
        names = sorted(item.files)
        name = rng.choice(names)
        if name == CONFIG and rng.random() < 0.5:
            mutator: Mutator = config_mutation
        else:
            mutator = rng.choice(_WEIGHTED)
        files = dict(item.files)
        try:
            files[name] = mutator(rng, files[name])
        except (RecursionError, TypeError, ValueError, KeyError, IndexError):
            # a tree a data mutator cannot walk (deep nesting, a list where it meant a map)
            mutator = byte_flip
            files[name] = byte_flip(rng, files[name])
        item = replace(item, files=files)
        steps.append(f"{mutator.__name__}({name})")
    argv = rng.choice(_ARGV)
    return replace(item, argv=argv, origin=f"{item.origin} + {' + '.join(steps)}")
