"""One writer at a time: commands that write (site, fetch, the preview's regeneration) hold the project's lock.

A second run waits a little for the first to finish, then stops with one line naming the holder,
so two runs never interleave their writes into the docs dir or the price store. The lock is an
OS file lock (filelock), released by the kernel when a holder dies, so a killed run never leaves
the project locked.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from .errors import GeneratorError

LOCK_FILE = Path(".generator.lock")
"""The lock, relative to the project root."""
HOLDER_FILE = Path(".generator.lock.holder")
"""Beside the lock: which run holds it (command, process, since when), for the second run's message."""
WAIT_SECONDS = 10.0
"""How long a second run waits for the first before giving up."""


class LockedError(GeneratorError):
    """Another run of the generator is writing to this project."""


@contextmanager
def project_lock(root: Path, command: str, wait: float | None = None) -> Iterator[None]:
    """Hold the project's write lock for the duration of the block, or fail naming the run that holds it."""
    path = root / LOCK_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    holder = root / HOLDER_FILE
    lock = FileLock(path, timeout=WAIT_SECONDS if wait is None else wait)
    try:
        lock.acquire()
    except Timeout:
        raise LockedError(f"{root}: another run is writing to this project ({_describe(holder)}); try again when it ends") from None
    try:
        holder.write_text(
            json.dumps({"pid": os.getpid(), "command": command, "since": time.strftime("%Y-%m-%d %H:%M:%S"), "argv": sys.argv[1:]}),
            encoding="utf-8",
        )
        yield
    finally:
        holder.unlink(missing_ok=True)
        lock.release()


def _describe(holder: Path) -> str:
    try:
        facts = json.loads(holder.read_text(encoding="utf-8"))
        return f"`{facts['command']}`, process {facts['pid']}, since {facts['since']}"
    except (OSError, ValueError, KeyError):
        return "holder unknown"
