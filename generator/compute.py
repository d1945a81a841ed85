"""Compute stage: the metrics, as pure functions of price frames (no I/O, no wording).

Frames are wide: sessions down, symbols across, NaN where a fund has no price. A metric that
needs more history than a fund has comes out NaN or None, never zero and never filled forward.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .config import DEFINITIONS, Definitions


@dataclass(frozen=True)
class Panel:
    """Every per-session metric, computed once for all symbols and sessions."""

    close: pd.DataFrame
    day_change: pd.DataFrame
    """Close over the previous session's close, minus one; NaN after a missing session."""
    sma_short: pd.DataFrame
    sma_long: pd.DataFrame
    high: pd.DataFrame
    """Highest close over the 52-week window; NaN until the fund has a full window of history."""
    volatility: pd.DataFrame
    """Annualised realised volatility of daily log returns, as a fraction."""


def day_changes(close: pd.DataFrame) -> pd.DataFrame:
    """Each session's close against the session before; a gap in the data gives NaN, not a stale price."""
    return close / close.shift(1) - 1


def simple_moving_average(close: pd.DataFrame, sessions: int) -> pd.DataFrame:
    """Mean of the last `sessions` closes; NaN until that many consecutive closes exist."""
    return close.rolling(sessions, min_periods=sessions).mean()


def rolling_high(close: pd.DataFrame, days: int) -> pd.DataFrame:
    """Highest close in the `days` calendar days up to each session, once a fund has that much history."""
    high = close.rolling(f"{days}D", min_periods=1).max()
    first_close = close.apply(lambda column: column.first_valid_index())
    enough = pd.DataFrame(
        {symbol: close.index >= (first + pd.Timedelta(days=days)) if first is not None else False for symbol, first in first_close.items()},
        index=close.index,
    )
    return high.where(enough)


def realised_volatility(close: pd.DataFrame, sessions: int, per_year: int) -> pd.DataFrame:
    """Standard deviation of daily log returns over `sessions`, times the square root of `per_year`."""
    log_returns = pd.DataFrame(np.log(close / close.shift(1)))
    return log_returns.rolling(sessions, min_periods=sessions).std() * np.sqrt(per_year)


def build_panel(close: pd.DataFrame, definitions: Definitions = DEFINITIONS) -> Panel:
    return Panel(
        close=close,
        day_change=day_changes(close),
        sma_short=simple_moving_average(close, definitions.short_average_sessions),
        sma_long=simple_moving_average(close, definitions.long_average_sessions),
        high=rolling_high(close, definitions.high_window_days),
        volatility=realised_volatility(close, definitions.volatility_sessions, definitions.sessions_per_year),
    )


def change(close: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Close on `end` over close on `start`, minus one, per symbol."""
    return pd.Series(close.loc[end] / close.loc[start] - 1)


def year_start_session(sessions: pd.DatetimeIndex, as_of: pd.Timestamp) -> pd.Timestamp | None:
    """The prior year's last session, the base of year-to-date; None when the data starts later.

    `sessions` must be complete (every exchange session in its span), as the load stage checks.
    """
    before = sessions[sessions < pd.Timestamp(year=as_of.year, month=1, day=1)]
    if len(before) == 0 or before[-1].year != as_of.year - 1:
        return None
    return before[-1]


def month_start_session(sessions: pd.DatetimeIndex, as_of: pd.Timestamp) -> pd.Timestamp | None:
    """The base of "the past month": the last session on or before the same day a month earlier."""
    target = as_of - pd.DateOffset(months=1)
    position = sessions.searchsorted(target, side="right") - 1
    return None if position < 0 else pd.Timestamp(sessions[int(position)])


def crossings(close: pd.Series, average: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> list[tuple[pd.Timestamp, str]]:
    """Sessions in (start, end] where the close moved to the other side of the average: (session, "above"|"below")."""
    side = pd.Series(np.sign(close - average), index=close.index).loc[start:end]
    values = side.to_numpy()
    found = []
    for previous, current, session in zip(values[:-1], values[1:], pd.DatetimeIndex(side.index)[1:], strict=True):
        if np.isnan(previous) or np.isnan(current) or previous == 0 or current == 0 or previous == current:
            continue
        found.append((session, "above" if current > 0 else "below"))
    return found


def biggest_move_since(moves: pd.Series, session: pd.Timestamp) -> pd.Timestamp | None:
    """The most recent earlier session with a move at least as large in the same direction.

    None when no earlier move in the data matches: the move is the largest the data holds.
    """
    value = moves.loc[session]
    earlier = moves.loc[: session - pd.Timedelta(days=1)].dropna()
    matches = earlier[earlier <= value] if value < 0 else earlier[earlier >= value]
    return None if matches.empty else matches.index[-1]


def sessions_between(sessions: pd.DatetimeIndex, earlier: pd.Timestamp, later: pd.Timestamp) -> int:
    """How many sessions after `earlier` up to and including `later`."""
    return int(sessions.searchsorted(later, side="right") - sessions.searchsorted(earlier, side="right"))


def streak(changes: pd.Series) -> int:
    """Consecutive changes of the same sign ending at the last one: +3 for three gains, -2 for two losses, 0 if flat or unknown."""
    values = changes.to_numpy()
    if len(values) == 0 or np.isnan(values[-1]) or values[-1] == 0:
        return 0
    sign = np.sign(values[-1])
    count = 0
    for value in values[::-1]:
        if np.isnan(value) or np.sign(value) != sign:
            break
        count += 1
    return int(sign * count)


def compounded(day_changes_in_window: pd.Series) -> float:
    """The return of holding through consecutive daily changes."""
    return float(np.prod(1 + day_changes_in_window.to_numpy()) - 1)


def leverage_gap(fund_return: float, underlying_return: float, factor: int) -> float:
    """How far a leveraged fund's return over a window fell from `factor` times its index's (negative: it lagged)."""
    return fund_return - factor * underlying_return
