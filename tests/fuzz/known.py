"""Failure kinds known on main and being fixed (issue 15): signature pattern -> the kind.

The seeded run in tests/test_fuzz.py passes when every failure it meets matches one of these.
Empty this list as the fixes land: a pattern that no longer matches anything is harmless, but
a fixed kind left here would hide it coming back.
"""

from __future__ import annotations

import re

KNOWN: list[tuple[str, str]] = [
    (r"^crash: ValueError: Exceeds the limit \(N digits\) for integer string conversion",
     "issue 15 item 1: numbers of any size"),
    (r"^crash: UnicodeEncodeError: .*surrogates not allowed",
     "issue 15 item 2: text that cannot be encoded"),
    (r"^crash: AssertionError: version minor part can only be",
     "issue 15 item 3: every parser event and error path (%YAML 1.3)"),
    (r"^crash: TypeError: '…' not supported between instances of '…' and '…'",
     "issue 15 item 3: every parser event and error path (an undefined alias as a key)"),
    (r"^crash: ValueError: embedded null byte",
     "issue 15 item 4: every config value and every file orglint reads back"),
    (r"^bad-output: junit: ParseError",
     "issue 15 item 12: every output escapes or drops what its format cannot hold"),
    # a long whitespace run quoted in a message makes json, sarif and gitlab output quadratic
    (r"^(hang|slow): ", "issue 15 item 17: every cost linear in the input"),
]


def known_reason(signature: str) -> str | None:
    """The reason a signature is a known failure (its kind in issue 15), or None."""
    for pattern, reason in KNOWN:
        if re.search(pattern, signature):
            return reason
    return None
