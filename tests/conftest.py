from __future__ import annotations

from pathlib import Path

import pytest

from orglint.plugins import build_registry, make_manager
from orglint.registry import Registry

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def registry() -> Registry:
    return build_registry(make_manager())
