"""Entities read from a source, written as orglint YAML (``orglint import``): one text per
section, each entity under a comment naming the place it was read from.

The writer is small and exact rather than general: block mappings, flow lists of plain
values (block lists when long), every string quoted unless it reads back as the same string
in YAML 1.1 and 1.2 alike, so the files load with the same values in any YAML tool.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable
from typing import Any

from orglint.load.documents import Document
from orglint.schema.org import SECTIONS

_PLAIN = re.compile(r"[A-Za-z0-9_(][A-Za-z0-9 _.@&()'/+-]*")
# words some YAML 1.1 tools read as booleans or null: always quoted
_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})
_NUMBERISH = re.compile(r"[-+]?(\.?[0-9]|\.inf|\.nan)|[0-9]{4}-[0-9]{2}-[0-9]{2}", re.I)
_UNPRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")
FLOW_WIDTH = 100


def scalar(value: Any) -> str:
    """One value as YAML that reads back as the same value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    if (_PLAIN.fullmatch(text) and text == text.strip() and text.lower() not in _WORDS
            and not _NUMBERISH.match(text)):
        return text
    quoted = json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted one
    return _UNPRINTABLE.sub(lambda match: f"\\u{ord(match.group()):04x}", quoted)


def _block(value: Any, indent: int) -> list[str]:
    """The lines of a mapping's entries at ``indent`` spaces."""
    pad = " " * indent
    lines = []
    for key, item in value.items():
        head = f"{pad}{scalar(key)}:"
        if isinstance(item, dict):
            lines += [head, *_block(item, indent + 2)] if item else [f"{head} {{}}"]
        elif isinstance(item, list):
            lines += _sequence(head, item, indent)
        else:
            lines.append(f"{head} {scalar(item)}")
    return lines


def _sequence(head: str, items: list[Any], indent: int) -> list[str]:
    if all(not isinstance(item, (dict, list)) for item in items):
        flow = f"{head} [{', '.join(scalar(item) for item in items)}]"
        if len(flow) <= FLOW_WIDTH:
            return [flow]
        return [head, *(f"{' ' * (indent + 2)}- {scalar(item)}" for item in items)]
    lines = [head]
    for item in items:
        if isinstance(item, dict) and item:
            inner = _block(item, indent + 4)
            lines.append(f"{' ' * (indent + 2)}- {inner[0].lstrip()}")
            lines += inner[1:]
        elif isinstance(item, list):
            lines.append(f"{' ' * (indent + 2)}- [{', '.join(scalar(x) for x in item)}]")
        else:
            lines.append(f"{' ' * (indent + 2)}- {scalar(item) if item != {} else '{}'}")
    return lines


def to_yaml(documents: Iterable[Document], header: str) -> dict[str, str]:
    """``{section: YAML text}`` for every section the documents hold, each text starting with
    ``header`` as comment lines; each entity stands under ``# path:line:col`` of its source."""
    parts: dict[str, list[str]] = {}
    for doc in documents:
        data = doc.data if isinstance(doc.data, dict) else {}
        for section in SECTIONS:
            table = data.get(section)
            if not isinstance(table, dict):
                continue
            lines = parts.setdefault(section, [])
            for ident, entity in table.items():
                lines.append(f"  # {doc.position((section, ident), key=True)}")
                lines += _block({ident: entity}, 2)
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    return {section: f"{comment}{scalar(section)}:\n" + "\n".join(lines) + "\n"
            for section, lines in parts.items()}
