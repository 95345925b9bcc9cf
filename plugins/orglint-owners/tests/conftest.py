from __future__ import annotations

import sys
from pathlib import Path

import pytest

from orglint.plugins import build_registry, make_manager
from orglint.registry import Registry

# run from a source checkout as well as from an installed copy
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The built-in rule pack (the plugin adds a source, no rule)."""
    return build_registry(make_manager())
