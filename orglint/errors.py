"""Errors that end a run with exit code 2 and one line, raised at any stage of the pipeline."""

from __future__ import annotations


class UsageError(Exception):
    """A command-line or environment problem: a missing path, an unknown format, an unusable
    output file. The command line prints ``orglint: error: MESSAGE`` and exits 2."""
