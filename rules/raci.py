"""RAC: every RACI activity has one accountable person and someone responsible."""

from __future__ import annotations
