"""Failure kinds known on main and being fixed (issue 15): signature pattern -> the kind.

The seeded run in tests/test_fuzz.py passes when every failure it meets matches one of these.
Empty this list as the fixes land: a pattern that no longer matches anything is harmless, but
a fixed kind left here would hide it coming back.
"""

from __future__ import annotations

import re

KNOWN: list[tuple[str, str]] = []


def known_reason(signature: str) -> str | None:
    """The reason a signature is a known failure (its kind in issue 15), or None."""
    for pattern, reason in KNOWN:
        if re.search(pattern, signature):
            return reason
    return None
