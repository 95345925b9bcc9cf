"""``orglint check``: check an ops repo and print its findings in one or more formats."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from orglint import __version__
from orglint.commands import EXIT_FINDINGS, EXIT_OK, add_paths, split
from orglint.commands.complete import rule_words
from orglint.errors import UsageError
from orglint.files import emit, write_file

if TYPE_CHECKING:
    from orglint.session import Buffer


def add_parser(commands: Any) -> None:
    """Register ``check`` and its options on the subcommand table."""
    check = commands.add_parser("check", help="check an ops repo and report findings")
    add_paths(check)
    check.add_argument("--stdin-filename", metavar="PATH",
                       help="with PATH '-': the file that standard input stands for (an "
                            "editor's unsaved buffer); findings are reported at PATH")
    check.add_argument("--format", default="text", metavar="FORMAT",
                       help="output format for the terminal: text, json, sarif, github, junit, "
                            "gitlab, markdown, or a plugin's (default: text)")
    check.add_argument("--output", action="append", metavar="FORMAT:FILE", default=[],
                       help="also write FORMAT to FILE; repeatable")
    for option, what in (("--select", "only these rules"), ("--ignore", "skip these rules")):
        check.add_argument(option, action="append", metavar="CODES",
                           help=f"{what}: codes, prefixes or names, comma-separated"
                           ).completer = rule_words
    check.add_argument("--fail-on", choices=("error", "warning", "info"),
                       help="lowest severity that fails the run (default: error)")
    check.add_argument("--exit-zero", action="store_true",
                       help="exit 0 even when there are findings")
    check.add_argument("--statistics", action="store_true", help="show counts per rule")
    check.add_argument("-q", "--quiet", action="store_true",
                       help="print the findings only: no summary, no stage")
    check.add_argument("--color", type=str.lower, choices=("auto", "always", "never"),
                       default="auto",
                       help="colour the terminal output: auto (a terminal, unless NO_COLOR is "
                            "set; FORCE_COLOR forces it), always or never (default: auto)")
    check.add_argument("--no-cache", action="store_true",
                       help="parse every file, and neither read nor write the parse cache")
    check.add_argument("--baseline", metavar="FILE",
                       help="report only findings not recorded in FILE (default: the config's "
                            "'baseline')")
    check.add_argument("--write-baseline", metavar="FILE",
                       help="record every current finding in FILE and exit 0")
    check.add_argument("--diff-base", metavar="REV",
                       help="report only findings that are new since the git revision REV")


def run(args: argparse.Namespace) -> int:
    """Check, write every ``--output``, print ``--format``; exit 1 when a finding is at or
    above the fail level (0 with ``--exit-zero``)."""
    from orglint.outputs.formatters import FormatContext
    from orglint.session import open_session

    buffer = _stdin_buffer(args)
    paths = [] if buffer is not None else args.paths
    start = [args.stdin_filename] if buffer is not None and args.stdin_filename else paths
    session = open_session(args.config, paths=start, use_cache=not args.no_cache)
    if buffer is not None and args.stdin_filename:
        buffer = replace(buffer, display=session.display(Path(args.stdin_filename)))
    outputs = [_parse_output(spec, session.formatters) for spec in args.output]
    fmt = format_name(args.format, session.formatters)
    if fmt not in session.formatters:
        known = ", ".join(sorted(session.formatters))
        raise UsageError(f"unknown format '{args.format}' (choose from {known})")
    writing = bool(args.write_baseline)
    settings = session.settings(split(args.select), split(args.ignore), args.fail_on,
                                baseline=None if writing else
                                lambda base: _baseline(session, args, base))
    result = session.check(paths, settings, buffer)
    if writing:
        return _write_baseline(args.write_baseline, result.findings)
    context = FormatContext(session.registry, __version__, statistics=args.statistics,
                            quiet=args.quiet, rule_docs_url=session.config.rule_docs_url)
    for name, target in outputs:  # files get no colour, and always their summary
        write_file(target, session.formatters[name](result, replace(context, quiet=False)),
                   f"--output {name}:{target}")
    terminal = replace(context, color=use_color(args.color))
    emit(session.formatters[fmt](result, terminal))
    if args.exit_zero or not result.failed:
        return EXIT_OK
    return EXIT_FINDINGS


def _stdin_buffer(args: argparse.Namespace) -> Buffer | None:
    """``orglint check -``: standard input, read whole, as one file of the org."""
    if args.paths != ["-"]:
        if "-" in args.paths:
            raise UsageError("'-' (standard input) cannot be combined with other paths")
        if args.stdin_filename:
            raise UsageError("--stdin-filename needs '-' as the path: orglint check - "
                             "--stdin-filename PATH")
        return None
    from orglint.session import STDIN, Buffer

    return Buffer(STDIN, sys.stdin.buffer.read())


def _write_baseline(target: str, findings: Any) -> int:
    from orglint.engine.baseline import dump

    write_file(target, dump(findings), f"--write-baseline {target}")
    count = len(findings)
    print(f"Wrote {count} finding{'' if count == 1 else 's'} to {target}.")
    return EXIT_OK


def _baseline(session: Any, args: argparse.Namespace, settings: Any) -> Counter[str] | None:
    """What the baseline file and --diff-base accept, or None to report every finding."""
    from orglint.commands.diff_base import fingerprints_at
    from orglint.engine.baseline import combine, read

    from_file = None
    if args.baseline:
        from_file = read(Path(args.baseline), args.baseline)
    elif session.config.baseline:
        path = session.config.root / session.config.baseline
        from_file = read(path, session.display(path))
    # standard input stands for a file of the org: the revision's whole org is the base
    named = [path for path in args.paths if path != "-"]
    from_git = fingerprints_at(args.diff_base, session, named, settings) \
        if args.diff_base is not None else None
    return combine(from_file, from_git)


def use_color(choice: str) -> bool:
    """``--color``: always, never, or auto, which follows the NO_COLOR and FORCE_COLOR
    conventions and otherwise colours a terminal only (termcolor decides)."""
    if choice != "auto":
        return choice == "always"
    from termcolor.termcolor import can_colorize

    return can_colorize()


def format_name(given: str, formatters: Any) -> str:
    """A format as registered: ``JSON`` is ``json`` unless a plugin registered ``JSON``."""
    return given if given in formatters else given.lower()


def _parse_output(spec: str, formatters: Any) -> tuple[str, Path]:
    name, sep, target = spec.partition(":")
    name = format_name(name, formatters)
    if not sep or not target:
        raise UsageError(f"--output takes FORMAT:FILE, not '{spec}'")
    if name not in formatters:
        raise UsageError(f"unknown format '{name}' in --output (choose from "
                         f"{', '.join(sorted(formatters))})")
    return name, Path(target)
