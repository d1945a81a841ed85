"""The fact check's own view of the prices: closes by fund and session, windows from an article's date, and
every measure a claim can refer to, recomputed with plain arithmetic (never the compute or facts stages)."""

from __future__ import annotations

import bisect
import collections
import functools
import hashlib
import itertools
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..compute import printed_gap
from ..config import (
    SECTORS,
    TOTAL_RETURN_SPANS,
    Settings,
)
from ..events import Event, read_events
from ..holdings import no_holdings
from ..universe import Universe


class Closes:
    """Close (and total-return) prices by symbol and session, read plainly from the tidy prices, history included.

    `store_start` is where the price store begins: fund pages speak of the data from there (by
    default, the first session of `tidy`).
    """

    def __init__(self, tidy: pd.DataFrame, store_start: date | None = None) -> None:
        self._tidy = tidy
        self.store_start = store_start or pd.Timestamp(tidy["session"].min()).date()
        self._sums: dict[str, tuple[int, list[tuple[float, int]]]] = {}
        """Running sums and counts of closes per symbol, session by session from its first close (with that session's
        position), for moving averages."""
        self._moves: dict[str, list[tuple[date, float]]] = {}
        self._record_moves: dict[tuple[str, float], list[tuple[date, float]]] = {}
        self._histories: dict[str, list[date]] = {}
        self._highs: dict[tuple[str, int], dict[date, float]] = {}
        self._arrays: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._week_ends: list[date] | None = None
        self._digests: dict[int, bytes] = {}
        self._running = 0, hashlib.sha256()

    @functools.cached_property
    def _tables(self) -> tuple[dict[str, dict[date, float]], dict[str, dict[date, float]], dict[str, dict[date, float]]]:
        """Closes, adjusted closes and volumes by symbol and session, read on first use: a run whose every check is
        remembered (the cache) needs only the digests."""
        tables: tuple[dict[str, dict[date, float]], ...] = ({}, {}, {})
        for symbol, rows in self._tidy.groupby("symbol", sort=False):
            days = pd.DatetimeIndex(rows["session"]).date.tolist()  # datetime.date objects, boxed in C
            for table, column in zip(tables, ("close", "adj_close", "volume"), strict=True):
                table[str(symbol)] = dict(zip(days, rows[column].astype(float).tolist(), strict=True))
        return tables[0], tables[1], tables[2]

    @property
    def by_symbol(self) -> dict[str, dict[date, float]]:
        return self._tables[0]

    @property
    def adjusted(self) -> dict[str, dict[date, float]]:
        return self._tables[1]

    @property
    def volumes(self) -> dict[str, dict[date, float]]:
        return self._tables[2]

    @functools.cached_property
    def sessions(self) -> list[date]:
        return pd.DatetimeIndex(self._tidy["session"].unique()).sort_values().date.tolist()

    @functools.cached_property
    def position(self) -> dict[date, int]:
        return {day: number for number, day in enumerate(self.sessions)}

    def read(self) -> Closes:
        """Every table built now, before the checking processes fork from this one (they inherit it, not rebuild it)."""
        _ = self._tables, self.position
        return self

    @functools.cached_property
    def _row_hashes(self) -> tuple[np.ndarray, np.ndarray]:
        """One hash per price row, the rows in session order, and their sessions: a digest of the prices up to a day is
        one slice of it."""
        rows = self._tidy.sort_values(["session", "symbol"], kind="stable")
        return pd.util.hash_pandas_object(rows, index=False).to_numpy(), pd.DatetimeIndex(rows["session"]).to_numpy()

    def digest_through(self, day: date) -> bytes:
        """A digest of every price row up to and including `day`: what a check of a page dated before it can read."""
        hashes, sessions = self._row_hashes
        rows = int(np.searchsorted(sessions, np.datetime64(day), side="right"))
        if rows not in self._digests:
            counted, running = self._running
            if rows < counted:
                counted, running = 0, hashlib.sha256()
            running.update(hashes[counted:rows].tobytes())  # days asked in order hash each row once
            self._running = rows, running
            self._digests[rows] = running.copy().digest()
        return self._digests[rows]

    def has(self, symbol: str, *days: date | None) -> bool:
        closes = self.by_symbol.get(symbol, {})
        return all(day is not None and day in closes for day in days)

    def history(self, symbol: str) -> list[date]:
        """The sessions with a close for `symbol`, oldest first."""
        if symbol not in self._histories:
            self._histories[symbol] = sorted(self.by_symbol[symbol])
        return self._histories[symbol]

    def close(self, symbol: str, day: date) -> float:
        return self.by_symbol[symbol][day]

    def change(self, symbol: str, start: date, end: date, total: bool = False) -> float:
        """The price change from `start` to `end`, or with `total` the total return (on the adjusted close)."""
        closes = self.adjusted[symbol] if total else self.by_symbol[symbol]
        return closes[end] / closes[start] - 1

    def previous(self, day: date) -> date:
        return self.sessions[self.position[day] - 1]

    def on_or_before(self, day: date) -> date | None:
        position = bisect.bisect_right(self.sessions, day)
        return self.sessions[position - 1] if position else None

    def day_moves(self, symbol: str) -> list[tuple[date, float]]:
        """(session, close over the previous session's close - 1), only across consecutive sessions with closes."""
        if symbol not in self._moves:
            closes = self.by_symbol[symbol]
            self._moves[symbol] = [
                (later, closes[later] / closes[earlier] - 1)
                for earlier, later in zip(self.sessions, self.sessions[1:], strict=False)
                if earlier in closes and later in closes
            ]
        return self._moves[symbol]

    def distribution(self, symbol: str, earlier: date, later: date, points: float) -> bool:
        """Whether the close and the total return from `earlier` to `later` part by more than `points` percentage points:
        a distribution, not a market move."""
        closes, adjusted = self.by_symbol[symbol], self.adjusted[symbol]
        gap = closes[later] / closes[earlier] - adjusted[later] / adjusted[earlier]
        return abs(gap) * 100 > points

    def record_moves(self, symbol: str, points: float) -> list[tuple[date, float]]:
        """`day_moves` without the distribution days, which neither set nor block a record."""
        if (symbol, points) not in self._record_moves:
            self._record_moves[symbol, points] = [
                (day, move) for day, move in self.day_moves(symbol) if not self.distribution(symbol, self.previous(day), day, points)
            ]
        return self._record_moves[symbol, points]

    def week_ends(self, through: date) -> list[date]:
        """The last session of each calendar week up to `through` (a week cut short by `through` ends there), oldest first."""
        if self._week_ends is None:
            last: dict[tuple[int, int], date] = {}
            for day in self.sessions:
                last[day.isocalendar()[:2]] = day
            self._week_ends = sorted(last.values())
        ends = self._week_ends[: bisect.bisect_left(self._week_ends, through)]
        return [*ends, through] if through in self.position else ends

    def average(self, symbol: str, day: date, sessions: int) -> float | None:
        """Plain mean of the last `sessions` closes up to `day`; None without that many consecutive closes."""
        if symbol not in self._sums:
            closes, running, total, count = self.by_symbol[symbol], [], 0.0, 0
            first = self.position[self.history(symbol)[0]]
            for session in self.sessions[first:]:
                present = session in closes
                total, count = total + (closes[session] if present else 0.0), count + present
                running.append((total, count))
            self._sums[symbol] = first, running
        position = self.position[day]
        if position + 1 < sessions:
            return None
        first, running = self._sums[symbol]

        def summed(at: int) -> tuple[float, int]:
            return running[at - first] if at >= first else (0.0, 0)

        total, count = summed(position)
        before = summed(position - sessions) if position >= sessions else (0.0, 0)
        if count - before[1] != sessions:
            return None
        return (total - before[0]) / sessions

    @functools.cached_property
    def _iso_positions(self) -> dict[str, int]:
        return {day.isoformat(): number for number, day in enumerate(self.sessions)}

    def positions(self, days: list[str]) -> np.ndarray:
        """Each ISO date's position among the sessions, -1 for one that is not a session: for the checks that read a
        whole chart's data at once (closes_at, averages_at)."""
        lookup = self._iso_positions
        return np.fromiter((lookup.get(day, -1) for day in days), dtype=np.int64, count=len(days))

    def _close_array(self, symbol: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The fund's close at every session position (NaN without one), and the running sums and counts of its
        closes with a zero in front: the same additions, in the same order, as `average` makes. The last few funds'
        are kept (a fund page reads one fund, an article a few)."""
        if symbol not in self._arrays:
            closes = np.full(len(self.sessions) + 1, np.nan)  # the last cell: what position -1 reads
            found = self.by_symbol[symbol]
            closes[[self.position[day] for day in found]] = list(found.values())
            present = ~np.isnan(closes[:-1])
            sums = np.concatenate(([0.0], np.cumsum(np.where(present, closes[:-1], 0.0))))
            counts = np.concatenate(([0], np.cumsum(present)))
            while len(self._arrays) >= 4:
                del self._arrays[next(iter(self._arrays))]
            self._arrays[symbol] = closes, sums, counts
        return self._arrays[symbol]

    def closes_at(self, symbol: str, positions: np.ndarray) -> np.ndarray:
        """`close` at each position (NaN where there is none)."""
        return self._close_array(symbol)[0][positions]

    def averages_at(self, symbol: str, positions: np.ndarray, sessions: int) -> np.ndarray:
        """`average` at each position, NaN where it is None; to the last bit the same figure."""
        _, sums, counts = self._close_array(symbol)
        valid = positions + 1 >= sessions
        upper, lower = np.where(valid, positions + 1, 0), np.where(valid, positions + 1 - sessions, 0)
        full = valid & (counts[upper] - counts[lower] == sessions)
        return np.where(full, (sums[upper] - sums[lower]) / sessions, np.nan)

    def high(self, symbol: str, day: date, days: int) -> float:
        """The highest close in the `days` calendar days up to `day` (a sliding maximum, computed once per fund)."""
        if (symbol, days) not in self._highs:
            closes, highs, window = self.by_symbol[symbol], {}, collections.deque[date]()
            for session in sorted(closes):
                while window and closes[window[-1]] <= closes[session]:
                    window.pop()
                window.append(session)
                while window[0] <= session - timedelta(days=days):
                    window.popleft()
                highs[session] = closes[window[0]]
            self._highs[symbol, days] = highs
        return self._highs[symbol, days][day]

    def close_range(self, symbol: str, day: date, days: int) -> tuple[float, float]:
        """The lowest and highest close in the `days` calendar days up to `day`; an error when the fund's closes do not
        reach back that far."""
        closes, history = self.by_symbol[symbol], self.history(symbol)
        if history[0] + timedelta(days=days) > day:
            raise Unverifiable(f"{symbol}'s closes do not reach {days} days back from {day}")
        first, last = bisect.bisect_right(history, day - timedelta(days=days)), bisect.bisect_right(history, day)
        window = [closes[session] for session in history[first:last]]
        return min(window), max(window)

    def traded_sessions(self, symbol: str, first: int, last: int) -> list[date]:
        """The sessions at positions first..last (inclusive), each with a close and a reported volume, or an error."""
        days = self.sessions[max(first, 0) : last + 1]
        volumes = self.volumes.get(symbol, {})
        if first < 0 or any(volumes.get(day, 0.0) <= 0 for day in days):
            first_day = days[0] if days else "?"
            raise Unverifiable(f"{symbol} has no reported volume for every session from {first_day} to {self.sessions[last]}")
        return days


def read_events_file(path: Path) -> dict[tuple[str, str], Event]:
    """The editors' events by (ISO date, title), as `events.read_events` reads and validates them (no file: none)."""
    return {(event.date.isoformat(), event.title): event for event in read_events(path)}


WEEK_ONLY = frozenset({"beat", "members", "breadth", "funds_with_week"})
"""Measures counted over the article's week only."""


class Unverifiable(Exception):
    """A claim that refers to something the prices cannot show."""


@dataclass
class Context:
    """One article's check: the prices, the metadata, the phrasebook, and the week the article's own date implies."""

    closes: Closes
    universe: Universe
    phrasebook: dict[str, Any]
    settings: Settings
    as_of: date
    window: str = "calendar"
    """How the article's week was chosen: the calendar week (posts) or the trailing seven days (`article`)."""
    docs: Path | None = None
    events: dict[tuple[str, str], Event] = field(default_factory=dict)
    """The editors' events file, by (date, title), as `read_events_file` reads it."""
    holdings: pd.DataFrame = field(default_factory=functools.cache(no_holdings))
    """The holdings snapshots (holdings.HOLDINGS), as `holdings.read_holdings` reads them; none by default (one empty
    frame that every such check shares, read only: building one per fund page cost 3 ms of its check)."""
    _spans: dict[str, tuple[date, date]] = field(default_factory=dict)

    @property
    def flat(self) -> float:
        return self.settings.thresholds.flat_percent / 100

    def span(self, span: str) -> tuple[date, date]:
        """The window of a return ending with the article: its week, last session, past month or year to date."""
        if span not in self._spans:
            self._spans[span] = self._span(span)
        return self._spans[span]

    def _span(self, span: str) -> tuple[date, date]:
        end, c = self.as_of, self.closes
        if end not in c.position:
            raise Unverifiable(f"{end} is not a session in the prices")
        start: date | None
        if span == "day":
            start = c.previous(end)
        elif span == "week" and self.window == "calendar":
            monday = end - timedelta(days=end.weekday())
            start = c.on_or_before(monday - timedelta(days=1))
        elif span == "week":
            start = c.on_or_before(end - timedelta(days=self.settings.definitions.week_lookback_days))
        elif span == "month":
            start = c.on_or_before((pd.Timestamp(end) - pd.DateOffset(months=1)).date())
        elif span == "ytd":
            start = c.on_or_before(date(end.year - 1, 12, 31))
            start = start if start is not None and start.year == end.year - 1 else None
        else:
            raise Unverifiable(f"no window is called {span!r}")
        if start is None:
            raise Unverifiable(f"the prices do not reach back to the start of the {span} ending {end}")
        return start, end

    def change(self, symbol: str, span: str) -> float:
        start, end = self.span(span)
        if not self.closes.has(symbol, start, end):
            raise Unverifiable(f"{symbol} has no close on {start} or {end}")
        return self.closes.change(symbol, start, end, total=span in TOTAL_RETURN_SPANS)

    def drawdown(self, symbol: str, day: date) -> float:
        return self.closes.close(symbol, day) / self.closes.high(symbol, day, self.settings.definitions.high_window_days) - 1

    def has_week(self, symbol: str) -> bool:
        start, end = self.span("week")
        return self.closes.has(symbol, start, end)


def _streak(symbol: str, ctx: Context) -> int:
    """Consecutive calendar weeks of gains (or losses) ending this week, from each week's last close."""
    ends = ctx.closes.week_ends(ctx.as_of)
    closes = ctx.closes.by_symbol[symbol]
    run, sign = 0, 0
    for later, earlier in zip(reversed(ends), list(reversed(ends))[1:], strict=False):
        if earlier not in closes or later not in closes:
            break
        step = (closes[later] > closes[earlier]) - (closes[later] < closes[earlier])
        if step == 0 or (sign and step != sign):
            break
        sign, run = step, run + 1
    return sign * run


def trailing_base(symbol: str, span: str, ctx: Context) -> date:
    """The base session of a fund page's return: the start of the page's week (the edition's), a month or a year back,
    the prior year's end, or the first close in the store."""
    if span == "week":
        start = ctx.span("week")[0]
        if not ctx.closes.has(symbol, start):
            raise Unverifiable(f"{symbol} has no close on {start}, where its week starts")
        return start
    history = ctx.closes.history(symbol)
    own = history[: bisect.bisect_right(history, ctx.as_of)]
    end = pd.Timestamp(ctx.as_of)
    limits = {
        "month": end - pd.DateOffset(months=1),
        "year": end - pd.DateOffset(years=1),
        "ytd": pd.Timestamp(year=end.year - 1, month=12, day=31),
    }
    if span == "start":
        return own[bisect.bisect_left(own, ctx.closes.store_start)]
    position = bisect.bisect_right(own, limits[span].date())
    if position == 0 or (span == "ytd" and own[position - 1].year != end.year - 1):
        raise Unverifiable(f"{symbol}'s history does not reach the start of its {span} return")
    return own[position - 1]


def _volatility(symbol: str, sessions: int, ctx: Context) -> float:
    """Sample standard deviation of the last `sessions` daily log returns, annualised."""
    closes = ctx.closes.by_symbol[symbol]
    window = ctx.closes.sessions[ctx.closes.position[ctx.as_of] - sessions : ctx.closes.position[ctx.as_of] + 1]
    if len(window) != sessions + 1 or any(day not in closes for day in window):
        raise Unverifiable(f"{symbol} lacks {sessions} sessions of closes before {ctx.as_of}")
    logs = [math.log(closes[b] / closes[a]) for a, b in itertools.pairwise(window)]
    mean = sum(logs) / len(logs)
    return math.sqrt(sum((x - mean) ** 2 for x in logs) / (len(logs) - 1)) * math.sqrt(ctx.settings.definitions.sessions_per_year)


def _trading(symbol: str, measure: str, about: dict[str, Any], ctx: Context) -> float:
    """Dollars traded in the week (close times volume, summed), its average daily volume over the usual, or shares or
    dollars a day: in the week's sessions, or with `average` in that many sessions up to the week's start."""
    start, end = ctx.span("week")
    first, last = ctx.closes.position[start], ctx.closes.position[end]
    week = ctx.closes.traded_sessions(symbol, first + 1, last)
    volumes, closes = ctx.closes.volumes[symbol], ctx.closes.by_symbol[symbol]
    if measure == "dollar_volume":
        return sum(closes[day] * volumes[day] for day in week)
    if measure in {"daily_volume", "daily_dollars"}:
        if about.get("average") is None and about.get("span") != "week":
            raise Unverifiable(f"trading a day is of the week or of the sessions before it, not the {about.get('span')}")
        average = about.get("average")
        days = week if average is None else ctx.closes.traded_sessions(symbol, first + 1 - int(average), first)
        weight = closes if measure == "daily_dollars" else dict.fromkeys(days, 1.0)
        return sum(weight[day] * volumes[day] for day in days) / len(days)
    usual = ctx.closes.traded_sessions(symbol, first + 1 - int(about["average"]), first)
    return (sum(volumes[day] for day in week) / len(week)) / (sum(volumes[day] for day in usual) / len(usual))


def _distance(symbol: str, about: dict[str, Any], ctx: Context) -> float:
    """How far a level lies from the week's close: a moving average, the 52-week high, or a line below that high."""
    close, reference = ctx.closes.close(symbol, ctx.as_of), about.get("reference")
    if reference == "average":
        level = ctx.closes.average(symbol, ctx.as_of, int(about["average"]))
        if level is None:
            raise Unverifiable(f"{symbol} has no {about['average']}-session average on {ctx.as_of}")
    else:
        lines = {"high": 0.0, "correction": ctx.settings.thresholds.correction_percent, "bear": ctx.settings.thresholds.bear_percent}
        if reference not in lines:
            raise Unverifiable(f"no level is called {reference!r}")
        level = ctx.closes.high(symbol, ctx.as_of, ctx.settings.definitions.high_window_days) * (1 - lines[reference] / 100)
    return level / close - 1


def sector_weeks(ctx: Context) -> dict[str, float]:
    return {s: ctx.change(s, "week") for s in SECTORS if ctx.has_week(s)}


def fund_weeks(ctx: Context) -> dict[str, float]:
    """The week's change of every fund of the metadata (not the index) with a close at both ends of the week."""
    return {s: ctx.change(s, "week") for s, f in ctx.universe.funds.items() if f.kind == "etf" and ctx.has_week(s)}


def figure(about: dict[str, Any], ctx: Context) -> float:
    """The value a claim refers to, recomputed from the closes."""
    measure, subject = about.get("measure"), about.get("subject", "")
    span = about.get("span") or "week"
    if measure == "change":
        start, end = ctx.span(span)
        if (about.get("start"), about.get("end")) != (start.isoformat(), end.isoformat()):
            raise Unverifiable(f"the {span} ending {ctx.as_of} runs from {start} to {end}, not {about.get('start')} to {about.get('end')}")
        return ctx.change(subject, span)
    if measure == "day_move":
        session = date.fromisoformat(about["session"])
        return ctx.closes.change(subject, ctx.closes.previous(session), session)
    if measure == "drawdown":
        return ctx.drawdown(subject, ctx.as_of)
    if measure == "drawdown_start":
        return ctx.drawdown(subject, ctx.span("week")[0])
    if measure == "versus_average":
        average = ctx.closes.average(subject, ctx.as_of, int(about["average"]))
        if average is None:
            raise Unverifiable(f"{subject} has no {about['average']}-session average on {ctx.as_of}")
        return ctx.closes.close(subject, ctx.as_of) / average - 1
    if measure == "gap":
        return printed_gap(ctx.change(subject, span), ctx.change(about["reference"], span))
    if measure == "ratio":
        return ctx.change(subject, span) / ctx.change(about["reference"], span)
    if measure == "multiple":
        return _factor(about, ctx) * ctx.change(subject, span)
    if measure == "tracking":
        return ctx.change(subject, span) - _factor(about, ctx) * ctx.change(about["reference"], span)
    if measure == "trailing":
        base = trailing_base(subject, span, ctx)
        if about.get("start") != base.isoformat():
            raise Unverifiable(f"{subject}'s {span} return runs from the close of {base}, not {about.get('start')}")
        basis = about.get("basis")
        if basis not in {"price", "total"} or (basis == "total" and ctx.universe[subject].kind == "index"):
            raise Unverifiable(f"{subject}'s return is a price or a total return (an index's only a price return), not {basis!r}")
        return ctx.closes.change(subject, base, ctx.as_of, total=basis == "total")
    if measure == "close":
        return ctx.closes.close(subject, ctx.as_of)
    if measure in {"range_low", "range_high", "range_position"}:
        low, high = ctx.closes.close_range(subject, ctx.as_of, ctx.settings.definitions.high_window_days)
        if measure == "range_position":
            return (ctx.closes.close(subject, ctx.as_of) - low) / (high - low)
        return low if measure == "range_low" else high
    if measure == "volatility":
        return _volatility(subject, int(about["average"]), ctx)
    if measure in {"dollar_volume", "volume_ratio", "daily_volume", "daily_dollars"}:
        return _trading(subject, measure, about, ctx)
    if measure == "distance":
        return _distance(subject, about, ctx)
    if measure == "streak":
        return _streak(subject, ctx)
    if measure in WEEK_ONLY and span != "week":
        raise Unverifiable(f"a {measure} count is of the week, not the {span}")
    if measure == "beat":
        market = ctx.change(subject, "week")
        return sum(value > market for value in sector_weeks(ctx).values())
    if measure == "breadth":
        moves = sector_weeks(ctx).values()
        return sum(v <= -ctx.flat for v in moves) if about.get("reference") == "down" else sum(v >= ctx.flat for v in moves)
    if measure == "members":
        return len(sector_weeks(ctx))
    if measure == "funds_with_week":
        return len(fund_weeks(ctx))
    raise Unverifiable(f"no way to recompute a {measure!r} from the prices")


def _factor(about: dict[str, Any], ctx: Context) -> int:
    """The daily multiple of the leveraged fund in a comparison, from the metadata (not the ledger)."""
    fund = about["subject"] if about["measure"] == "tracking" else None
    if fund is None:
        matches = {f.leverage for f in ctx.universe.funds.values() if f.underlying == about["subject"] and f.leverage != 1}
        if about.get("factor") not in matches:
            raise Unverifiable(f"no fund on {about['subject']} has a daily multiple of {about.get('factor')}")
        return int(about["factor"])
    meta = ctx.universe[fund]
    if meta.leverage is None or meta.underlying != about.get("reference") or meta.leverage != about.get("factor"):
        raise Unverifiable(
            f"{fund} tracks {meta.leverage} times {meta.underlying}, not {about.get('factor')} times {about.get('reference')}"
        )
    return meta.leverage
