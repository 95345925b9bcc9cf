"""orglint: policy-as-code for how an organisation is built.

For plugin authors: ``rule`` declares a rule (a ``Rule``), ``hookimpl`` marks a hook
implementation (``orglint.hookspecs``), ``__version__`` is the tool's version.
"""

from __future__ import annotations

import os
import sys

# `python -m orglint` puts the current folder first on the import path, so a `pluggy.py` or
# `json.py` in the ops repo being checked would run. orglint never imports code from the repo
# it checks: drop that entry before importing anything else.
if sys.argv[:1] == ["-m"] and sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from typing import TYPE_CHECKING, Any

import pluggy

__version__ = "0.2.0"

hookimpl = pluggy.HookimplMarker("orglint")

# what a rule module needs besides ``orglint.model``: the decorator, the hit a rule yields,
# and the ``waivers`` input of rules that judge waivers
from orglint.engine.waivers import Waiver, WaiverState  # noqa: E402
from orglint.finding import Hit  # noqa: E402
from orglint.registry import Rule, collect, rule  # noqa: E402  (needs hookimpl above)

if TYPE_CHECKING:
    from orglint.evidence.figures import Boundary, Evidence  # the `evidence` input


def __getattr__(name: str) -> Any:
    """``Boundary`` and ``Evidence`` (the ``evidence`` input of rules), imported when first
    asked for: a check without event logs never loads the evidence modules."""
    if name in ("Boundary", "Evidence"):
        from orglint.evidence import figures

        return getattr(figures, name)
    raise AttributeError(f"module 'orglint' has no attribute '{name}'")

__all__ = ["Boundary", "Evidence", "Hit", "Rule", "Waiver", "WaiverState", "__version__", "collect",
           "hookimpl", "rule"]
