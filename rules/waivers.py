"""WVR: waivers are governed records: owned, reasoned, and expiring."""

from __future__ import annotations
