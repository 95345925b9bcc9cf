"""What the shell completes beyond commands and options: rule codes, areas and names (after
``orglint rule``, ``--select`` and ``--ignore``) and person ids (after ``orglint impact``).

argcomplete calls these only while the shell asks for completions (``_ARGCOMPLETE`` set). Each
reads the config the command would read (and its plugins' rules); anything that goes wrong
(no config, an invalid one, a file that does not parse) offers nothing rather than an error in
the middle of the user's command line.
"""

from __future__ import annotations

import argparse
from typing import Any


def rule_words(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """For ``--select`` and ``--ignore``: rule codes (``BND001``), areas (``BND``), names
    (``handoff-owner``) and ``ALL`` that complete the last comma-separated item of
    ``prefix`` (in any case), leaving out the items already given; sorted."""
    registry = _registry(parsed_args)
    if registry is None:
        return []
    head, comma, last = prefix.rpartition(",")
    given = {item.strip().upper() for item in head.split(",")} if comma else set()
    codes = set(registry.by_code)
    words = codes | {code.rstrip("0123456789") for code in codes} | set(registry.by_name)
    return [f"{head}{comma}{word}" for word in _starting(words | {"ALL"}, last)
            if word.upper() not in given]


def rule_codes(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """For ``orglint rule``: the codes and names of single rules that complete ``prefix``
    (in any case), sorted; ``rule`` shows one rule, so no area is offered."""
    registry = _registry(parsed_args)
    if registry is None:
        return []
    return _starting(set(registry.by_code) | set(registry.by_name), prefix)


def _registry(parsed_args: argparse.Namespace) -> Any:
    """The rules the command would know (the config's plugins' too), or None."""
    try:
        from orglint.session import open_session

        return open_session(getattr(parsed_args, "config", None)).registry
    except Exception:  # a completion never fails the command line
        return None


def _starting(words: set[str], prefix: str) -> list[str]:
    """The words that start with ``prefix``, case aside, each in the case typed (``bnd`` gives
    ``bnd001``: the shell keeps only what starts with what was typed, and rules are found in
    any case), sorted."""
    found = set()
    for word in words:
        # a code (BND001, ALL) typed in either case; a name (handoff-owner) as it is
        for spelling in (word, word.lower()) if word.isupper() else (word,):
            if spelling.startswith(prefix):
                found.add(spelling)
                break
    return sorted(found)


def person_ids(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """The ids of the people the org defines (read through the parse cache) that complete
    ``prefix``, as written: ``maya``, or ``person:maya`` after ``person:``."""
    try:
        from orglint.session import open_session

        paths = list(getattr(parsed_args, "paths", None) or [])
        session = open_session(getattr(parsed_args, "config", None), paths=paths)
        ids = {str(ident) for loaded in session.load(paths) for doc in loaded.documents
               if isinstance(doc.data, dict) and isinstance(doc.data.get("people"), dict)
               for ident in doc.data["people"]}
    except Exception:  # a completion never fails the command line
        return []
    written = "person:" if prefix.startswith("person:") else ""
    return sorted(f"{written}{ident}" for ident in ids if f"{written}{ident}".startswith(prefix))
