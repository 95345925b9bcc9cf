"""``orglint rules``: every rule as a table or as JSON."""

from __future__ import annotations

import argparse
import json
from typing import Any

from orglint.commands import EXIT_OK
from orglint.files import emit


def add_parser(commands: Any) -> None:
    """Register ``rules`` on the subcommand table."""
    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument("--config", metavar="PATH")
    rules.add_argument("--format", type=str.lower, choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    """Print code, name, severity, stage and option defaults of every registered rule."""
    from orglint.session import open_session

    session = open_session(args.config)
    rows = list(session.registry)
    if args.format == "json":
        data = [{"code": r.code, "name": r.name, "severity": r.severity, "stage": r.blocks_stage,
                 "area": r.area, "options": r.defaults, "summary": r.summary, "plugin": r.plugin}
                for r in rows]
        emit(json.dumps(data, indent=2) + "\n")
        return EXIT_OK
    table = [("CODE", "NAME", "SEVERITY", "STAGE", "DEFAULTS")]
    for r in rows:
        defaults = ", ".join(f"{key}={value}" for key, value in r.defaults.items()) or "-"
        table.append((r.code, r.name, r.severity, str(r.blocks_stage), defaults))
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    emit("".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
                 + "  " + row[4] + "\n" for row in table))
    return EXIT_OK
