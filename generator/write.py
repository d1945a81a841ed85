"""Write stage: the only code that writes into the docs dir.

Files are replaced atomically and only when their bytes change, so generating twice leaves
every file (and its timestamp) as it was. The generated folders are owned by the generator:
what a run did not write there is removed, and nothing outside them is ever touched.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, flush it to disk, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class OutputWriter:
    """Writes generated files under `root` and remembers them, to prune what is stale."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.written: set[Path] = set()
        self.changed = 0

    def write(self, relative: str | Path, content: str | bytes) -> Path:
        path = self.root / relative
        data = content.encode("utf-8") if isinstance(content, str) else content
        self.written.add(path.resolve())
        if not (path.exists() and path.read_bytes() == data):
            write_atomic(path, data)
            self.changed += 1
        return path

    def prune(self, folder: str | Path) -> int:
        """Delete files under `folder` (a generated folder) that this run did not write."""
        base = self.root / folder
        if not base.exists():
            return 0
        removed = 0
        for path in sorted(base.rglob("*"), reverse=True):
            if path.is_file() and path.resolve() not in self.written:
                path.unlink()
                removed += 1
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        return removed

    def prune_siblings(self, written: str | Path, pattern: str) -> int:
        """Delete files next to `written` matching `pattern` that this run did not write (an article whose slug changed)."""
        folder = (self.root / written).parent
        stale = [path for path in folder.glob(pattern) if path.resolve() not in self.written]
        for path in stale:
            path.unlink()
        return len(stale)
