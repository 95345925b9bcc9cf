"""``orglint rule CODE``: one rule's documentation."""

from __future__ import annotations

import argparse
from typing import Any

from orglint.commands import EXIT_OK
from orglint.commands.complete import rule_codes
from orglint.errors import UsageError
from orglint.files import emit


def add_parser(commands: Any) -> None:
    """Register ``rule`` on the subcommand table."""
    one = commands.add_parser("rule", help="show a rule's documentation")
    one.add_argument("code", metavar="CODE", help="a rule code or name"
                     ).completer = rule_codes
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
    lines = [f"{item.code} {item.name}",
             f"Severity: {item.severity}. Blocks stage {item.blocks_stage}. Area: {item.area}."]
    if item.options:
        lines.append("Options:")
        lines.extend(f"  {key} ({spec.get('type', 'any')}, default {spec['default']})"
                     for key, spec in item.options.items())
    lines.extend(["", item.doc])
    emit("".join(line + "\n" for line in lines))
    return EXIT_OK
