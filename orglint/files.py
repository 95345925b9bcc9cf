"""Every file orglint writes appears whole or not at all, and every write error is one line.

``write_file`` writes into a temporary file in the target's folder, flushes it to disk and
renames it over the target in one step (``os.replace``), so a reader, a full disk or a stopped
run never sees a part of it and an earlier complete file stays until the new one is whole.
``emit`` is the same promise for standard output: a write that fails (a full disk, a closed
pipe) is a one-line error, never a silent exit.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from orglint.errors import UsageError


class WriteError(UsageError):
    """A file or standard output that cannot be written: ``orglint: error: MESSAGE``, exit 2."""


_SURROGATE = re.compile("[\ud800-\udfff]")


def json_text(data: Any) -> str:
    """``data`` as indented JSON text that any UTF-8 stream can hold: non-ASCII text as itself,
    a lone surrogate (a file name's byte that is not UTF-8, ``os.fsdecode``) as its ``\\uXXXX``
    escape, which a JSON reader turns back into the same string."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    return text + "\n"


def write_file(path: str | Path, text: str, shown: str | None = None, *,
               replace: bool = True) -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` whole or not at all.

    The text goes to a temporary file beside ``path`` (same folder, so the rename cannot cross
    file systems), is synced to disk, takes the mode a new file would have (an existing
    file's, when it is replaced), and is renamed over ``path``. With ``replace`` False an
    existing file is never replaced: the file is linked into place, and ``FileExistsError``
    is raised when ``path`` exists. On any error, an interrupt (SIGINT) or a stop (SIGTERM,
    see ``orglint.commands``) the temporary file is removed and ``path`` is as it was.

    Raises ``WriteError`` (``cannot write SHOWN: REASON``; ``shown`` names the file as the
    user gave it, by default ``path``) when the folder or the file cannot be written, the disk
    is full, or ``path`` is a folder.
    """
    target = Path(path)
    data = text.encode("utf-8")
    folder = target.parent
    temporary: str | None = None
    try:
        handle, temporary = _temporary(folder, target.name)
        try:
            _write_all(handle, data)
            os.fchmod(handle, _mode(target))
            os.fsync(handle)
        finally:
            os.close(handle)
        if replace:
            os.replace(temporary, target)
        else:
            os.link(temporary, target)  # fails when the target exists: never replaced
            os.unlink(temporary)
        temporary = None
    except FileExistsError:
        raise
    except OSError as exc:
        raise WriteError(f"cannot write {shown or path}: {_reason(exc)}") from exc
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def emit(text: str) -> None:
    """Write ``text`` to standard output and flush it. Raises ``WriteError`` (``cannot write
    to standard output: REASON``) when that fails; what was not written is dropped, so the
    interpreter's own flush at exit does not fail again."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        silence_stdout()
        raise WriteError(f"cannot write to standard output: {_reason(exc)}") from exc


def write_or_emit(path: str | None, text: str, what: str) -> None:
    """``write_file`` to ``path`` (shown as ``WHAT PATH`` in an error), or ``emit`` when
    ``path`` is None."""
    if path is None:
        emit(text)
    else:
        write_file(path, text, f"{what} {path}")


def silence_stdout() -> None:
    """Point standard output at the null device: after a failed write, what Python still
    buffers would fail again at exit, and print a traceback-like note."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError, AttributeError):  # no file descriptor (a test's capture)
        pass


def _temporary(folder: Path, name: str) -> tuple[int, str]:
    import tempfile

    return tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder or ".")


def _write_all(handle: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(handle, view)
        view = view[written:]


def _mode(target: Path) -> int:
    """An existing file's permissions, else those a new file gets under the umask."""
    try:
        return os.stat(target).st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__
