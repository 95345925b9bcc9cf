"""A content-hash cache of parsed files (filled by orglint.load.parallel).

An entry holds what loading one file produced (documents with positions, syntax problems,
inline directives) and the schema problems of each document: everything that depends on the
file's bytes and its displayed path alone. Its key is a hash of both, and entries live in a
folder named after the cache format, the orglint and Python versions and a hash of orglint's
own parsing code, so no other build of orglint ever reads them.

The entries of one scope (the current folder and config) live in one pack file: creating
thousands of small files costs more than parsing them on some file systems.

A cache must never change a result or break a run:
- a pack is written to a temporary file and renamed into place, so a reader sees a whole
  pack or none, whatever runs at the same time (the last writer wins; each pack is complete);
- a pack is signed (HMAC) with a key kept outside the checked repo, and read with an
  unpickler that builds nothing but orglint's own value types: a pack planted in the repo,
  truncated or corrupt is empty, never code and never a different result;
- a pack and the key are read only from regular files, opened without following a link and
  without waiting on a pipe, and only up to a size cap: a FIFO, a device or a link planted
  where the pack goes is a miss, never a hang;
- any error while reading is a miss; any error while writing turns writing off for the run.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import io
import os
import pickle
import stat
import sys
import tempfile
from dataclasses import fields
from pathlib import Path
from typing import Any

from orglint import __version__
from orglint.load.documents import Document, LoadedFile, load_bytes

FORMAT = 2
DEFAULT_FOLDER = ".orglint_cache"
ENV_FOLDER = "ORGLINT_CACHE_DIR"
_SIGNATURE = hashlib.sha256().digest_size
# the largest pack read back (bytes): far above what a 100,000-person org fills
MAX_PACK_BYTES = 2 * 1024 * 1024 * 1024
_KEY_BYTES = 32

# an entry is plain data (tuples, dicts, lists, strings, numbers) and these value types
_ALLOWED = {
    ("orglint.finding", "Hit"),
    ("orglint.finding", "Position"),
    ("orglint.finding", "Finding"),
    ("orglint.engine.waivers", "Waiver"),
    ("orglint.engine.stage", "Stage"),
    ("datetime", "date"),
}


class _Unpickler(pickle.Unpickler):
    """Builds orglint's value types and nothing else (never a function, never a module)."""

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache entry")
        return super().find_class(module, name)


def parse(raw: bytes, display: str, indexed: bool = True) -> LoadedFile:
    """One file's bytes -> documents with their schema problems (``Document.schema``): what a
    cache entry holds. Never raises for bad content, as ``load_bytes``. ``indexed`` False
    leaves each document to find its position index from ``raw`` when asked, as a document
    read from the cache does: the choice where the index is rarely asked for (a worker, whose
    results travel as cache entries, which hold none)."""
    from orglint.schema.org import validate

    loaded = load_bytes(raw, display, indexed)
    if not loaded.indexed:  # positions are found again from the bytes when asked for
        loaded.documents = _lazy([_fields(doc) for doc in loaded.documents],
                                 _Positions(raw, display))
        loaded.indexed = True
    for doc in loaded.documents:
        doc.schema = validate(doc)
    return loaded


_LAZY = ("keys", "values")  # the position index: most documents of a run never need it


class _Positions:
    """The position indexes of one file's documents, found again from its bytes the first
    time one is asked for: parsing the same bytes with the same code gives the same places,
    and a run needs the places of the few documents it reports on only. Storing them in the
    cache would cost more than half of each entry, to write on every cold run."""

    def __init__(self, raw: bytes, display: str) -> None:
        self.raw: bytes | None = raw
        self.display = display
        self.found: dict[int, tuple[dict[Any, Any], dict[Any, Any]]] = {}

    def of(self, index: int) -> tuple[dict[Any, Any], dict[Any, Any]]:
        """``(keys, values)`` of the document at ``index`` in the file ({} when none)."""
        if self.raw is not None:
            for doc in load_bytes(self.raw, self.display).documents:
                self.found[doc.index] = (doc.keys, doc.values)
            self.raw = None  # parsed once: the bytes are no longer needed
        return self.found.get(index, ({}, {}))


class _LazyDocument(Document):
    """A document read from the cache: its position index is found on first use
    (``_Positions``)."""

    def __getattr__(self, name: str) -> Any:  # called only for attributes not yet set
        positions = self.__dict__.get("_positions") if name in _LAZY else None
        if positions is None:
            raise AttributeError(name)
        self.keys, self.values = positions.of(self.index)
        del self.__dict__["_positions"]
        return self.__dict__[name]


def _load(blob: bytes) -> Any:
    return _Unpickler(io.BytesIO(blob)).load()


def _dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def dump(loaded: LoadedFile) -> bytes:
    """A parsed file as an entry (pickled bytes): its fields and each document's fields but
    its position index, which ``undump`` finds again from the file's bytes when asked."""
    documents = [_fields(doc) for doc in loaded.documents]
    rest = {f.name: getattr(loaded, f.name) for f in fields(loaded)
            if f.name not in ("documents", "indexed")}
    return _dumps((FORMAT, rest, documents))


def undump(payload: bytes, raw: bytes) -> LoadedFile:
    """The parsed file an entry made by ``dump`` of the file's bytes ``raw`` holds; position
    indexes are found again from ``raw`` on first use.

    Raises ``pickle.UnpicklingError`` for a payload that is not an entry of this format or
    holds a type other than orglint's values (other errors for a corrupt one).
    """
    entry = _load(payload)
    if not (isinstance(entry, tuple) and len(entry) == 3 and entry[0] == FORMAT):
        raise pickle.UnpicklingError("not a parsed file")
    _, rest, stored = entry
    return LoadedFile(documents=_lazy(stored, _Positions(raw, rest["path"])), **rest)


def _fields(doc: Document) -> dict[str, Any]:
    """A document's fields but its position index, by name."""
    return {f.name: getattr(doc, f.name) for f in fields(doc) if f.name not in _LAZY}


def _lazy(stored: list[dict[str, Any]], positions: _Positions) -> list[Document]:
    """Documents of the fields ``stored`` (as ``_fields`` gives them) whose position index
    ``positions`` finds on first use."""
    documents: list[Document] = []
    for values in stored:
        doc = _LazyDocument.__new__(_LazyDocument)
        doc.__dict__.update(values, _positions=positions)
        documents.append(doc)
    return documents


def code_fingerprint() -> str:
    """16 hex characters hashing the modules whose behaviour an entry captures, so a changed
    checkout misses."""
    from orglint import finding
    from orglint.load import directives, documents
    from orglint.schema import fast, org

    digest = hashlib.sha256()
    for module in (sys.modules[__name__], fast, finding, documents, directives, org):
        try:
            digest.update(Path(module.__file__ or "").read_bytes())
        except OSError:
            digest.update(__version__.encode())
    return digest.hexdigest()[:16]


class ParseCache:
    """The entries of one scope (a folder checked with one config) under ``folder``, kept in
    one signed pack file: one read when a run starts, one write when it parsed anything.
    ``ParseCache(None)`` is a cache that is off, and so is one without a place for its signing
    key. ``hits`` and ``misses`` count lookups. No method raises for a broken cache."""

    def __init__(self, folder: Path | None, scope: str = "") -> None:
        self.enabled = folder is not None
        self.writable = self.enabled
        self.folder = folder
        self.hits = 0
        self.misses = 0
        self._secret = b""
        self._pack: Path | None = None
        self._stored: dict[str, bytes] | None = None  # read lazily, on the first lookup
        self._used: dict[str, bytes] = {}  # what this run read or parsed: the next pack
        self._changed = False
        # files parsed here whose entries are not made yet (save_later), and the process
        # writing the pack meanwhile
        self._later: list[tuple[str, LoadedFile]] = []
        self._packer: Any = None
        self._results: ResultStore | None = None
        if folder is not None:
            version = f"v{FORMAT}-{__version__}-py{sys.version_info[0]}{sys.version_info[1]}"
            name = hashlib.sha256(scope.encode("utf-8", "surrogateescape")).hexdigest()[:24]
            self._pack = folder / f"{version}-{code_fingerprint()}" / f"{name}.pack"
            secret = _secret()
            if secret is None:
                self.enabled = self.writable = False
            else:
                self._secret = secret

    def key(self, raw: bytes, display: str) -> str:
        """The entry key of a file: the SHA-256 hex digest of its displayed path and bytes."""
        digest = hashlib.sha256(display.encode("utf-8", "surrogateescape") + b"\0" + raw)
        return digest.hexdigest()

    def get(self, key: str, raw: bytes) -> LoadedFile | None:
        """The parsed file of bytes ``raw`` stored under ``key``; None on a miss, an entry
        that does not load, or when the cache is off."""
        if not self.enabled:
            return None
        if self._stored is None:
            self._stored = self._read()
        payload = self._stored.get(key)
        try:
            if payload is None:
                raise KeyError(key)
            loaded = undump(payload, raw)
        except Exception:  # absent, or an entry that does not load: parse the file instead
            self.misses += 1
            return None
        self.hits += 1
        self._used[key] = payload
        return loaded

    def put(self, key: str, payload: bytes) -> None:
        """Keep an entry (made by ``dump``) for the next ``save``; nothing when writing is off."""
        if self.writable:
            self._used[key] = payload
            self._changed = True

    def save(self) -> None:
        """Write the pack when this run parsed anything: the entries it used, nothing else. An
        ``OSError`` (read-only checkout, full disk) turns writing off instead of raising."""
        self.wait()
        if not (self.writable and self._changed) or self._pack is None:
            return
        self._made()
        if not _write_signed(self._pack, self.folder, self._secret, self._used):
            self.writable = False  # read-only checkout, full disk: run without writing it
        self._changed = False

    def save_later(self, parsed: list[tuple[str, LoadedFile]]) -> None:
        """``put`` the entry of each ``(key, parsed file)`` and ``save``, in a forked process
        while this one goes on: a run that parsed on several cores builds its model next, on
        one, and the pack (the entries of the files parsed here, signed and written: 0.3 s
        at 100,000 people) is made on a free core meanwhile. ``wait`` ends it; every run waits
        before it ends, and before it reads a pack. Where no process can be forked, or the
        forked one fails, ``wait`` saves here: the pack is the same."""
        from orglint.workers import Workers

        self.wait()
        if not self.writable or self._pack is None:
            return
        self._later.extend(parsed)
        self._changed = self._changed or bool(parsed)
        if not self._changed:
            return
        packer = Workers([self._write])
        packer.__enter__()
        self._packer = packer
        if not _AT_EXIT:
            import atexit

            atexit.register(wait_for_packs)  # for a caller that never waits
            _AT_EXIT.append(True)
        _PACKING.append(self)

    def wait(self) -> None:
        """Wait for the pack ``save_later`` is writing; save it here if that failed."""
        packer, self._packer = self._packer, None
        if packer is None:
            return
        with contextlib.suppress(ValueError):
            _PACKING.remove(self)
        try:
            written = next(packer.results(), None)
        finally:
            packer.__exit__(None, None, None)
        if written is None:  # no process could be forked, or it failed: save here
            self.save()
        else:
            self._changed = False
            self.writable = self.writable and written

    def _made(self) -> None:
        """The entries of the files parsed here that ``save_later`` left to make, made."""
        for key, loaded in self._later:
            self._used[key] = dump(loaded)
        self._later = []

    def _write(self) -> bool:
        """The packer's task: make the entries left, write the pack; False on an OSError."""
        self._made()
        return _write_signed(self._pack, self.folder, self._secret, self._used) \
            if self._pack is not None else False

    def results(self) -> ResultStore:
        """The results kept beside this pack (one store per cache, so that what one run
        stores twice lands in one file)."""
        if self._results is None:
            self._results = ResultStore(self)
        return self._results

    def _read(self) -> dict[str, bytes]:
        assert self._pack is not None
        wait_for_packs()  # a pack this process is still writing is read whole
        return _read_signed(self._pack, self._secret)

    def _sign(self, body: bytes) -> bytes:
        return _sign(self._secret, body)


# the caches whose pack a forked process is writing (ParseCache.save_later)
_PACKING: list[ParseCache] = []
_AT_EXIT: list[bool] = []  # not empty once wait_for_packs runs at exit


def wait_for_packs() -> None:
    """Wait for every pack this process is having written (``ParseCache.save_later``)."""
    while _PACKING:
        _PACKING[0].wait()


def _sign(secret: bytes, body: bytes) -> bytes:
    return hmac.new(secret, body, hashlib.sha256).digest()


def _read_signed(path: Path, secret: bytes) -> dict[str, bytes]:
    """The entries (key -> payload) of a signed file; empty for anything that is not a
    bounded regular file signed with ``secret`` and holding such a table."""
    blob = read_regular(path, MAX_PACK_BYTES)
    if blob is None:
        return {}
    try:
        signature, body = blob[:_SIGNATURE], blob[_SIGNATURE:]
        if not hmac.compare_digest(signature, _sign(secret, body)):
            return {}  # not written with this user's key: planted, copied or damaged
        entries = _Unpickler(io.BytesIO(body)).load()
    except Exception:  # truncated, corrupt: an empty cache
        return {}
    if not isinstance(entries, dict):
        return {}
    return {key: value for key, value in entries.items()
            if isinstance(key, str) and isinstance(value, bytes)}


def _write_signed(path: Path, root: Path | None, secret: bytes, entries: dict[str, bytes]
                  ) -> bool:
    """Write the signed file whole (temporary file, then rename); False on an ``OSError``."""
    body = pickle.dumps(entries, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        if not path.parent.is_dir():
            _make_folder(path.parent, root)
        # readers see the old file or the new; the two parts are written as they are, never
        # joined into a copy of the whole pack
        write_whole(path, (_sign(secret, body), body))
    except OSError:
        return False
    return True


class ResultStore:
    """Whole results of one scope (``check`` in ``orglint.incremental``) beside its parse
    pack, in one signed file: the ``KEEP`` most recent, each under a key of everything the
    result depends on. A value is read with an unpickler that builds nothing but orglint's
    value types (findings, waivers, stages); anything unreadable is a miss. No method
    raises for a broken cache."""

    KEEP = 4

    def __init__(self, cache: ParseCache) -> None:
        self.enabled = cache.enabled
        self.writable = cache.writable
        self._secret = cache._secret
        self._folder = cache.folder
        self._path = cache._pack.with_suffix(".results") if cache._pack is not None else None
        self._entries: dict[str, bytes] | None = None

    def get(self, key: str) -> Any:
        """The value stored under ``key``, or None."""
        if not self.enabled or self._path is None:
            return None
        if self._entries is None:
            self._entries = _read_signed(self._path, self._secret)
        payload = self._entries.get(key)
        if payload is None:
            return None
        try:
            return _Unpickler(io.BytesIO(payload)).load()
        except Exception:  # a value that does not load: the result is computed instead
            return None

    def put(self, key: str, value: Any) -> None:
        """Store ``value`` under ``key`` and write the file, keeping the ``KEEP`` most recent
        values; an ``OSError`` turns writing off."""
        if not self.writable or self._path is None:
            return
        if self._entries is None:
            self._entries = _read_signed(self._path, self._secret)
        others = [(k, v) for k, v in self._entries.items() if k != key][: self.KEEP - 1]
        self._entries = {key: _dumps(value), **dict(others)}
        if not _write_signed(self._path, self._folder, self._secret, self._entries):
            self.writable = False


def read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` when it is a regular file of at most ``limit`` bytes; None for
    anything else (missing, a link, a FIFO, a device, a folder, larger, unreadable). Opens
    without following a final link and without blocking on a FIFO, then checks what it
    opened, so nothing planted at ``path`` can hang the run or fill memory."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) \
        | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(path, flags)
    except (OSError, ValueError):
        return None
    try:
        found = os.fstat(handle)
        if not stat.S_ISREG(found.st_mode) or found.st_size > limit:
            return None
        chunks, left = [], limit + 1
        while left > 0:  # a file growing while it is read still stops at the cap
            chunk = os.read(handle, min(left, 1 << 24))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        blob = b"".join(chunks)
        return blob if len(blob) <= limit else None
    except OSError:
        return None
    finally:
        os.close(handle)


def write_whole(path: Path, data: bytes | tuple[bytes, ...], mode: int | None = None) -> None:
    """Write ``data`` (bytes, or parts written one after the other) to ``path`` through a
    temporary file in the same folder renamed into place: readers see the old file or the new
    one, and whatever stood at ``path`` (a link, a FIFO) is replaced, never written through.
    ``mode`` sets the permissions. Raises ``OSError``."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            for part in (data,) if isinstance(data, bytes) else data:
                out.write(part)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        _remove(temporary)
        raise


def _make_folder(folder: Path, root: Path | None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if root is not None and not (root / ".gitignore").exists():
        # like pytest and ruff: the cache says it is one, and keeps itself out of git
        write_whole(root / ".gitignore", b"# created by orglint\n*\n")
        write_whole(root / "CACHEDIR.TAG",
                    b"Signature: 8a477f597d28d172789f06886806bc55\n"
                    b"# This file is a cache directory tag created by orglint.\n")


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _secret() -> bytes | None:
    """The signing key, kept in the user's cache folder (never in the checked repo); None
    when it cannot be kept there (no writable home): then no pack could ever be trusted by a
    later run, and the cache stays off."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "orglint" / "cache-key"
    secret = read_regular(path, 4096)
    if secret is not None and len(secret) >= _KEY_BYTES:
        return secret
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # racing runs may each put a key here: the last one stays, and the packs signed
        # with the others are misses next time, never trusted
        write_whole(path, os.urandom(_KEY_BYTES), 0o600)
    except OSError:
        return None
    secret = read_regular(path, 4096)
    return secret if secret is not None and len(secret) >= _KEY_BYTES else None


def cache_folder(config_root: Path | None, configured: str | None, cwd: Path) -> Path:
    """``ORGLINT_CACHE_DIR``, else the config's ``cache_dir`` (relative to the config), else
    ``.orglint_cache`` next to the config (in ``cwd`` without one). ``config_root`` is the
    config's folder, ``configured`` its ``cache_dir``."""
    from_env = os.environ.get(ENV_FOLDER)
    if from_env:
        return Path(from_env)
    root = config_root or cwd
    if configured:
        return root / configured
    return root / DEFAULT_FOLDER
