"""Facts stage: typed, frozen records of every figure an article may use, with its window.

A week's facts are written as JSON beside its article. Figures are kept unrounded, as
fractions (0.024 is 2.4 percent); rounding is the render stage's job. A metric the data cannot
support for that week is None, and the text leaves it out.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from . import compute
from .calendar import Window
from .compute import Panel
from .config import DEFINITIONS, THRESHOLDS
from .universe import Universe


class Fact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Change(Fact):
    """A return from the close of `start` to the close of `end`, as a fraction."""

    value: float
    start: date
    end: date


class Crossing(Fact):
    """The close moved to the other side of a moving average on `session`."""

    session: date
    average: int
    direction: Literal["above", "below"]


class BigMove(Fact):
    """The week's largest one-day move of a fund, and how far back one as large lies."""

    session: date
    value: float
    since: date | None
    """The most recent earlier session with a move at least as large; None: the largest since `data_start`."""
    sessions_since: int
    """Sessions from `since` (or `data_start`) to `session`."""
    data_start: date


class Leverage(Fact):
    """A leveraged or inverse fund against `factor` times its index over the week."""

    factor: int
    underlying: str
    underlying_week: Change
    target: float
    """`factor` times the index's weekly return."""
    gap: float
    """The fund's weekly return minus `target`."""


class FundFacts(Fact):
    symbol: str
    as_of: date
    close: float
    week: Change
    day: Change | None
    month: Change | None
    ytd: Change | None
    high: float | None
    """Highest close of the 52-week window ending on `as_of`."""
    drawdown: float | None
    """Close against `high`, minus one (zero at a new high)."""
    sma_short: float | None
    sma_long: float | None
    crossings: list[Crossing]
    """Moving-average crossings during the week, oldest first."""
    biggest_day: BigMove | None
    """Reported only when it is the biggest move in at least `since_min_sessions` sessions."""
    weekly_streak: int
    """Consecutive weekly gains (positive) or losses (negative) ending this week."""
    volatility: float | None
    leverage: Leverage | None


def _at(frame: pd.DataFrame, session: pd.Timestamp, symbol: str) -> float:
    """One cell as a float (NaN where the fund has no value)."""
    return float(frame.at[session, symbol])  # type: ignore[arg-type]


def _optional(value: float) -> float | None:
    return None if pd.isna(value) else value


def _window_change(close: pd.DataFrame, symbol: str, start: pd.Timestamp | None, end: pd.Timestamp) -> Change | None:
    if start is None:
        return None
    value = _at(close, end, symbol) / _at(close, start, symbol) - 1
    return None if pd.isna(value) else Change(value=value, start=start.date(), end=end.date())


def fund_facts(
    panel: Panel,
    symbol: str,
    window: Window,
    week_closes: pd.DatetimeIndex,
    universe: Universe,
) -> FundFacts | None:
    """Everything about one fund for the week ending `window.end`; None when it has no close at both ends."""
    close = panel.close
    sessions = pd.DatetimeIndex(close.index)
    start, end = pd.Timestamp(window.start), pd.Timestamp(window.end)
    week = _window_change(close, symbol, start, end)
    if week is None:
        return None
    position = int(sessions.searchsorted(end))
    previous = pd.Timestamp(sessions[position - 1]) if position > 0 else None
    in_week = sessions[(sessions > start) & (sessions <= end)]
    fund = universe[symbol]
    return FundFacts(
        symbol=symbol,
        as_of=window.end,
        close=_at(close, end, symbol),
        week=week,
        day=_window_change(close, symbol, previous, end),
        month=_window_change(close, symbol, compute.month_start_session(sessions, end), end),
        ytd=_window_change(close, symbol, compute.year_start_session(sessions, end), end),
        high=_optional(_at(panel.high, end, symbol)),
        drawdown=_optional(_at(close, end, symbol) / _at(panel.high, end, symbol) - 1),
        sma_short=_optional(_at(panel.sma_short, end, symbol)),
        sma_long=_optional(_at(panel.sma_long, end, symbol)),
        crossings=_crossings(panel, symbol, start, end),
        biggest_day=_biggest_day(panel.day_change[symbol], in_week, sessions),
        weekly_streak=compute.streak(close[symbol].reindex(week_closes[week_closes <= end]).pct_change(fill_method=None).iloc[1:]),
        volatility=_optional(_at(panel.volatility, end, symbol)),
        leverage=_leverage(panel, fund.leverage, fund.underlying, week, start, end),
    )


def _crossings(panel: Panel, symbol: str, start: pd.Timestamp, end: pd.Timestamp) -> list[Crossing]:
    found = [
        Crossing(session=session.date(), average=sessions_in_average, direction=direction)  # type: ignore[arg-type]
        for sessions_in_average, average in (
            (DEFINITIONS.short_average_sessions, panel.sma_short),
            (DEFINITIONS.long_average_sessions, panel.sma_long),
        )
        for session, direction in compute.crossings(panel.close[symbol], average[symbol], start, end)
    ]
    return sorted(found, key=lambda crossing: (crossing.session, crossing.average))


def _biggest_day(moves: pd.Series, in_week: pd.DatetimeIndex, sessions: pd.DatetimeIndex) -> BigMove | None:
    week_moves = moves.reindex(in_week).dropna()
    if week_moves.empty:
        return None
    session = pd.DatetimeIndex(week_moves.index)[int(np.argmax(np.abs(week_moves.to_numpy())))]
    since = compute.biggest_move_since(moves, session)
    data_start = pd.DatetimeIndex(moves.dropna().index)[0]
    anchor = since if since is not None else data_start
    count = compute.sessions_between(sessions, anchor, session)
    if count < THRESHOLDS.since_min_sessions:
        return None
    return BigMove(
        session=session.date(),
        value=float(moves.loc[session]),
        since=None if since is None else since.date(),
        sessions_since=count,
        data_start=data_start.date(),
    )


def _leverage(panel: Panel, factor: int, underlying: str | None, week: Change, start: pd.Timestamp, end: pd.Timestamp) -> Leverage | None:
    if underlying is None or factor == 1:
        return None
    base = _window_change(panel.close, underlying, start, end)
    if base is None:
        return None
    target = factor * base.value
    return Leverage(
        factor=factor,
        underlying=underlying,
        underlying_week=base,
        target=target,
        gap=compute.leverage_gap(week.value, base.value, factor),
    )
