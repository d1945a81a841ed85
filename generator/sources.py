"""Load stage, live side: where new prices come from (yfinance, a CSV folder, the bundled sample).

Each source returns tidy rows (load.TIDY_COLUMNS) for the sessions asked for, plus the symbols
it could not get and why. Nothing here writes: the store module merges and saves.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
import tenacity

from .calendar import session_closes
from .errors import GeneratorError, PriceDataError
from .load import PRICE_FIELDS, SAMPLE_STORE, TIDY_COLUMNS, LoadReport, read_csv_dir, read_store, validate

YFINANCE_FIELDS = {"Open": "open", "High": "high", "Low": "low", "Close": "close", "Adj Close": "adj_close", "Volume": "volume"}
"""yfinance's price fields (level `Price` of its columns) and their names in the price table."""

YFINANCE_ACTIONS = {"Dividends": "dividends", "Stock Splits": "split_ratio", "Capital Gains": "capital_gains"}
"""The fields `actions=True` adds (Capital Gains for funds only); `Stock Splits` is new shares per old one, 0 on other days."""

CHUNK_SIZE = 40
"""Symbols per `yf.download` call: one batched request per chunk."""


class DownloadError(GeneratorError):
    """Every symbol of a download failed, after retries."""


@dataclass(frozen=True)
class Split:
    """A split the source reported: from `session` on, one old share is `ratio` new ones (2.0 for 2-for-1, 0.2 for 1-for-5)."""

    symbol: str
    session: pd.Timestamp
    ratio: float


@dataclass
class Fetched:
    """New rows from a source, the symbols it could not deliver (symbol -> reason), and the splits it reported."""

    frame: pd.DataFrame
    failed: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    splits: list[Split] = field(default_factory=list)


class Source(Protocol):
    name: str

    def fetch(self, symbols: list[str], start: date, now: datetime) -> Fetched: ...


def completed_sessions_only(frame: pd.DataFrame, now: datetime) -> tuple[pd.DataFrame, list[str]]:
    """Drop rows that are not NYSE sessions, or whose session has not closed yet at `now` (today's partial bar)."""
    if frame.empty:
        return frame, []
    first, last = frame["session"].min().date(), frame["session"].max().date()
    closes = session_closes(first, last)
    session_close = frame["session"].map(closes)
    unknown = session_close.isna()
    unfinished = ~unknown & (session_close > pd.Timestamp(now).tz_convert("UTC"))
    notes = []
    if unknown.any():
        notes.append(f"dropped {int(unknown.sum())} rows on days that are not NYSE sessions")
    if unfinished.any():
        notes.append(f"dropped {int(unfinished.sum())} rows of a session that has not closed yet")
    return frame.loc[~unknown & ~unfinished].reset_index(drop=True), notes


def normalize_yfinance(raw: pd.DataFrame, symbols: list[str]) -> tuple[pd.DataFrame, dict[str, str]]:
    """A `yf.download(..., auto_adjust=False)` frame, in either column orientation, as tidy rows plus `split_ratio`.

    Handles (field, ticker) and (ticker, field) MultiIndex columns, a single-ticker frame with flat
    columns, a tz-aware or naive index, duplicated index rows (the last wins), and the action
    columns of `actions=True` (`split_ratio` is NaN without them). A symbol whose rows are all
    empty is returned in the failures, not as rows.
    """
    failed: dict[str, str] = {}
    if raw.empty:
        return pd.DataFrame(columns=[*TIDY_COLUMNS, "split_ratio"]), {s: "no rows returned" for s in symbols}
    columns = raw.columns
    if isinstance(columns, pd.MultiIndex):
        field_level = 0 if set(columns.get_level_values(0)) <= {*YFINANCE_FIELDS, *YFINANCE_ACTIONS} else 1
        stacked = raw.stack(level=1 - field_level, future_stack=True)
        stacked.index = stacked.index.set_names(["session", "symbol"])
        tidy = stacked.reset_index()
    else:
        if len(symbols) != 1:
            raise PriceDataError("yfinance", f"flat columns but {len(symbols)} symbols asked for")
        tidy = raw.rename_axis("session").reset_index()
        tidy["symbol"] = symbols[0]
    tidy = tidy.rename(columns={**YFINANCE_FIELDS, **YFINANCE_ACTIONS})
    if "split_ratio" not in tidy.columns:
        tidy["split_ratio"] = float("nan")
    missing_fields = [name for name in YFINANCE_FIELDS.values() if name not in tidy.columns]
    if missing_fields:
        raise PriceDataError("yfinance", f"download lacks {', '.join(missing_fields)}: was auto_adjust=False passed?")
    session = pd.to_datetime(tidy["session"])
    if session.dt.tz is not None:
        session = session.dt.tz_convert("America/New_York").dt.tz_localize(None)
    tidy["session"] = session.dt.normalize()
    tidy = tidy.drop_duplicates(["session", "symbol"], keep="last").sort_values(["symbol", "session"])
    prices = tidy[[*PRICE_FIELDS, "volume"]]
    empty = prices.isna().all(axis=1)
    have = set(tidy.loc[~empty, "symbol"])
    for symbol in symbols:
        if symbol not in have:
            failed[symbol] = "no prices returned"
    kept = tidy.loc[~empty & tidy["symbol"].isin(symbols), [*TIDY_COLUMNS, "split_ratio"]]
    return kept.reset_index(drop=True), failed


def reported_splits(tidy: pd.DataFrame) -> list[Split]:
    """The splits in the `split_ratio` column of normalized rows (0 or NaN on the days without one)."""
    days = tidy.loc[tidy["split_ratio"].fillna(0).gt(0) & tidy["split_ratio"].ne(1)]
    return [
        Split(str(symbol), pd.Timestamp(session), float(ratio))
        for symbol, session, ratio in zip(days["symbol"], days["session"], days["split_ratio"], strict=True)
    ]


Downloader = Callable[..., pd.DataFrame]


class _ErrorLog(logging.Handler):
    """Keeps yfinance's error messages (it logs failures instead of raising them) for the fetch summary."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _yfinance_download(**kwargs: Any) -> pd.DataFrame:
    """`yf.download`, its error log captured into `frame.attrs["errors"]` and kept off the console."""
    import yfinance as yf

    logger = logging.getLogger("yfinance")
    capture = _ErrorLog()
    logger.addHandler(capture)
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", FutureWarning)
            frame = yf.download(**kwargs)
    finally:
        logger.removeHandler(capture)
    frame.attrs["errors"] = capture.messages
    return frame


def _failure_reason(symbol: str, messages: list[str], fallback: str) -> str:
    """yfinance's own words for why `symbol` failed, without the link it appends.

    yfinance 1.7 logs, per ticker, `Failed to get ticker 'X' reason: ...` (its time-zone lookup) or
    `$X: possibly delisted; ...` (`Ticker.history`), and then a summary, `['X', 'Y']: reason`,
    where the reason is the history's message or the `repr` of what it raised (`DNSError('...')`).
    The per-ticker line is the more specific, so it is preferred.
    """
    own = re.compile(rf"^(?:Failed to get ticker '{re.escape(symbol)}' reason: |\$?{re.escape(symbol)}: )(.+)$", re.DOTALL)
    summary = re.compile(r"^\[((?:'[^']*'(?:, )?)+)\]: (.+)$", re.DOTALL)
    for message in messages:
        found = own.match(message.strip())
        if found:
            return _without_link(found.group(1))
    for message in messages:
        found = summary.match(message.strip())
        if found and symbol in re.findall(r"'([^']*)'", found.group(1)):
            raised = re.fullmatch(r"\w+\((['\"])(.*)\1\)", found.group(2), re.DOTALL)
            return _without_link(raised.group(2) if raised else found.group(2))
    return fallback


def _without_link(reason: str) -> str:
    """A reason up to the `. See https://...` yfinance (and curl) append, on one line."""
    return " ".join(re.split(r"\.? See https?://", reason, maxsplit=1)[0].split())


@dataclass
class YFinanceSource:
    """Daily bars from Yahoo Finance through yfinance, one batched call per chunk, retried with backoff."""

    download: Downloader = _yfinance_download
    timeout: float = 10.0
    attempts: int = 4
    max_seconds: float = 40.0
    wait: Callable[[float], None] | None = None
    name: str = "yfinance"

    def fetch(self, symbols: list[str], start: date, now: datetime) -> Fetched:
        """Every chunk in turn; a chunk that gets nothing at all after its retries ends the fetch (the network is down)."""
        frames, failed = [], {}
        end = (pd.Timestamp(now).tz_convert("America/New_York").normalize().tz_localize(None) + pd.Timedelta(days=1)).date()
        for offset in range(0, len(symbols), CHUNK_SIZE):
            chunk = symbols[offset : offset + CHUNK_SIZE]
            try:
                tidy, chunk_failed = self._download_chunk(chunk, start, end)
            except tenacity.RetryError as error:
                last = error.last_attempt
                reasons = [str(last.exception())] if last.failed else list(last.result()[1].values())
                reason = max(reasons, key=reasons.count)
                raise DownloadError(
                    f"yfinance returned no prices for {len(chunk)} symbols after {last.attempt_number} attempts: {reason}"
                ) from None
            failed.update(chunk_failed)
            frames.append(tidy)
        frame, notes = completed_sessions_only(pd.concat(frames, ignore_index=True), now)
        return Fetched(frame=frame[TIDY_COLUMNS], failed=failed, notes=notes, splits=reported_splits(frame))

    def _download_chunk(self, chunk: list[str], start: date, end: date) -> tuple[pd.DataFrame, dict[str, str]]:
        """One batched call, retried with exponential backoff and jitter while it raises or returns nothing at all.

        `actions=True` brings yfinance's `Stock Splits`, which the store needs to re-base history after a split.
        """

        def attempt() -> tuple[pd.DataFrame, dict[str, str]]:
            raw = self.download(
                tickers=chunk,
                start=start.isoformat(),
                end=end.isoformat(),
                interval="1d",
                auto_adjust=False,
                actions=True,
                group_by="column",
                progress=False,
                threads=True,
                timeout=self.timeout,
            )
            tidy, failed = normalize_yfinance(raw, chunk)
            messages = raw.attrs.get("errors", [])
            return tidy, {s: _failure_reason(s, messages, reason) for s, reason in failed.items()}

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.attempts) | tenacity.stop_after_delay(self.max_seconds),
            wait=tenacity.wait_random_exponential(multiplier=1, max=8),
            retry=tenacity.retry_if_exception_type(Exception) | tenacity.retry_if_result(lambda result: len(result[1]) == len(chunk)),
            sleep=self.wait or tenacity.nap.sleep,
        )
        return retrying(attempt)


@dataclass
class CsvDirSource:
    """A folder of yfinance-shaped CSVs, one per symbol (`csv:DIR`)."""

    directory: Path
    name: str = "csv"

    def fetch(self, symbols: list[str], start: date, now: datetime) -> Fetched:
        """Each symbol's file on its own: a missing or malformed file fails that symbol, with the reason, not the fetch."""
        report = LoadReport()
        frames, failed = [], {}
        for symbol in symbols:
            try:
                frames.append(read_csv_dir(self.directory, [symbol], report))
            except GeneratorError as error:
                failed[symbol] = str(error)
        frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=TIDY_COLUMNS)
        if not frame.empty:
            frame = frame.loc[frame["session"] >= pd.Timestamp(start)]
        frame, notes = completed_sessions_only(frame.reset_index(drop=True), now)
        return Fetched(frame=frame, failed=failed, notes=report.lines() + notes)


@dataclass
class SampleSource:
    """The bundled sample, as if it were a live source (for trying the workflow offline)."""

    root: Path
    name: str = "sample"

    def fetch(self, symbols: list[str], start: date, now: datetime) -> Fetched:
        frame = read_store(self.root / SAMPLE_STORE)
        have = set(frame["symbol"])
        frame = frame.loc[frame["symbol"].isin(symbols) & (frame["session"] >= pd.Timestamp(start))]
        return Fetched(frame=frame.reset_index(drop=True), failed={s: "not in the sample" for s in symbols if s not in have})


def source_from_name(name: str, root: Path, download: Downloader | None = None) -> Source:
    """`yfinance`, `sample` or `csv:DIR`."""
    if name == "yfinance":
        return YFinanceSource(download=download or _yfinance_download)
    if name == "sample":
        return SampleSource(root)
    if name.startswith("csv:"):
        return CsvDirSource(Path(name.removeprefix("csv:")))
    raise GeneratorError(f"unknown source {name!r}: use yfinance, sample or csv:DIR")


def validate_rows(frame: pd.DataFrame, source: str) -> tuple[pd.DataFrame, dict[str, str]]:
    """Validate per symbol: a symbol whose rows are malformed is set aside with the reason, the rest kept."""
    kept: list[pd.DataFrame] = []
    rejected: dict[str, str] = {}
    if frame.empty:
        return frame, rejected
    for symbol, rows in frame.groupby("symbol", sort=True):
        try:
            kept.append(validate(rows, source=source))
        except PriceDataError as error:
            rejected[str(symbol)] = str(error)
    frame = pd.concat(kept, ignore_index=True) if kept else frame.iloc[0:0]
    return frame, rejected
