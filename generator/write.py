"""Write stage: the only code that writes into the docs dir.

Files are replaced atomically and only when their bytes change, so generating twice leaves
every file (and its timestamp) as it was. The generated folders are owned by the generator:
what a run did not write there is removed, and nothing outside them is ever touched.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import time
from pathlib import Path

from .errors import GeneratorError

FILE_MODE = 0o644
"""Every file written is readable by all (a web server, another user's checkout) and writable by its owner, whatever the umask."""

TEMPORARY_MARK = ".tmp-"
"""Temporaries are named `.NAME.tmp-XXXXXXXX` beside their target, so a leftover is recognisably ours."""

STALE_AFTER_SECONDS = 60.0
"""A temporary untouched for this long belongs to a write that was killed: a live write touches it within milliseconds."""

_TEMPORARY = re.compile(rf"^\..+{re.escape(TEMPORARY_MARK)}[a-z0-9_]{{8}}$")
"""The names `tempfile.mkstemp(prefix=f".{name}{TEMPORARY_MARK}")` makes (eight characters of its random alphabet)."""


class WriteError(GeneratorError):
    """A file could not be written (disk full, read-only folder); the previous version is intact."""


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over `path` (mode 0644).

    An OS error (disk full, read-only folder) leaves the old file as it was, removes the temporary
    and is raised as a WriteError naming the file. `durable=False` skips the flush to disk, for
    scratch files that a lost write only makes the next run rewrite.
    """
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}{TEMPORARY_MARK}", dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), FILE_MODE)
            stream.write(data)
            stream.flush()
            if durable:
                os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise WriteError(f"cannot write {_shown(path)}: {error.strerror or error}") from error
        raise


def link_atomic(source: Path, path: Path) -> None:
    """Put `source`'s file at `path` as a second name for it (a hard link, through a temporary beside `path`, renamed
    over it): no bytes copied. Safe because this module never changes a file in place, only replaces it, so the two
    names cannot part by accident. An OSError (no links on this file system) leaves `path` as it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}{TEMPORARY_MARK}{secrets.token_hex(4)}")
    os.link(source, temporary)
    try:
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_cached(path: Path, data: bytes) -> bool:
    """Keep a computed result for the next run: atomic, not flushed to disk, and a folder that cannot be written only
    costs the time of computing it again (False)."""
    try:
        write_atomic(path, data, durable=False)
    except WriteError:
        return False
    return True


def _shown(path: Path) -> str:
    """`path` relative to the working folder when it is inside it, as the user typed it."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def remove_stale_temporaries(folder: Path, *, recursive: bool = False, stale_after: float = STALE_AFTER_SECONDS) -> list[Path]:
    """Delete the temporaries of writes that were killed (see write_atomic) in `folder`; return what was removed.

    Only names of our own pattern are touched, and only when unmodified for `stale_after` seconds,
    so a write in progress in another process keeps its file.
    """
    if not folder.is_dir():
        return []
    cutoff = time.time() - stale_after
    candidates = folder.rglob(f".*{TEMPORARY_MARK}*") if recursive else folder.glob(f".*{TEMPORARY_MARK}*")
    removed = []
    for path in sorted(candidates):
        if _TEMPORARY.match(path.name) and path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


class OutputWriter:
    """Writes generated files under `root` and remembers them, to prune what is stale."""

    def __init__(self, root: Path, *, durable: bool = True) -> None:
        self.root = root
        self._base = root.resolve()
        """Resolved once: the generated paths under it hold no links of their own."""
        self.durable = durable
        self.written: set[Path] = set()
        self.changed = 0

    def remove_stale_temporaries(self) -> list[Path]:
        """Delete temporaries that killed runs left anywhere under `root` (call once, before writing)."""
        return remove_stale_temporaries(self.root, recursive=True)

    def write(self, relative: str | Path, content: str | bytes) -> Path:
        path = self._base / relative
        data = content.encode("utf-8") if isinstance(content, str) else content
        self.written.add(path)
        if not (path.exists() and path.read_bytes() == data):
            write_atomic(path, data, durable=self.durable)
            self.changed += 1
        return path

    def place(self, relative: str | Path, source: Path) -> Path:
        """`source`'s bytes at `relative`, when they differ from what is there: linked, not copied, unless the writer is
        durable or the file system has no links (then written)."""
        path = self._base / relative
        self.written.add(path)
        if path.exists() and path.read_bytes() == source.read_bytes():
            return path
        if self.durable:
            write_atomic(path, source.read_bytes())
        else:
            try:
                link_atomic(source, path)
            except OSError:
                write_atomic(path, source.read_bytes(), durable=False)
        self.changed += 1
        return path

    def prune(self, folder: str | Path) -> list[str]:
        """Delete files under `folder` (a generated folder) that this run did not write; their paths under `root`."""
        base = self._base / folder
        if not base.exists():
            return []
        removed = []
        for path in sorted(base.rglob("*"), reverse=True):
            if path.is_file() and path not in self.written:
                path.unlink()
                removed.append(path.relative_to(self._base).as_posix())
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        return sorted(removed)

    def prune_matching(self, folder: str | Path, pattern: str) -> int:
        """Delete files in `folder` matching `pattern` that this run did not write (a week's article whose slug changed)."""
        folder = self._base / folder
        stale = [path for path in folder.glob(pattern) if path not in self.written]
        for path in stale:
            path.unlink()
        return len(stale)
