"""Fund flows and assets: yfinance snapshots of shares outstanding, and editors' own figures.

Yahoo gives only the current shares outstanding and total assets of a fund, so each weekly
run keeps a dated snapshot (`data/store/snapshots.csv`); flows build up from the change in
shares between two snapshots times the price. Editors can supply flows for a week in
`data/flows.csv` (amount, window and source), which take precedence. An article speaks of flows
only where it has them, and always says over which dates.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from .errors import GeneratorError
from .write import write_atomic
from .yamlfile import YamlError, read_text

SNAPSHOTS = Path("data/store/snapshots.csv")
EDITOR_FLOWS = Path("data/flows.csv")
SNAPSHOT_COLUMNS = ["date", "symbol", "shares_outstanding", "total_assets"]
EDITOR_COLUMNS = ["symbol", "start", "end", "amount", "source"]


class FlowsError(GeneratorError):
    """A flows or snapshots file that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Flow:
    """Money into (positive) or out of (negative) a fund between two dates, in dollars."""

    symbol: str
    amount: float
    start: date
    end: date
    source: str


def read_snapshots(path: Path) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame(columns=SNAPSHOT_COLUMNS)
    frame = pd.read_csv(path, parse_dates=["date"])
    if list(frame.columns) != SNAPSHOT_COLUMNS:
        raise FlowsError(f"{path}:1: expected columns {','.join(SNAPSHOT_COLUMNS)}")
    return frame


def record_snapshots(path: Path, day: date, symbols: list[str], info: Callable[[str], dict[str, Any]]) -> tuple[int, dict[str, str]]:
    """Append today's shares outstanding and total assets for each symbol (one row per symbol and day)."""
    rows, failed = [], {}
    for symbol in symbols:
        try:
            facts = info(symbol)
        except Exception as error:
            failed[symbol] = str(error).splitlines()[0][:160] if str(error) else type(error).__name__
            continue
        shares, assets = facts.get("sharesOutstanding"), facts.get("totalAssets")
        if shares is None and assets is None:
            failed[symbol] = "no shares outstanding or total assets in the quote"
            continue
        rows.append({"date": pd.Timestamp(day), "symbol": symbol, "shares_outstanding": shares, "total_assets": assets})
    if rows:
        merged = pd.concat([read_snapshots(path), pd.DataFrame(rows)], ignore_index=True)
        merged = merged.drop_duplicates(["date", "symbol"], keep="last").sort_values(["date", "symbol"])
        buffer = io.StringIO()
        merged.to_csv(buffer, index=False, date_format="%Y-%m-%d")
        write_atomic(path, buffer.getvalue().encode("utf-8"))
    return len(rows), failed


def yfinance_info(symbol: str) -> dict[str, Any]:
    import yfinance as yf

    return dict(yf.Ticker(symbol).get_info())


def read_editor_flows(path: Path) -> list[Flow]:
    """Editors' flows: one row per fund and window; errors name the file and line."""
    if not path.exists():
        return []
    try:
        text = read_text(path)
    except YamlError as error:
        raise FlowsError(str(error)) from None
    flows = []
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames != EDITOR_COLUMNS:
        raise FlowsError(f"{path}:1: expected the header {','.join(EDITOR_COLUMNS)}")
    for line, row in enumerate(reader, start=2):
        try:
            flows.append(
                Flow(
                    symbol=row["symbol"].strip(),
                    amount=float(row["amount"]),
                    start=date.fromisoformat(row["start"].strip()),
                    end=date.fromisoformat(row["end"].strip()),
                    source=row["source"].strip(),
                )
            )
        except (ValueError, AttributeError) as error:
            raise FlowsError(f"{path}:{line}: {error}: amount is dollars, start and end are YYYY-MM-DD") from None
    return flows


def week_flows(snapshots: pd.DataFrame, editor: list[Flow], close: pd.DataFrame, start: date, end: date) -> dict[str, Flow]:
    """Per fund, the flow over the week ending `end`: an editor's figure if one ends in the week, else from snapshots.

    From snapshots: (shares at the newest snapshot in the week) minus (shares at the newest
    snapshot on or before the week's start), times the close on the later snapshot's day.
    """
    found: dict[str, Flow] = {}
    if not snapshots.empty:
        for symbol, rows in snapshots.dropna(subset=["shares_outstanding"]).groupby("symbol"):
            days = rows.set_index("date")["shares_outstanding"].sort_index()
            before, during = days.loc[: pd.Timestamp(start)], days.loc[pd.Timestamp(start) + pd.Timedelta(days=1) : pd.Timestamp(end)]
            if before.empty or during.empty or str(symbol) not in close.columns:
                continue
            priced = close[str(symbol)].loc[: during.index[-1]].dropna()
            if priced.empty:
                continue
            amount = float((during.iloc[-1] - before.iloc[-1]) * priced.iloc[-1])
            found[str(symbol)] = Flow(
                str(symbol), amount, before.index[-1].date(), during.index[-1].date(), "shares outstanding, Yahoo Finance"
            )
    for flow in editor:
        if start < flow.end <= end:
            found[flow.symbol] = flow
    return found


def latest_assets(snapshots: pd.DataFrame, end: date) -> dict[str, tuple[float, date]]:
    """Per fund, total assets at the newest snapshot on or before `end`, with its date."""
    if snapshots.empty:
        return {}
    known = snapshots.loc[(snapshots["date"] <= pd.Timestamp(end)) & snapshots["total_assets"].notna()]
    newest = known.sort_values("date").groupby("symbol").tail(1)
    return {
        str(symbol): (float(amount), day.date())
        for symbol, amount, day in zip(
            newest["symbol"], newest["total_assets"].to_numpy(dtype=float), pd.DatetimeIndex(newest["date"]), strict=True
        )
    }
