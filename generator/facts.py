"""Facts stage: typed, frozen records of every figure an article may use, with its window.

A week's facts are written as JSON beside its article. Figures are kept unrounded, as
fractions (0.024 is 2.4 percent); rounding is the render stage's job. A metric the data cannot
support for that week is None, and the text leaves it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict

from . import compute
from .calendar import Window
from .compute import Panel
from .config import EVENT_PRIORITY, MARKET_BENCHMARK, MARKET_INDEX, Settings
from .events import Event, events_after, events_between
from .flows import Flow
from .holdings import Allocation
from .universe import Universe


class Fact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Span = Literal["day", "week", "month", "ytd", "year", "start"]
"""The windows a return can cover: the last session, the week, the past month, the year to date, one year, the fund's history."""


class Change(Fact):
    """`subject`'s return over `span`, from the close of `start` to the close of `end`, as a fraction."""

    value: float
    subject: str
    span: Span
    start: date
    end: date


class Figure(Fact):
    """Any other number an article may print, with exactly what it measures, so the fact check can recompute it.

    Measures (the fact check's `verify.FIGURES` recomputes each): `drawdown` and `drawdown_start`
    (the close against the 52-week high at the window's end or start), `versus_average` (the close
    against its `average`-session mean at the end), `gap` (`subject`'s `span` return minus
    `reference`'s), `ratio` (the same as a ratio), `multiple` (`factor` times `subject`'s `span`
    return), `tracking` (`subject`'s `span` return minus `factor` times `reference`'s), `streak`
    (consecutive weekly gains, or losses when negative), `beat` (sector funds that beat
    `reference` for the week), `members` (sector funds with the week), `trailing` (a fund
    page's return over `span` from the close of `start`, on the close or the adjusted close as `basis` says),
    `close` (the close at the page's date), `range_low` and `range_high` (the lowest and highest close of the 52-week
    window), `range_position` (where the close stands in that range, from 0 at its low to 1 at its high),
    `daily_volume` and `daily_dollars` (shares and dollars traded a day in the week's sessions, or with `average` in
    that many sessions up to its start), `volatility` (annualised, over
    `average` sessions), `dollar_volume` (dollars traded in the week's sessions), `volume_ratio`
    (the week's average daily volume over that of the `average` sessions before it) and
    `distance` (how far the level named by `reference` lies from the close: the `average`-session
    mean, the 52-week `high`, or the `correction` or `bear` line below that high).
    """

    value: float
    measure: str
    subject: str
    reference: str | None = None
    span: Span | None = None
    factor: int | None = None
    average: int | None = None
    start: date | None = None
    basis: Literal["price", "total"] | None = None
    """A fund page's return: a price change (on the close) or a total return (on the adjusted close)."""


class Crossing(Fact):
    """`subject`'s close moved to the other side of a moving average on `session`."""

    subject: str
    session: date
    average: int
    direction: Literal["above", "below"]
    since: date | None = None
    """The last earlier close on the side it crossed to, where that lies at least `crossing_since_min_sessions` sessions
    back ("its first close above the line since March 2020"); None when it is more recent, or when there is none."""


class BigMove(Fact):
    """The week's largest one-day move of `subject`, and how far back one as large lies."""

    subject: str
    session: date
    value: float
    since: date | None
    """The most recent earlier session with a move at least as large; None: the largest since `data_start`."""
    sessions_since: int
    """Sessions from `since` (or `data_start`) to `session`."""
    data_start: date


class RecordWeek(Fact):
    """The week's change of `subject` (a calendar week), and how far back a week as large in the same direction lies."""

    subject: str
    week: Change
    since: date | None
    """The closing session of the most recent earlier week with a change at least as large; None: the largest since `data_start`."""
    weeks_since: int
    """Calendar weeks from `since` (or `data_start`) to this one."""
    data_start: date

    @property
    def value(self) -> float:
        return self.week.value


class RecordClose(Fact):
    """`subject` closed above every earlier close in the data on `session`, beating the record set on `previous`."""

    subject: str
    session: date
    previous: date
    depth: Figure
    """The lowest close between the two records against the old one (`record_depth`: zero or negative)."""


class Leverage(Fact):
    """A leveraged or inverse fund against `factor` times its index over the week."""

    factor: int
    underlying: str
    underlying_week: Change
    target: Figure
    """`factor` times the index's weekly return (a `multiple`)."""
    gap: Figure
    """The fund's weekly return minus `target` (its `tracking`)."""
    day_target: Figure | None
    """`factor` times the index's move on the last session of the week."""
    day_gap: Figure | None
    """The fund's move on that session minus `day_target`."""
    paid: list[Span] = []
    """The windows in which the fund or its index fund made a payout (`FundFacts.distributions`): its tracking there is
    the payout's, not the fund's, so nothing is told of it."""


class FlowFact(Fact):
    """Money into (positive) or out of (negative) the fund from `start` to `end`, in dollars, and who says so."""

    amount: float
    start: date
    end: date
    source: str


class Assets(Fact):
    """Total assets of the fund, in dollars, as of a snapshot date."""

    amount: float
    as_of: date


class EventFact(Fact):
    """A dated event from the editors' events file (data/events.csv): context for the week, or scheduled ahead."""

    date: date
    kind: str
    title: str
    """With `date`, which row of the events file it is."""
    phrase: str
    """The editors' clause for articles: "the Federal Reserve held its target range at 0.25-0.50 percent"."""


class FundFacts(Fact):
    symbol: str
    as_of: date
    close: float
    week: Change
    day: Change | None
    month: Change | None
    ytd: Change | None
    """The year to date as a total return (config.TOTAL_RETURN_SPANS): on the adjusted close, payouts reinvested."""
    high: float | None
    """Highest close of the 52-week window ending on `as_of`."""
    drawdown: Figure | None
    """Close against `high`, minus one (zero at a new high)."""
    drawdown_start: Figure | None = None
    """The same at the start of the week's window."""
    sma_short: float | None
    sma_long: float | None
    versus_short: Figure | None = None
    """The close against the short moving average, minus one (`versus_average`)."""
    versus_long: Figure | None = None
    crossings: list[Crossing]
    """Moving-average crossings during the week, oldest first."""
    biggest_day: BigMove | None
    """Reported only when it is the biggest move in at least `since_min_sessions` sessions."""
    record_close: RecordClose | None = None
    """The market index's first record close of the week, where it set one (the market story's angle; no other symbol's
    record is told, so none is searched for)."""
    largest_day: BigMove | None = None
    """The week's largest one-day move, however recent a larger one (a one-day shock can make the market the story)."""
    record_week: RecordWeek | None = None
    """The week as the best or worst in at least `record_week_min_weeks` weeks; None otherwise, or when the window is not a
    calendar week."""
    weekly_streak: Figure
    """Consecutive calendar-week gains (positive) or losses (negative) ending this week; 0 when the window is not a calendar week."""
    volatility: float | None
    leverage: Leverage | None
    dollar_volume: Figure | None = None
    """Dollars traded in the week's sessions."""
    volume_ratio: Figure | None = None
    """The week's average daily volume against its usual (`volume_average_sessions`)."""
    next_level: Figure | None = None
    """The level a chart reader watches next, and how far it lies from the close (see `next_level`)."""
    flow: FlowFact | None = None
    assets: Assets | None = None
    allocation: Allocation | None = None
    distributions: list[Span] = []
    """The windows ("week", "month") over which the close and the total return part by more than
    `distribution_points`: a payout, which fakes a move in the close (a leveraged fund's tracking then says nothing)."""
    """The largest sector and holding in the fund's newest holdings snapshot up to the week's end (holdings.py)."""


class Movers(Fact):
    """The week's best and worst funds among every fund with a close at both ends of the week (the whole universe's edition
    lists them)."""

    funds: Figure
    """How many funds had the week (`funds_with_week`)."""
    best: list[Change]
    """The best weeks, best first."""
    worst: list[Change]
    """The worst weeks, worst first."""


def week_movers(close: pd.DataFrame, window: Window, universe: Universe, listed: int) -> Movers | None:
    """The `listed` best and worst weeks among the funds (not the index) with a close at both ends of `window`, ties in
    ticker order; None when fewer than twice that many funds have the week."""
    start, end = pd.Timestamp(window.start), pd.Timestamp(window.end)
    funds = [symbol for symbol in close.columns if universe[symbol].kind == "etf"]
    week = compute.change(close[funds], start, end).dropna().sort_index()
    if len(week) < 2 * listed:
        return None
    best_first = week.sort_values(ascending=False, kind="stable")
    worst_first = week.sort_values(ascending=True, kind="stable")

    def change(symbol: str) -> Change:
        return Change(value=float(week[symbol]), subject=symbol, span="week", start=start.date(), end=end.date())

    return Movers(
        funds=Figure(value=len(week), measure="funds_with_week", subject=MARKET_BENCHMARK, span="week"),
        best=[change(str(symbol)) for symbol in best_first.index[:listed]],
        worst=[change(str(symbol)) for symbol in worst_first.index[:listed]],
    )


def _optional(value: float) -> float | None:
    return None if pd.isna(value) else float(value)


def _change(
    close: dict[str, float], base: dict[str, float] | None, symbol: str, span: Span, start: pd.Timestamp | None, end: pd.Timestamp
) -> Change | None:
    if base is None or start is None:
        return None
    value = close[symbol] / base[symbol] - 1
    return None if pd.isna(value) else Change(value=float(value), subject=symbol, span=span, start=start.date(), end=end.date())


def _figure(value: float, measure: str, symbol: str, **about: object) -> Figure | None:
    return None if pd.isna(value) else Figure(value=float(value), measure=measure, subject=symbol, **about)  # type: ignore[arg-type]


def week_funds(
    panel: Panel, window: Window, weekly: pd.DataFrame, record_weeks: pd.DataFrame, universe: Universe, settings: Settings
) -> dict[str, FundFacts]:
    """Facts for every fund with a close at both ends of the week ending `window.end`.

    `weekly` holds each calendar week's change (compute.weekly_changes), for streaks; `record_weeks`
    the same with distribution weeks left out (compute.record_changes), for record weeks; of both, only the panel's
    funds are read.
    """
    if not weekly.columns.equals(panel.close.columns):  # (pipeline.Dataset.story_weeks selects them once)
        weekly, record_weeks = weekly[list(panel.close.columns)], record_weeks[list(panel.close.columns)]
    sessions = pd.DatetimeIndex(panel.close.index)
    start, end = pd.Timestamp(window.start), pd.Timestamp(window.end)
    position = int(sessions.searchsorted(end))
    previous = pd.Timestamp(sessions[position - 1]) if position > 0 else None
    month, year = compute.month_start_session(sessions, end), compute.year_start_session(sessions, end)

    def row(frame: pd.DataFrame, session: pd.Timestamp | None) -> dict[str, float] | None:
        return None if session is None else dict(zip(map(str, frame.columns), frame.loc[session].to_numpy(dtype=float), strict=True))

    close = row(panel.close, end) or {}
    starts, previous_close, month_close = (row(panel.close, s) for s in (start, previous, month))
    adjusted, year_adjusted = row(panel.adjusted, end) or {}, row(panel.adjusted, year)
    week_adjusted, month_adjusted = row(panel.adjusted, start) or {}, row(panel.adjusted, month) or {}

    payout_windows: list[tuple[Span, dict[str, float] | None, dict[str, float]]] = [
        ("week", starts, week_adjusted),
        ("month", month_close, month_adjusted),
    ]

    def parted(symbol: str, closes: dict[str, float] | None, adjusted_base: dict[str, float]) -> bool:
        """Whether the close and the total return part by more than `distribution_points` from that base to the end."""
        if not closes or symbol not in adjusted_base:
            return False
        gap = close[symbol] / closes[symbol] - adjusted[symbol] / adjusted_base[symbol]
        return bool(abs(gap) * 100 > settings.thresholds.distribution_points)

    high, sma_short, sma_long, volatility = (
        row(frame, end) or {} for frame in (panel.high, panel.sma_short, panel.sma_long, panel.volatility)
    )
    high_start = row(panel.high, start) or {}
    traded = compute.dollar_volume(panel.close, panel.volume, start, end)
    heavier = compute.volume_ratio(panel.volume, start, end, settings.definitions.volume_average_sessions)
    crossed = _crossings(panel, start, end, settings)
    largest = _biggest_days(panel, start, end, 0)
    biggest = {symbol: move for symbol, move in largest.items() if move.sessions_since >= settings.thresholds.since_min_sessions}
    records = _record_weeks(panel, record_weeks, start, end, settings.thresholds.record_week_min_weeks)
    streak = compute.streaks(weekly.loc[:end].iloc[1:]) if end in weekly.index else pd.Series(dtype="int64")
    funds: dict[str, FundFacts] = {}
    for symbol in panel.close.columns:
        week = _change(close, starts, symbol, "week", start, end)
        if week is None:
            continue
        short, long = settings.definitions.short_average_sessions, settings.definitions.long_average_sessions
        funds[symbol] = FundFacts(
            symbol=symbol,
            as_of=window.end,
            close=close[symbol],
            week=week,
            day=_change(close, previous_close, symbol, "day", previous, end),
            month=_change(close, month_close, symbol, "month", month, end),
            ytd=_change(adjusted, year_adjusted, symbol, "ytd", year, end),
            high=_optional(high[symbol]),
            drawdown=_figure(close[symbol] / high[symbol] - 1, "drawdown", symbol),
            drawdown_start=_figure(starts[symbol] / high_start[symbol] - 1, "drawdown_start", symbol) if starts else None,
            sma_short=_optional(sma_short[symbol]),
            sma_long=_optional(sma_long[symbol]),
            versus_short=_figure(close[symbol] / sma_short[symbol] - 1, "versus_average", symbol, average=short),
            versus_long=_figure(close[symbol] / sma_long[symbol] - 1, "versus_average", symbol, average=long),
            crossings=crossed[symbol],
            biggest_day=biggest.get(symbol),
            largest_day=largest.get(symbol),
            record_close=_record_close(panel.close[symbol], start, end, symbol) if symbol == MARKET_INDEX else None,
            record_week=records.get(symbol),
            weekly_streak=Figure(value=int(streak.get(symbol, 0)), measure="streak", subject=symbol),
            volatility=_optional(volatility[symbol]),
            leverage=None,
            dollar_volume=_figure(traded[symbol], "dollar_volume", symbol, span="week"),
            volume_ratio=_figure(
                heavier[symbol], "volume_ratio", symbol, span="week", average=settings.definitions.volume_average_sessions
            ),
            next_level=next_level(close[symbol], high[symbol], {short: sma_short[symbol], long: sma_long[symbol]}, symbol, settings),
            distributions=[span for span, base, adjusted_base in payout_windows if parted(symbol, base, adjusted_base)],
        )
    return {symbol: _with_leverage(facts, funds, universe) for symbol, facts in funds.items()}


def next_level(close: float, high: float, averages: dict[int, float], symbol: str, settings: Settings) -> Figure | None:
    """The level a chart reader watches next, as a `distance` from the close.

    Below a moving average, the nearest average overhead (the lower of the two when both are);
    above both, in a correction or a bear market, the line that would end it; above both and out of
    a correction, the 52-week high, or at the high the short average beneath as support.
    """
    short, long = sorted(averages)
    lines = {"bear": settings.thresholds.bear_percent, "correction": settings.thresholds.correction_percent}

    def distance(level: float, reference: str, average: int | None = None) -> Figure | None:
        return _figure(level / close - 1, "distance", symbol, reference=reference, average=average)

    overhead = [sessions for sessions in (long, short) if not pd.isna(averages[sessions]) and close < averages[sessions]]
    if overhead:
        nearest = min(overhead, key=lambda sessions: averages[sessions])
        return distance(averages[nearest], "average", nearest)
    if pd.isna(high) or pd.isna(averages[short]):
        return None
    for reference, percent in lines.items():
        if close <= high * (1 - percent / 100):
            return distance(high * (1 - percent / 100), reference)
    return distance(averages[short], "average", short) if close >= high else distance(high, "high")


def _record_close(close: pd.Series, start: pd.Timestamp, end: pd.Timestamp, symbol: str) -> RecordClose | None:
    found = compute.record_close(close, start, end)
    if found is None:
        return None
    session, previous, depth = found
    return RecordClose(
        subject=symbol,
        session=session.date(),
        previous=previous.date(),
        depth=Figure(value=depth, measure="record_depth", subject=symbol, start=previous.date()),
    )


def _crossings(panel: Panel, start: pd.Timestamp, end: pd.Timestamp, settings: Settings) -> dict[str, list[Crossing]]:
    found: dict[str, list[Crossing]] = {str(symbol): [] for symbol in panel.close.columns}
    for sessions_in_average, average in (
        (settings.definitions.short_average_sessions, panel.sma_short),
        (settings.definitions.long_average_sessions, panel.sma_long),
    ):
        for symbol, events in compute.crossings(panel.close, average, start, end).items():
            found[symbol].extend(
                Crossing(
                    subject=symbol,
                    session=session.date(),
                    average=sessions_in_average,
                    direction=direction,  # type: ignore[arg-type]
                    since=_crossing_since(panel, average[symbol], symbol, session, direction == "above", settings),
                )
                for session, direction in events
            )
    return {symbol: sorted(items, key=lambda c: (c.session, c.average)) for symbol, items in found.items()}


def _crossing_since(panel: Panel, average: pd.Series, symbol: str, session: pd.Timestamp, above: bool, settings: Settings) -> date | None:
    """The last close on the side a fund crossed to, when it lies far enough back to be news."""
    since = compute.last_on_side(panel.close[symbol], average, session, above)
    sessions = pd.DatetimeIndex(panel.close.index)
    if since is None or compute.sessions_between(sessions, since, session) < settings.thresholds.crossing_since_min_sessions:
        return None
    return since.date()


def _biggest_days(panel: Panel, start: pd.Timestamp, end: pd.Timestamp, min_sessions: int) -> dict[str, BigMove]:
    """The week's largest daily move per fund, kept only when nothing as large happened for `since_min_sessions`."""
    sessions = pd.DatetimeIndex(panel.close.index)
    found = {}
    for symbol, (session, value, since) in compute.biggest_moves(panel.record_days, start, end).items():
        data_start = panel.first_close[symbol]
        count = compute.sessions_between(sessions, since if since is not None else data_start, session)
        if count >= min_sessions:
            found[symbol] = BigMove(
                subject=symbol,
                session=session.date(),
                value=value,
                since=None if since is None else since.date(),
                sessions_since=count,
                data_start=data_start.date(),
            )
    return found


def _record_weeks(panel: Panel, weeks: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp, min_weeks: int) -> dict[str, RecordWeek]:
    """The week's change per fund where no week as large in the same direction came for `min_weeks` weeks.

    Only for a calendar week (`start` the close of the week before).
    """
    closes = pd.DatetimeIndex(weeks.index)
    position = int(closes.searchsorted(end))
    if position == 0 or position >= len(closes) or closes[position] != end or closes[position - 1] != start:
        return {}
    found = {}
    for symbol, (_, value, since) in compute.biggest_moves(weeks, start, end).items():
        data_start = panel.first_close[symbol]
        count = compute.sessions_between(closes, since if since is not None else data_start, end)
        if count >= min_weeks:
            week = Change(value=value, subject=symbol, span="week", start=start.date(), end=end.date())
            since_day = None if since is None else since.date()
            found[symbol] = RecordWeek(subject=symbol, week=week, since=since_day, weeks_since=count, data_start=data_start.date())
    return found


def _with_leverage(fund: FundFacts, funds: dict[str, FundFacts], universe: Universe) -> FundFacts:
    """Add the comparison of a leveraged fund with `factor` times its index, when the index fund has the week."""
    meta = universe[fund.symbol]
    factor, underlying = meta.leverage, meta.underlying
    if underlying is None or factor is None or factor == 1 or underlying not in funds:
        return fund
    base, base_day = funds[underlying].week, funds[underlying].day
    same_day = base_day is not None and fund.day is not None

    def target(span: Span, value: float) -> Figure:
        return Figure(value=factor * value, measure="multiple", subject=underlying, span=span, factor=factor)

    def tracking(span: Span, value: float, base_value: float) -> Figure:
        gap = compute.leverage_gap(value, base_value, factor)
        return Figure(value=gap, measure="tracking", subject=fund.symbol, reference=underlying, span=span, factor=factor)

    leverage = Leverage(
        factor=factor,
        underlying=underlying,
        underlying_week=base,
        target=target("week", base.value),
        gap=tracking("week", fund.week.value, base.value),
        day_target=target("day", base_day.value) if same_day else None,  # type: ignore[union-attr]
        day_gap=tracking("day", fund.day.value, base_day.value) if same_day else None,  # type: ignore[union-attr]
        paid=sorted(set(fund.distributions) | set(funds[underlying].distributions)),
    )
    return fund.model_copy(update={"leverage": leverage})


def week_events(events: Sequence[Event], start: date, end: date, most: int) -> list[EventFact]:
    """The week's events worth naming, most newsworthy kind first (config.EVENT_PRIORITY), at most `most`.

    Of several events of one kind, only the latest is named: a referendum's result, not also its polling day.
    """
    latest = {_priority_kind(event): event for event in events_between(list(events), start, end)}
    rank = {kind: position for position, kind in enumerate(EVENT_PRIORITY)}
    found = sorted(latest.values(), key=lambda e: (rank.get(_priority_kind(e), len(rank)), e.date))
    return [_event_fact(event) for event in found[:most]]


def upcoming_events(events: Sequence[Event], day: date, days: int) -> list[EventFact]:
    """Scheduled events in the `days` after `day`, soonest first (a forward look names only what was known in advance)."""
    return [_event_fact(event) for event in events_after(list(events), day, days)]


def _priority_kind(event: Event) -> str:
    """An FOMC hold is less news than a move: it ranks as `fomc-hold`."""
    return "fomc-hold" if event.kind == "fomc" and event.title.endswith(": hold") else event.kind


def _event_fact(event: Event) -> EventFact:
    return EventFact(date=event.date, kind=event.kind, title=event.title, phrase=event.phrase)


def with_flows(
    funds: dict[str, FundFacts],
    flows: dict[str, Flow],
    assets: dict[str, tuple[float, date]],
    allocations: dict[str, Allocation] | None = None,
) -> dict[str, FundFacts]:
    """Attach the week's flow, the latest total assets and the latest allocation snapshot to the funds that have them."""
    updated = {}
    for symbol, fund in funds.items():
        update: dict[str, object] = {}
        if allocations and symbol in allocations:
            update["allocation"] = allocations[symbol]
        if symbol in flows:
            flow = flows[symbol]
            update["flow"] = FlowFact(amount=flow.amount, start=flow.start, end=flow.end, source=flow.source)
        if symbol in assets:
            amount, as_of = assets[symbol]
            update["assets"] = Assets(amount=amount, as_of=as_of)
        updated[symbol] = fund.model_copy(update=update) if update else fund
    return updated
