"""Rule documentation: the examples inside a rule's docstring, so tests keep them honest."""

from __future__ import annotations

import re

from orglint.registry import Rule

_EXAMPLE = re.compile(r"^(Fails|Passes):\s*\n\s*```yaml\n(.*?)```", re.S | re.M)


def examples(item: Rule) -> dict[str, str]:
    """``{"Fails": yaml, "Passes": yaml}`` from the rule's documentation."""
    return {kind: body for kind, body in _EXAMPLE.findall(item.doc)}
