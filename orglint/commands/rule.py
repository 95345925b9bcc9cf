"""``orglint rule CODE``: one rule's documentation."""

from __future__ import annotations

import argparse
from typing import Any

from orglint.commands import EXIT_OK
from orglint.errors import UsageError


def add_parser(commands: Any) -> None:
    """Register ``rule`` on the subcommand table."""
    one = commands.add_parser("rule", help="show a rule's documentation")
    one.add_argument("code", metavar="CODE", help="a rule code or name")
    one.add_argument("--config", metavar="PATH")


def run(args: argparse.Namespace) -> int:
    """Print the rule's code, name, severity, stage, options and documentation."""
    from orglint.session import open_session

    session = open_session(args.config)
    item = session.registry.lookup(args.code)
    if item is None:
        close = session.registry.closest(args.code)
        hint = f"; did you mean '{close}'?" if close else ""
        raise UsageError(f"no rule '{args.code}'{hint} "
                         "(see 'orglint rules')")
    print(f"{item.code} {item.name}")
    print(f"Severity: {item.severity}. Blocks stage {item.blocks_stage}. Area: {item.area}.")
    if item.options:
        print("Options:")
        for key, spec in item.options.items():
            print(f"  {key} ({spec.get('type', 'any')}, default {spec['default']})")
    print()
    print(item.doc)
    return EXIT_OK
