"""Which files make up the org: named files as given, folders walked with the config's
include and exclude globs; the config, its waiver files and baseline never count as org data."""

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path

from orglint.config import CONFIG_NAMES, Config
from orglint.errors import UsageError

SKIP_DIRS = frozenset({"node_modules", "__pycache__", "venv"})


def display(path: Path, cwd: Path, resolved: bool = False) -> str:
    """How a path is shown: relative to ``cwd`` with forward slashes, absolute when it lies on
    another drive. ``resolved`` says the path is already real (``discover`` returns real
    paths, and an ops repo has thousands of them: resolving costs a syscall per component)."""
    real = path if resolved else path.resolve()
    base = _real_folder(cwd)
    text, prefix = str(real), str(base)
    if os.sep == "/" and text.startswith(prefix) and text[len(prefix): len(prefix) + 1] == "/":
        return text[len(prefix) + 1:]  # below the current folder: what relpath would say
    try:
        return Path(os.path.relpath(real, base)).as_posix()
    except ValueError:  # another drive on Windows
        return real.as_posix()


@functools.lru_cache(maxsize=8)
def _real_folder(folder: Path) -> Path:
    """The current folder, resolved once per run rather than once per file."""
    return folder.resolve()


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A glob as a compiled regex matching a whole forward-slash relative path: ``*`` and ``?``
    stay within one folder, ``**/`` spans any number of folders, ``**`` anything."""
    out = ""
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out += "(?:.*/)?"
            index += 3
        elif pattern.startswith("**", index):
            out += ".*"
            index += 2
        elif pattern[index] == "*":
            out += "[^/]*"
            index += 1
        elif pattern[index] == "?":
            out += "[^/]"
            index += 1
        else:
            out += re.escape(pattern[index])
            index += 1
    return re.compile(out + r"\Z")


def discover(config: Config, paths: Sequence[str], cwd: Path) -> list[Path]:
    """The org's files as absolute paths, unique, sorted by their displayed path.

    A named file counts as given. A folder (the config's root when ``paths`` is empty) is
    walked, skipping hidden files and folders, config files (``orglint.yaml``: this project's or
    a nested one's), ``node_modules``, ``__pycache__`` and ``venv``;
    a file counts when an include glob and no exclude glob matches its path relative to the
    walked folder or to the config, and it is neither the config, a waiver file, the baseline,
    nor a FIFO, socket or device. Raises ``UsageError`` when a path does not exist or is
    neither a file nor a folder, or when no file is found.
    """
    include = [glob_regex(p) for p in config.include]
    exclude = [glob_regex(p) for p in config.exclude]
    skip = {p.resolve() for p in _not_org_files(config)}
    found: dict[Path, None] = {}
    roots = [Path(p) for p in paths] if paths else [config.root]
    for root in roots:
        root = root if root.is_absolute() else cwd / root
        if not root.exists():
            raise UsageError(f"path '{display(root, cwd)}' does not exist")
        if root.is_file():
            found[root.resolve()] = None
            continue
        if not root.is_dir():
            raise UsageError(f"'{display(root, cwd)}' is neither a file nor a folder")
        for folder, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
            real_folder = Path(folder).resolve()  # os.walk does not enter linked folders
            # per folder, not per file: thousands of files share a handful of folders
            in_root = Path(folder).relative_to(root).as_posix()
            in_config = _relative_to_config(real_folder, config)
            # hidden files, like hidden folders, are tooling (.pre-commit-config.yaml,
            # .gitlab-ci.yml), not the org; name one on the command line to check it. A config
            # file (this one, or a nested project's) is never org data.
            for name in sorted(n for n in files if not n.startswith(".") and n not in CONFIG_NAMES):
                rel = name if in_root == "." else f"{in_root}/{name}"
                if os.path.islink(os.path.join(folder, name)):
                    try:
                        real = Path(folder, name).resolve()
                    except (OSError, RuntimeError):  # a symlink loop: reading it reports it
                        real = Path(os.path.abspath(os.path.join(folder, name)))
                    # globs apply relative to the config's folder when the root lies inside it
                    anchor = _relative_to_config(real, config)
                else:
                    real = real_folder / name
                    anchor = None if in_config is None else (
                        name if in_config == "." else f"{in_config}/{name}")
                candidates = {rel, anchor} if anchor else {rel}
                if not any(r.match(c) for r in include for c in candidates):
                    continue
                if any(r.match(c) for r in exclude for c in candidates):
                    continue
                if real in skip or _special(real):
                    continue
                found[real] = None
    if not found:
        where = ", ".join(paths) if paths else display(config.root, cwd) or "."
        raise UsageError(f"no org files found in {where} (include: {', '.join(config.include)})")
    return sorted(found, key=lambda p: display(p, cwd, resolved=True))


def _special(path: Path) -> bool:
    """A FIFO, socket or device matched a glob: reading it could block forever, so skip it.
    A file that cannot be examined is kept, and reading it reports why."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def _relative_to_config(real: Path, config: Config) -> str | None:
    try:
        return real.relative_to(config.root).as_posix()
    except ValueError:
        return None


def _not_org_files(config: Config) -> Iterable[Path]:
    """The config, its waiver files and baseline are not part of the org."""
    if config.path is not None:
        yield config.path
    for name in config.waiver_files:
        yield config.root / name
    if config.baseline:
        yield config.root / config.baseline
