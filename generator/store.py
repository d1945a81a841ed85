"""The price store: a parquet file of every session fetched so far, merged without ever losing history.

New rows are added; a past row that comes back different replaces the old one only with a
note; a download that comes back empty or partial removes nothing. When Yahoo re-bases
Adj Close after a dividend, the stored history of that fund is re-based by the same factor, so
the series stays continuous.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from .load import PRICE_FIELDS, TIDY_COLUMNS, read_store, write_store
from .sources import Source, validate_rows

STORE = Path("data/store/prices.parquet")
"""The live price store, relative to the project root; the weekly workflow commits it."""

OVERLAP_DAYS = 7
"""Each fetch asks again for the last week it already has, to pick up revisions and re-basing."""

RELATIVE_TOLERANCE = 1e-9
"""Prices equal to this relative precision are the same price (float noise is not a revision)."""


@dataclass
class MergeReport:
    added: dict[str, int] = field(default_factory=dict)
    revised: list[str] = field(default_factory=list)
    rebased: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.revised or self.rebased)

    def summary(self) -> str:
        rows = sum(self.added.values())
        return f"added {rows} rows for {len(self.added)} symbols, revised {len(self.revised)}, re-based {len(self.rebased)}"


def _rebase_adjusted(old: pd.DataFrame, new: pd.DataFrame, report: MergeReport) -> pd.DataFrame:
    """Scale each symbol's stored Adj Close by the factor Yahoo applied since (median over the overlap)."""
    overlap = old.merge(new, on=["session", "symbol"], suffixes=("_old", "_new"))
    if overlap.empty:
        return old
    same_close = np.isclose(overlap["close_old"], overlap["close_new"], rtol=RELATIVE_TOLERANCE, atol=0)
    factors = (overlap["adj_close_new"] / overlap["adj_close_old"]).where(same_close).groupby(overlap["symbol"]).median()
    factors = factors[~np.isclose(factors, 1.0, rtol=RELATIVE_TOLERANCE, atol=0) & factors.notna()]
    if factors.empty:
        return old
    old = old.copy()
    scale = old["symbol"].map(factors).fillna(1.0)
    old["adj_close"] = old["adj_close"] * scale
    report.rebased.extend(f"{symbol}: Adj Close history re-based by {factor:.6f}" for symbol, factor in factors.items())
    return old


def merge(old: pd.DataFrame, new: pd.DataFrame) -> tuple[pd.DataFrame, MergeReport]:
    """The union of `old` and `new`; where both hold a (session, symbol), `new` wins and the change is noted."""
    report = MergeReport()
    if new.empty:
        return old, report
    old = _rebase_adjusted(old, new, report)
    both = old.merge(new, on=["session", "symbol"], how="outer", suffixes=("_old", "_new"), indicator=True)
    fresh = both["_merge"] == "right_only"
    for symbol, count in both.loc[fresh, "symbol"].value_counts().sort_index().items():
        report.added[str(symbol)] = int(count)
    shared = both.loc[both["_merge"] == "both"]
    for name in PRICE_FIELDS:
        differs = ~np.isclose(shared[f"{name}_old"], shared[f"{name}_new"], rtol=RELATIVE_TOLERANCE, atol=0)
        for _, row in shared.loc[differs].iterrows():
            report.revised.append(f"{row['symbol']} {row['session']:%Y-%m-%d} {name}: {row[f'{name}_old']:.4f} -> {row[f'{name}_new']:.4f}")
    merged = pd.concat([old, new], ignore_index=True).drop_duplicates(["session", "symbol"], keep="last")
    return merged[TIDY_COLUMNS].sort_values(["symbol", "session"]).reset_index(drop=True), report


def read_or_empty(path: Path) -> pd.DataFrame:
    if path.exists():
        return read_store(path)
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in _EMPTY_DTYPES.items()})


_EMPTY_DTYPES = {"session": "datetime64[ns]", "symbol": "str", **dict.fromkeys(PRICE_FIELDS, "float64"), "volume": "int64"}


def fetch_start(store: pd.DataFrame, symbols: list[str], since: date) -> date:
    """The first day to ask for: a week before the oldest of the symbols' newest sessions, or `since` for a new symbol."""
    newest = store.groupby("symbol")["session"].max()
    if any(symbol not in newest.index for symbol in symbols):
        return since
    return (newest.loc[symbols].min() - timedelta(days=OVERLAP_DAYS)).date()


@dataclass
class UpdateResult:
    report: MergeReport
    failed: dict[str, str]
    notes: list[str]
    written: bool


def update(path: Path, source: Source, symbols: list[str], since: date, now: datetime) -> UpdateResult:
    """Fetch what the store lacks from `source`, merge, and write atomically only when something changed.

    A source that raises leaves the store untouched; so does one that returns nothing new.
    """
    stored = read_or_empty(path)
    fetched = source.fetch(symbols, fetch_start(stored, symbols, since), now)
    rows, rejected = validate_rows(fetched.frame, source=source.name)
    merged, report = merge(stored, rows)
    if report.changed:
        write_store(merged, path)
    return UpdateResult(
        report=report, failed={**fetched.failed, **rejected}, notes=fetched.notes + report.revised + report.rebased, written=report.changed
    )
