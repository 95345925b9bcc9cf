"""``orglint graph``: the handoffs between teams as Mermaid or DOT."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from orglint.commands import EXIT_OK, add_paths
from orglint.files import write_or_emit


def add_parser(commands: Any) -> None:
    """Register ``graph`` and its options on the subcommand table."""
    graph = commands.add_parser("graph", help="draw the handoffs between teams (Mermaid or DOT)")
    add_paths(graph)
    graph.add_argument("--format", type=str.lower, choices=("mermaid", "dot"), default="mermaid")
    graph.add_argument("-o", "--output", metavar="FILE",
                       help="write the graph to FILE (default: standard output)")


def run(args: argparse.Namespace) -> int:
    """Print (or write to ``--output``) the graph of what resolved; a note on standard error
    when files have problems."""
    from orglint.engine.check import prepare
    from orglint.outputs.graph import build, render
    from orglint.session import open_session

    session = open_session(args.config, paths=args.paths)
    org, _ = prepare(session.load(args.paths), session.config.complexity)
    if any(org.problems.values()):
        print("orglint: note: some files have problems; the graph shows what resolved "
              "(run 'orglint check')", file=sys.stderr)
    write_or_emit(args.output, render(build(org), args.format), "graph")
    return EXIT_OK
