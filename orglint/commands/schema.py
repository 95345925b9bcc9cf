"""``orglint schema``: the JSON Schema (draft 2020-12) of the org format, for editors."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from orglint.commands import EXIT_OK


def add_parser(commands: Any) -> None:
    """Register ``schema`` on the subcommand table."""
    commands.add_parser("schema", help="print the JSON Schema of the org format, for editors")


def run(args: argparse.Namespace) -> int:
    """Print the schema generated from the cerberus tables; exit 0."""
    from orglint.schema.jsonschema import render

    sys.stdout.write(render())
    sys.stdout.flush()
    return EXIT_OK
