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
    """Rule codes (``BND001``), areas (``BND``) and names (``handoff-owner``) that complete the
    last comma-separated item of ``prefix``, sorted."""
    try:
        from orglint.session import open_session

        registry = open_session(getattr(parsed_args, "config", None)).registry
    except Exception:  # a completion never fails the command line
        return []
    head, comma, last = prefix.rpartition(",")
    codes = set(registry.by_code)
    areas = {code.rstrip("0123456789") for code in codes}
    words = sorted(word for word in codes | areas | set(registry.by_name)
                   if word.startswith(last) or word.startswith(last.upper()))
    return [f"{head}{comma}{word}" for word in words]


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
