"""``orglint init``: a starter ops repo that checks clean, never replacing a file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from orglint.commands import EXIT_OK
from orglint.errors import UsageError
from orglint.files import emit


def add_parser(commands: Any) -> None:
    """Register ``init`` on the subcommand table."""
    init = commands.add_parser("init", help="write a starter ops repo into a folder")
    init.add_argument("folder", nargs="?", default=".", metavar="FOLDER",
                      help="where to write it (default: the current folder)")


def run(args: argparse.Namespace) -> int:
    """Write the starter files into ``folder``; exit 2 when one already exists."""
    from orglint.commands.starter import ExistingFile, write

    try:
        written = write(Path(args.folder))
    except ExistingFile as exc:
        raise UsageError(str(exc)) from exc
    emit("".join(f"created {path}\n" for path in written)
         + "Replace the example people, teams and journey with your own, then run "
           "'orglint check'.\n")
    return EXIT_OK
