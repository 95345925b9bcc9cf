"""Which files make up the org: named files as given, folders walked with the config's
include and exclude globs; the config, its waiver files and baseline never count as org data."""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from orglint.config import CONFIG_NAMES, Config
from orglint.errors import UsageError

SKIP_DIRS = frozenset({"node_modules", "__pycache__", "venv"})


def display(path: Path, cwd: Path, resolved: bool = False) -> str:
    """How a path is shown: relative to ``cwd`` with forward slashes, absolute when it lies on
    another drive; a link as the path that leads to it, never as its target. ``resolved`` says
    the path is already absolute and normalised (``discover`` returns such paths, and an ops
    repo has thousands of them)."""
    real = path if resolved else Path(os.path.abspath(cwd / path))  # links kept as walked
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


class Glob:
    """A glob matched against a whole forward-slash relative path: ``*`` and ``?`` stay within
    one folder, ``**/`` spans any number of folders (none included), ``**`` anything; every
    other character stands for itself.

    ``match`` runs in time linear in the path whatever the pattern: the pattern is an automaton
    whose states are sets of places in the pattern, each step from one set to the next computed
    once and then looked up (a backtracking regex takes exponential time on ``a*******b``).
    """

    # the pattern's items: a character, or ANY1 ("?"), STAR ("*"), DEEP ("**"), FOLDERS ("**/")
    ANY1, STAR, DEEP, FOLDERS = "?", "*", "**", "**/"
    _MAX_STATES = 10_000  # states remembered; past that the automaton starts afresh

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        items: list[str] = []
        index = 0
        while index < len(pattern):
            for token in (self.FOLDERS, self.DEEP, self.STAR, self.ANY1):
                if pattern.startswith(token, index):
                    # `***` is `**` then `*`: both match any text, so one `**` stands for both
                    if not (token in (self.STAR, self.DEEP) and items and items[-1] == self.DEEP):
                        items.append(token)
                    index += len(token)
                    break
            else:
                items.append(pattern[index])
                index += 1
        self._items = items
        # the literal text after the last wildcard: a path that does not end in it fails at once
        tail = len(items)
        while tail and len(items[tail - 1]) == 1 and items[tail - 1] not in (self.ANY1, self.STAR):
            tail -= 1
        self._suffix = "".join(items[tail:])
        # the automaton, built as paths need it: state number -> {character: next state}
        self._states: list[frozenset[int]] = []
        self._numbers: dict[frozenset[int], int] = {}
        self._table: list[dict[str, int]] = []
        self._accepting: list[bool] = []
        self._dead = self._number(frozenset())
        self._start = self._number(self._closure({0}))

    def _number(self, places: frozenset[int]) -> int:
        number = self._numbers.get(places)
        if number is None:
            if len(self._states) >= self._MAX_STATES:  # start afresh rather than grow
                self._states.clear()
                self._numbers.clear()
                self._table.clear()
                self._accepting.clear()
                self._dead = self._number(frozenset())
                self._start = self._number(self._closure({0}))
            number = self._numbers[places] = len(self._states)
            self._states.append(places)
            self._table.append({})
            self._accepting.append(len(self._items) in places)
        return number

    def __repr__(self) -> str:
        return f"Glob({self.pattern!r})"

    def _closure(self, places: set[int]) -> frozenset[int]:
        """The places reachable without reading a character: past any wildcard that may
        match nothing. A negative place ``~p`` is inside the ``**/`` at ``p``: it has taken
        text and now needs its ``/``."""
        todo = list(places)
        found = set(places)
        while todo:
            place = todo.pop()
            if 0 <= place < len(self._items) and self._items[place] in (
                    self.STAR, self.DEEP, self.FOLDERS) and place + 1 not in found:
                found.add(place + 1)
                todo.append(place + 1)
        return frozenset(found)

    def _step(self, places: frozenset[int], char: str) -> frozenset[int]:
        items = self._items
        after: set[int] = set()
        for place in places:
            if place == len(items):
                continue
            item = items[place] if place >= 0 else self.FOLDERS
            if item == self.FOLDERS:  # entering `**/`, or inside it
                inside = place if place < 0 else ~place
                after.add(inside)
                if char == "/":
                    after.add(~inside + 1)
            elif item == self.DEEP or (item == self.STAR and char != "/"):
                after.add(place)  # the wildcard takes the character and may take more
            elif item == char or (item == self.ANY1 and char != "/"):
                after.add(place + 1)
        return self._closure(after)

    def match(self, path: str) -> bool:
        """True when the glob matches the whole of ``path``."""
        if not path.endswith(self._suffix):
            return False
        state = self._start
        table = self._table
        for char in path:
            following = table[state].get(char)
            if following is None:
                places = self._states[state]
                following = self._number(self._step(places, char))
                if self._numbers.get(places) != state:  # the automaton started afresh
                    return self.match(path)
                table[state][char] = following
            if following == self._dead:
                return False
            state = following
        return self._accepting[state]


def discover(config: Config, paths: Sequence[str], cwd: Path) -> list[Path]:
    """The org's files as absolute paths, sorted by their displayed path: each file once
    however many links lead to it, at the path walked or named to it (a link is shown where
    it stands, not at its target outside the repository).

    A named file counts as given. A folder (the config's root when ``paths`` is empty) is
    walked, skipping hidden files and folders, config files (``orglint.yaml``: this project's or
    a nested one's), ``node_modules``, ``__pycache__`` and ``venv``;
    a file counts when an include glob and no exclude glob matches its path relative to the
    walked folder or to the config, and it is neither the config, a waiver file, the baseline,
    a file a source of the config reads, nor a FIFO, socket or device. Raises ``UsageError``
    when a path does not exist or is neither a file nor a folder, or when no file is found
    (and the config has no sources).
    """
    include = [Glob(p) for p in config.include]
    exclude = [Glob(p) for p in config.exclude]
    skip = {str(p.resolve()) for p in _not_org_files(config)}
    owned = source_paths(config)
    owned_text = {str(p) for p in owned}
    found: dict[str, Path] = {}  # real path -> the path the user walked to it
    roots = [Path(p) for p in paths] if paths else [config.root]
    for root in roots:
        root = root if root.is_absolute() else cwd / root
        if not root.exists():
            raise UsageError(f"path '{display(root, cwd)}' does not exist")
        if root.is_file():
            # shown as named: a link is reported where the user put it, never at its target
            found.setdefault(str(root.resolve()), Path(os.path.abspath(root)))
            continue
        if not root.is_dir():
            raise UsageError(f"'{display(root, cwd)}' is neither a file nor a folder")
        for folder, dirs, entries in _walk(str(root)):
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIP_DIRS)
            real_folder = Path(folder).resolve()  # the walk does not enter linked folders
            if owned and in_source(real_folder, owned):
                dirs[:] = []  # a source's files are read by the source, never as org YAML
                continue
            # per folder, not per file: thousands of files share a handful of folders
            in_root = Path(folder).relative_to(root).as_posix()
            in_config = _relative_to_config(real_folder, config)
            real_text = str(real_folder)
            # hidden files, like hidden folders, are tooling (.pre-commit-config.yaml,
            # .gitlab-ci.yml), not the org; name one on the command line to check it. A config
            # file (this one, or a nested project's) is never org data.
            for entry in sorted((e for e in entries
                                 if not e.name.startswith(".") and e.name not in CONFIG_NAMES),
                                key=lambda e: e.name):
                name = entry.name
                rel = name if in_root == "." else f"{in_root}/{name}"
                link = entry.is_symlink()
                if link:
                    try:
                        real = str(Path(entry.path).resolve())
                    except (OSError, RuntimeError):  # a symlink loop: reading it reports it
                        real = os.path.abspath(entry.path)
                    # globs apply relative to the config's folder when the root lies inside it
                    anchor = _relative_to_config(Path(real), config)
                else:
                    real = os.path.join(real_text, name)
                    anchor = None if in_config is None else (
                        name if in_config == "." else f"{in_config}/{name}")
                candidates = {rel, anchor} if anchor else {rel}
                if not any(r.match(c) for r in include for c in candidates):
                    continue
                if any(r.match(c) for r in exclude for c in candidates):
                    continue
                if real in skip or real in owned_text or _special(entry, real, link):
                    continue
                # read once however many links lead to it, shown at the first path walked
                found.setdefault(real, Path(os.path.abspath(entry.path)))
    if not found and not config.sources:  # an org may live in its sources alone
        where = ", ".join(paths) if paths else display(config.root, cwd) or "."
        raise UsageError(f"no org files found in {where} (include: {', '.join(config.include)})")
    return sorted(found.values(), key=lambda p: display(p, cwd, resolved=True))


def source_paths(config: Config) -> frozenset[Path]:
    """The real files and folders the config's ``sources:`` read."""
    return frozenset((config.root / spec.path).resolve() for spec in config.sources)


def in_source(path: Path, owned: frozenset[Path]) -> bool:
    """True when the real ``path`` is a source's file or folder, or lies below one."""
    return path in owned or any(parent in owned for parent in path.parents)


def _walk(top: str) -> Iterator[tuple[str, list[str], list[os.DirEntry[str]]]]:
    """``os.walk(top)`` top down, not into linked folders, but each folder's files as
    ``os.DirEntry`` (their kind is known from the listing: no call per file to ask it). The
    caller may prune the folder names in place. A folder that cannot be listed is skipped,
    as ``os.walk`` skips it."""
    todo = [top]
    while todo:
        folder = todo.pop()
        dirs: list[str] = []
        files: list[os.DirEntry[str]] = []
        try:
            with os.scandir(folder) as listing:
                for entry in listing:
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    if is_dir:
                        dirs.append(entry.name)
                    else:
                        files.append(entry)
        except OSError:
            continue
        yield folder, dirs, files
        for name in reversed(dirs):  # the first folder is walked first
            path = os.path.join(folder, name)
            if not os.path.islink(path):
                todo.append(path)


def _special(entry: os.DirEntry[str], real: str, link: bool) -> bool:
    """A FIFO, socket or device matched a glob: reading it could block forever, so skip it.
    A file that cannot be examined is kept, and reading it reports why."""
    try:
        if not link:  # the listing said what it is
            return not entry.is_file(follow_symlinks=False)
        return not stat.S_ISREG(os.stat(real).st_mode)
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
