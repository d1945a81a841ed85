"""Fact check: every figure, fund, date and data-bound word of an article, recomputed from the prices.

This is a second, deliberately plain implementation. Closes come straight from the price store
as a dict; windows come from the article's own date and the sessions in the prices; each value
is recomputed here with a few lines of arithmetic, never by calling the compute, facts or story
stages, and nothing is read from the week's facts file. The ledger says only what each phrase
refers to (a fund, a measure, a window, a session); the check recomputes the value and reads the
printed words against it. An article passes when
- every claim in the ledger stands in the text, in order (whitespace aside);
- each claim's words are true of the recomputed value, to the decimal shown, and of its subject:
  a figure belongs to the fund last named before it in its sentence (or, with none, the fund
  named later in the sentence or last named before it: "It closed ...");
- nothing outside the claims carries meaning: no digit, ticker, fund name or data-bound word
  (`MEANING_WORDS`, the phrasebook's verbs) is left unaccounted for;
- the chart descriptions, specs and data files say what the prices say.
"""

from __future__ import annotations

import bisect
import collections
import csv
import functools
import io
import itertools
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from .calendar import day_phrase_parts
from .config import (
    BONDS,
    DRAWDOWN_WATCH,
    HAVENS,
    INTERNATIONAL,
    LARGE_CAP_BENCHMARKS,
    MARKET_BENCHMARK,
    SECTORS,
    SMALL_CAPS,
    Settings,
)
from .errors import GeneratorError
from .notes import parse_note
from .universe import Universe

MEANING_WORDS = frozenset(
    [
        "above",
        "below",
        "clipped",
        "reclaimed",
        "better",
        "worse",
        "ahead",
        "behind",
        "short",
        "trailing",
        "trailed",
        "trail",
        "trails",
        "gain",
        "gains",
        "drop",
        "drops",
        "loss",
        "losses",
        "led",
        "leads",
        "lagged",
        "lag",
        "lags",
        "best",
        "worst",
        "biggest",
        "largest",
        "record",
        "high",
        "highs",
        "low",
        "lows",
        "bull",
        "bear",
        "correction",
        "every",
        "straight",
        "beat",
        "beats",
        "outpaced",
        "outran",
        "outrun",
        "up",
        "down",
        "top",
        "bottom",
        "double",
        "triple",
        "half",
        "third",
        "inverse",
        "matching",
        "even",
        "step",
        "flat",
        "unchanged",
        "rally",
        "selloff",
        "surge",
        "surged",
        "jumped",
        "soared",
        "tumbled",
        "plunged",
        "sank",
        "gained",
        "added",
        "rose",
        "climbed",
        "advanced",
        "lost",
        "slipped",
        "fell",
        "declined",
    ]
)
"""Words whose truth depends on the data: outside a claim they fail the check (the phrasebook's verbs are added)."""
PLAIN_CAPITALS = frozenset({"ETF", "ETFS", "NYSE", "NASDAQ", "JSON", "CSV", "SVG", "US", "U.S", "AP"})
"""Capitalised words that are not tickers."""
SUBJECTLESS = frozenset({"name", "opening", "headline", "standing", "editor", "related", "flow", "money", "pair", "subhead", "gate_reason"})
"""Claims that stand on their own: a subhead heads a section, an opening or a headline is about the story."""


class Closes:
    """Close prices by symbol and session, read plainly from the tidy store."""

    def __init__(self, tidy: pd.DataFrame) -> None:
        self.by_symbol: dict[str, dict[date, float]] = {}
        for symbol, session, close in zip(tidy["symbol"], tidy["session"], tidy["close"], strict=True):
            self.by_symbol.setdefault(str(symbol), {})[pd.Timestamp(session).date()] = float(close)
        self.sessions = sorted({day for closes in self.by_symbol.values() for day in closes})
        self.position = {day: number for number, day in enumerate(self.sessions)}
        self._sums: dict[str, list[tuple[float, int]]] = {}
        """Running sums and counts of closes per symbol, session by session, for moving averages."""
        self._moves: dict[str, list[tuple[date, float]]] = {}
        self._histories: dict[str, list[date]] = {}
        self._highs: dict[tuple[str, int], dict[date, float]] = {}

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

    def change(self, symbol: str, start: date, end: date) -> float:
        return self.close(symbol, end) / self.close(symbol, start) - 1

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

    def average(self, symbol: str, day: date, sessions: int) -> float | None:
        """Plain mean of the last `sessions` closes up to `day`; None without that many consecutive closes."""
        if symbol not in self._sums:
            closes, running, total, count = self.by_symbol[symbol], [], 0.0, 0
            for session in self.sessions:
                present = session in closes
                total, count = total + (closes[session] if present else 0.0), count + present
                running.append((total, count))
            self._sums[symbol] = running
        position = self.position[day]
        if position + 1 < sessions:
            return None
        total, count = self._sums[symbol][position]
        before = self._sums[symbol][position - sessions] if position >= sessions else (0.0, 0)
        if count - before[1] != sessions:
            return None
        return (total - before[0]) / sessions

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
        return self.closes.change(symbol, start, end)

    def drawdown(self, symbol: str, day: date) -> float:
        return self.closes.close(symbol, day) / self.closes.high(symbol, day, self.settings.definitions.high_window_days) - 1

    def has_week(self, symbol: str) -> bool:
        start, end = self.span("week")
        return self.closes.has(symbol, start, end)


# Recomputing figures ------------------------------------------------------------------------


def _streak(symbol: str, ctx: Context) -> int:
    """Consecutive calendar weeks of gains (or losses) ending this week, from each week's last close."""
    last_of_week: dict[tuple[int, int], date] = {}
    for day in ctx.closes.sessions:
        if day <= ctx.as_of:
            last_of_week[day.isocalendar()[:2]] = day
    ends = sorted(last_of_week.values())
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


def _trailing_base(symbol: str, span: str, ctx: Context) -> date:
    """The base session of a fund page's return: a week, a month or a year back, the prior year's end, or the first close."""
    history = ctx.closes.history(symbol)
    own = history[: bisect.bisect_right(history, ctx.as_of)]
    end = pd.Timestamp(ctx.as_of)
    limits = {
        "week": end - pd.Timedelta(days=ctx.settings.definitions.week_lookback_days),
        "month": end - pd.DateOffset(months=1),
        "year": end - pd.DateOffset(years=1),
        "ytd": pd.Timestamp(year=end.year - 1, month=12, day=31),
    }
    if span == "start":
        return own[0]
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


def _sector_week(ctx: Context) -> dict[str, float]:
    return {s: ctx.change(s, "week") for s in SECTORS if ctx.has_week(s)}


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
        return ctx.change(subject, span) - ctx.change(about["reference"], span)
    if measure == "ratio":
        return ctx.change(subject, span) / ctx.change(about["reference"], span)
    if measure == "multiple":
        return _factor(about, ctx) * ctx.change(subject, span)
    if measure == "tracking":
        return ctx.change(subject, span) - _factor(about, ctx) * ctx.change(about["reference"], span)
    if measure == "trailing":
        base = _trailing_base(subject, span, ctx)
        if about.get("start") != base.isoformat():
            raise Unverifiable(f"{subject}'s {span} return runs from the close of {base}, not {about.get('start')}")
        return ctx.closes.change(subject, base, ctx.as_of)
    if measure == "volatility":
        return _volatility(subject, int(about["average"]), ctx)
    if measure == "streak":
        return _streak(subject, ctx)
    if measure == "beat":
        market = ctx.change(subject, "week")
        return sum(value > market for value in _sector_week(ctx).values())
    if measure == "members":
        return len(_sector_week(ctx))
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
    if meta.underlying != about.get("reference") or meta.leverage != about.get("factor"):
        raise Unverifiable(
            f"{fund} tracks {meta.leverage} times {meta.underlying}, not {about.get('factor')} times {about.get('reference')}"
        )
    return meta.leverage


# Reading the words --------------------------------------------------------------------------


def _pct(value: float, ctx: Context) -> str:
    number = f"{abs(value) * 100:.1f}"
    return f"{number}%" if ctx.settings.style.percent_style == "ap" else f"{number} percent"


def _direction(value: float, ctx: Context) -> str:
    return "flat" if abs(value) < ctx.flat else "up" if value > 0 else "down"


def _move_words(text: str, value: float, about: dict[str, Any], ctx: Context) -> list[str]:
    book, thresholds = ctx.phrasebook, ctx.settings.thresholds
    if abs(value) < ctx.flat:
        return [] if text in book["flat"] else [f'"{text}": the move is {value * 100:+.3f} percent, under the flat line']
    day = about.get("span") == "day" or about.get("measure") == "day_move"
    big = abs(value) * 100 > (thresholds.big_day_percent if day else thresholds.big_week_percent)
    verbs = book[("verbs_up" if value > 0 else "verbs_down") + ("_big" if big else "")]
    expected = [f"{verb} {_pct(value, ctx)}" for verb in verbs]
    return [] if text in expected else [f'"{text}": the recomputed move is {value * 100:+.3f} percent, so one of: {"; ".join(expected)}']


def _signed(value: float, ctx: Context) -> str:
    return "basically flat" if abs(value) < ctx.flat else f"{'up' if value > 0 else 'down'} {_pct(value, ctx)}"


def _date_words(kind: str, session: date, ctx: Context) -> str:
    phrase, words = day_phrase_parts(session, ctx.as_of, ctx.phrasebook.get("date_phrases"))
    if kind == "day":
        return words
    if kind == "on_day":
        return {"weekday": "on ", "last_weekday": ""}.get(phrase, "in ") + words
    return f"{session:%B} {session.day}, {session.year}"


def _check_date(claim: dict[str, Any], ctx: Context) -> list[str]:
    about = claim["about"]
    session = date.fromisoformat(about["session"])
    problems = []
    measure, role = about["measure"], about.get("role")
    if measure == "crossing":
        problems += _crossing_truth(about, ctx)
    elif measure == "day_move":
        problems += _biggest_truth(about, ctx)
    elif measure == "trailing":
        base = _trailing_base(about["subject"], about["span"], ctx)
        problems += [] if base == session else [f"{about['subject']}'s {about['span']} return starts on {base}, not {session}"]
    elif role == "inception":
        inceptions = {f.inception for f in ctx.universe.funds.values()}
        problems += [] if session in inceptions else [f"{session} is no fund's inception date"]
    elif role == "listed":
        problems += [] if str(about.get("file", "")).startswith(session.isoformat()) else [f"{session} is not the listed article's date"]
    elif role == "end" and session != ctx.as_of:
        problems.append(f"{session} is not the article's week end, {ctx.as_of}")
    elif role == "data_through" and session != ctx.as_of:
        problems.append(f"the article uses prices through {ctx.as_of}, not {session}")
    elif role in {"start", "month_start"} and session != ctx.span("week" if role == "start" else "month")[0]:
        problems.append(f"{session} is not where the {'week' if role == 'start' else 'month'} starts")
    elif role not in {"end", "data_through", "start", "month_start", "supplied", "base"} and measure == "date":
        problems.append(f"a date with no known role {role!r}")
    expected = _date_words(claim["kind"], session, ctx)
    if claim["text"] != expected:
        problems.append(f'"{claim["text"]}": {session} is written "{expected}"')
    return problems


def _crossing_truth(about: dict[str, Any], ctx: Context) -> list[str]:
    symbol, day, average = about["subject"], date.fromisoformat(about["session"]), int(about["average"])
    start, end = ctx.span("week")
    if not start < day <= end:
        return [f"{day} is outside the week"]
    sides = []
    for d in (ctx.closes.previous(day), day):
        mean = ctx.closes.average(symbol, d, average)
        sides.append(None if mean is None else ctx.closes.close(symbol, d) > mean)
    if sides[0] is not None and sides[1] is not None and sides[0] != sides[1] and sides[1] == (about["direction"] == "above"):
        return []
    return [f"{symbol} did not cross {about['direction']} its {average}-day average on {day}"]


def _biggest_truth(about: dict[str, Any], ctx: Context) -> list[str]:
    symbol, session = about["subject"], date.fromisoformat(about["session"])
    start, end = ctx.span("week")
    week = [(d, v) for d, v in ctx.closes.day_moves(symbol) if start < d <= end]
    if not week or max(week, key=lambda item: abs(item[1]))[0] != session:
        return [f"{session} is not {symbol}'s biggest one-day move of the week"]
    return []


def _check_superlative(claim: dict[str, Any], ctx: Context) -> list[str]:
    """ "its biggest one-day gain since early February": no move as large in between, and one that large then."""
    about = claim["about"]
    symbol, session = about["subject"], date.fromisoformat(about["session"])
    moves = ctx.closes.day_moves(symbol)
    value = dict(moves)[session]
    larger = [d for d, v in moves if d < session and (v <= value if value < 0 else v >= value)]
    if not larger:
        window = f"since at least {moves[0][0].strftime('%B %Y')}"
    else:
        window = "since " + day_phrase_parts(larger[-1], ctx.as_of, ctx.phrasebook.get("date_phrases"))[1]
    expected = f"its biggest one-day {'gain' if value > 0 else 'drop'} {window}"
    problems = _biggest_truth(about, ctx)
    if larger and ctx.closes.position[session] - ctx.closes.position[larger[-1]] < ctx.settings.thresholds.since_min_sessions:
        problems.append(f"{symbol}'s move on {session} is the biggest in fewer than {ctx.settings.thresholds.since_min_sessions} sessions")
    return problems + ([] if claim["text"] == expected else [f'"{claim["text"]}": recomputed from the closes it is "{expected}"'])


def _mentions(symbol: str, ctx: Context) -> list[str]:
    """Every way the text may name a fund: its ticker, its first mention, or that linked to its page."""
    if symbol not in ctx.universe.funds:
        return []
    fund = ctx.universe[symbol]
    full = fund.first_mention(ctx.settings.style)
    linked = f"[{full}](../funds/{symbol.lower().lstrip('^')}.md)"
    return [symbol, full, f"{fund.name} ({symbol})"] + ([] if fund.kind == "index" else [linked])


def _same(text: str, expected: str) -> bool:
    """Equal but for the case of the first letter (a phrase opening a sentence) and whitespace."""
    a, b = " ".join(text.split()), " ".join(expected.split())
    return a == b or (a[:2].lower() == b[:2].lower() and a[2:] == b[2:])


def _check_pair(claim: dict[str, Any], ctx: Context) -> list[str]:
    about, text = claim["about"], claim["text"]
    symbols: list[str] = about["subject"]
    values = [figure({**about, "subject": symbol}, ctx) for symbol in symbols]
    for symbol in symbols:
        forms = sorted(_mentions(symbol, ctx), key=len, reverse=True)
        found = next((form for form in forms if form in text or form[:1].upper() + form[1:] in text), None)
        if found is None:
            return [f'"{text}": {symbol} is not named in it']
        text = text.replace(found, "{}", 1).replace(found[:1].upper() + found[1:], "{}", 1)
    directions = [_direction(v, ctx) for v in values]
    if len(set(directions)) == 1 and directions[0] != "flat":
        amounts = [_pct(v, ctx) for v in values]
        both = f"{{}} and {{}} are both {directions[0]} {amounts[0]}"
        expected = both if amounts[0] == amounts[1] else f"{{}} and {{}} are {directions[0]} {amounts[0]} and {amounts[1]}, respectively"
    elif set(directions) == {"flat"}:
        expected = "{} and {} are both basically flat"
    else:
        expected = f"{{}} is {_signed(values[0], ctx)} and {{}} is {_signed(values[1], ctx)}"
    return [] if text == expected else [f'"{claim["text"]}": recomputed, it reads "{expected.format(*symbols)}"']


def _angle(story: str, angle: str, about: dict[str, Any], ctx: Context) -> list[str]:
    """Whether the week is what the story's angle says (the definitions in the phrasebook's notes), recomputed."""
    flat = ctx.flat
    if story == "small-caps":
        lead, market = SMALL_CAPS[0], LARGE_CAP_BENCHMARKS[0]
        gap, week = ctx.change(lead, "week") - ctx.change(market, "week"), ctx.change(lead, "week")
        long = ctx.settings.definitions.long_average_sessions
        start, end = ctx.span("week")
        sides = []
        for d in ctx.closes.sessions:
            if start < d <= end:
                mean, before = ctx.closes.average(lead, d, long), ctx.closes.average(lead, ctx.closes.previous(d), long)
                if mean is not None and before is not None:
                    was = ctx.closes.close(lead, ctx.closes.previous(d)) > before
                    now = ctx.closes.close(lead, d) > mean
                    if was != now:
                        sides.append("above" if now else "below")
        mean = ctx.closes.average(lead, end, long)
        if sides and mean is not None and (sides[-1] == "below") == (ctx.closes.close(lead, end) < mean):
            truth = "breakdown" if sides[-1] == "below" else "reclaim"
        elif abs(gap) < flat:
            truth = "in_step"
        elif gap > 0:
            truth = "hold_up" if week <= -flat else "outrun"
        else:
            truth = "slide" if week <= -flat else "lag_rally"
    elif story == "sectors":
        weeks = list(_sector_week(ctx).values())
        truth = "broad_rally" if all(v >= flat for v in weeks) else "broad_selloff" if all(v <= -flat for v in weeks) else "rotation"
    elif story in {"bonds", "havens", "international"}:
        lead = {"bonds": BONDS, "havens": HAVENS, "international": INTERNATIONAL}[story][0]
        gap = ctx.change(lead, "week") - ctx.change(MARKET_BENCHMARK, "week")
        up, down = {
            "bonds": ("bonds_win", "stocks_win"),
            "havens": ("gold_shines", "gold_fades"),
            "international": ("abroad_leads", "home_leads"),
        }[story]
        truth = "in_step" if abs(gap) < flat else up if gap > 0 else down
        lead_week, market_week = ctx.change(lead, "week"), ctx.change(MARKET_BENCHMARK, "week")
        if story == "havens" and truth != "in_step" and lead_week >= flat and market_week <= -flat:
            truth = "haven_bid"
    elif story == "drawdown":
        return _drawdown_angle(angle, about.get("subject", ""), ctx)
    elif story == "leveraged":
        truth = _leveraged_angle(ctx)
    else:
        return [f"no story is called {story!r}"]
    return [] if truth == angle else [f"the week's {story} angle is {truth}, not {angle}"]


def _drawdown_angle(angle: str, symbol: str, ctx: Context) -> list[str]:
    if symbol not in DRAWDOWN_WATCH:
        return [f"{symbol!r} is not a watched fund"]
    thresholds = ctx.settings.thresholds
    end, start = ctx.drawdown(symbol, ctx.as_of), ctx.drawdown(symbol, ctx.span("week")[0])
    holds = {
        "bear": end <= -thresholds.bear_percent / 100 < start,
        "correction": end <= -thresholds.correction_percent / 100 < start,
        "breakout": end == 0 and start <= -thresholds.breakout_from_percent / 100,
    }.get(angle, False)
    return (
        []
        if holds
        else [f"{symbol} did not have a {angle} week (closed {end * 100:+.2f} percent from its high, started {start * 100:+.2f})"]
    )


def _leveraged(ctx: Context) -> list[str]:
    """Leveraged and inverse funds with the week, whose index has it too."""
    return [
        s
        for s, f in ctx.universe.funds.items()
        if f.leverage != 1 and f.underlying is not None and ctx.has_week(s) and ctx.has_week(f.underlying)
    ]


def _leveraged_angle(ctx: Context) -> str:
    thresholds = ctx.settings.thresholds
    funds = _leveraged(ctx)
    extreme = max(abs(ctx.change(s, "week")) for s in funds) * 100
    triple = [s for s in funds if abs(ctx.universe[s].leverage) == 3]
    stray = 0.0
    for s in triple:
        meta = ctx.universe[s]
        try:
            stray = max(stray, abs(ctx.change(s, "month") - meta.leverage * ctx.change(meta.underlying or "", "month")) * 100)
        except Unverifiable:
            continue
    return "decay" if stray * thresholds.decay_story_weight > extreme * thresholds.leveraged_story_weight else "extremes"


def _check_rank(claim: dict[str, Any], ctx: Context) -> list[str]:
    about = claim["about"]
    key, subject = about["key"], about["subject"]
    if key in {"leveraged_top", "leveraged_bottom"}:
        ranked = sorted(_leveraged(ctx), key=lambda s: -ctx.change(s, "week"))
        truth = ranked[0] if key == "leveraged_top" else ranked[-1]
    elif key == "ytd_leader":
        with_ytd = {s: ctx.change(s, "ytd") for s in _sector_week(ctx)}
        truth = max(with_ytd, key=lambda s: with_ytd[s])
    else:
        weeks = _sector_week(ctx)
        truth = (max if key == "leader" else min)(weeks, key=lambda s: weeks[s])
    problems = [] if truth == subject else [f'"{claim["text"]}" is said of {subject}, but it is true of {truth}']
    words = ctx.phrasebook["ranks"][key]
    if isinstance(words, dict):
        angle = about["angle"]
        problems += _angle(about["story"], angle, about, ctx)
        words = words.get(angle, words["other"])
    return problems + ([] if claim["text"] == words else [f'"{claim["text"]}": the phrasebook says "{words}"'])


def _check_word(claim: dict[str, Any], value: float, ctx: Context) -> list[str]:
    about = claim["about"]
    entry = ctx.phrasebook["directions"][about["key"]]
    direction = _direction(value, ctx)
    if direction == "flat" and "flat" not in entry:
        direction = "up" if value > 0 else "down"
    expected = str(entry[direction]).format(points=f"{abs(value) * 100:.1f} percentage points", percent=_pct(value, ctx))
    problems = [] if _same(claim["text"], expected) else [f'"{claim["text"]}": recomputed ({value * 100:+.3f}), it reads "{expected}"']
    if "reference" in entry and about.get("reference") != entry["reference"]:
        problems.append(f'"{claim["text"]}" stands for {entry["reference"]}, but the figure is against {about.get("reference")}')
    if about["key"] == "spread":
        weeks = _sector_week(ctx)
        best, worst = max(weeks, key=lambda s: weeks[s]), min(weeks, key=lambda s: weeks[s])
        if (about["subject"], about.get("reference")) != (best, worst):
            problems.append(f'"{claim["text"]}": the best and the worst are {best} and {worst}')
    return problems


def _check_figure(claim: dict[str, Any], ctx: Context) -> list[str]:
    """A claim whose words follow from one recomputed number."""
    kind, about, text = claim["kind"], claim["about"], claim["text"]
    value = figure(about, ctx)
    if kind == "move":
        return _move_words(text, value, about, ctx)
    if kind == "signed":
        return [] if text == _signed(value, ctx) else [f'"{text}": the recomputed value is {value * 100:+.3f} percent']
    if kind == "percent":
        return [] if text == _pct(value, ctx) else [f'"{text}": the recomputed value is {value * 100:+.3f} percent']
    if kind == "points":
        expected = f"{abs(value) * 100:.1f} percentage points"
        return [] if text == expected else [f'"{text}": the recomputed value is {value * 100:+.3f} points']
    if kind == "table_percent":
        return [] if text == f"{value * 100:+.1f}%" else [f'"{text}": the recomputed value is {value * 100:+.3f} percent']
    if kind == "word":
        return _check_word(claim, value, ctx)
    if kind == "subhead":
        key = "subheads_happened_good" if value > 0 else "subheads_happened"
        if text in ctx.phrasebook[key] and about.get("key") == key:
            return []
        return [f'"{text}" is not one of `{key}`, the subheads for a {"gain" if value > 0 else "loss"}']
    if kind == "off_high":
        expected = "at a 52-week high" if value == 0 else f"{_pct(value, ctx)} below its 52-week high"
        return [] if text == expected else [f'"{text}": recomputed, it is "{expected}"']
    if kind == "side":
        long = int(about["average"]) == ctx.settings.definitions.long_average_sessions
        expected = f"{'above' if value > 0 else 'below'} its {about['average']}-day {'moving ' if long else ''}average"
        return [] if text == expected else [f'"{text}": recomputed, it is "{expected}"']
    if kind == "streak":
        words = ctx.phrasebook["numbers"]
        count = str(words[abs(int(value))]) if abs(value) < len(words) else str(abs(int(value)))
        expected = f"{count} straight weekly {'gains' if value > 0 else 'losses'}"
        return [] if text == expected else [f'"{text}": recomputed, it is "{expected}"']
    if kind == "ratio":
        return _check_ratio(text, value, about, ctx)
    if kind == "volatility":
        expected = f"Realized volatility over the past {about['average']} sessions, annualized: {_pct(value, ctx)}"
        return [] if text == expected else [f'"{text}": recomputed, it is "{expected}"']
    if kind == "members":
        words = ctx.phrasebook["numbers"]

        def spelled(n: int) -> str:
            return str(words[n]) if n < len(words) else str(n)

        members = int(figure({**about, "measure": "members"}, ctx))
        expected = f"{spelled(int(value))} of the {spelled(members)} sector funds did better"
        return [] if text == expected else [f'"{text}": recomputed, it is "{expected}"']
    return [f'"{text}": no check reads a {kind!r}']


def _check_ratio(text: str, value: float, about: dict[str, Any], ctx: Context) -> list[str]:
    subject, reference = ctx.change(about["subject"], "ytd"), ctx.change(about["reference"], "ytd")
    thresholds = ctx.settings.thresholds
    if subject * reference <= 0 or min(abs(subject), abs(reference)) * 100 < thresholds.ratio_min_percent:
        return [f'"{text}": a ratio of {subject * 100:+.2f} and {reference * 100:+.2f} percent is not an honest comparison']
    bracket = next((b for b in ctx.phrasebook["ratios"] if b["min"] <= value < b["max"]), None)
    return [] if bracket and bracket["words"] == text else [f'"{text}": the recomputed ratio is {value:.3f}']


def _check_fund_words(claim: dict[str, Any], ctx: Context) -> list[str]:
    """What the metadata says of a fund: its name and listing, index, sector, multiple."""
    kind, subject, text = claim["kind"], claim["about"].get("subject", ""), claim["text"]
    if subject not in ctx.universe.funds:
        return [f'"{text}": {subject!r} is not a fund of the site']
    fund = ctx.universe[subject]
    expected: list[str]
    if kind == "name":
        expected = _mentions(subject, ctx)
    elif kind == "index":
        expected = [fund.index]
    elif kind == "sector":
        expected = [str(fund.sector)]
    elif kind == "leverage":
        expected = [str(ctx.phrasebook["leverage_words"].get(fund.leverage, "?"))]
    elif kind == "multiple":
        expected = [str(abs(fund.leverage))]
    else:
        expected = ["Bull" if fund.leverage > 0 else "Bear"]
    return [] if any(_same(text, option) for option in expected) else [f'"{text}" is not how the metadata names {subject}\'s {kind}']


def _check_phrasebook(claim: dict[str, Any], ctx: Context) -> list[str]:
    """Openings, headlines and standing passages: words from the phrasebook whose condition (the angle) holds."""
    about, text = claim["about"], claim["text"]
    if about["measure"] == "standing":
        entry = ctx.phrasebook.get(about["key"])
        options = [" ".join(str(item).split()) for item in (entry if isinstance(entry, list) else [entry])]
        neutral = about["key"] in {"subheads_trader", "leveraged_caution", "disclaimer", "data_heading", "sample_source"}
        return [] if neutral and " ".join(text.split()) in options else [f'"{text}" is not the phrasebook\'s {about["key"]}']
    story, angle = about["story"], about["angle"]
    prefix = "ledes" if claim["kind"] == "opening" else "headlines"
    options = [str(o) for o in ctx.phrasebook.get(f"{prefix}_{story.replace('-', '_')}_{angle}", [])]
    if story == "sectors" and prefix == "headlines":
        weeks = _sector_week(ctx)
        leader, laggard = (ctx.universe[pick(weeks, key=lambda s: weeks[s])].sector for pick in (max, min))
        options = [o.format(leader=leader, laggard=laggard) for o in options]
    problems = [] if text in options else [f'"{text}" is not one of the phrasebook\'s {prefix} for {story} {angle}']
    return problems + _angle(story, angle, about, ctx)


def _check_editor(claim: dict[str, Any], ctx: Context) -> list[str]:
    """An editor's words: found, word for word, in the editor's note as it is read and cleaned (not recomputed)."""
    path = Path(claim["about"].get("file", ""))
    if not path.is_file():
        return [f'"{claim["text"][:40]}…": the editor\'s file {path} is missing']
    try:
        note = parse_note(path, path.read_text(encoding="utf-8"))
    except GeneratorError as error:
        return [f'"{claim["text"][:40]}…": {error}']
    wanted = re.findall(r"\w+", claim["text"].lower())
    for field_text in _strings(note.model_dump()):
        words, position = re.findall(r"\w+", field_text.lower()), 0
        for word in wanted:
            position = words.index(word, position) + 1 if word in words[position:] else -1
            if position < 0:
                break
        if position >= 0:
            return []
    return [f'"{claim["text"][:40]}…" is not, word for word, in the editor\'s note {path}']


def _strings(value: object) -> list[str]:
    """Every string in a nested structure (a note's fields, quotes and links)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def _check_related(claim: dict[str, Any], ctx: Context) -> list[str]:
    """A linked article: earlier than this one (related links), or no later than the page's date (a fund page's list);
    its headline as that article prints it, where the docs dir holds it."""
    name = Path(claim["about"]["file"]).name
    listed = claim["about"].get("listing") == "listed"
    day = date.fromisoformat(name[:10]) if re.match(r"\d{4}-\d{2}-\d{2}-", name) else None
    if day is None or day > ctx.as_of or (day == ctx.as_of and not listed):
        return [f'"{claim["text"]}": a linked article must be {"no later than" if listed else "earlier than"} {ctx.as_of}, not {name}']
    post = ctx.docs / "posts" / name if ctx.docs is not None else None
    if post is not None and post.exists():
        front = FRONT.match(post.read_text(encoding="utf-8"))
        if front is None or _front_title(front.group(1)) != claim["text"]:
            return [f'"{claim["text"]}" is not the headline of {name}']
    return []


CHECKS: dict[str, Callable[[dict[str, Any], Context], list[str]]] = {
    **dict.fromkeys(("move", "signed", "percent", "points", "table_percent", "word", "subhead", "off_high", "side"), _check_figure),
    **dict.fromkeys(("streak", "ratio", "members", "volatility"), _check_figure),
    **dict.fromkeys(("day", "on_day", "longdate"), _check_date),
    **dict.fromkeys(("name", "index", "sector", "leverage", "multiple", "bull_bear"), _check_fund_words),
    **dict.fromkeys(("opening", "headline", "standing"), _check_phrasebook),
    "superlative": _check_superlative,
    "crossed": lambda claim, ctx: _check_crossed(claim, ctx),
    "pair": _check_pair,
    "rank": _check_rank,
    "editor": _check_editor,
    "related": _check_related,
    "flow": lambda claim, ctx: [] if claim["about"].get("source") else [f'"{claim["text"]}" names no source'],
    "money": lambda claim, ctx: [] if claim["about"].get("source") else [f'"{claim["text"]}" names no source'],
    "gate_reason": lambda claim, ctx: [],
}
"""How each kind of claim is read against the prices (or, for an editor's words, against the editor's file)."""


def _check_crossed(claim: dict[str, Any], ctx: Context) -> list[str]:
    about = claim["about"]
    verb = ctx.phrasebook["directions"][about["key"]]["down" if about["direction"] == "below" else "up"]
    expected = f"{verb} its {about['average']}-day moving average"
    problems = [] if claim["text"] == expected else [f'"{claim["text"]}": a crossing {about["direction"]} reads "{expected}"']
    return problems + _crossing_truth(about, ctx)


MEASURES: dict[str, frozenset[str]] = {
    kind: frozenset(measures.split())
    for kind, measures in {
        "move": "change day_move",
        "signed": "change multiple",
        "percent": "change drawdown drawdown_start gap",
        "points": "gap tracking",
        "table_percent": "change trailing",
        "word": "change gap tracking",
        "subhead": "change",
        "off_high": "drawdown drawdown_start",
        "side": "versus_average",
        "streak": "streak",
        "ratio": "ratio",
        "members": "beat",
        "volatility": "volatility",
        "pair": "change",
        "day": "date crossing day_move",
        "on_day": "date crossing day_move",
        "longdate": "date trailing",
        "name": "name",
        "index": "index",
        "sector": "sector",
        "leverage": "factor",
        "multiple": "factor",
        "bull_bear": "factor",
        "opening": "angle",
        "rank": "rank",
        "headline": "angle editor",
        "standing": "standing",
        "superlative": "day_move",
        "crossed": "crossing",
        "editor": "editor",
        "related": "post",
        "flow": "supplied",
        "money": "supplied",
        "gate_reason": "gate",
    }.items()
}
"""What each kind of claim can be about: a ledger that pairs words with a measure they cannot express is refused."""


def _check_claim(claim: dict[str, Any], ctx: Context) -> list[str]:
    kind, about = claim.get("kind", ""), claim.get("about")
    check = CHECKS.get(kind)
    if check is None or not isinstance(about, dict):
        return [f'"{claim.get("text")}": no check reads a claim of kind {kind!r}']
    measure = about.get("measure")
    if measure not in MEASURES.get(kind, frozenset()):
        return [f'"{claim.get("text")}": words of kind {kind!r} cannot say anything of a {measure!r}']
    if measure == "editor":
        return _check_editor(claim, ctx)
    try:
        return check(claim, ctx)
    except Unverifiable as error:
        return [f'"{claim["text"]}": {error}']
    except (KeyError, ValueError, TypeError, ZeroDivisionError, IndexError) as error:
        return [f'"{claim["text"]}": the claim\'s reference cannot be read ({type(error).__name__}: {error})']


# Reading the article ------------------------------------------------------------------------


FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
FIGURE = re.compile(r"<figure.*?</figure>", re.DOTALL)


def _front_title(front: str) -> str:
    """The title in an article's front matter, or "" when it has none (the generator writes it JSON-quoted; an editor may not)."""
    line = re.search(r"^title:(.*)$", front, re.MULTILINE)
    if line is None:
        return ""
    try:
        return str(json.loads(line.group(1)))
    except ValueError:
        try:
            return str(yaml.safe_load(line.group(1)) or "")
        except yaml.YAMLError:
            return ""


def _find_words(text: str, wanted: str, start: int) -> int:
    """Where `wanted` next stands in `text` as whole words ("QQQ" is not found inside "TQQQ"); -1 if nowhere."""
    at = text.find(wanted, start)
    while at >= 0:
        before, after = text[at - 1 : at] if at else "", text[at + len(wanted) : at + len(wanted) + 1]
        if not (wanted[:1].isalnum() and before.isalnum()) and not (wanted[-1:].isalnum() and after.isalnum()):
            return at
        at = text.find(wanted, at + 1)
    return -1


def _searchable(body: str) -> tuple[str, list[int]]:
    """The text in lower case with every run of whitespace one space, and where each of its characters stands in `body`."""
    pieces, offsets = [], []
    for match in re.finditer(r"\s+|\S+", body):
        if match.group()[0].isspace():
            pieces.append(" ")
            offsets.append(match.start())
        else:
            pieces.append(match.group().lower())
            offsets.extend(range(match.start(), match.end()))
    return "".join(pieces), offsets


def _lexicon(phrasebook: dict[str, Any]) -> frozenset[str]:
    verbs = {word for key, items in phrasebook.items() if key.startswith("verbs_") for item in items for word in str(item).split()}
    return MEANING_WORDS | {word.lower() for word in verbs}


def verify(markdown: str, ledger: dict[str, Any], ctx: Context) -> tuple[int, list[str]]:
    """(claims verified, problems) for one article and its ledger."""
    front = FRONT.match(markdown)
    title = ""
    problems: list[str] = []
    if front:
        title = _front_title(front.group(1))
    body = markdown[front.end() if front else 0 :]
    body = re.sub(r"<!--.*?-->", lambda m: " " * len(m.group()), body, flags=re.DOTALL)
    body = FIGURE.sub(lambda m: " " * len(m.group()), body)
    if "as_of" in ledger and ledger["as_of"] != ctx.as_of.isoformat():
        problems.append(f"the ledger is for {ledger['as_of']}, the article for {ctx.as_of}")
    claims = [claim for claim in ledger.get("claims", []) if isinstance(claim, dict)]
    spans: list[tuple[int, int, dict[str, Any]]] = []
    searchable, offsets = _searchable(body)
    cursor = 0
    for number, claim in enumerate(claims, start=1):
        text = str(claim.get("text", ""))
        if claim.get("kind") == "headline":
            if " ".join(text.split()) != " ".join(title.split()):
                problems.append(f'claim {number}: the headline reads "{title}", the ledger "{text}"')
        elif not text.strip():
            problems.append(f"claim {number} ({claim.get('kind')}) is empty")
            continue
        else:
            wanted = " ".join(text.split()).lower()
            at = _find_words(searchable, wanted, cursor)
            if at < 0:
                problems.append(f'claim {number} ({claim.get("kind")}) "{text}" is not in the text as printed, in order')
                continue
            cursor = at + len(wanted)
            spans.append((offsets[at], offsets[cursor - 1] + 1, claim))
        problems += [f"claim {number}: {problem}" for problem in _check_claim(claim, ctx)]
    problems += _check_subjects(body, spans)
    problems += _unaccounted(body, spans, ctx)
    return len(claims), [" ".join(problem.split()) for problem in problems]


def _sentence_ids(body: str, spans: list[tuple[int, int, dict[str, Any]]]) -> list[int]:
    """Which sentence each claim sits in: sentences end at a full stop outside a claim, a line break before a table row, or a blank line."""
    masked = list(body)
    for start, end, _ in spans:
        masked[start:end] = ["x"] * (end - start)
    text = "".join(masked)
    boundaries = [m.end() for m in re.finditer(r"[.!?:](?=\s)|\n\s*\n|\n(?=\|)|\|\s*$", text, re.MULTILINE)]
    ids, sentence, position = [], 0, 0
    for start, _, _ in spans:
        while position < len(boundaries) and boundaries[position] <= start:
            position += 1
            sentence = position
        ids.append(sentence)
    return ids


def _subjects(claim: dict[str, Any]) -> list[str]:
    subject = claim["about"].get("subject") if isinstance(claim.get("about"), dict) else None
    return subject if isinstance(subject, list) else [subject] if isinstance(subject, str) else []


def _check_subjects(body: str, spans: list[tuple[int, int, dict[str, Any]]]) -> list[str]:
    """A claim about a fund sits with that fund: the last fund named before it in its sentence, or (naming none) one named
    later in the sentence or the last one named before it ("It closed the week ...")."""
    ids = _sentence_ids(body, spans)
    problems = []
    last_named: list[str] = []
    for position, (_, _, claim) in enumerate(spans):
        kind = claim.get("kind")
        if kind in {"name", "pair"}:
            last_named = _subjects(claim)
            continue
        subjects = _subjects(claim)
        about = claim["about"]
        if kind in SUBJECTLESS or not subjects or about.get("measure") in {"date", "editor"} or about.get("key") == "spread":
            continue
        sentence = [spans[i][2] for i in range(len(spans)) if ids[i] == ids[position]]
        before = [c for i, c in enumerate(spans[:position]) if ids[i] == ids[position] and c[2].get("kind") in {"name", "pair"}]
        named_in_sentence = {s for c in sentence if c.get("kind") in {"name", "pair"} for s in _subjects(c)}
        holds = subjects[0] in (_subjects(before[-1][2]) if before else named_in_sentence | set(last_named))
        reference = about.get("reference")
        after = [c for i, c in enumerate(spans) if i > position and ids[i] == ids[position] and c[2].get("kind") in {"name", "pair"}]
        if isinstance(reference, str) and after and reference not in _subjects(after[0][2]):
            problems.append(
                f'"{claim["text"]}" is measured against {reference}, but the fund named after it is {_subjects(after[0][2])[0]}'
            )
        if not holds:
            named = _subjects(before[-1][2]) if before else last_named
            problems.append(f'"{claim["text"]}" is about {subjects[0]}, but it stands with {", ".join(named) or "no fund"}')
    return problems


def _names(universe: Universe) -> list[str]:
    """Every fund's and index's name, in lower case, longest first."""
    return _longest_first(frozenset({f.name.lower() for f in universe.funds.values()} | {f.index.lower() for f in universe.funds.values()}))


@functools.lru_cache(maxsize=4)
def _longest_first(names: frozenset[str]) -> list[str]:
    return sorted(names, key=len, reverse=True)


def _unaccounted(body: str, spans: list[tuple[int, int, dict[str, Any]]], ctx: Context) -> list[str]:
    """Digits, tickers, fund names and data-bound words that no claim accounts for."""
    masked = list(body)
    for start, end, _ in spans:
        masked[start:end] = [" "] * (end - start)
    text = re.sub(r"\]\([^)]*\)", "] ", "".join(masked))
    text = "\n".join(" " if line.strip(" |:-") == "" else line for line in text.split("\n"))
    problems = []

    def context(start: int, end: int) -> str:
        return " ".join(text[max(0, start - 30) : end + 30].split())

    lowered = text.lower()
    for name in _names(ctx.universe):
        found = lowered.find(name)
        while found >= 0:
            problems.append(f'the name "{text[found : found + len(name)]}" in "…{context(found, found + len(name))}…" has no ledger entry')
            lowered = lowered[:found] + " " * len(name) + lowered[found + len(name) :]
            text = text[:found] + " " * len(name) + text[found + len(name) :]
            found = lowered.find(name, found)
    for match in re.finditer(r"\d[\d.,]*", text):
        problems.append(f'"{match.group()}" in "…{context(match.start(), match.end())}…" has no ledger entry')
    lexicon = _lexicon(ctx.phrasebook)
    plain = PLAIN_CAPITALS | {
        word.upper()
        for f in ctx.universe.funds.values()
        for part in (f.issuer, f.brand, f.listing)
        if part
        for word in re.findall(r"\w+", part)
    }
    for match in re.finditer(r"\^?[A-Za-z][A-Za-z'-]*", text):
        word = match.group()
        if (word.isupper() and len(word) >= 2 and word.upper() not in plain) or word.startswith("^"):
            problems.append(f'the ticker-like "{word}" in "…{context(match.start(), match.end())}…" has no ledger entry')
        elif word.lower() in lexicon:
            problems.append(f'"{word}" in "…{context(match.start(), match.end())}…" says something of the data, but no claim checks it')
    return problems


# Charts -------------------------------------------------------------------------------------


def verify_charts(folder: Path, story: str, markdown: str, ctx: Context) -> list[str]:
    """Each chart of the article: its data file and spec hold the recomputed values, its description says what they show."""
    problems = []
    for figure_html in FIGURE.findall(markdown):
        spec_name = re.search(r'data-spec="(?:[^"]*/)?([^"/]+)\.vl\.json"', figure_html)
        labels = re.findall(r'(?:aria-label|alt)="([^"]*)"', figure_html)
        if spec_name is None or len(labels) != 2 or labels[0] != labels[1]:
            problems.append(f"{story}: a chart's description is missing or differs between the drawing and the image")
            continue
        name, description = spec_name.group(1), labels[0].replace("&#39;", "'").replace("&amp;", "&")
        csv_path, spec_path = folder / f"{name}.csv", folder / f"{name}.vl.json"
        if not csv_path.exists() or not spec_path.exists():
            problems.append(f"{name}: the chart's data or spec is missing")
            continue
        csv_text = csv_path.read_text(encoding="utf-8")
        rows = list(csv.DictReader(io.StringIO(csv_text)))
        spec = json.loads(spec_path.read_text(encoding="utf-8"))
        data = spec.get("data", {})
        values = data["values"] if "values" in data else spec.get("datasets", {}).get(data.get("name"), [])
        if _as_csv(values, csv_text) != csv_text and not _same_rows(values, rows):
            problems.append(f"{name}: the spec's data and the CSV differ")
        columns = set(rows[0]) if rows else set()
        check = _check_bars if "change" in columns else _check_drawdowns if "drawdown" in columns else _check_trend
        problems += [f"{name}: {problem}" for problem in check(rows, description, ctx)]
        title = spec.get("title")
        if "change" in columns and title != ctx.phrasebook["chart_titles"].get(story):
            problems.append(f'{name}: the chart title "{title}" is not the phrasebook\'s for {story}')
    return problems


def _as_csv(values: list[dict[str, Any]], csv_text: str) -> str:
    """Spec rows written as the chart's CSV is, in its columns (a fast path: a data file that matches needs no parsing)."""
    header = next(csv.reader(io.StringIO(csv_text)), [])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([row.get(column) for column in header] for row in values)
    return out.getvalue()


def _same_rows(values: list[dict[str, Any]], rows: list[dict[str, str]]) -> bool:
    if len(values) != len(rows):
        return False
    for value, row in zip(values, rows, strict=True):
        for key, cell in row.items():
            item = value.get(key)
            if isinstance(item, float | int) and not isinstance(item, bool):
                if abs(float(cell) - float(item)) > 1e-9:
                    return False
            elif str(item) != cell:
                return False
    return True


def _check_bars(rows: list[dict[str, str]], description: str, ctx: Context) -> list[str]:
    problems = []
    start, end = ctx.span("week")
    for row in rows:
        truth = round(ctx.change(row["symbol"], "week") * 100, 2)  # for the message
        if abs(float(row["change"]) - ctx.change(row["symbol"], "week") * 100) > 0.005 + 1e-6:
            problems.append(f"{row['symbol']}'s weekly change is {truth}, not {row['change']}")
        if row["fund"] != ctx.universe[row["symbol"]].name:
            problems.append(f'{row["symbol"]} is not "{row["fund"]}"')
    ranked = sorted(rows, key=lambda r: -ctx.change(r["symbol"], "week"))
    if ranked:
        best, worst = ranked[0]["symbol"], ranked[-1]["symbol"]
        expected = (
            f"Bar chart of the change in closing price from {start:%B %-d} to {end:%B %-d, %Y}: "
            f"{best} did best at {ctx.change(best, 'week') * 100:+.1f}%, {worst} worst at {ctx.change(worst, 'week') * 100:+.1f}%."
        )
        if description != expected:
            problems.append(f'the description should read "{expected}"')
    return problems


def _check_trend(rows: list[dict[str, str]], description: str, ctx: Context) -> list[str]:
    match = re.search(r"\(([\^A-Z.]+)\) from", description)
    if match is None:
        return ["the description names no fund"]
    symbol = match.group(1)
    problems = []
    long, short = ctx.settings.definitions.long_average_sessions, ctx.settings.definitions.short_average_sessions
    for row in rows:
        day = date.fromisoformat(row["date"])
        sessions = {"Close": 1, f"{short}-day average": short, f"{long}-day average": long}.get(row["series"])
        truth = ctx.closes.close(symbol, day) if sessions == 1 else ctx.closes.average(symbol, day, sessions or 0) if sessions else None
        if truth is None or abs(float(row["price"]) - truth) > 0.005 + 1e-6:
            problems.append(f"{symbol}'s {row['series']} on {day} is {truth}, not {row['price']}")
            break
    close = ctx.closes.close(symbol, ctx.as_of)
    if f"closing at ${close:,.2f}" not in description or f"to {ctx.as_of:%B %-d, %Y}" not in description:
        problems.append(f"the description should say it closed at ${close:,.2f} on {ctx.as_of:%B %-d, %Y}")
    for sessions in (short, long):
        average = ctx.closes.average(symbol, ctx.as_of, sessions)
        said = re.search(rf"the {sessions}-day average at \$([\d,]+\.\d\d)", description)
        if (average is None) != (said is None) or (said and average is not None and said.group(1) != f"{average:,.2f}"):
            problems.append(f"the {sessions}-day average on {ctx.as_of} is {average}")
    return problems


def _check_drawdowns(rows: list[dict[str, str]], description: str, ctx: Context) -> list[str]:
    """A fund page's drawdown chart: each session's close against its 52-week high, and the deepest named."""
    match = re.search(r"\(([\^A-Z.]+)\) closed below", description)
    if match is None or not rows:
        return ["the description names no fund"]
    symbol, days = match.group(1), ctx.settings.definitions.high_window_days
    closes = ctx.closes.by_symbol[symbol]
    first = min(closes)
    values = {}
    for row in rows:
        day = date.fromisoformat(row["date"])
        if day - timedelta(days=days) < first:
            return [f"{day} has less than {days} days of history behind it"]
        values[day] = ctx.drawdown(symbol, day)
        if abs(float(row["drawdown"]) - values[day] * 100) > 0.005 + 1e-6:
            return [f"{symbol} closed {values[day] * 100:.2f} percent below its high on {day}, not {row['drawdown']}"]
    worst = min(values, key=lambda d: values[d])
    expected = f"the deepest was {values[worst] * 100:.1f}% on {worst:%B %-d, %Y}."
    return [] if description.endswith(expected) else [f'the description should end "{expected}"']


# Folders ------------------------------------------------------------------------------------


def verify_article(
    markdown: str,
    ledger: dict[str, Any],
    closes: Closes,
    universe: Universe,
    phrasebook: dict[str, Any],
    settings: Settings,
    window: str = "calendar",
    as_of: date | None = None,
) -> tuple[int, list[str]]:
    """(claims verified, problems) for one article held in memory; `window` is how its week was chosen (calendar or trailing)."""
    day = as_of or _article_date(markdown)
    if day is None:
        return 0, ["the article has no date in its front matter"]
    return verify(markdown, ledger, Context(closes, universe, phrasebook, settings, day, window))


def _article_date(markdown: str) -> date | None:
    front = FRONT.match(markdown)
    found = re.search(r"^date: (\d{4}-\d{2}-\d{2})$", front.group(1), re.MULTILINE) if front else None
    return date.fromisoformat(found.group(1)) if found else None


@dataclass
class Report:
    articles: int
    claims: int
    problems: list[str]
    pages: int = 0
    """Fund pages checked (a full check only)."""


def verify_folder(
    docs: Path, tidy: pd.DataFrame, universe: Universe, phrasebook: dict[str, Any], settings: Settings, weeks: set[date] | None = None
) -> Report:
    """Every article in the docs dir with its ledger (or only those of `weeks`, each of which must have one).

    An article's week comes from its own date (front matter and file name must agree) and must
    be a week's last session in the prices; its charts are checked from the week's folder.
    """
    closes = Closes(tidy)
    articles = claims = 0
    problems: list[str] = []
    checked: set[date] = set()
    for ledger_path in sorted((docs / "weeks").glob("*/*.claims.json")):
        try:
            ledger = json.loads(ledger_path.read_text(encoding="utf-8"))
            article = docs / str(ledger["article"])
        except (ValueError, KeyError, TypeError) as error:
            problems.append(f"{ledger_path}: not a claims ledger ({error})")
            continue
        if not article.resolve().is_relative_to((docs / "posts").resolve()) or not article.exists():
            problems.append(f"{ledger_path}: its article {article} is missing")
            continue
        markdown = article.read_text(encoding="utf-8")
        day = _article_date(markdown)
        if day is None or not article.name.startswith(day.isoformat()) or ledger_path.parent.name != day.isoformat():
            problems.append(f"{article}: its date, its file name and its ledger's folder disagree")
            continue
        if weeks is not None and day not in weeks:
            continue
        later = closes.position.get(day, len(closes.sessions)) + 1
        if later < len(closes.sessions) and closes.sessions[later].isocalendar()[:2] == day.isocalendar()[:2]:
            problems.append(f"{article}: {day} is not the last session of its week")
        ctx = Context(closes, universe, phrasebook, settings, day, "calendar", docs)
        count, found = verify(markdown, ledger, ctx)
        found += verify_charts(ledger_path.parent, str(ledger.get("story", "")), markdown, ctx)
        articles, claims = articles + 1, claims + count
        problems += [f"{article}: {problem}" for problem in found]
        checked.add(day)
    problems += [
        f"{docs / 'weeks'}: no article for the week ending {day} (generate it first)" for day in sorted((weeks or set()) - checked)
    ]
    if weeks is None:
        pages, page_claims, found = verify_fund_pages(docs, closes, universe, phrasebook, settings)
        return Report(articles=articles, claims=claims + page_claims, problems=problems + found, pages=pages)
    return Report(articles=articles, claims=claims, problems=problems)


def verify_fund_pages(
    docs: Path, closes: Closes, universe: Universe, phrasebook: dict[str, Any], settings: Settings
) -> tuple[int, int, list[str]]:
    """Every fund page with its ledger (funds/<slug>/claims.json), as of the fund's newest close in the prices."""
    pages = claims = 0
    problems: list[str] = []
    for page in sorted((docs / "funds").glob("*.md")):
        if page.name == "index.md":
            continue
        ledger_path = page.with_suffix("") / "claims.json"
        if not ledger_path.exists():
            problems.append(f"{page}: no claims ledger beside it ({ledger_path})")
            continue
        ledger = json.loads(ledger_path.read_text(encoding="utf-8"))
        symbol = str(ledger.get("symbol", ""))
        if symbol not in universe.funds or page.stem != symbol.lower().lstrip("^"):
            problems.append(f"{page}: its ledger is for {symbol!r}")
            continue
        left_out = any(isinstance(c, dict) and c.get("kind") == "gate_reason" for c in ledger.get("claims", []))
        as_of = closes.sessions[-1] if left_out or symbol not in closes.by_symbol else max(closes.by_symbol[symbol])
        ctx = Context(closes, universe, phrasebook, settings, as_of, "trailing", docs)
        markdown = page.read_text(encoding="utf-8")
        count, found = verify(markdown, ledger, ctx)
        found += verify_charts(ledger_path.parent, "", markdown, ctx)
        pages, claims = pages + 1, claims + count
        problems += [f"{page}: {problem}" for problem in found]
    return pages, claims, problems
