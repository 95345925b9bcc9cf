from __future__ import annotations

import sys
from pathlib import Path

import pytest

from orglint.plugins import build_registry, make_manager
from orglint.registry import Registry

# run from a source checkout as well as from an installed copy
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import orglint_segregation


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The built-in pack plus this plugin, whether or not the plugin is installed."""
    pm = make_manager()
    if pm.get_plugin("segregation") is None:
        pm.register(orglint_segregation, "segregation")
    return build_registry(pm)
