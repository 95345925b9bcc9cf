"""``orglint completion SHELL``: the script that completes orglint's commands and options in
bash, zsh or fish, generated from the parser by argcomplete.

    eval "$(orglint completion bash)"                 # in ~/.bashrc
    eval "$(orglint completion zsh)"                  # in ~/.zshrc
    orglint completion fish > ~/.config/fish/completions/orglint.fish
"""

from __future__ import annotations

import argparse
from typing import Any

from orglint.commands import EXIT_OK
from orglint.files import emit

SHELLS = ("bash", "zsh", "fish")


def add_parser(commands: Any) -> None:
    """Register ``completion`` on the subcommand table."""
    completion = commands.add_parser("completion",
                                     help="print the shell completion script (bash, zsh, fish)")
    completion.add_argument("shell", type=str.lower, choices=SHELLS, metavar="SHELL",
                            help="bash, zsh or fish")


def run(args: argparse.Namespace) -> int:
    """Print the completion script for ``args.shell``; exit 0."""
    from argcomplete.shell_integration import shellcode

    emit(shellcode(["orglint"], shell=args.shell))
    return EXIT_OK
