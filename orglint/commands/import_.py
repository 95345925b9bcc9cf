"""``orglint import TYPE PATH -o DIR``: read a source once and write its entities as orglint
YAML (``people.yaml``, ``teams.yaml``, ``raci.yaml``), for teams that want to move off it.

Each entity stands under a comment naming the place it was read from. Nothing is
overwritten: when a file to write exists, nothing is written and the command exits 2 naming
it. Problems found while reading are printed (``path:line:col: message``) and make the exit
code 1; what could be read is written all the same.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from orglint.commands import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK
from orglint.errors import UsageError
from orglint.files import emit, write_file


def add_parser(commands: Any) -> None:
    """Register ``import`` and its options on the subcommand table."""
    command = commands.add_parser("import", help="write a source's entities as orglint YAML")
    command.add_argument("type", metavar="TYPE", help="source type (backstage, github-teams, "
                                                      "csv-people, raci-matrix, or a plugin's)")
    command.add_argument("path", metavar="PATH", help="the source's file or folder")
    command.add_argument("-o", "--output", metavar="DIR", required=True,
                         help="folder to write people.yaml, teams.yaml, raci.yaml into")
    command.add_argument("--options", metavar="YAML",
                         help="the source's options as a YAML mapping (default: those of the "
                              "config's sources: entry with this type and path)")
    command.add_argument("--config", metavar="PATH", help="config file (default: search upward)")


def run(args: argparse.Namespace) -> int:
    """Read the source, print its problems, write the files; 0, 1 with problems, 2 when a
    file exists or the source cannot be read."""
    from orglint.session import open_session
    from orglint.sources import SourceError, with_defaults
    from orglint.sources.export import to_yaml

    session = open_session(args.config)
    reader = _reader(session.sources, args.type)
    path = Path(args.path)
    if not path.exists():
        raise UsageError(f"path '{args.path}' does not exist")
    options = _options(args, session, reader, path)
    try:
        read = reader.read(path.resolve(), with_defaults(reader, options), session.display)
    except SourceError as exc:
        raise UsageError(f"source {args.type}: {exc.message}") from exc
    problems = sorted(
        (hit.position.path, hit.position.line, hit.position.column, hit.message)
        for loaded in read.files
        for hits in [loaded.problems, *loaded.source_problems.values()]
        for hit in hits if hit.position is not None)
    for path_, line, column, message in problems:
        print(f"{path_}:{line}:{column}: {message}", file=sys.stderr)
    shown = args.path.rstrip("/\\") or args.path
    header = (f"Imported by `orglint import {args.type} {shown}`: each entity stands under the "
              "place it was read from.")
    texts = to_yaml([doc for loaded in read.files for doc in loaded.documents], header)
    folder = Path(args.output)
    targets = {section: folder / f"{section}.yaml" for section in texts}
    for target in targets.values():
        if target.exists():
            print(f"orglint: error: {session.display(target)} exists; orglint import never "
                  "overwrites a file", file=sys.stderr)
            return EXIT_ERROR
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for section, target in targets.items():
        try:
            write_file(target, texts[section], session.display(target), replace=False)
        except FileExistsError:  # it appeared meanwhile: still never replaced
            print(f"orglint: error: {session.display(target)} exists; orglint import never "
                  "overwrites a file", file=sys.stderr)
            return EXIT_ERROR
        count = sum(len(doc.data.get(section, {})) for loaded in read.files
                    for doc in loaded.documents if isinstance(doc.data, dict))
        written.append(f"{session.display(target)} ({count} {section if count != 1 else _one(section)})")
    counts = ", ".join(f"{count} {label}" for label, count in read.counts.items())
    files = f"{len(read.files)} file{'s' if len(read.files) != 1 else ''}"
    entry = _entry(session, args.type, path)
    after = ""
    if entry is not None and written and session.config.path is not None:
        after = (f"Next: remove the '{entry.type}' entry for {entry.path} from 'sources:' in "
                 f"{session.display(session.config.path)}; until then each id it read is "
                 "defined twice (ORG004).\n")
    emit((f"Read {files} ({counts}).\n" if counts else f"Read {files}.\n")
         + (f"Wrote {', '.join(written)}.\n" if written else "Nothing to write.\n") + after)
    return EXIT_FINDINGS if problems else EXIT_OK


def _one(section: str) -> str:
    return {"people": "person", "teams": "team", "raci": "raci"}.get(section, section)


def _reader(readers: Any, kind: str) -> Any:
    reader = readers.get(kind)
    if reader is None:
        import difflib

        close = difflib.get_close_matches(kind, list(readers), n=1, cutoff=0.6)
        hint = f"; did you mean '{close[0]}'?" if close else f" (types: {', '.join(sorted(readers))})"
        raise UsageError(f"unknown source type '{kind}'{hint}")
    return reader


def _options(args: argparse.Namespace, session: Any, reader: Any, path: Path) -> dict[str, Any]:
    """The options given with ``--options``, else those of the config's matching entry,
    checked against the source's own schema; UsageError naming what is wrong."""
    from orglint.sources import option_problems

    if args.options is None:
        entry = _entry(session, args.type, path)
        if entry is not None:
            return dict(entry.options)
        data: Any = {}
    else:
        data = _given(args.options)
    problems = option_problems(args.type, reader, data)
    if problems:  # a required option (csv-people's columns) is a usage error, never a crash
        where = "--options" if args.options is not None else \
            "--options (or a 'sources:' entry for this path in the config)"
        raise UsageError(f"{where}: " + "; ".join(message for _, message in problems))
    return dict(data)


def _entry(session: Any, kind: str, path: Path) -> Any:
    """The config's ``sources:`` entry of this type reading ``path``, or None."""
    from orglint.sources import source_root

    config = session.config
    for spec in config.sources:
        if spec.type == kind and source_root(config, spec) == path.resolve():
            return spec
    return None


def _given(text: str) -> Any:
    """The ``--options`` text as a mapping; UsageError when it is not one."""
    from orglint.load.documents import load_text

    loaded = load_text(text, "--options")
    if loaded.problems:
        hit = loaded.problems[0]
        raise UsageError(f"--options is not valid YAML: {hit.message}")
    data = loaded.documents[0].data if loaded.documents else None
    if not isinstance(data, dict):
        raise UsageError("--options must be a YAML mapping, such as '{columns: {id: Employee ID}}'")
    return data
