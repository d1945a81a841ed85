"""Sector weights and top holdings: a dated snapshot of yfinance's `Ticker.funds_data` at each live fetch.

Yahoo gives only a fund's current allocation, so each weekly run keeps what it saw, with the day
it saw it (`data/store/holdings.csv`, one row per fund, day and sector or holding). An article
speaks of a fund's allocation only from a snapshot taken on or before its week's end, and says
whose snapshot and of when; the bundled sample has none, so its articles say nothing of it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from .errors import GeneratorError
from .sanitize import plain_text
from .write import write_atomic
from .yamlfile import YamlError, read_text

HOLDINGS = Path("data/store/holdings.csv")
HOLDING_COLUMNS = ["date", "symbol", "kind", "key", "name", "weight"]
HOLDINGS_SOURCE = "Yahoo Finance"

SECTOR_NAMES = {
    "technology": "technology",
    "financial_services": "financials",
    "healthcare": "health care",
    "consumer_cyclical": "consumer discretionary",
    "consumer_defensive": "consumer staples",
    "communication_services": "communication services",
    "industrials": "industrials",
    "energy": "energy",
    "utilities": "utilities",
    "realestate": "real estate",
    "basic_materials": "materials",
}
"""Yahoo's sector keys (`funds_data.sector_weightings`) and the names the desk writes."""


class HoldingsError(GeneratorError):
    """A holdings snapshot file that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Allocation:
    """A fund's largest sector and largest holding in its newest snapshot on or before a day."""

    symbol: str
    as_of: date
    sector: str
    """The desk's name for the sector (SECTOR_NAMES)."""
    sector_key: str
    sector_weight: float
    holding: str | None
    holding_key: str | None
    holding_weight: float | None


def snapshot_rows(day: date, symbol: str, funds_data: Any) -> list[dict[str, object]]:
    """The rows of one fund's snapshot, from an object shaped like yfinance's `FundsData`: `sector_weightings` (a dict of
    Yahoo's sector key to a fraction) and `top_holdings` (a frame indexed by Symbol, with Name and Holding Percent)."""
    rows: list[dict[str, object]] = []
    for key, weight in (funds_data.sector_weightings or {}).items():
        if key in SECTOR_NAMES and weight is not None and 0 < float(weight) <= 1:
            rows.append({"date": day, "symbol": symbol, "kind": "sector", "key": key, "name": SECTOR_NAMES[key], "weight": float(weight)})
    holdings = funds_data.top_holdings
    if holdings is not None and not holdings.empty:
        for key, name, weight in zip(holdings.index, holdings["Name"], holdings["Holding Percent"], strict=True):
            if isinstance(name, str) and plain_text(name) and weight is not None and 0 < float(weight) <= 1:
                row = {"date": day, "symbol": symbol, "kind": "holding", "key": str(key), "name": plain_text(name), "weight": float(weight)}
                rows.append(row)
    return rows


def record_holdings(path: Path, day: date, symbols: list[str], funds_data: Callable[[str], Any]) -> tuple[int, dict[str, str]]:
    """Add today's snapshot of each fund's sector weights and top holdings (replacing one already taken today)."""
    rows, failed = [], {}
    for symbol in symbols:
        try:
            found = snapshot_rows(day, symbol, funds_data(symbol))
        except Exception as error:
            failed[symbol] = str(error).splitlines()[0][:160] if str(error) else type(error).__name__
            continue
        if not found:
            failed[symbol] = "no sector weights or holdings in the fund's data"
            continue
        rows.extend(found)
    if rows:
        fresh = pd.DataFrame(rows, columns=HOLDING_COLUMNS)
        fresh["date"] = pd.to_datetime(fresh["date"])
        kept = read_holdings(path)
        kept = kept.loc[~kept.set_index(["date", "symbol"]).index.isin(fresh.set_index(["date", "symbol"]).index)]
        merged = pd.concat([kept, fresh], ignore_index=True).sort_values(
            ["date", "symbol", "kind", "weight"], ascending=[True, True, True, False]
        )
        buffer = io.StringIO()
        merged.to_csv(buffer, index=False, date_format="%Y-%m-%d")
        write_atomic(path, buffer.getvalue().encode("utf-8"))
    return len({row["symbol"] for row in rows}), failed


def no_holdings() -> pd.DataFrame:
    """No snapshots (a project that has never fetched live): the columns, no rows."""
    return pd.DataFrame({column: pd.Series(dtype="datetime64[ns]" if column == "date" else object) for column in HOLDING_COLUMNS})


def read_holdings(path: Path) -> pd.DataFrame:
    """The snapshots, validated row by row: a mistake is reported with the file and line."""
    if not path.exists():
        return no_holdings()
    try:
        text = read_text(path)
    except YamlError as error:
        raise HoldingsError(str(error)) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames != HOLDING_COLUMNS:
        raise HoldingsError(f"{path}:1: expected the header {','.join(HOLDING_COLUMNS)}")
    rows = []
    for line, row in enumerate(reader, start=2):
        try:
            kind, weight = row["kind"], float(row["weight"])
            if kind not in ("sector", "holding") or not 0 < weight <= 1 or not row["symbol"] or not row["name"]:
                raise ValueError("kind must be sector or holding, weight a fraction above 0 and at most 1, symbol and name given")
            rows.append({**row, "date": date.fromisoformat(row["date"]), "weight": weight})
        except (ValueError, TypeError) as error:
            raise HoldingsError(f"{path}:{line}: {error}") from None
    frame = pd.DataFrame(rows, columns=HOLDING_COLUMNS)
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def allocation(holdings: pd.DataFrame, symbol: str, end: date) -> Allocation | None:
    """The fund's largest sector and holding in its newest snapshot on or before `end`; None without a sector weight."""
    own = holdings.loc[(holdings["symbol"] == symbol) & (holdings["date"] <= pd.Timestamp(end))]
    if own.empty:
        return None
    newest = own.loc[own["date"] == own["date"].max()]
    sectors, top = (newest.loc[newest["kind"] == kind].sort_values("weight", ascending=False) for kind in ("sector", "holding"))
    if sectors.empty:
        return None
    sector, holding = sectors.iloc[0], top.iloc[0] if not top.empty else None
    return Allocation(
        symbol=symbol,
        as_of=pd.Timestamp(newest["date"].iloc[0]).date(),
        sector=str(sector["name"]),
        sector_key=str(sector["key"]),
        sector_weight=float(sector["weight"]),
        holding=None if holding is None else str(holding["name"]),
        holding_key=None if holding is None else str(holding["key"]),
        holding_weight=None if holding is None else float(holding["weight"]),
    )


def snapshot_weight(holdings: pd.DataFrame, symbol: str, day: date, kind: Literal["sector", "holding"], key: str) -> float | None:
    """One weight of one snapshot, as the fact check reads it back."""
    row = holdings.loc[
        (holdings["symbol"] == symbol) & (holdings["date"] == pd.Timestamp(day)) & (holdings["kind"] == kind) & (holdings["key"] == key)
    ]
    return None if row.empty else float(row["weight"].iloc[0])


def yfinance_funds_data(symbol: str) -> Any:
    import yfinance as yf

    return yf.Ticker(symbol).funds_data
