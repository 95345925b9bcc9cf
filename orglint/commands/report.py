"""``orglint report``: the leadership audit report, as self-contained HTML or Markdown."""

from __future__ import annotations

import argparse
from typing import Any

from orglint import __version__
from orglint.commands import EXIT_OK, add_paths
from orglint.files import emit, write_file


def add_parser(commands: Any) -> None:
    """Register ``report`` and its options on the subcommand table."""
    report = commands.add_parser("report", help="render the leadership audit report")
    add_paths(report)
    report.add_argument("-o", "--output", metavar="FILE",
                        help="write the report to FILE (default: standard output)")
    report.add_argument("--format", type=str.lower, choices=("html", "markdown"),
                        help="html or markdown (default: markdown for a .md FILE, else html)")
    report.add_argument("--template-dir", metavar="DIR",
                        help="templates that extend the built-in ones (orglint/report.html.j2)")
    report.add_argument("--previous", metavar="FILE",
                        help="an earlier 'orglint check --format json' output, for the trend")


def run(args: argparse.Namespace) -> int:
    """Check the org and render the report to ``--output`` or standard output; exit 0."""
    from orglint.session import open_session

    fmt = args.format or ("markdown" if (args.output or "").endswith(".md") else "html")
    session = open_session(args.config, paths=args.paths)
    settings = session.settings()
    # jinja2 is imported here, when a report is rendered, and never by `orglint check`
    from orglint.outputs.report import build
    from orglint.outputs.report.render import load_previous, render, report_date

    previous = load_previous(args.previous) if args.previous else None
    result = session.check(args.paths, settings)
    report = build(result, today=report_date(settings), version=__version__, previous=previous,
                   previous_name=args.previous or "", rules=session.registry)
    text = render(report, fmt, args.template_dir)
    if args.output:
        write_file(args.output, text, f"report {args.output}")
    else:
        emit(text)
    return EXIT_OK
