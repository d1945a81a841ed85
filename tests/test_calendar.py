"""The NYSE calendar and the article windows, checked against real holidays."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from generator import calendar

SESSIONS = calendar.nyse_sessions(date(2016, 4, 28), date(2021, 4, 27))
"""The span of the sample data."""


def test_nyse_sessions_counts_every_session_of_the_sample_span():
    assert len(SESSIONS) == 1258
    assert (SESSIONS[0], SESSIONS[-1]) == (pd.Timestamp("2016-04-28"), pd.Timestamp("2021-04-27"))
    assert SESSIONS.tz is None
    assert pd.Timestamp("2016-07-04") not in SESSIONS  # Independence Day
    assert pd.Timestamp("2017-04-14") not in SESSIONS  # Good Friday


def test_last_session_on_or_before_steps_back_over_weekends_and_is_none_before_the_data():
    assert calendar.last_session_on_or_before(SESSIONS, date(2016, 7, 4)) == pd.Timestamp("2016-07-01")
    assert calendar.last_session_on_or_before(SESSIONS, date(2016, 4, 27)) is None


def test_trailing_week_over_independence_day_monday_starts_the_friday_before():
    assert calendar.trailing_week(SESSIONS, pd.Timestamp("2016-07-08"), 7) == calendar.Window(date(2016, 7, 1), date(2016, 7, 8))


def test_trailing_week_on_the_thursday_before_good_friday_starts_the_thursday_before():
    assert calendar.trailing_week(SESSIONS, pd.Timestamp("2017-04-13"), 7) == calendar.Window(date(2017, 4, 6), date(2017, 4, 13))


def test_trailing_week_is_none_without_a_session_a_week_earlier():
    assert calendar.trailing_week(SESSIONS, pd.Timestamp("2016-04-29"), 7) is None


def test_week_closing_sessions_take_the_thursday_when_good_friday_is_closed():
    closes = calendar.week_closing_sessions(SESSIONS)
    assert pd.Timestamp("2017-04-13") in closes
    assert pd.Timestamp("2017-04-14") not in closes
    assert pd.Timestamp("2016-07-08") in closes


def test_calendar_week_starts_at_the_previous_weeks_last_session():
    assert calendar.calendar_week(SESSIONS, pd.Timestamp("2017-04-13")) == calendar.Window(date(2017, 4, 7), date(2017, 4, 13))
    assert calendar.calendar_week(SESSIONS, pd.Timestamp("2016-07-08")).start == date(2016, 7, 1)


def test_complete_weeks_leave_out_partly_covered_weeks_at_both_edges():
    full = calendar.nyse_sessions(date(2016, 4, 28), date(2021, 5, 4))
    weeks = calendar.complete_weeks(SESSIONS, full)
    assert weeks[0] == pd.Timestamp("2016-05-06")  # the week of 2016-04-25 starts before the data
    assert weeks[-1] == pd.Timestamp("2021-04-23")  # the week of 2021-04-26 runs past it
    assert pd.Timestamp("2017-04-13") in weeks


AS_OF = date(2021, 4, 20)  # a Tuesday


@pytest.mark.parametrize(
    ("day", "as_of", "expected"),
    [
        (date(2021, 4, 19), AS_OF, ("weekday", "Monday")),
        (date(2021, 4, 20), AS_OF, ("weekday", "Tuesday")),
        (date(2021, 4, 15), AS_OF, ("last_weekday", "last Thursday")),
        (date(2021, 4, 14), AS_OF, ("last_weekday", "last Wednesday")),  # six days back, the limit
        (date(2021, 4, 13), AS_OF, ("part_of_month", "mid-April")),  # seven days back
        (date(2021, 4, 16), date(2021, 4, 23), ("part_of_month", "mid-April")),  # a Friday a week before a Friday
        (date(2021, 3, 10), AS_OF, ("part_of_month", "early March")),
        (date(2021, 3, 11), AS_OF, ("part_of_month", "mid-March")),
        (date(2021, 3, 20), AS_OF, ("part_of_month", "mid-March")),
        (date(2021, 3, 21), AS_OF, ("part_of_month", "late March")),
        (date(2020, 12, 31), AS_OF, ("month_year", "December 2020")),
        (date(2017, 3, 5), AS_OF, ("month_year", "March 2017")),
    ],
)
def test_day_phrase_parts_names_a_day_relative_to_the_article(day, as_of, expected):
    assert calendar.day_phrase_parts(day, as_of) == expected
