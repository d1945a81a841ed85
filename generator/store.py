"""The price store: a parquet file of every session fetched so far, merged without ever losing history.

New rows are added; a past row that comes back different replaces the old one only with a
note; a download that comes back empty or partial removes nothing. When Yahoo re-bases
Adj Close after a dividend, the stored history of that fund is re-based by the same factor, so
the series stays continuous. After a split Yahoo re-bases every price (and the volume) of the
fund's history: the stored history is re-based by the split's factor, known from the split the
source reported or, when it reported none, from a factor the overlap shows consistently. Closes
that disagree in a way no split explains leave the fund's history as it was and fail the fund.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from .load import PRICE_FIELDS, TIDY_COLUMNS, read_store, write_store
from .sources import Source, Split, validate_rows

STORE = Path("data/store/prices.parquet")
"""The live price store, relative to the project root; the weekly workflow commits it."""

OVERLAP_DAYS = 7
"""Each fetch asks again for the last week it already has, to pick up revisions and re-basing."""

RELATIVE_TOLERANCE = 1e-9
"""Prices equal to this relative precision are the same price (float noise is not a revision)."""

SPLIT_RATIOS = (2, 3, 4, 5, 6, 8, 10, 15, 20, 25, 50, 100)
"""The split ratios funds use, either way (2-for-1 or 1-for-2 ...): prices on two bases a factor near one of these apart are a split."""

SPLIT_TOLERANCE = 0.01
"""On one session, a new close within 1 percent (in log terms) of the stored one times a split factor was re-based by it: Yahoo rounds."""

GAP_TOLERANCE = 0.10
"""Across sessions the store lacks, the market's own move adds to the factor: a jump within 10 percent of a split factor looks like one."""


@dataclass
class MergeReport:
    added: dict[str, int] = field(default_factory=dict)
    revised: list[str] = field(default_factory=list)
    rebased: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    """Symbols whose new rows were left out, with the reason: their closes disagree with the stored ones in a way no split explains."""

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


class _BasisUnknown(Exception):
    """The stored and new closes of a symbol disagree in a way no split explains (the message says how, and what to do)."""


def _split_factor(ratio: float, tolerance: float) -> float | None:
    """The split factor (1/2, 2, 1/3, 3 ...) within `tolerance` of `ratio` in log terms, if there is one."""
    if not ratio > 0:
        return None
    for n in SPLIT_RATIOS:
        for factor in (1 / n, float(n)):
            if abs(math.log(ratio / factor)) <= tolerance:
                return factor
    return None


def _split_name(ratio: float) -> str:
    """`2-for-1` for a ratio of 2 (new shares per old one), `1-for-5` for 0.2."""
    fraction = Fraction(ratio).limit_denominator(1000)
    return f"{fraction.numerator}-for-{fraction.denominator}"


def _reported_note(split: Split) -> str:
    name, day = _split_name(split.ratio), f"{split.session:%Y-%m-%d}"
    return f"{split.symbol}: {name} split on {day} (reported by the source): history before it re-based"


def _refetch_hint(symbol: str, stored: pd.DataFrame) -> str:
    return f"refetch its full history with `fetch --symbols {symbol} --since {stored['session'].min():%Y-%m-%d} --refetch`"


def _rebase(frame: pd.DataFrame, factor: pd.Series) -> pd.DataFrame:
    """Prices times `factor` and volumes divided by it, row by row (a 2-for-1 split: prices x0.5, volume x2)."""
    frame = frame.copy()
    for name in PRICE_FIELDS:
        frame[name] = frame[name] * factor
    frame["volume"] = (frame["volume"] / factor).round().astype("int64")
    return frame


def _factor_before(sessions: pd.Series, splits: Sequence[Split]) -> np.ndarray:
    """Per session, the product of the factors (1 / ratio) of the splits after it: what puts it on the newest basis."""
    factors = np.ones(len(sessions))
    for split in splits:
        factors = factors * np.where(sessions < split.session, 1 / split.ratio, 1.0)
    return factors


def _check_gap(symbol: str, stored: pd.DataFrame, fresh: pd.DataFrame, reported: Sequence[Split]) -> None:
    """Raise _BasisUnknown when the first new close jumps from the last stored one by a split's factor and no split was reported."""
    last = stored.iloc[-1]
    later = fresh.loc[fresh["session"] > last["session"]]
    if later.empty or any(last["session"] < split.session <= later["session"].iloc[0] for split in reported):
        return  # nothing to compare, or a reported split: _apply_reported_splits tells from the jump
    first = later.iloc[0]
    jump = first["close"] / last["close"]
    if _split_factor(jump, GAP_TOLERANCE) is not None:
        raise _BasisUnknown(
            f"{symbol}: new closes differ from stored ones by x{jump:.2f} from {last['session']:%Y-%m-%d} to {first['session']:%Y-%m-%d}"
            f" with no split reported: {_refetch_hint(symbol, stored)}"
        )


def _stored_basis(symbol: str, stored: pd.DataFrame, fresh: pd.DataFrame, reported: Sequence[Split]) -> tuple[np.ndarray, list[str]]:
    """The factor per stored row (sorted by session) that puts it on the basis of `fresh`, and the notes saying why.

    The overlap decides: closes that agree need nothing; closes off by the factors of reported
    splits after the overlap's first session, or (none reported) all off by one split factor,
    re-base the stored rows by it. Raises _BasisUnknown otherwise.
    """
    ones = np.ones(len(stored))
    if stored["session"].isin(fresh["session"]).all():
        return ones, []  # every stored row comes again: the new ones replace them all
    overlap = stored[["session", "close"]].merge(fresh[["session", "close"]], on="session", suffixes=("_old", "_new"))
    if overlap.empty:
        _check_gap(symbol, stored, fresh, reported)
        return ones, []
    ratio = (overlap["close_new"] / overlap["close_old"]).to_numpy()
    explaining = [split for split in reported if split.session > overlap["session"].iloc[0]]
    if explaining and np.allclose(ratio, _factor_before(overlap["session"], explaining), rtol=SPLIT_TOLERANCE, atol=0):
        return _factor_before(stored["session"], explaining), [_reported_note(split) for split in explaining]
    seen = [_split_factor(value, SPLIT_TOLERANCE) for value in ratio]
    if all(factor is None for factor in seen):
        return ones, []  # at most revisions, which the merge notes
    if not reported and len(set(seen)) == 1 and seen[0] is not None:
        factor = seen[0]
        last = stored["session"].iloc[-1]
        later = fresh.loc[fresh["session"] > last, "session"]
        when = f"between {last:%Y-%m-%d} and {later.iloc[0]:%Y-%m-%d}" if len(later) else f"after {last:%Y-%m-%d}"
        note = (
            f"{symbol}: {_split_name(1 / factor)} split {when} (not reported; the {len(ratio)} overlapping closes came back"
            f" x{factor:.3g}): history re-based"
        )
        return np.full(len(stored), factor), [note]
    far = int(np.argmax(np.abs(np.log(ratio))))
    count = sum(factor is not None for factor in seen)
    cause = "with no split reported" if not reported else "that no reported split explains"
    raise _BasisUnknown(
        f"{symbol}: new closes differ from stored ones by x{ratio[far]:.2f} on {count} of {len(ratio)} overlapping sessions {cause}:"
        f" {_refetch_hint(symbol, stored)}"
    )


def _align_to_new_basis(old: pd.DataFrame, new: pd.DataFrame, splits: Sequence[Split], report: MergeReport) -> pd.DataFrame:
    """Each symbol's stored rows on the basis of its new rows; a symbol whose basis cannot be told goes to `report.failed`."""
    factors = pd.Series(1.0, index=old.index)
    for symbol, fresh in new.groupby("symbol", sort=True):
        stored = old.loc[old["symbol"] == symbol].sort_values("session")
        if stored.empty:
            continue
        reported = [split for split in splits if split.symbol == symbol]
        try:
            stored_factors, notes = _stored_basis(str(symbol), stored, fresh.sort_values("session"), reported)
        except _BasisUnknown as unknown:
            report.failed[str(symbol)] = str(unknown)
            continue
        factors.loc[stored.index] = stored_factors
        report.rebased.extend(notes)
    return _rebase(old, factors) if (factors != 1.0).any() else old


def _apply_reported_splits(merged: pd.DataFrame, splits: Sequence[Split], report: MergeReport) -> pd.DataFrame:
    """Re-base the sessions before each reported split that the merged history still shows unadjusted.

    Unadjusted means the close jumps across the split nearer its factor than 1 (a 2-for-1 split:
    below 0.71), as when the store had no session to compare with the new ones.
    """
    for split in splits:
        rows = merged["symbol"] == split.symbol
        before, after = rows & (merged["session"] < split.session), rows & (merged["session"] >= split.session)
        if not before.any() or not after.any():
            continue
        jump = merged.loc[after, "close"].iloc[0] / merged.loc[before, "close"].iloc[-1]
        if abs(math.log(jump * split.ratio)) < abs(math.log(jump)):
            merged = _rebase(merged, before.map({True: 1 / split.ratio, False: 1.0}))
            report.rebased.append(_reported_note(split))
    return merged


def merge(old: pd.DataFrame, new: pd.DataFrame, splits: Sequence[Split] = ()) -> tuple[pd.DataFrame, MergeReport]:
    """The union of `old` and `new`; where both hold a (session, symbol), `new` wins and the change is noted.

    The stored history is first put on the new rows' basis (splits, then Adj Close re-basing), and
    a reported split the merged history still shows unadjusted is applied last; a symbol whose
    basis cannot be told keeps its stored rows only and is listed in `report.failed`.
    """
    report = MergeReport()
    if new.empty:
        return old, report
    old = _align_to_new_basis(old, new, splits, report)
    new = new.loc[~new["symbol"].isin(list(report.failed))]
    splits = [split for split in splits if split.symbol in set(new["symbol"])]
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
    merged = merged[TIDY_COLUMNS].sort_values(["symbol", "session"]).reset_index(drop=True)
    return _apply_reported_splits(merged, splits, report), report


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


def _drop_refetched(stored: pd.DataFrame, rows: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """`stored` without the sessions a full refetch brought again, per symbol from its first refetched session on."""
    first = rows.groupby("symbol")["session"].min()
    refetched = stored["session"] >= stored["symbol"].map(first)
    counts = stored.loc[refetched, "symbol"].value_counts().sort_index()
    notes = [
        f"{symbol}: {count} stored sessions replaced by the refetch from {day:%Y-%m-%d}"
        for (symbol, count), day in zip(counts.items(), first.reindex(counts.index), strict=True)
    ]
    return stored.loc[~refetched].reset_index(drop=True), notes


def update(path: Path, source: Source, symbols: list[str], since: date, now: datetime, *, refetch: bool = False) -> UpdateResult:
    """Fetch what the store lacks from `source`, merge, and write atomically only when something changed.

    A source that raises leaves the store untouched; so does one that returns nothing new. With
    `refetch`, every symbol is fetched from `since` and the sessions that come back replace the
    stored ones outright (the way out when a fund's stored closes disagree with the source's).
    """
    stored = read_or_empty(path)
    fetched = source.fetch(symbols, since if refetch else fetch_start(stored, symbols, since), now)
    rows, rejected = validate_rows(fetched.frame, source=source.name)
    stored, replaced = _drop_refetched(stored, rows) if refetch else (stored, [])
    merged, report = merge(stored, rows, fetched.splits)
    if report.changed:
        write_store(merged, path)
    return UpdateResult(
        report=report,
        failed={**fetched.failed, **rejected, **report.failed},
        notes=fetched.notes + replaced + report.revised + report.rebased,
        written=report.changed,
    )
