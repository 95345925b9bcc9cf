"""FBK: feedback loops exist, meet often enough and look at outcomes."""

from __future__ import annotations
