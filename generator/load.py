"""Load stage: yfinance-shaped prices in, one validated tidy price table out.

The bundled sample and a user's CSV folder go through the same checks: empty rows (a fund not
yet listed, or delisted) are dropped and counted, never filled; anything else that is off stops
the load with the symbol and date at fault.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from .calendar import nyse_sessions
from .errors import MissingDataError, PriceDataError
from .write import remove_stale_temporaries, write_atomic

YFINANCE_COLUMNS = ["Date", "Open", "High", "Low", "Close", "Adj Close", "Volume"]
"""The header of `yfinance.download(..., auto_adjust=False)` written with `DataFrame.to_csv()`."""

PRICE_FIELDS = ["open", "high", "low", "close", "adj_close"]
TIDY_COLUMNS = ["session", "symbol", *PRICE_FIELDS, "volume"]
"""The price table: one row per (session, symbol)."""

SAMPLE_STORE = Path("data/sample/prices.parquet")
"""The bundled sample, relative to the project root."""
UNIVERSE_STORE = Path("data/universe/prices.parquet")
"""The bundled whole universe (the sample's funds among them, row for row), relative to the project root."""

HISTORY_STORE = Path("data/history/prices.parquet")
"""The back-history put in front of the prices (data/history/README.md), relative to the project root."""
HISTORY_OPTIONAL = ("open",)
"""Fields the history may lack on a session: Yahoo has no S&P 500 open from 1962 to April 1982 (nothing here reads opens)."""


@dataclass
class LoadReport:
    """What the load dropped, per symbol, so the build log can say it."""

    empty_rows: dict[str, int] = field(default_factory=dict)
    history: dict[str, str] = field(default_factory=dict)
    """Symbols whose back-history was left out, with the reason."""

    def lines(self) -> list[str]:
        return [f"{symbol}: {count} empty rows skipped" for symbol, count in sorted(self.empty_rows.items()) if count] + [
            f"{symbol}: history left out: {reason}" for symbol, reason in sorted(self.history.items())
        ]


def symbol_from_filename(path: Path) -> str:
    """`IWM.csv` holds IWM; `^GSPC.csv` the S&P 500 index."""
    return path.name.removesuffix(".gz").removesuffix(".csv")


def read_yfinance_csv(path: Path, report: LoadReport | None = None, optional: tuple[str, ...] = ()) -> pd.DataFrame:
    """One symbol's yfinance CSV as tidy rows, validated."""
    symbol = symbol_from_filename(path)
    try:
        raw = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise PriceDataError(str(path), f"not a readable CSV ({error})", symbol=symbol) from error
    if list(raw.columns) != YFINANCE_COLUMNS:
        raise PriceDataError(
            str(path), f"expected columns {','.join(YFINANCE_COLUMNS)}, found {','.join(map(str, raw.columns))}", symbol=symbol
        )
    frame = raw.rename(columns={"Date": "session", "Adj Close": "adj_close"}).rename(columns=str.lower)
    frame["session"] = pd.to_datetime(frame["session"], errors="coerce", format="ISO8601")
    bad_dates = frame["session"].isna()
    if bad_dates.any():
        line = int(np.flatnonzero(bad_dates)[0]) + 2
        raise PriceDataError(f"{path}:{line}", f"unreadable date {raw['Date'].iloc[line - 2]!r}", symbol=symbol)
    frame["symbol"] = symbol
    rows = validate(frame[TIDY_COLUMNS], source=str(path), report=report, optional=optional)
    if rows.empty:
        reason = f"no rows with prices (all {len(frame)} rows are empty)" if len(frame) else "no rows"
        raise PriceDataError(str(path), reason, symbol=symbol)
    return rows


def validate(frame: pd.DataFrame, source: str, report: LoadReport | None = None, optional: tuple[str, ...] = ()) -> pd.DataFrame:
    """Drop empty rows, then insist on complete, positive, sorted, unique prices and a volume that is not negative, per symbol.

    `optional` names price fields a row may lack (the history's early S&P 500 opens); what is there must still be positive.
    """
    frame = frame.copy()
    for column in [*PRICE_FIELDS, "volume"]:
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    empty = frame[[*PRICE_FIELDS, "volume"]].isna().all(axis=1)
    if report is not None:
        for symbol, count in frame.loc[empty, "symbol"].value_counts().items():
            report.empty_rows[str(symbol)] = report.empty_rows.get(str(symbol), 0) + int(count)
    frame = frame.loc[~empty]
    partial = frame[[name for name in PRICE_FIELDS if name not in optional]].isna().any(axis=1)
    if partial.any():
        row = frame.loc[partial].iloc[0]
        raise PriceDataError(source, "row has some prices missing", symbol=row["symbol"], day=row["session"])
    non_positive = (frame[PRICE_FIELDS] <= 0).any(axis=1)
    if non_positive.any():
        row = frame.loc[non_positive].iloc[0]
        raise PriceDataError(source, "price is zero or negative", symbol=row["symbol"], day=row["session"])
    negative_volume = frame["volume"] < 0
    if negative_volume.any():
        row = frame.loc[negative_volume].iloc[0]
        raise PriceDataError(source, f"volume is negative ({row['volume']:g})", symbol=row["symbol"], day=row["session"])
    for symbol, rows in frame.groupby("symbol", sort=False):
        sessions = rows["session"]
        duplicated = sessions.duplicated()
        if duplicated.any():
            raise PriceDataError(source, "date appears twice", symbol=str(symbol), day=sessions[duplicated].iloc[0])
        backwards = sessions.diff() < pd.Timedelta(0)
        if backwards.any():
            raise PriceDataError(source, "dates are not in ascending order", symbol=str(symbol), day=sessions[backwards].iloc[0])
    frame["session"] = frame["session"].dt.tz_localize(None) if frame["session"].dt.tz is not None else frame["session"]
    frame["session"] = frame["session"].dt.normalize().astype("datetime64[ns]")
    frame["volume"] = frame["volume"].fillna(0).astype("int64")
    frame["symbol"] = frame["symbol"].astype(str)
    return frame.reset_index(drop=True)


def read_csv_dir(
    directory: Path, symbols: Iterable[str] | None = None, report: LoadReport | None = None, optional: tuple[str, ...] = ()
) -> pd.DataFrame:
    """Every yfinance CSV in `directory` (or only `symbols`), as one tidy table."""
    if not directory.is_dir():
        raise MissingDataError(f"{directory}: no such folder of price CSVs")
    paths = csv_paths(directory) if symbols is None else [_price_file(directory, symbol) for symbol in symbols]
    if not paths:
        raise MissingDataError(f"{directory}: no price CSVs in this folder")
    return pd.concat([read_yfinance_csv(path, report, optional) for path in paths], ignore_index=True)


def csv_paths(directory: Path) -> list[Path]:
    """The yfinance CSVs of a folder, in name order."""
    return sorted(directory.glob("*.csv")) + sorted(directory.glob("*.csv.gz"))


def _price_file(directory: Path, symbol: str) -> Path:
    found = [directory / f"{symbol}{suffix}" for suffix in (".csv", ".csv.gz") if (directory / f"{symbol}{suffix}").exists()]
    if not found:
        raise MissingDataError(f"{directory}: no price file for {symbol} ({symbol}.csv or {symbol}.csv.gz)")
    return found[0]


def read_each_csv(directory: Path, report: LoadReport | None = None) -> tuple[pd.DataFrame, dict[str, str]]:
    """Every yfinance CSV in `directory` that passes the checks, as one tidy table, and each file the checks refuse (a
    price of zero, no rows with prices), set aside with the reason, by symbol."""
    if not directory.is_dir():
        raise MissingDataError(f"{directory}: no such folder of price CSVs")
    frames, set_aside = [], {}
    for path in csv_paths(directory):
        try:
            frames.append(read_yfinance_csv(path, report))
        except PriceDataError as error:
            set_aside[symbol_from_filename(path)] = str(error)
    if not frames:
        raise MissingDataError(f"{directory}: no price CSV in this folder passes the checks")
    return pd.concat(frames, ignore_index=True), set_aside


def read_store(path: Path, optional: tuple[str, ...] = ()) -> pd.DataFrame:
    """The price store (parquet, tidy), validated like any other input; a file that is not one fails in one line."""
    if not path.exists():
        raise MissingDataError(f"{path}: price store not found")
    try:
        frame = pd.read_parquet(path)
    except (OSError, pa.ArrowException) as error:
        raise PriceDataError(str(path), f"not a readable price store ({_parquet_reason(error)})") from error
    missing = [name for name in TIDY_COLUMNS if name not in frame.columns]
    if missing:
        raise PriceDataError(str(path), f"not a price store: no column {', '.join(missing)}")
    if not pd.api.types.is_datetime64_any_dtype(frame["session"]):
        raise PriceDataError(str(path), f"not a price store: column session holds {frame['session'].dtype}, not dates")
    return validate(frame[TIDY_COLUMNS], source=str(path), optional=optional)


def _parquet_reason(error: Exception) -> str:
    """pyarrow's complaint on one line, without the path it repeats."""
    reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    first_line = reason.strip().splitlines()[0] if reason.strip() else type(error).__name__
    return re.sub(r"^Could not open Parquet input source '.*?': ", "", first_line).rstrip(".")


def write_store(frame: pd.DataFrame, path: Path) -> None:
    """Write the store atomically (see write.write_atomic): a reader never sees half a file.

    Temporaries that a killed write left beside it are removed first.
    """
    remove_stale_temporaries(path.parent)
    buffer = io.BytesIO()
    frame[TIDY_COLUMNS].sort_values(["symbol", "session"]).reset_index(drop=True).to_parquet(buffer, index=False, compression="zstd")
    write_atomic(path, buffer.getvalue())


def join_history(store: pd.DataFrame, history: pd.DataFrame, max_step_percent: float, report: LoadReport | None = None) -> pd.DataFrame:
    """The store with each symbol's history in front of it, where the two meet exactly.

    A symbol's history joins only when its last session is the NYSE session right before the
    symbol's first stored session (no gap, no overlap) and the close steps across the join by
    less than `max_step_percent` (a store re-based after a later split no longer matches the
    history); otherwise it is left out, with the reason in `report`. History of a symbol the
    store lacks is ignored.
    """
    firsts = store.groupby("symbol")["session"].min()
    firsts_close = store.loc[store.groupby("symbol")["session"].idxmin()].set_index("symbol")["close"]
    kept = []
    for symbol, rows in history.groupby("symbol", sort=True):
        if symbol not in firsts.index:
            continue
        first = pd.Timestamp(firsts[symbol])
        before = nyse_sessions((first - pd.Timedelta(days=10)).date(), first.date())
        wanted = before[before < first][-1]
        last = pd.Timestamp(rows["session"].max())
        step = abs(float(firsts_close[symbol]) / float(rows.sort_values("session")["close"].iloc[-1]) - 1) * 100
        reason = (
            f"it overlaps the prices (it runs to {last.date()}, the prices start on {first.date()})"
            if last >= first
            else f"a gap: it ends on {last.date()}, the session before the prices is {wanted.date()}"
            if last != wanted
            else f"the close steps {step:.1f} percent across the join on {first.date()}: a different split basis"
            if step > max_step_percent
            else None
        )
        if reason is None:
            kept.append(rows)
        elif report is not None:
            report.history[str(symbol)] = reason
    joined = pd.concat([*kept, store], ignore_index=True) if kept else store
    return joined.sort_values(["symbol", "session"], kind="stable").reset_index(drop=True)


def with_history(store: pd.DataFrame, root: Path, max_step_percent: float, report: LoadReport | None = None) -> pd.DataFrame:
    """The prices every article is written and checked from: the project's bundled history (if any) joined in front of `store`."""
    path = root / HISTORY_STORE
    return join_history(store, read_store(path, HISTORY_OPTIONAL), max_step_percent, report) if path.exists() else store


@dataclass(frozen=True)
class Prices:
    """Wide views of the price table, sessions down and symbols across; NaN where a fund has no data."""

    close: pd.DataFrame
    adj_close: pd.DataFrame
    volume: pd.DataFrame

    @classmethod
    def from_tidy(cls, frame: pd.DataFrame) -> Prices:
        close, adj_close, volume = (
            frame.pivot(index="session", columns="symbol", values=field).sort_index().rename_axis(columns=None)
            for field in ("close", "adj_close", "volume")
        )
        return cls(close=close, adj_close=adj_close, volume=volume.astype("float64"))

    @property
    def sessions(self) -> pd.DatetimeIndex:
        return pd.DatetimeIndex(self.close.index)

    def require(self, symbols: Iterable[str], day: pd.Timestamp) -> None:
        """Fail, naming each symbol, when a requested symbol or date is not in the data."""
        unknown = [s for s in symbols if s not in self.close.columns]
        if unknown:
            raise MissingDataError(f"no prices for {', '.join(unknown)}: not in the price data")
        first, last = self.sessions[0], self.sessions[-1]
        if not first <= day <= last:
            raise MissingDataError(f"{day.date()} is outside the price data ({first.date()} to {last.date()})")
        if day not in self.close.index:
            raise MissingDataError(f"{day.date()} is not a session in the price data (a weekend or an exchange holiday)")
        missing = [s for s in symbols if pd.isna(self.close.loc[day, s])]  # type: ignore[arg-type]
        if missing:
            raise MissingDataError(f"no close on {day.date()} for {', '.join(missing)}")
