"""The NYSE trading calendar and the windows the articles speak of ("the past week")."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import exchange_calendars as xcals
import pandas as pd

Session = pd.Timestamp
"""A trading session, as a tz-naive midnight timestamp."""


@dataclass(frozen=True)
class Window:
    """A span between two sessions: a change is measured from the close of `start` to the close of `end`."""

    start: date
    end: date


CALENDAR_FROM = date(1920, 1, 1)
"""The one calendar a run builds covers this day (before the bundled history's first session, 1927) to two years
after today: building one costs about the same whatever its span, so every range shares it."""


def _xnys(first: date, last: date) -> xcals.ExchangeCalendar:
    """The NYSE calendar covering `first` to `last`, with a week to spare at each end."""
    start, end = CALENDAR_FROM, date.today() + timedelta(days=2 * 365)
    if start + timedelta(days=7) <= first and last <= end - timedelta(days=7):
        return _built(start, end)
    return _built(first - timedelta(days=7), last + timedelta(days=7))


@lru_cache(maxsize=8)
def _built(start: date, end: date) -> xcals.ExchangeCalendar:
    with warnings.catch_warnings():
        # exchange_calendars 4.13 reads Series.values of tz-aware data, which pandas 3.1 deprecates.
        warnings.filterwarnings("ignore", message="Series.values returning an ndarray", category=DeprecationWarning)
        return xcals.get_calendar("XNYS", start=pd.Timestamp(start), end=pd.Timestamp(end))


def nyse_sessions(first: date, last: date) -> pd.DatetimeIndex:
    """Every NYSE session from `first` to `last`, inclusive, per exchange_calendars' XNYS."""
    return pd.DatetimeIndex(_xnys(first, last).sessions_in_range(pd.Timestamp(first), pd.Timestamp(last)))


def session_closes(first: date, last: date) -> pd.Series:
    """The closing time (UTC) of each NYSE session from `first` to `last`, early closes included."""
    calendar = _xnys(first, last)
    sessions = calendar.sessions_in_range(pd.Timestamp(first), pd.Timestamp(last))
    return pd.Series(calendar.closes.loc[sessions].to_numpy(), index=pd.DatetimeIndex(sessions))


def last_completed_session(now: pd.Timestamp) -> pd.Timestamp:
    """The newest NYSE session whose close is at or before `now` (a tz-aware time)."""
    today = now.tz_convert("America/New_York").date()
    closes = session_closes(today - timedelta(days=14), today)
    done = closes[closes <= now.tz_convert("UTC")]
    return pd.Timestamp(done.index[-1])


def last_session_on_or_before(sessions: pd.DatetimeIndex, day: date | pd.Timestamp) -> Session | None:
    """The latest session not after `day`, or None when `day` precedes every session."""
    position = sessions.searchsorted(pd.Timestamp(day), side="right") - 1
    return None if position < 0 else pd.Timestamp(sessions[int(position)])


def trailing_week(sessions: pd.DatetimeIndex, as_of: Session, lookback_days: int) -> Window | None:
    """ "The past week": `as_of` against the last session on or before `as_of` minus `lookback_days` (seven by default)."""
    start = last_session_on_or_before(sessions, as_of - pd.Timedelta(days=lookback_days))
    return None if start is None else Window(start.date(), as_of.date())


def calendar_week(sessions: pd.DatetimeIndex, as_of: Session) -> Window | None:
    """The calendar week of the weekly run: the last session of the previous week to `as_of`."""
    monday = as_of - pd.Timedelta(days=as_of.weekday())
    start = last_session_on_or_before(sessions, monday - pd.Timedelta(days=1))
    return None if start is None else Window(start.date(), as_of.date())


def week_closing_sessions(sessions: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """The last session of each calendar week (a Friday, or the Thursday before a Good Friday)."""
    frame = pd.Series(sessions, index=sessions)
    week_keys = sessions.to_period("W-SUN")
    return pd.DatetimeIndex(frame.groupby(week_keys).max().to_numpy())


def complete_weeks(sessions: pd.DatetimeIndex, calendar: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Closing sessions of the weeks whose every NYSE session, and the session before, lie in `sessions`.

    `calendar` is the exchange's full session list; a week at either edge of the data that is
    only partly covered is not complete, and is left out.
    """
    have = set(sessions)
    closes = week_closing_sessions(calendar)
    keep = []
    for close in closes:
        window = calendar_week(calendar, close)
        if window is None:
            continue
        in_week = calendar[(calendar >= pd.Timestamp(window.start)) & (calendar <= close)]
        if all(s in have for s in in_week):
            keep.append(close)
    return pd.DatetimeIndex(keep)


DATE_PHRASES = {"last": "last {weekday}", "early": "early {month}", "mid": "mid-{month}", "late": "late {month}", "older": "{month} {year}"}
"""How dates are named; the phrasebook's `date_phrases` can reword them."""


def day_phrase_parts(day: date, as_of: date, phrases: dict[str, str] | None = None) -> tuple[str, str]:
    """How the writer names a date relative to the article's date: (kind, words).

    This calendar week: the weekday ("Wednesday"). The six days before it, outside this week:
    "last Thursday". Same year: "early", "mid-" or "late" and the month ("mid-May"; days 1-10,
    11-20, 21 on). Earlier years: month and year ("March 2017").
    """
    words = {**DATE_PHRASES, **(phrases or {})}
    names = {"weekday": day.strftime("%A"), "month": day.strftime("%B"), "year": str(day.year)}
    if as_of - timedelta(days=as_of.weekday()) <= day <= as_of:
        return "weekday", names["weekday"]
    if as_of - timedelta(days=6) <= day < as_of:
        return "last_weekday", words["last"].format(**names)
    if day.year == as_of.year:
        part = "early" if day.day <= 10 else ("mid" if day.day <= 20 else "late")
        return "part_of_month", words[part].format(**names)
    return "month_year", words["older"].format(**names)


def on_day_phrase(day: date, as_of: date, phrases: dict[str, str] | None = None) -> str:
    """The date with its preposition: "on Wednesday", "last Thursday", "in mid-May", "in March 2017"."""
    kind, words = day_phrase_parts(day, as_of, phrases)
    return {"weekday": "on ", "last_weekday": ""}.get(kind, "in ") + words
