"""The command line: ``main(argv) -> int``. One module per subcommand holds its parser
(``add_parser``) and ``run(args) -> int``; this module parses, dispatches and turns errors into
one line and exit code 2."""

from __future__ import annotations

import argparse
import errno
import functools
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from orglint import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
# the subcommands in the order `orglint --help` lists them; each is orglint.commands.<name>
COMMANDS = ("check", "rules", "rule", "report", "impact", "evidence", "schema", "graph", "init",
            "import", "completion")


class Parser(argparse.ArgumentParser):
    """argparse's parser, but a usage mistake is one line and exit 2, without the usage dump."""

    def error(self, message: str) -> Any:
        """Print ``orglint: error: MESSAGE`` on standard error and exit 2."""
        self.exit(EXIT_ERROR, f"orglint: error: {message}\n")


def split(values: list[str] | None) -> list[str]:
    """Repeated, comma-separated options as one list: ``--select A,B --select C`` -> A, B, C."""
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def add_paths(parser: argparse.ArgumentParser) -> None:
    """The PATH arguments and ``--config`` that every command reading the org takes."""
    parser.add_argument("paths", nargs="*", metavar="PATH", default=[],
                        help="files or folders (default: the config's include globs)")
    parser.add_argument("--config", metavar="PATH", help="config file (default: search upward)")


@functools.lru_cache(maxsize=1)
def build_parser() -> argparse.ArgumentParser:
    """The whole command line: ``orglint COMMAND ...`` with every subcommand's options (built
    once per process; parsing leaves it as it was)."""
    parser = Parser(prog="orglint", description="Lint how an organisation is built.")
    parser.add_argument("--version", action="version", version=f"orglint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    for name in COMMANDS:
        _module(name).add_parser(commands)
    return parser


def _module(name: str) -> Any:
    # `import` is a keyword: its module is orglint.commands.import_
    return importlib.import_module(f"orglint.commands.{name}{'_' if name == 'import' else ''}")


def console() -> NoReturn:
    """The ``orglint`` command: ``main`` on the process's arguments, then the process ends
    without freeing what the run built, object by object (``os._exit``, as mypy ends): exit
    handlers run and both output streams are flushed first. ``main`` is the function to call
    from Python."""
    from orglint.session import hold_until_exit

    hold_until_exit()
    code = main()
    import atexit

    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can be said
            code = code or EXIT_ERROR
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``orglint`` with ``argv`` (default: ``sys.argv[1:]``); returns the exit code:
    0 nothing at or above the fail level, 1 findings, 2 usage, config or internal error."""
    parser = build_parser()
    if "_ARGCOMPLETE" in os.environ:  # the shell asks for completions (orglint completion)
        import argcomplete

        argcomplete.autocomplete(parser)
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_ERROR
    import gc

    collecting = gc.isenabled()
    gc.disable()  # a run allocates much and leaves little garbage: collecting only costs time
    stopping = _stop_on_sigterm()
    try:
        code = int(_module(args.command).run(args))
        from orglint.files import emit

        emit("")  # what print() left in the buffer: a full disk is an error now, not at exit
        return code
    except KeyboardInterrupt:
        return 130
    except Stopped:
        return 143
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as exc:
        return _fail(exc)
    finally:
        packing = sys.modules.get("orglint.load.cache")
        if packing is not None:  # a pack still being written (ParseCache.save_later)
            packing.wait_for_packs()
        if stopping is not None:
            import signal

            signal.signal(signal.SIGTERM, stopping)
        if collecting:  # callers in the same process collect again, but not over this run
            gc.freeze()
            gc.enable()


class Stopped(BaseException):
    """SIGTERM arrived: the run unwinds as on an interrupt (a file being written is removed,
    an earlier complete one stays) and exits 143."""


def _stop_on_sigterm() -> Any:
    """Turn SIGTERM into ``Stopped`` while the run lasts, when nothing else handles it;
    returns the handler to restore, or None when it was left alone."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return None

    main_process = os.getpid()

    def stop(number: int, frame: Any) -> None:
        if os.getpid() != main_process:  # a forked worker inherited this: end as by default
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.kill(os.getpid(), signal.SIGTERM)
            return
        raise Stopped

    return signal.signal(signal.SIGTERM, stop)


_FULL = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO})


def _fail(exc: Exception) -> int:
    from orglint.config import ConfigError
    from orglint.engine.baseline import BaselineError
    from orglint.engine.check import RuleCrash
    from orglint.errors import UsageError
    from orglint.outputs.formatters import visible
    from orglint.plugins import PluginError
    from orglint.registry import RegistryError

    # each error is one line: a value it quotes is shown with its newlines and escapes visible
    if isinstance(exc, ConfigError):
        for position, message in exc.problems:
            print(visible(f"{position}: config error: {message}"), file=sys.stderr)
    elif isinstance(exc, (UsageError, PluginError, RegistryError, RuleCrash, BaselineError)):
        print(visible(f"orglint: error: {exc}"), file=sys.stderr)
    elif isinstance(exc, OSError) and exc.filename:  # an output or input orglint cannot use
        print(visible(f"orglint: error: {exc.filename}: {exc.strerror}"), file=sys.stderr)
    elif isinstance(exc, OSError) and exc.errno in _FULL:  # a full disk is no bug of orglint
        from orglint.files import silence_stdout

        silence_stdout()
        print(f"orglint: error: {exc.strerror}", file=sys.stderr)
    else:  # a bug in orglint: one line, and the details only when asked for
        import traceback

        if os.environ.get("ORGLINT_DEBUG"):
            traceback.print_exc()
        print(visible(f"orglint: internal error: {type(exc).__name__}: {exc} "
                      "(set ORGLINT_DEBUG=1 for details)"), file=sys.stderr)
    return EXIT_ERROR
