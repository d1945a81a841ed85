"""Compute stage: the metrics, as pure functions of price frames (no I/O, no wording).

Frames are wide: sessions down, symbols across, NaN where a fund has no price. A metric that
needs more history than a fund has comes out NaN or None, never zero and never filled forward.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .config import Definitions


@dataclass(frozen=True)
class Panel:
    """Every per-session metric, computed once for all symbols (from a session on, or over the whole history)."""

    close: pd.DataFrame
    adjusted: pd.DataFrame
    """The close adjusted for distributions (Yahoo's Adj Close): a return measured on it is a total return, with the
    fund's payouts reinvested; one on `close` is the price change a desk quotes for a week."""
    day_change: pd.DataFrame
    """Close over the previous session's close, minus one; NaN after a missing session."""
    sma_short: pd.DataFrame
    sma_long: pd.DataFrame
    high: pd.DataFrame
    """Highest close over the 52-week window; NaN until the fund has a full window of history."""
    volatility: pd.DataFrame
    """Annualised realised volatility of daily log returns, as a fraction."""
    volume: pd.DataFrame
    """Shares traded per session (split-adjusted like the close, so close times volume is the dollars traded)."""
    record_days: pd.DataFrame
    """`day_change` as a record search reads it: NaN on a distribution day (see `record_changes`)."""
    first_close: dict[str, pd.Timestamp]
    """Each symbol's first session with a close."""


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


def record_changes(close: pd.DataFrame, adjusted: pd.DataFrame, points: float) -> pd.DataFrame:
    """Row-to-row close changes for a record search, NaN where the close and the total return (Adj Close) part by more
    than `points` percentage points: a distribution, not a market move, neither sets a record nor stands in its way."""
    price, total = day_changes(close), day_changes(adjusted)
    return price.where((price - total).abs() * 100 <= points)


def _from(metric: Callable[..., pd.DataFrame], cut: int, *frames: pd.DataFrame) -> pd.DataFrame:
    """`metric(*frames)` at the rows from position `cut` on, each fund's figures computed from its first close.

    A fund whose closes begin after the cut is computed over those rows only: a long history in front (the index's
    runs from 1927) would otherwise make every fund of the universe pay for its rows. The figures are the same: each
    metric here is computed column by column and is NaN before a fund's first close, whether or not the empty rows
    before it are there.
    """
    if cut == 0:
        return metric(*frames)
    early = np.asarray(frames[0].iloc[:cut].notna().to_numpy().any(axis=0))
    joined = np.full((len(frames[0]) - cut, len(early)), np.nan, order="F")  # column by column, as pandas keeps a frame
    if early.any():
        joined[:, early] = metric(*(frame.loc[:, early] for frame in frames)).to_numpy()[cut:]
    if not early.all():
        joined[:, ~early] = metric(*(frame.iloc[cut:].loc[:, ~early] for frame in frames)).to_numpy()  # rows first: faster
    return pd.DataFrame(joined, index=frames[0].index[cut:], columns=frames[0].columns, copy=False)


def build_panel(
    close: pd.DataFrame,
    adjusted: pd.DataFrame,
    volume: pd.DataFrame,
    definitions: Definitions,
    distribution_points: float,
    since: pd.Timestamp | None = None,
) -> Panel:
    """Every metric of every fund; with `since`, at the sessions from there on only (each figure as the whole history
    gives it, and `first_close` from the whole history)."""
    cut = 0 if since is None else int(pd.DatetimeIndex(close.index).searchsorted(since))

    def computed(metric: Callable[..., pd.DataFrame], *frames: pd.DataFrame, **settings: Any) -> pd.DataFrame:
        return _from(functools.partial(metric, **settings), cut, *frames)

    return Panel(
        close=close.iloc[cut:],
        adjusted=adjusted.iloc[cut:],
        volume=volume.iloc[cut:],
        day_change=computed(day_changes, close),
        record_days=computed(record_changes, close, adjusted, points=distribution_points),
        sma_short=computed(simple_moving_average, close, sessions=definitions.short_average_sessions),
        sma_long=computed(simple_moving_average, close, sessions=definitions.long_average_sessions),
        high=computed(rolling_high, close, days=definitions.high_window_days),
        volatility=computed(realised_volatility, close, sessions=definitions.volatility_sessions, per_year=definitions.sessions_per_year),
        first_close={str(symbol): dates[0] for symbol in close.columns if len(dates := pd.DatetimeIndex(close[symbol].dropna().index))},
    )


def panel_within(panel: Panel, start: pd.Timestamp, end: pd.Timestamp) -> Panel:
    """The panel's sessions from `start` through `end`: a fund page, dated `end` (the newest edition), shows nothing later,
    and nothing before the price store's first session (the long history in front serves the stories' records; cutting it
    makes every lookup of the whole universe's pages cheaper). Each metric keeps the value the whole panel gives it, and
    `first_close` is kept whole."""
    frames = {item.name: getattr(panel, item.name) for item in dataclasses.fields(panel)}
    cut: dict[str, Any] = {name: frame.loc[start:end] for name, frame in frames.items() if isinstance(frame, pd.DataFrame)}
    return dataclasses.replace(panel, **cut)


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


def crossings(
    close: pd.DataFrame, average: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp
) -> dict[str, list[tuple[pd.Timestamp, str]]]:
    """Per symbol, sessions in (start, end] where the close moved to the other side of the average.

    Each crossing is (session, "above" | "below"). A close exactly on the average keeps the side
    it came from (below, on, above is one crossing, on the "above" session); a session with no
    average or no close has no side, so nothing crosses into or out of it.
    """
    side = np.sign((close.loc[start:end] - average.loc[start:end]).to_numpy())
    for row in range(1, len(side)):
        touching = side[row] == 0
        side[row, touching] = side[row - 1, touching]
    previous, current = side[:-1], side[1:]
    crossed = (previous * current) == -1
    sessions = pd.DatetimeIndex(close.loc[start:end].index)[1:]
    found: dict[str, list[tuple[pd.Timestamp, str]]] = {str(symbol): [] for symbol in close.columns}
    for row, column in zip(*np.nonzero(crossed), strict=True):
        found[str(close.columns[column])].append((sessions[row], "above" if current[row, column] > 0 else "below"))
    return found


def biggest_moves(
    moves: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp
) -> dict[str, tuple[pd.Timestamp, float, pd.Timestamp | None]]:
    """Per symbol, the largest move in (start, end], and the last earlier row with one at least as large.

    `moves` has a row per session (one-day moves) or per week (weekly changes). Each value is
    (row, move, since); `since` is None when no earlier move in the data is as large in the same
    direction: the move is the largest the data holds.
    """
    values = moves.to_numpy()
    sessions = pd.DatetimeIndex(moves.index)
    first, last = int(sessions.searchsorted(start, side="right")), int(sessions.searchsorted(end, side="right"))
    window = values[first:last]
    present = ~np.isnan(window).all(axis=0)
    if not len(window) or not present.any():
        return {}
    rows = first + np.argmax(np.where(np.isnan(window), -1.0, np.abs(window)), axis=0)
    found = {}
    for c, symbol in enumerate(moves.columns):
        if not present[c]:
            continue
        column, value = values[:, c], float(values[rows[c], c])
        with np.errstate(invalid="ignore"):
            since = last_where(lambda a, b: column[a:b] <= value if value < 0 else column[a:b] >= value, int(rows[c]))  # noqa: B023
        found[str(symbol)] = (pd.Timestamp(sessions[rows[c]]), value, None if since is None else pd.Timestamp(sessions[since]))
    return found


def last_where(test: Callable[[int, int], np.ndarray], end: int, span: int = 64) -> int | None:
    """The last position before `end` where `test(a, b)` (a boolean array for positions a to b) holds, or None.

    It looks back in blocks that grow fourfold, so that what usually lies near (the last move as large, the last close on
    the other side of an average) costs a short slice rather than the whole history since 1927.
    """
    while end > 0:
        start = max(0, end - span)
        hits = np.flatnonzero(test(start, end))
        if len(hits):
            return start + int(hits[-1])
        end, span = start, span * 4
    return None


def dollar_volume(close: pd.DataFrame, volume: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Dollars traded per symbol in the sessions after `start` up to `end`: the sum of close times volume.

    Splits cancel out (the adjusted close is divided by the factor the volume is multiplied by); NaN
    where a session of the window has no price or no volume.
    """
    shares = volume.loc[start:end].iloc[1:]
    window = close.loc[start:end].iloc[1:] * shares
    return window.sum(min_count=len(window)).where((shares > 0).all())


def daily_average(frame: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """The mean per session of the sessions after `start` up to `end` (shares or dollars traded a day in a week).

    NaN where a session of the window reports nothing (the index, a fund not yet listed).
    """
    window = frame.loc[start:end].iloc[1:]
    return window.mean().where((window > 0).all())


def usual_daily(frame: pd.DataFrame, start: pd.Timestamp, sessions: int) -> pd.Series:
    """The mean per session of the `sessions` sessions up to and including `start`: what a week's trading is measured
    against. NaN without that much history or where one of those sessions reports nothing."""
    position = int(frame.index.searchsorted(start))
    before = frame.iloc[max(position + 1 - sessions, 0) : position + 1]
    return before.mean().where((before > 0).all() & (len(before) == sessions))


def volume_ratio(volume: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, sessions: int) -> pd.Series:
    """The average daily volume of the sessions after `start` up to `end`, over that of the `sessions` sessions up to `start`."""
    return daily_average(volume, start, end) / usual_daily(volume, start, sessions)


def record_close(close: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> tuple[pd.Timestamp, pd.Timestamp, float] | None:
    """The week's first close above every earlier close (sessions after `start` up to `end`), the session of the old
    record it beat, and the lowest close in between against that old record (a fraction, zero or negative)."""
    history = close.loc[:end].dropna()
    before, week = history.loc[:start], history.loc[start:end].iloc[1:]
    if before.empty or week.empty:
        return None
    old, previous = float(before.max()), pd.Timestamp(before.index[int(before.to_numpy().argmax())])
    above = week[week > old]
    if above.empty:
        return None
    session = pd.Timestamp(above.index[0])
    return session, previous, float(history.loc[previous:session].min()) / old - 1


def last_on_side(close: pd.Series, average: pd.Series, before: pd.Timestamp, above: bool) -> pd.Timestamp | None:
    """The last session before `before` whose close was above its average (or below it, with `above` false); a session
    without an average or exactly on it is on neither side."""
    sessions = pd.DatetimeIndex(close.index)
    aligned = (average if average.index.equals(sessions) else average.reindex(sessions)).to_numpy()
    closes = close.to_numpy()

    def on_side(a: int, b: int) -> np.ndarray:
        with np.errstate(invalid="ignore"):
            gap = closes[a:b] - aligned[a:b]
            return gap > 0 if above else gap < 0

    found = last_where(on_side, int(sessions.searchsorted(before)))
    return None if found is None else pd.Timestamp(sessions[found])


def printed_gap(change: float, reference: float) -> float:
    """How far one change (a fraction) beat another, measured between the two as articles print them, to a tenth of a
    percent: the reader who subtracts "2.9 percent" from "1.3 percent" gets the 1.6 points the article says."""
    return (float(f"{change * 100:.1f}") - float(f"{reference * 100:.1f}")) / 100


def sessions_between(sessions: pd.DatetimeIndex, earlier: pd.Timestamp, later: pd.Timestamp) -> int:
    """How many sessions after `earlier` up to and including `later`."""
    return int(sessions.searchsorted(later, side="right") - sessions.searchsorted(earlier, side="right"))


def streaks(changes: pd.DataFrame) -> pd.Series:
    """Per symbol, consecutive changes of the same sign ending at the last row.

    +3 for three gains in a row, -2 for two losses, 0 when the last change is flat or unknown.
    """
    signs = np.sign(changes.to_numpy())
    result = {}
    for column, symbol in enumerate(changes.columns):
        values = signs[::-1, column]
        last = values[0] if len(values) else np.nan
        if np.isnan(last) or last == 0:
            result[symbol] = 0
            continue
        different = np.flatnonzero(values != last)
        run = int(different[0]) if len(different) else len(values)
        result[symbol] = int(last) * run
    return pd.Series(result, dtype="int64")


def weekly_changes(close: pd.DataFrame, week_closes: pd.DatetimeIndex) -> pd.DataFrame:
    """Each calendar week's change, close of the week against close of the week before."""
    at_week_close = close.reindex(week_closes)
    return at_week_close / at_week_close.shift(1) - 1


def leverage_gap(fund_return: float, underlying_return: float, factor: int) -> float:
    """How far a leveraged fund's return over a window fell from `factor` times its index's (negative: it lagged)."""
    return fund_return - factor * underlying_return


@dataclass(frozen=True)
class Return:
    """A fund's return from the close of `base` to the end of a window, measured both ways: `price` on the close (the
    change a desk quotes) and `total` on the adjusted close (Adj Close: the total return, payouts reinvested)."""

    base: pd.Timestamp
    price: float
    total: float


def total_return(adjusted: pd.Series, base: pd.Timestamp, end: pd.Timestamp) -> float:
    """The total return from the close of `base` to the close of `end`: the adjusted close (split- and
    distribution-adjusted) on `end` over that on `base`, minus one, so a payout counts as if reinvested."""
    return float(adjusted.loc[end] / adjusted.loc[base] - 1)


def trailing_returns(close: pd.Series, adjusted: pd.Series, end: pd.Timestamp, week_start: pd.Timestamp) -> dict[str, Return]:
    """A fund's returns up to `end`: the calendar week from the close of `week_start`, the past month, the year to date,
    one year and since its first close, each as a price change and a total return.

    A window whose base the fund's own history lacks is left out: a week whose base it has no close for, a month or
    a year it has not traded, a year to date without a close in the prior year.
    """
    history = close.loc[:end].dropna()
    sessions = pd.DatetimeIndex(history.index)
    if len(sessions) < 2:
        return {}
    bases = {
        "month": sessions[sessions <= end - pd.DateOffset(months=1)],
        "ytd": sessions[sessions < pd.Timestamp(year=end.year, month=1, day=1)],
        "year": sessions[sessions <= end - pd.DateOffset(years=1)],
    }
    found = {name: pd.Timestamp(days[-1]) for name, days in bases.items() if len(days)}
    if "ytd" in found and found["ytd"].year != end.year - 1:
        del found["ytd"]
    if week_start in sessions and week_start < end:
        found = {"week": week_start, **found}
    found["start"] = pd.Timestamp(sessions[0])
    last = float(history.iloc[-1])
    return {name: Return(base, last / float(history.loc[base]) - 1, total_return(adjusted, base, end)) for name, base in found.items()}


def close_range(close: pd.Series, end: pd.Timestamp, days: int) -> tuple[float, float] | None:
    """The lowest and highest close in the `days` calendar days up to `end` (the 52-week range), or None when the fund's
    history does not reach back that far (as for `rolling_high`)."""
    history = close.loc[:end].dropna()
    if history.empty or pd.Timestamp(history.index[0]) + pd.Timedelta(days=days) > end:
        return None
    window = history[history.index > end - pd.Timedelta(days=days)]
    return float(window.min()), float(window.max())


def drawdowns(close: pd.Series, days: int) -> pd.Series:
    """The close against its highest close of the past `days` calendar days, minus one, once that much history exists."""
    history = close.dropna()
    high = rolling_high(history.to_frame(), days).iloc[:, 0]
    return (history / high - 1).dropna()
