"""``orglint schema``: the JSON Schema (draft 2020-12) of the org format, for editors."""

from __future__ import annotations

import argparse
from typing import Any

from orglint.commands import EXIT_OK
from orglint.files import write_or_emit


def add_parser(commands: Any) -> None:
    """Register ``schema`` on the subcommand table."""
    schema = commands.add_parser("schema",
                                 help="print the JSON Schema of the org format, for editors")
    schema.add_argument("-o", "--output", metavar="FILE",
                        help="write the schema to FILE (default: standard output)")


def run(args: argparse.Namespace) -> int:
    """Print (or write to ``--output``) the schema generated from the cerberus tables; exit 0."""
    from orglint.schema.jsonschema import render

    write_or_emit(args.output, render(), "schema")
    return EXIT_OK
