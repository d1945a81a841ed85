"""Each week's facts kept on disk, keyed by everything they are computed from, so that a run recomputes only the weeks
whose inputs changed (a new week of prices, an edited note) and reads the rest back.

A week's facts depend on the price rows up to its last session (every metric looks back, never
ahead), that week's note, the metadata, settings, events, snapshots and the generator's own code.
The key covers all of them, so an entry is either right or never read; a damaged entry is
recomputed, and a cache folder that cannot be written only costs the time.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from collections.abc import Callable
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .calendar import Window
from .write import write_cached

if TYPE_CHECKING:
    from .pipeline import Dataset
    from .stories import WeekFacts

FACTS_DIR = "facts"
KEPT_PER_WEEK = 3
"""Entries kept for one week (the newest): enough for a few settings tried side by side, without growing forever."""
PACKAGE = Path(__file__).parent


@cache
def code_digest() -> bytes:
    """The generator's source: a change to how facts are computed makes every entry stale."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(str(path.relative_to(PACKAGE)).encode())
        digest.update(path.read_bytes())
    return digest.digest()


def _frame_digest(frame: pd.DataFrame) -> bytes:
    return hashlib.sha256(repr(list(frame.columns)).encode() + pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()).digest()


class FactsCache:
    """Week facts by window: in memory for this run, and in `folder` (when given) across runs and projects."""

    def __init__(self, data: Dataset, folder: Path | None) -> None:
        self.folder = None if folder is None else folder / FACTS_DIR
        self.data = data
        self.memory: dict[Window, WeekFacts] = {}

    @cached_property
    def shared(self) -> bytes:
        """The digest of the inputs every week shares."""
        data = self.data
        shared = hashlib.sha256(code_digest())
        for part in (
            data.settings.model_dump_json(),
            data.universe.model_dump_json(),
            repr(sorted(data.excluded.items())),
            data.source,
            repr(data.store_start),
            repr(data.events),
            repr(data.editor_flows),
        ):
            shared.update(part.encode())
            shared.update(b"\0")
        frames = (data.prices.close, data.prices.adj_close, data.prices.volume)
        shared.update(repr([list(frame.columns) for frame in frames]).encode())
        return shared.digest()

    @cached_property
    def rows(self) -> np.ndarray:
        """One hash per session and price table, so that a week's key covers its rows with one slice."""
        frames = (self.data.prices.close, self.data.prices.adj_close, self.data.prices.volume)
        return np.column_stack([pd.util.hash_pandas_object(frame, index=True).to_numpy() for frame in frames])

    def key(self, window: Window) -> str:
        """The digest of what this week's facts are computed from."""
        end = pd.Timestamp(window.end)
        digest = hashlib.sha256(self.shared)
        digest.update(repr(window).encode())
        digest.update(self.rows[: int(self.data.prices.sessions.searchsorted(end, side="right"))].tobytes())
        for table in (self.data.snapshots, self.data.holdings):
            digest.update(_frame_digest(table.loc[table["date"] <= end]) if not table.empty else b"-")
        digest.update(repr(self.data.notes[window.end].flows if window.end in self.data.notes else None).encode())
        return digest.hexdigest()

    def missing(self, windows: list[Window]) -> list[Window]:
        """The windows not yet in this run's memory; the digests their keys share are computed here, once, before the
        workers that look them up fork from this process."""
        if self.folder is not None:
            _ = self.shared, self.rows
        return [window for window in windows if window not in self.memory]

    def remember(self, window: Window, found: WeekFacts) -> None:
        """Facts a worker computed or read back, kept for the rest of the run."""
        self.memory[window] = found

    def week(self, window: Window, compute: Callable[[], WeekFacts]) -> WeekFacts:
        if window not in self.memory:
            self.memory[window] = compute() if self.folder is None else self._kept(self.folder, window, compute)
        return self.memory[window]

    def _kept(self, folder: Path, window: Window, compute: Callable[[], WeekFacts]) -> WeekFacts:
        path = folder / f"{window.end.isoformat()}-{self.key(window)[:32]}.pickle"
        found = self._read(path)
        if found is None:
            found = compute()
            self._write(path, found)
        return found

    @staticmethod
    def _read(path: Path) -> WeekFacts | None:
        try:
            found: WeekFacts = pickle.loads(path.read_bytes())
        except Exception:  # missing, damaged or written by other code: recomputed and overwritten
            return None
        return found

    def _write(self, path: Path, found: WeekFacts) -> None:
        if not write_cached(path, pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL)):
            return
        with contextlib.suppress(OSError):  # another run may be pruning the same week
            siblings = sorted(path.parent.glob(f"{path.name[:10]}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
            for stale in siblings[KEPT_PER_WEEK:]:
                stale.unlink(missing_ok=True)
