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
                       help="output format for the terminal: text, json, sarif, github, junit, "
                            "gitlab, markdown, or a plugin's (default: text)")
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
    check.add_argument("--no-cache", action="store_true",
                       help="parse every file, and neither read nor write the parse cache")
    check.add_argument("--baseline", metavar="FILE",
                       help="report only findings not recorded in FILE (default: the config's "
                            "'baseline')")
    check.add_argument("--write-baseline", metavar="FILE",
                       help="record every current finding in FILE and exit 0")
    check.add_argument("--diff-base", metavar="REV",
                       help="report only findings that are new since the git revision REV")

    rules = commands.add_parser("rules", help="list every rule")
    rules.add_argument("--config", metavar="PATH")
    rules.add_argument("--format", choices=("text", "json"), default="text")

    one = commands.add_parser("rule", help="show a rule's documentation")
    one.add_argument("code", metavar="CODE", help="a rule code or name")
    one.add_argument("--config", metavar="PATH")
    _add_report_parser(commands)
    _add_impact_parser(commands)
    commands.add_parser("schema", help="print the JSON Schema of the org format, for editors")
    graph = commands.add_parser("graph", help="draw the handoffs between teams (Mermaid or DOT)")
    graph.add_argument("paths", nargs="*", metavar="PATH",
                       help="files or folders (default: the config's include globs)")
    graph.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
    graph.add_argument("--config", metavar="PATH", help="config file (default: search upward)")
    _add_evidence_parser(commands)
    init = commands.add_parser("init", help="write a starter ops repo into a folder")
    init.add_argument("folder", nargs="?", default=".", metavar="FOLDER",
                      help="where to write it (default: the current folder)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    import gc

    collecting = gc.isenabled()
    gc.disable()  # a run allocates much and leaves little garbage: collecting only costs time
    try:
        return int(COMMANDS[args.command](args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:
        return _fail(exc)
    finally:
        if collecting:  # callers in the same process collect again, but not over this run
            gc.freeze()
            gc.enable()


def _fail(exc: Exception) -> int:
    from orglint.baseline import BaselineError
    from orglint.config import ConfigError
    from orglint.engine import RuleCrash
    from orglint.evidence.settings import EvidenceError
    from orglint.plugins import PluginError
    from orglint.registry import RegistryError
    from orglint.runner import UsageError

    if isinstance(exc, ConfigError):
        for position, message in exc.problems:
            print(f"{position}: config error: {message}", file=sys.stderr)
    elif isinstance(exc, (UsageError, PluginError, RegistryError, RuleCrash, BaselineError,
                          EvidenceError)):
        print(f"orglint: error: {exc}", file=sys.stderr)
    elif isinstance(exc, OSError) and exc.filename:  # an output or input orglint cannot use
        print(f"orglint: error: {exc.filename}: {exc.strerror}", file=sys.stderr)
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

    session = open_session(args.config, paths=args.paths)
    session.use_cache = not args.no_cache
    outputs = [_parse_output(spec, session.formatters) for spec in args.output]
    if args.format not in session.formatters:
        known = ", ".join(sorted(session.formatters))
        raise UsageError(f"unknown format '{args.format}' (choose from {known})")
    settings = settings_for(session.config, _split(args.select), _split(args.ignore), args.fail_on)
    if args.write_baseline:
        return _write_baseline(session, args, settings)
    settings.baseline = _baseline(session, args, settings)
    result = run_check(session, args.paths, settings)
    context = FormatContext(session.registry, __version__, statistics=args.statistics)
    for name, target in outputs:
        try:
            target.write_text(session.formatters[name](result, context), encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write --output {name}:{target}: "
                             f"{exc.strerror or type(exc).__name__}") from exc
    sys.stdout.write(session.formatters[args.format](result, context))
    sys.stdout.flush()
    if args.exit_zero or not result.failed:
        return EXIT_OK
    return EXIT_FINDINGS


def _write_baseline(session: Any, args: argparse.Namespace, settings: Any) -> int:
    from orglint.baseline import dump
    from orglint.runner import run_check

    result = run_check(session, args.paths, settings)
    Path(args.write_baseline).write_text(dump(result.findings), encoding="utf-8")
    count = len(result.findings)
    print(f"Wrote {count} finding{'' if count == 1 else 's'} to {args.write_baseline}.")
    return EXIT_OK


def _baseline(session: Any, args: argparse.Namespace, settings: Any) -> Any:
    """What the baseline file and --diff-base accept, or None to report every finding."""
    from orglint.baseline import combine, fingerprints_at, read
    from orglint.runner import display

    from_file = None
    if args.baseline:
        from_file = read(Path(args.baseline), args.baseline)
    elif session.config.baseline:
        path = session.config.root / session.config.baseline
        from_file = read(path, display(path, session.cwd))
    from_git = fingerprints_at(args.diff_base, session, args.paths, settings) \
        if args.diff_base else None
    return combine(from_file, from_git)


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


def _add_report_parser(commands: Any) -> None:
    report = commands.add_parser("report", help="render the leadership audit report")
    report.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or folders (default: the config's include globs)")
    report.add_argument("-o", "--output", metavar="FILE",
                        help="write the report to FILE (default: standard output)")
    report.add_argument("--format", choices=("html", "markdown"),
                        help="html or markdown (default: markdown for a .md FILE, else html)")
    report.add_argument("--template-dir", metavar="DIR",
                        help="templates that extend the built-in ones (orglint/report.html.j2)")
    report.add_argument("--previous", metavar="FILE",
                        help="an earlier 'orglint check --format json' output, for the trend")
    report.add_argument("--config", metavar="PATH", help="config file (default: search upward)")


def cmd_report(args: argparse.Namespace) -> int:
    from orglint.runner import open_session, run_check, settings_for

    fmt = args.format or ("markdown" if (args.output or "").endswith(".md") else "html")
    session = open_session(args.config, paths=args.paths)
    settings = settings_for(session.config)
    # jinja2 is imported here, when a report is rendered, and never by `orglint check`
    from orglint.report import build
    from orglint.report.render import load_previous, render, report_date

    previous = load_previous(args.previous) if args.previous else None
    result = run_check(session, args.paths, settings)
    report = build(result, today=report_date(settings), version=__version__, previous=previous,
                   previous_name=args.previous or "", rules=session.registry)
    text = render(report, fmt, args.template_dir)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return EXIT_OK


COMMANDS: dict[str, Any] = {"check": cmd_check, "rules": cmd_rules, "rule": cmd_rule}
COMMANDS["report"] = cmd_report


def _add_impact_parser(commands: Any) -> None:
    impact = commands.add_parser("impact", help="what loses its person if that person leaves")
    impact.add_argument("person", metavar="PERSON", help="person:ID or ID")
    impact.add_argument("paths", nargs="*", metavar="PATH",
                        help="files or folders (default: the config's include globs)")
    impact.add_argument("--format", choices=("text", "json"), default="text")
    impact.add_argument("--config", metavar="PATH", help="config file (default: search upward)")


def cmd_impact(args: argparse.Namespace) -> int:
    from orglint.engine import check
    from orglint.impact import UnknownPerson, assess, render_json, render_text
    from orglint.runner import UsageError, load_for_check, open_session, settings_for

    session = open_session(args.config, paths=args.paths)
    settings = settings_for(session.config)
    files = load_for_check(session, args.paths, settings)
    result = check(files, session.registry, settings)
    try:
        impact = assess(result, files, args.person,
                        lambda changed: check(changed, session.registry, settings))
    except UnknownPerson as exc:
        raise UsageError(str(exc)) from exc
    render = render_json if args.format == "json" else render_text
    sys.stdout.write(render(impact))
    sys.stdout.flush()
    return EXIT_OK


COMMANDS["impact"] = cmd_impact


def cmd_schema(args: argparse.Namespace) -> int:
    from orglint.jsonschema_export import render

    sys.stdout.write(render())
    sys.stdout.flush()
    return EXIT_OK


COMMANDS["schema"] = cmd_schema


def cmd_graph(args: argparse.Namespace) -> int:
    from orglint.engine import prepare
    from orglint.graph import build, render
    from orglint.runner import load_for_check, open_session, settings_for

    session = open_session(args.config, paths=args.paths)
    org, _ = prepare(load_for_check(session, args.paths, settings_for(session.config)))
    if any(org.problems.values()):
        print("orglint: note: some files have problems; the graph shows what resolved "
              "(run 'orglint check')", file=sys.stderr)
    sys.stdout.write(render(build(org), args.format))
    sys.stdout.flush()
    return EXIT_OK


COMMANDS["graph"] = cmd_graph


def cmd_init(args: argparse.Namespace) -> int:
    from orglint.runner import UsageError
    from orglint.starter import ExistingFile, write

    try:
        written = write(Path(args.folder))
    except ExistingFile as exc:
        raise UsageError(str(exc)) from exc
    for path in written:
        print(f"created {path}")
    print("Replace the example people, teams and journey with your own, then run 'orglint check'.")
    return EXIT_OK


COMMANDS["init"] = cmd_init


def _add_evidence_parser(commands: Any) -> None:
    evidence = commands.add_parser("evidence", help="how work moved between teams, from the "
                                   "configured event logs")
    evidence.add_argument("paths", nargs="*", metavar="PATH",
                          help="files or folders of the org (default: the config's include globs)")
    evidence.add_argument("--format", choices=("text", "json"), default="text")
    evidence.add_argument("--engine", choices=("duckdb", "spark"),
                          help="where the SQL runs (default: the config's, else duckdb)")
    evidence.add_argument("--config", metavar="PATH", help="config file (default: search upward)")


def cmd_evidence(args: argparse.Namespace) -> int:
    """The evidence summary: reads the logs of the config's ``evidence:`` section once."""
    from orglint.engine import prepare
    from orglint.evidence.observe import observe
    from orglint.evidence.summary import render_json, render_text, summary
    from orglint.runner import UsageError, load_for_check, open_session, settings_for

    session = open_session(args.config, paths=args.paths)
    if session.config.evidence is None:
        raise UsageError("the config has no 'evidence:' section naming event logs "
                         "(see docs/evidence.md)")
    settings = settings_for(session.config)
    org, _ = prepare(load_for_check(session, args.paths, settings))
    data = summary(observe(session.config.evidence, org, args.engine), org)
    sys.stdout.write(render_json(data) if args.format == "json" else render_text(data))
    sys.stdout.flush()
    return EXIT_OK


COMMANDS["evidence"] = cmd_evidence
