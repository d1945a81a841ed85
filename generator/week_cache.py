"""Each week's facts and staged files (its articles as the site writes them) kept on disk, keyed by everything they are
made from, so that a run recomputes only the weeks whose inputs changed (a new week of prices, an edited note or
template) and reads the rest back.

A week's facts depend on the price rows up to its last session (every metric looks back, never
ahead), that week's note, the metadata, settings, events, snapshots and the generator's own code.
What the walk over the weeks names its articles (their stories and headlines) depends on those facts, the note, the templates
and phrasebook, and the headlines of the earlier weeks: kept too, the walk reads no facts of a week it has named before.
Its articles' files depend on its facts, the whole note, the templates and phrasebook, and the headlines and Related Links
the walk over the earlier weeks gave them. The keys cover all of it, so an entry is either right or never read; a
damaged entry is recomputed, and a cache folder that cannot be written only costs the time.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from collections.abc import Callable
from datetime import date
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .calendar import Window
from .write import write_cached

if TYPE_CHECKING:
    from .pipeline import Dataset
    from .stories import WeekFacts

FACTS_DIR = "facts"
STAGED_DIR = "staged"
NAMED_DIR = "named"
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


def folder_digest(folder: Path) -> str:
    """The names and bytes of every file under `folder` (the templates and phrasebook an article is rendered with)."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _frame_digest(frame: pd.DataFrame) -> bytes:
    return hashlib.sha256(repr(list(frame.columns)).encode() + pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()).digest()


class WeekCache:
    """Week facts by window, in memory for this run; facts and staged weeks in `folder` (when given) across runs and
    projects."""

    def __init__(self, data: Dataset, folder: Path | None) -> None:
        self.folder = folder
        self.data = data
        self.memory: dict[Window, WeekFacts] = {}
        self.keys: dict[Window, str] = {}
        """Each window's key, computed once: its facts and its staged files are both looked up by it."""

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
        if window not in self.keys:
            self.keys[window] = self._key(window)
        return self.keys[window]

    def _key(self, window: Window) -> str:
        end = pd.Timestamp(window.end)
        digest = hashlib.sha256(self.shared)
        digest.update(repr(window).encode())
        digest.update(self.rows[: int(self.data.prices.sessions.searchsorted(end, side="right"))].tobytes())
        for table in (self.data.snapshots, self.data.holdings):
            digest.update(_frame_digest(table.loc[table["date"] <= end]) if not table.empty else b"-")
        digest.update(repr(self.data.notes[window.end].flows if window.end in self.data.notes else None).encode())
        return digest.hexdigest()

    def missing(self, windows: list[Window]) -> list[Window]:
        """The windows whose facts are neither in this run's memory nor kept on disk (those kept are read back here, so
        the workers that compute the rest neither read them nor send them back); the digests their keys share are computed
        here, once, before those workers fork from this process."""
        missing = []
        for window in windows:
            if window not in self.memory:
                found = None if self.folder is None else read_kept(self._facts_entry(window))
                if found is None:
                    missing.append(window)
                else:
                    self.memory[window] = found
        return missing

    def remember(self, window: Window, found: WeekFacts) -> None:
        """Facts a worker computed or read back, kept for the rest of the run."""
        self.memory[window] = found

    def week(self, window: Window, compute: Callable[[], WeekFacts]) -> WeekFacts:
        if window not in self.memory:
            self.memory[window] = self.computed(window, compute)
        return self.memory[window]

    def computed(self, window: Window, compute: Callable[[], WeekFacts]) -> WeekFacts:
        """The week's facts read back or computed (and kept on disk), not remembered in this process: what a worker sends
        to the process that remembers them."""
        return compute() if self.folder is None else _kept(self._facts_entry(window), compute)

    def kept_week(self, window: Window, made_with: str) -> Any:
        """The week's staged files as a run kept them (site.StagedWeek), or None; `made_with` names what besides the week's
        facts they are rendered from (the plan of headlines and links, the note, the templates' digest)."""
        return self._kept_made(STAGED_DIR, window, made_with)

    def keep_week(self, window: Window, made_with: str, staged: Any) -> None:
        self._keep_made(STAGED_DIR, window, made_with, staged)

    def kept_names(self, window: Window, made_with: str) -> Any:
        """What the walk named the week's articles (pipeline.plan_weeks: story -> Identity, lead first), or None;
        `made_with` names what besides the week's facts they are named from (the earlier headlines, the note, the
        templates' digest)."""
        return self._kept_made(NAMED_DIR, window, made_with)

    def keep_names(self, window: Window, made_with: str, named: Any) -> None:
        self._keep_made(NAMED_DIR, window, made_with, named)

    def _facts_entry(self, window: Window) -> Path:
        assert self.folder is not None
        return entry(self.folder / FACTS_DIR, window.end, self.key(window))

    def _kept_made(self, kind: str, window: Window, made_with: str) -> Any:
        return None if self.folder is None else read_kept(self._made_entry(kind, window, made_with))

    def _keep_made(self, kind: str, window: Window, made_with: str, found: Any) -> None:
        if self.folder is not None:
            write_kept(self._made_entry(kind, window, made_with), found)

    def _made_entry(self, kind: str, window: Window, made_with: str) -> Path:
        """The entry of something made from the week's facts and `made_with`, in the cache's `kind` folder."""
        assert self.folder is not None
        key = hashlib.sha256(f"{self.key(window)}\0{made_with}".encode()).hexdigest()
        return entry(self.folder / kind, window.end, key)


def _kept(path: Path, compute: Callable[[], Any]) -> Any:
    found = read_kept(path)
    if found is None:
        found = compute()
        write_kept(path, found)
    return found


def entry(folder: Path, day: date, key: str) -> Path:
    """The file an entry of the week ending `day` is kept in (the date first, so a week's entries are pruned together)."""
    return folder / f"{day.isoformat()}-{key[:32]}.pickle"


def read_kept(path: Path) -> Any:
    try:
        return pickle.loads(path.read_bytes())
    except Exception:  # missing, damaged or written by other code: recomputed and overwritten
        return None


def write_kept(path: Path, found: Any) -> None:
    """Kept for later runs, with at most `KEPT_PER_WEEK` entries of the same week beside it."""
    if not write_cached(path, pickle.dumps(found, protocol=pickle.HIGHEST_PROTOCOL)):
        return
    with contextlib.suppress(OSError):  # another run may be pruning the same week
        siblings = sorted(path.parent.glob(f"{path.name[:10]}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for stale in siblings[KEPT_PER_WEEK:]:
            stale.unlink(missing_ok=True)
