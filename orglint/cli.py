"""The command line: parses arguments, calls the engine, writes output. ``main(argv) -> int``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from orglint import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> Any:  # exit 2 with one line, as argparse does, no usage dump
        self.exit(EXIT_ERROR, f"orglint: error: {message}\n")


def _split(values: list[str] | None) -> list[str]:
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="orglint", description="Lint how an organisation is built.")
    parser.add_argument("--version", action="version", version=f"orglint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = commands.add_parser("check", help="check an ops repo and report findings")
    check.add_argument("paths", nargs="*", metavar="PATH",
                       help="files or folders (default: the config's include globs)")
    check.add_argument("--config", metavar="PATH", help="config file (default: search upward)")
    check.add_argument("--format", default="text", metavar="FORMAT",
                       help="output format for the terminal (default: text)")
    check.add_argument("--output", action="append", metavar="FORMAT:FILE", default=[],
                       help="also write FORMAT to FILE; repeatable")
    check.add_argument("--select", action="append", metavar="CODES",
                       help="only these rules: codes, prefixes or names, comma-separated")
    check.add_argument("--ignore", action="append", metavar="CODES",
                       help="skip these rules: codes, prefixes or names, comma-separated")
    check.add_argument("--fail-on", choices=("error", "warning", "info"),
                       help="lowest severity that fails the run (default: error)")
    check.add_argument("--exit-zero", action="store_true",
                       help="exit 0 even when there are findings")
    check.add_argument("--statistics", action="store_true", help="show counts per rule")

    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument("--config", metavar="PATH")
    rules.add_argument("--format", choices=("text", "json"), default="text")

    one = commands.add_parser("rule", help="show a rule's documentation")
    one.add_argument("code", metavar="CODE", help="a rule code or name")
    one.add_argument("--config", metavar="PATH")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    try:
        return int(COMMANDS[args.command](args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:
        return _fail(exc)


def _fail(exc: Exception) -> int:
    from orglint.config import ConfigError
    from orglint.engine import RuleCrash
    from orglint.plugins import PluginError
    from orglint.registry import RegistryError
    from orglint.runner import UsageError

    if isinstance(exc, ConfigError):
        for position, message in exc.problems:
            print(f"{position}: config error: {message}", file=sys.stderr)
    elif isinstance(exc, (UsageError, PluginError, RegistryError, RuleCrash)):
        print(f"orglint: error: {exc}", file=sys.stderr)
    else:  # a bug in orglint: one line, and the details only when asked for
        import os
        import traceback

        if os.environ.get("ORGLINT_DEBUG"):
            traceback.print_exc()
        print(f"orglint: internal error: {type(exc).__name__}: {exc} "
              "(set ORGLINT_DEBUG=1 for details)", file=sys.stderr)
    return EXIT_ERROR


def cmd_check(args: argparse.Namespace) -> int:
    from orglint.formatters import FormatContext
    from orglint.runner import UsageError, open_session, run_check, settings_for

    session = open_session(args.config)
    outputs = [_parse_output(spec, session.formatters) for spec in args.output]
    if args.format not in session.formatters:
        known = ", ".join(sorted(session.formatters))
        raise UsageError(f"unknown format '{args.format}' (choose from {known})")
    settings = settings_for(session.config, _split(args.select), _split(args.ignore), args.fail_on)
    result = run_check(session, args.paths, settings)
    context = FormatContext(session.registry, __version__, statistics=args.statistics)
    for name, target in outputs:
        target.write_text(session.formatters[name](result, context), encoding="utf-8")
    sys.stdout.write(session.formatters[args.format](result, context))
    sys.stdout.flush()
    if args.exit_zero or not result.failed:
        return EXIT_OK
    return EXIT_FINDINGS


def _parse_output(spec: str, formatters: dict[str, Any]) -> tuple[str, Path]:
    from orglint.runner import UsageError

    name, sep, target = spec.partition(":")
    if not sep or not target:
        raise UsageError(f"--output takes FORMAT:FILE, not '{spec}'")
    if name not in formatters:
        raise UsageError(f"unknown format '{name}' in --output (choose from "
                         f"{', '.join(sorted(formatters))})")
    return name, Path(target)


def cmd_rules(args: argparse.Namespace) -> int:
    import json

    from orglint.runner import open_session

    session = open_session(args.config)
    rows = list(session.registry)
    if args.format == "json":
        data = [{"code": r.code, "name": r.name, "severity": r.severity, "stage": r.blocks_stage,
                 "area": r.area, "options": r.defaults, "summary": r.summary, "plugin": r.plugin}
                for r in rows]
        print(json.dumps(data, indent=2))
        return EXIT_OK
    table = [("CODE", "NAME", "SEVERITY", "STAGE", "DEFAULTS")]
    for r in rows:
        defaults = ", ".join(f"{key}={value}" for key, value in r.defaults.items()) or "-"
        table.append((r.code, r.name, r.severity, str(r.blocks_stage), defaults))
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[4])
    return EXIT_OK


def cmd_rule(args: argparse.Namespace) -> int:
    from orglint.runner import UsageError, open_session

    session = open_session(args.config)
    item = session.registry.lookup(args.code)
    if item is None:
        raise UsageError(f"no rule '{args.code}' (see 'orglint rules')")
    print(f"{item.code} {item.name}")
    print(f"Severity: {item.severity}. Blocks stage {item.blocks_stage}. Area: {item.area}.")
    if item.options:
        print("Options:")
        for key, spec in item.options.items():
            print(f"  {key} ({spec.get('type', 'any')}, default {spec['default']})")
    print()
    print(item.doc)
    return EXIT_OK


COMMANDS: dict[str, Any] = {"check": cmd_check, "rules": cmd_rules, "rule": cmd_rule}
