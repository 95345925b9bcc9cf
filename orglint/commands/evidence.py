"""``orglint evidence``: how work moved between teams, from the event logs the config names."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from orglint.commands import EXIT_OK, add_paths


def add_parser(commands: Any) -> None:
    """Register ``evidence`` and its options on the subcommand table."""
    evidence = commands.add_parser("evidence", help="how work moved between teams, from the "
                                   "configured event logs")
    add_paths(evidence)
    evidence.add_argument("--format", type=str.lower, choices=("text", "json"), default="text")
    evidence.add_argument("--engine", choices=("duckdb", "spark"),
                          help="where the SQL runs (default: the config's, else duckdb)")


def run(args: argparse.Namespace) -> int:
    """Print the figures of the config's ``evidence:`` logs against the org; exit 2 (one line)
    without such a section or when a log cannot be used."""
    from orglint.engine.check import prepare
    from orglint.errors import UsageError
    from orglint.evidence.observe import observe
    from orglint.evidence.summary import render_json, render_text, summary
    from orglint.session import open_session

    session = open_session(args.config, paths=args.paths)
    if session.config.evidence is None:
        raise UsageError("the config has no 'evidence:' section naming event logs "
                         "(see docs/evidence.md)")
    org, _ = prepare(session.load(args.paths))
    data = summary(observe(session.config.evidence, org, args.engine), org)
    sys.stdout.write(render_json(data) if args.format == "json" else render_text(data))
    sys.stdout.flush()
    return EXIT_OK
