"""``orglint impact PERSON``: what loses its person, and which findings appear, if they leave."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from orglint.commands import EXIT_OK, add_paths
from orglint.commands.complete import person_ids
from orglint.errors import UsageError


def add_parser(commands: Any) -> None:
    """Register ``impact`` and its options on the subcommand table."""
    impact = commands.add_parser("impact", help="what loses its person if that person leaves")
    impact.add_argument("person", metavar="PERSON", help="person:ID or ID"
                        ).completer = person_ids
    add_paths(impact)
    impact.add_argument("--format", type=str.lower, choices=("text", "json"), default="text")


def run(args: argparse.Namespace) -> int:
    """Check the org as it is and without the person; print the difference; exit 0."""
    from orglint.engine.impact import UnknownPerson, assess, render_json, render_text
    from orglint.incremental import cacheable, check_files
    from orglint.load.discover import display
    from orglint.load.parallel import read_file
    from orglint.session import load_all, open_session, run_check

    session = open_session(args.config, paths=args.paths)
    settings = session.settings()
    cache = session.parse_cache()
    texts: list[bytes | None] | None = None
    if cacheable(session.config, settings, cache):  # the org as it is: read back if unchanged
        found = session.files(args.paths)
        read = [read_file(str(path), display(path, session.cwd, resolved=True))
                for path in found]  # once, for the results key and the documents
        files = load_all(found, session.cwd, cache, read=read)
        result, _ = check_files(found, session.cwd, settings, session.registry, session.config,
                                cache, run_check, files, read)
        texts = [raw if isinstance(raw, bytes) else None for raw in read]
    else:
        files = session.load(args.paths)
        result = run_check(session.registry, files, settings)
    try:
        impact = assess(result, files, args.person,
                        lambda changed, org: run_check(session.registry, changed, settings, org),
                        texts)
    except UnknownPerson as exc:
        raise UsageError(str(exc)) from exc
    render = render_json if args.format == "json" else render_text
    sys.stdout.write(render(impact))
    sys.stdout.flush()
    return EXIT_OK
