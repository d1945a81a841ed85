"""Frames shaped exactly like `yfinance.download(..., auto_adjust=False)` returns them (yfinance 1.7), built from real prices.

Not a test module: the source and replay tests import it. The prices come from the bundled sample
(`data/sample/prices.parquet`, real Yahoo Finance data); nothing here is hand-typed. The frame is
assembled the way `yfinance.multi._download` assembles it:

- one frame per ticker, as `Ticker.history` gives it: columns Open, High, Low, Close, Adj Close,
  Volume (int64), index a DatetimeIndex named "Date" of midnight in America/New_York, unit `s`;
  with `actions=True` then Dividends, Stock Splits (new shares per old one, 0.0 on other days)
  and, for a fund (not an index), Capital Gains, all float64; a ticker that failed is
  `yfinance.utils.empty_df()` (all NaN, the six price columns only);
- for a daily interval `ignore_tz` defaults to True, so the index is made tz-naive;
- every frame is reindexed to the union of the sessions, then concatenated with
  `keys=tickers, names=["Ticker", "Price"]`;
- `group_by="column"` swaps the levels to (Price, Ticker) and sorts the columns;
- `multi_level_index=False` with a single ticker drops the ticker level (flat columns, no name).

What the assembled frames look like, as seen from a real (offline, failing) call in yfinance 1.7:
`yf.download(["SPY", "IWM"], start="2024-01-01", end="2024-01-10", auto_adjust=False)` returns an
empty frame whose columns are `(Adj Close, IWM), (Adj Close, SPY), (Close, IWM), ... (Volume, SPY)`,
names `["Price", "Ticker"]`, every dtype float64, index `DatetimeIndex([], dtype="datetime64[s]")`.
With `actions=True` (yfinance 1.7's own `download`, its HTTP replies stubbed with a 2:1 split of
TQQQ): columns `(Adj Close, BAD), (Adj Close, TQQQ), (Adj Close, ^GSPC), (Capital Gains, TQQQ),
(Close, BAD), ... (Stock Splits, TQQQ), (Stock Splits, ^GSPC), (Volume, BAD) ...`, and
`(Stock Splits, TQQQ)` 2.0 on the split's session, 0.0 on the others.

The error log is yfinance 1.7's too (multi.py): each failed ticker's own line as it is logged
(`Failed to get ticker 'X' reason: ...` from the time-zone lookup, `$X: ...` from
`Ticker.history`), then `N Failed download(s):` and one line per distinct reason, `['X', 'Y']: reason`,
where the reason is the history's message or the `repr` of what it raised.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, Literal

import pandas as pd
from yfinance.exceptions import YFPricesMissingError, YFRateLimitError
from yfinance.utils import empty_df

from generator.config import ROOT
from generator.load import SAMPLE_STORE, read_store

HISTORY_COLUMNS = {"Open": "open", "High": "high", "Low": "low", "Close": "close", "Adj Close": "adj_close", "Volume": "volume"}
"""The columns of one ticker's `Ticker.history(auto_adjust=False, actions=False)`, in its order, and their tidy names."""

EXCHANGE_TZ = "America/New_York"

Orientation = Literal["column", "ticker"]

DNS_FAILURE_REASON = "Failed to perform, curl: (6) Could not resolve host: query2.finance.yahoo.com (Domain name not found)"
"""What yfinance 1.7 says when the network is down, up to the link it appends (recorded from a real offline call)."""

DNS_SUMMARY = (
    "Failed to perform, curl: (6) Could not resolve host: query2.finance.yahoo.com. "
    "See https://curl.se/libcurl/c/libcurl-errors.html first for more details."
)
"""The error yfinance 1.7 repeats in its closing "Failed downloads" summary (same recording)."""


@cache
def sample_rows() -> pd.DataFrame:
    """The bundled sample, tidy and validated (read once)."""
    return read_store(ROOT / SAMPLE_STORE)


def sample_slice(symbols: Iterable[str], first: date | None = None, last: date | None = None) -> pd.DataFrame:
    """The sample's tidy rows for `symbols` from `first` to `last` (inclusive), sorted by symbol and session."""
    rows = sample_rows()
    keep = rows["symbol"].isin(list(symbols))
    if first is not None:
        keep &= rows["session"] >= pd.Timestamp(first)
    if last is not None:
        keep &= rows["session"] <= pd.Timestamp(last)
    return rows.loc[keep].sort_values(["symbol", "session"]).reset_index(drop=True)


def _history(symbol: str, first: date | None, last: date | None, actions: bool, splits: Mapping[date, float]) -> pd.DataFrame:
    """One ticker's frame as `Ticker.history(interval="1d", auto_adjust=False, actions=actions)` returns it."""
    rows = sample_slice([symbol], first, last)
    if rows.empty:
        return empty_df()
    index = pd.DatetimeIndex(rows["session"]).as_unit("s").tz_localize(EXCHANGE_TZ)
    frame = pd.DataFrame({name: rows[tidy].to_numpy() for name, tidy in HISTORY_COLUMNS.items()}, index=index)
    frame["Volume"] = frame["Volume"].astype("int64")
    if actions:
        frame["Dividends"] = 0.0
        frame["Stock Splits"] = [float(splits.get(day.date(), 0.0)) for day in rows["session"]]
        if not symbol.startswith("^"):  # yfinance adds Capital Gains for funds (ETF, MUTUALFUND), not for an index
            frame["Capital Gains"] = 0.0
    frame.index.name = "Date"
    return frame


def download_frame(
    symbols: Sequence[str],
    first: date | None = None,
    last: date | None = None,
    *,
    orientation: Orientation = "column",
    tz_aware: bool = False,
    failed: Iterable[str] = (),
    duplicated: Iterable[date] = (),
    multi_level_index: bool = True,
    actions: bool = False,
    splits: Mapping[str, Mapping[date, float]] | None = None,
) -> pd.DataFrame:
    """`yf.download(tickers=symbols, auto_adjust=False, actions=actions, group_by=orientation, ...)` over the sample's sessions.

    `tz_aware` keeps the exchange time zone (as `ignore_tz=False` does). `failed` tickers come back
    as all-NaN columns. Each session in `duplicated` appears twice: first with the previous
    session's prices (a stale bar), then with its own, so keeping the last row gives the real one.
    `multi_level_index=False` drops the ticker level when there is one symbol. With `actions`,
    `splits` gives each symbol's Stock Splits by session (the sample's prices are already on the
    basis after them, as Yahoo serves them).
    """
    failed, splits = set(failed), splits or {}
    dfs = {symbol: empty_df() if symbol in failed else _history(symbol, first, last, actions, splits.get(symbol, {})) for symbol in symbols}
    if not tz_aware:
        for frame in dfs.values():
            if not frame.empty:
                frame.index = frame.index.tz_localize(None)
    # yfinance.multi.reindex_dfs: every frame on the union of the sessions.
    union: pd.DatetimeIndex | None = None
    for frame in dfs.values():
        if not frame.empty:
            union = frame.index if union is None else union.union(frame.index)
    if union is None:
        union = pd.DatetimeIndex([])
    dfs = {symbol: frame.reindex(union) for symbol, frame in dfs.items()}
    data = pd.concat(list(dfs.values()), axis=1, sort=True, keys=list(dfs.keys()), names=["Ticker", "Price"])
    if orientation == "column":
        data.columns = data.columns.swaplevel(0, 1)
        data = data.sort_index(level=0, axis=1)
    for day in duplicated:
        data = _duplicate(data, pd.Timestamp(day))
    if not multi_level_index and len(symbols) == 1:
        data = data.droplevel(0 if orientation == "ticker" else 1, axis=1).rename_axis(None, axis=1)
    return data


def _duplicate(data: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """Insert, just before `day`'s row, a second row labelled `day` holding the previous row's prices."""
    labels = data.index.tz_localize(None) if data.index.tz is not None else data.index
    position = int(labels.get_loc(day))  # type: ignore[arg-type]
    assert position > 0, f"{day.date()} has no earlier session to make a stale bar from"
    stale = data.iloc[[position - 1]].copy()
    stale.index = data.index[[position]]
    return pd.concat([data.iloc[:position], stale, data.iloc[position:]])


def failure_log(errors: Mapping[str, str], own_lines: Iterable[str] = ()) -> list[str]:
    """What yfinance 1.7 logs at ERROR for failed tickers: their own lines, then the summary `multi._download_impl` writes.

    `errors` maps each ticker to what `multi._download_one` recorded for it: the history's last
    error, or the `repr` of the exception it raised. Tickers with the same reason share a line.
    """
    log = list(own_lines)
    log.append(f"\n{len(errors)} Failed download{'s' if len(errors) > 1 else ''}:")
    grouped: dict[str, list[str]] = {}
    for ticker, error in errors.items():
        grouped.setdefault(error.replace(f"${ticker}: ", ""), []).append(ticker)
    log.extend(f"{tickers}: {error}" for error, tickers in grouped.items())
    return log


def error_log(symbols: Iterable[str], reason: str = DNS_FAILURE_REASON) -> list[str]:
    """The messages yfinance logs at ERROR for failed tickers, as `sources._yfinance_download` keeps them in `frame.attrs["errors"]`.

    The wording is that of a real yfinance 1.7 call made without a network.
    """
    symbols = sorted(symbols)
    own_lines = [
        f"Failed to get ticker '{symbol}' reason: {reason}. See https://curl.se/libcurl/c/libcurl-errors.html first for more details."
        for symbol in symbols
    ]
    return failure_log(dict.fromkeys(symbols, f"DNSError('{DNS_SUMMARY}')"), own_lines)


def missing_prices_log(symbols: Iterable[str], start: date, end: date) -> list[str]:
    """yfinance 1.7's log when Yahoo answers with no prices for the range (`Ticker.history` logs and records its error)."""
    errors = {symbol: str(YFPricesMissingError(symbol, f" (1d {start} -> {end})")) for symbol in symbols}
    return failure_log({symbol: error.split(": ", 1)[1] for symbol, error in errors.items()}, errors.values())


def rate_limited_log(symbols: Iterable[str]) -> list[str]:
    """yfinance 1.7's log when Yahoo rate-limits: `YFRateLimitError` propagates, so only the summary has its `repr`."""
    return failure_log(dict.fromkeys(symbols, repr(YFRateLimitError())))


def with_errors(frame: pd.DataFrame, failed: Iterable[str], reason: str = DNS_FAILURE_REASON) -> pd.DataFrame:
    """`frame` carrying yfinance's error log for `failed`, as the project's download wrapper returns it."""
    return with_log(frame, error_log(failed, reason))


def with_log(frame: pd.DataFrame, log: list[str]) -> pd.DataFrame:
    """`frame` carrying `log` as yfinance's error messages, as the project's download wrapper returns it."""
    frame.attrs["errors"] = log
    return frame


@dataclass
class FakeDownload:
    """A stand-in for `sources._yfinance_download`: records every call's keyword arguments and answers with `respond(call)`.

    `respond` gets the call's keyword arguments and returns a frame or raises.
    """

    respond: Callable[[dict[str, Any]], pd.DataFrame]
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, **kwargs: Any) -> pd.DataFrame:
        self.calls.append(kwargs)
        return self.respond(kwargs)
