"""orglint: policy-as-code for how an organisation is built."""

from __future__ import annotations

import pluggy

__version__ = "0.1.0"

hookimpl = pluggy.HookimplMarker("orglint")

from orglint.registry import Rule, rule  # noqa: E402  (needs hookimpl above)

__all__ = ["Rule", "__version__", "hookimpl", "rule"]
