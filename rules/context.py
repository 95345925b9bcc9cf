"""CTX: context travels with the customer across every boundary of a journey."""

from __future__ import annotations
