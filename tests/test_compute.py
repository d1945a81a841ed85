"""The metrics of generator.compute on tiny hand-made frames, with the arithmetic written out."""

from __future__ import annotations

import itertools
import math
import statistics

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import compute
from generator.config import Definitions

# Twelve consecutive NYSE sessions; Good Friday 2021-04-02 is closed.
DAYS = pd.DatetimeIndex(
    ["2021-03-29", "2021-03-30", "2021-03-31", "2021-04-01", "2021-04-05", "2021-04-06",
     "2021-04-07", "2021-04-08", "2021-04-09", "2021-04-12", "2021-04-13", "2021-04-14"]
)  # fmt: skip
NAN = float("nan")


def frame(**columns: list[float]) -> pd.DataFrame:
    """A wide close frame on the first len(column) sessions of DAYS."""
    length = len(next(iter(columns.values())))
    return pd.DataFrame(columns, index=DAYS[:length], dtype=float)


def assert_values(actual: pd.Series, expected: list[float]) -> None:
    """Equal element by element, NaN where NaN is expected."""
    assert list(actual.isna()) == [math.isnan(x) for x in expected]
    assert actual.dropna().tolist() == pytest.approx([x for x in expected if not math.isnan(x)], rel=1e-12)


def test_day_changes_are_close_over_previous_close_and_a_hole_gives_nan_on_both_sides():
    result = compute.day_changes(frame(A=[100, 110, 99, NAN, 120, 126]))
    # -, 110/100-1, 99/110-1, hole, 120/NaN (no forward fill), 126/120-1
    assert_values(result["A"], [NAN, 0.10, -0.10, NAN, NAN, 0.05])


def test_simple_moving_average_is_nan_until_enough_consecutive_closes():
    assert_values(compute.simple_moving_average(frame(A=[1, 2, 3, 4, 5]), 3)["A"], [NAN, NAN, 2, 3, 4])  # (1+2+3)/3 ...
    holed = compute.simple_moving_average(frame(A=[1, 2, NAN, 4, 5, 6]), 3)
    assert_values(holed["A"], [NAN, NAN, NAN, NAN, NAN, 5])  # (4+5+6)/3


def test_rolling_high_waits_for_a_full_window_per_fund_and_excludes_the_day_a_window_ago():
    a = [120, 100, 101, 102, 103, 104, 105, 90, 91, 92, 93, 94]
    b = [NAN, NAN, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59]  # B starts on 03-31
    high = compute.rolling_high(frame(A=a, B=b), 7)
    # A: history from 03-29, so defined from 04-05; window (D-7, D] leaves out 03-29's 120:
    # 04-05 max(100,101,102,103); 04-06 104; 04-07..04-13 105; 04-14 max(90..94) once 04-07 drops out.
    assert_values(high["A"], [NAN] * 4 + [103, 104, 105, 105, 105, 105, 105, 94])
    # B: history from 03-31, so NaN until 04-07; 04-07 is max(51,52,53,54).
    assert_values(high["B"], [NAN] * 6 + [54, 55, 56, 57, 58, 59])


def test_rolling_high_of_a_fund_without_prices_is_all_nan():
    assert compute.rolling_high(frame(A=[1, 2, 3], B=[NAN, NAN, NAN]), 1)["B"].isna().all()


def test_realised_volatility_is_annualised_sample_stdev_of_log_returns():
    closes = [100, 102, 99, 101, 104]
    result = compute.realised_volatility(frame(A=closes), sessions=3, per_year=252)
    logs = [math.log(b / a) for a, b in itertools.pairwise(closes)]
    expected = [statistics.stdev(logs[0:3]) * math.sqrt(252), statistics.stdev(logs[1:4]) * math.sqrt(252)]
    assert result["A"].iloc[:3].isna().all()
    assert result["A"].iloc[3:].tolist() == pytest.approx(expected, rel=1e-9)
    # logs .019803, -.029853, .020001; mean .003317; sqrt((.016486²+.033170²+.016684²)/2) = .028727; x sqrt(252)
    assert expected[0] == pytest.approx(0.4560, abs=1e-4)


def test_change_is_end_close_over_start_close_per_symbol():
    result = compute.change(frame(A=[100, 105, 110], B=[50, 45, 40]), DAYS[0], DAYS[2])
    assert result["A"] == pytest.approx(0.10, rel=1e-12)  # 110/100 - 1
    assert result["B"] == pytest.approx(-0.20, rel=1e-12)  # 40/50 - 1


def test_year_start_session_is_prior_years_last_session_or_none_in_the_first_year():
    sessions = pd.DatetimeIndex(["2016-12-28", "2016-12-29", "2016-12-30", "2017-01-03", "2017-01-04"])
    assert compute.year_start_session(sessions, pd.Timestamp("2017-01-04")) == pd.Timestamp("2016-12-30")
    assert compute.year_start_session(sessions, pd.Timestamp("2016-12-30")) is None


def test_month_start_session_is_last_session_on_or_before_a_month_earlier():
    sessions = pd.DatetimeIndex(["2021-02-25", "2021-02-26", "2021-03-01", "2021-03-30", "2021-03-31"])
    # 03-31 minus a month is Sunday 02-28: the Friday before.
    assert compute.month_start_session(sessions, pd.Timestamp("2021-03-31")) == pd.Timestamp("2021-02-26")
    assert compute.month_start_session(sessions, pd.Timestamp("2021-03-01")) is None  # 02-01 precedes the data


def test_crossings_report_side_changes_per_symbol_and_skip_nan_neighbours():
    close = frame(A=[10, 12, 11, 9, 8, 11, NAN, 9], B=[5, 5, 5, 5, 5, 5, 5, 5])
    average = frame(A=[11, 11, 10, 10, 10, 10, 10, 10], B=[NAN, NAN, 6, 6, 6, 4, 4, 4])
    # A: below, above, above, below, below, above, NaN, below: the last change touches NaN.
    # B: no average, no average, below, below, below, above, above, above.
    found = compute.crossings(close, average, DAYS[0], DAYS[7])
    assert found == {"A": [(DAYS[1], "above"), (DAYS[3], "below"), (DAYS[5], "above")], "B": [(DAYS[5], "above")]}
    assert compute.crossings(close, average, DAYS[1], DAYS[7])["A"][0] == (DAYS[3], "below")  # start is excluded


def test_crossings_touching_the_average_and_returning_is_no_crossing():
    assert compute.crossings(frame(A=[9, 10, 9]), frame(A=[10, 10, 10]), DAYS[0], DAYS[2]) == {"A": []}


def test_crossings_passing_through_the_average_via_a_touch_is_a_crossing():
    assert compute.crossings(frame(A=[9, 10, 11]), frame(A=[10, 10, 10]), DAYS[0], DAYS[2]) == {"A": [(DAYS[2], "above")]}


def test_last_on_side_is_the_last_earlier_close_on_the_side_crossed_to():
    close = frame(A=[12, 11, 9, 10, 8, 11])["A"]
    average = frame(A=[NAN, 10, 10, 10, 10, 10])["A"]
    # Sides: no average, above, below, on it (neither), below, above (the crossing on d5).
    assert compute.last_on_side(close, average, DAYS[5], above=True) == DAYS[1]  # d0 has no average; d3 sits on it
    assert compute.last_on_side(close, average, DAYS[5], above=False) == DAYS[4]
    assert compute.last_on_side(close, average, DAYS[1], above=True) is None  # the session itself is not "before"


# B has no moves after the second session.
MOVES = frame(A=[-0.02, 0.03, -0.05, 0.01, 0.03, -0.01, -0.04, 0.035], B=[0.01, 0.02] + [NAN] * 6)


def test_biggest_moves_pick_the_largest_move_in_the_window_and_the_last_as_large_before_it():
    # (d3, d7]: +3%, -1%, -4%, +3.5%: -4% is largest; the last drop of 4% or more was -5% on d2.
    assert compute.biggest_moves(MOVES, DAYS[3], DAYS[7]) == {"A": (DAYS[6], -0.04, DAYS[2])}  # B: no moves, left out
    assert compute.biggest_moves(MOVES, DAYS[3], DAYS[4])["A"] == (DAYS[4], 0.03, DAYS[1])  # a tie counts


def test_biggest_moves_since_is_none_when_nothing_earlier_is_as_large():
    assert compute.biggest_moves(MOVES, DAYS[6], DAYS[7])["A"] == (DAYS[7], 0.035, None)  # beats every gain
    assert compute.biggest_moves(MOVES, DAYS[1], DAYS[2])["A"] == (DAYS[2], -0.05, None)  # beats every drop
    assert compute.biggest_moves(MOVES, DAYS[0] - pd.Timedelta(days=1), DAYS[0])["B"] == (DAYS[0], 0.01, None)  # nothing earlier


def test_sessions_between_counts_sessions_after_earlier_up_to_later():
    assert compute.sessions_between(DAYS, DAYS[0], DAYS[4]) == 4
    assert compute.sessions_between(DAYS, DAYS[3], DAYS[3]) == 0
    assert compute.sessions_between(DAYS, pd.Timestamp("2021-04-03"), DAYS[6]) == 3  # a Saturday: 04-05, 04-06, 04-07


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ([0.01, -0.02, 0.01, 0.02, 0.03], 3),
        ([0.01, -0.01, -0.02], -2),
        ([-0.01, 0.0, -0.01], -1),
        ([0.01, 0.0], 0),
        ([0.01, NAN], 0),
        ([NAN, 0.01, 0.02], 2),
        ([], 0),
    ],
)
def test_streaks_count_same_sign_changes_ending_at_the_last(changes, expected):
    assert compute.streaks(frame(A=changes))["A"] == expected


def test_weekly_changes_compare_week_closes_and_never_fill_a_missing_close():
    close = frame(A=[98, 99, 99, 100, 104, 106, 107, 108, 110], B=[50, 50, 50, NAN, 51, 52, 53, 54, 55])
    weeks = pd.DatetimeIndex(["2021-04-01", "2021-04-09"])  # Thursday before Good Friday, then Friday
    result = compute.weekly_changes(close, weeks)
    assert_values(result["A"], [NAN, 0.10])  # 110/100 - 1
    assert_values(result["B"], [NAN, NAN])  # B has no close on 04-01


def test_leverage_gap_is_fund_return_minus_factor_times_index_return():
    assert compute.leverage_gap(0.25, 0.10, 3) == pytest.approx(-0.05, abs=1e-12)  # 0.25 - 3*0.10
    assert compute.leverage_gap(0.28, -0.10, -3) == pytest.approx(-0.02, abs=1e-12)  # 0.28 - (-3)(-0.10)


changes_strategy = st.lists(st.one_of(st.sampled_from([0.0, NAN]), st.floats(-0.5, 0.5, allow_nan=False)), max_size=20)


@given(changes_strategy)
def test_streaks_are_bounded_by_length_and_signed_like_the_last_change(changes):
    result = compute.streaks(pd.DataFrame({"A": changes}, dtype=float))["A"]
    assert abs(result) <= len(changes)
    if not changes or math.isnan(changes[-1]) or changes[-1] == 0:
        assert result == 0
        return
    assert np.sign(result) == np.sign(changes[-1])
    assert all(np.sign(x) == np.sign(result) for x in changes[-abs(result) :])
    if abs(result) < len(changes):
        assert np.sign(changes[-abs(result) - 1]) != np.sign(result)


@given(st.lists(st.floats(1.0, 1000.0), min_size=2, max_size=len(DAYS)))
def test_change_equals_day_changes_compounded_over_the_window(prices):
    close = frame(A=prices)
    whole = compute.change(close, close.index[0], close.index[-1])["A"]
    compounded = math.prod(1 + x for x in compute.day_changes(close)["A"].iloc[1:]) - 1
    assert whole == pytest.approx(compounded, rel=1e-9, abs=1e-12)


@given(
    starts=st.lists(st.integers(0, 300), min_size=1, max_size=8),
    since=st.integers(0, 319),
    seed=st.integers(0, 2**32 - 1),
)
def test_a_panel_from_a_session_on_holds_the_figures_the_whole_history_gives(starts, since, seed):
    """build_panel(since=...) computes funds that start after `since` over their own sessions only (a long index
    history otherwise costs every fund its rows); each metric must equal the one computed over every row."""
    rng = np.random.default_rng(seed)
    sessions = pd.bdate_range("2015-01-01", periods=320)
    close = pd.DataFrame(100 * np.exp(np.cumsum(rng.normal(0, 0.01, (len(sessions), len(starts))), axis=0)), index=sessions)
    close.columns = [f"F{i}" for i in range(len(starts))]
    for column, start in zip(close.columns, starts, strict=True):
        close.iloc[:start, close.columns.get_loc(column)] = NAN
    adjusted = close * np.linspace(1.0, 1.05, len(sessions))[:, None]
    definitions = Definitions(short_average_sessions=5, long_average_sessions=20, volatility_sessions=10)
    panel = compute.build_panel(close, adjusted, close * 0 + 1000, definitions, distribution_points=0.5, since=sessions[since])
    expected = {
        "close": close,
        "day_change": compute.day_changes(close),
        "record_days": compute.record_changes(close, adjusted, 0.5),
        "sma_short": compute.simple_moving_average(close, 5),
        "sma_long": compute.simple_moving_average(close, 20),
        "high": compute.rolling_high(close, definitions.high_window_days),
        "volatility": compute.realised_volatility(close, 10, definitions.sessions_per_year),
    }
    for name, whole in expected.items():
        pd.testing.assert_frame_equal(getattr(panel, name), whole.iloc[since:], check_freq=False, obj=name)
    assert panel.first_close == {s: close[s].first_valid_index() for s in close.columns if close[s].notna().any()}


TRADING_DAYS = pd.bdate_range("2021-03-01", periods=6)
"""Monday March 1 to Monday March 8, 2021: the week's base session, then five sessions."""


def test_dollar_volume_sums_close_times_volume_over_the_weeks_sessions_only():
    close = pd.DataFrame({"A": [10.0, 11.0, 12.0, 10.0, 9.0, 8.0]}, index=TRADING_DAYS)
    volume = pd.DataFrame({"A": [999.0, 100.0, 200.0, 300.0, 0.0, 50.0]}, index=TRADING_DAYS)
    # After the base session (March 1) to March 4: 11*100 + 12*200 + 10*300 = 6,500.
    assert compute.dollar_volume(close, volume, TRADING_DAYS[0], TRADING_DAYS[3])["A"] == 6_500.0
    # A session with no reported volume (March 5) leaves the week unknown, never a smaller sum.
    assert math.isnan(compute.dollar_volume(close, volume, TRADING_DAYS[0], TRADING_DAYS[5])["A"])


def test_volume_ratio_is_the_weeks_mean_volume_over_the_mean_of_the_sessions_up_to_its_base():
    volume = pd.DataFrame({"A": [100.0, 300.0, 300.0, 600.0, 900.0, 600.0]}, index=TRADING_DAYS)
    # The two sessions up to the base (March 2 and 3) average 300; the week after (4 to 8) averages 700.
    assert compute.volume_ratio(volume, TRADING_DAYS[2], TRADING_DAYS[5], 2)["A"] == pytest.approx(700 / 300)
    # Not enough sessions before the base: unknown.
    assert math.isnan(compute.volume_ratio(volume, TRADING_DAYS[0], TRADING_DAYS[5], 2)["A"])


@pytest.mark.parametrize(
    ("closes", "expected"),
    [
        # The old record, 100 on March 1, falls to 80 (20% below it) before the week; 101 on March 5 beats it.
        ([100.0, 90.0, 80.0, 95.0, 101.0, 102.0], ("2021-03-05", "2021-03-01", -0.20)),
        # No close of the week tops 100: no record.
        ([100.0, 90.0, 80.0, 95.0, 99.0, 100.0], None),
    ],
)
def test_record_close_is_the_weeks_first_close_above_every_earlier_one(closes, expected):
    close = pd.Series(closes, index=TRADING_DAYS)
    found = compute.record_close(close, TRADING_DAYS[2], TRADING_DAYS[5])
    if expected is None:
        assert found is None
    else:
        session, previous, depth = expected
        assert found is not None
        assert (found[0], found[1]) == (pd.Timestamp(session), pd.Timestamp(previous))
        assert found[2] == pytest.approx(depth)


def test_total_return_counts_a_payout_that_the_close_drops_by():
    # A fund at 100 pays out 10 on March 2: its close drops to 90 with no market move, and Yahoo scales every earlier
    # adjusted close by 90/100. From March 1 to March 3 the close says -1%, the total return +10%.
    close = pd.Series([100.0, 90.0, 99.0], index=TRADING_DAYS[:3])
    adjusted = pd.Series([90.0, 90.0, 99.0], index=TRADING_DAYS[:3])
    assert compute.change(close.to_frame("A"), TRADING_DAYS[0], TRADING_DAYS[2])["A"] == pytest.approx(-0.01)
    assert compute.total_return(adjusted, TRADING_DAYS[0], TRADING_DAYS[2]) == pytest.approx(0.10)


HISTORY = pd.DatetimeIndex(["2019-12-31", "2020-04-14", "2020-12-31", "2021-03-12", "2021-03-15", "2021-04-09", "2021-04-14"])
"""A sparse history ending on Wednesday, April 14, 2021: each window's base is the fund's own last close on or before it."""
TRAILING = {
    # window: (base, price change, total return); closes 50 40 80 90 95 98 100, adjusted 40 34 72 81 90 98 100
    "week": ("2021-04-09", 100 / 98 - 1, 100 / 98 - 1),
    "month": ("2021-03-12", 100 / 90 - 1, 100 / 81 - 1),  # on or before March 14 (March 15 is too late)
    "ytd": ("2020-12-31", 0.25, 100 / 72 - 1),
    "year": ("2020-04-14", 1.5, 100 / 34 - 1),
    "start": ("2019-12-31", 1.0, 1.5),
}


def test_trailing_returns_give_each_window_from_its_base_as_price_change_and_total_return():
    close = pd.Series([50.0, 40.0, 80.0, 90.0, 95.0, 98.0, 100.0], index=HISTORY)
    adjusted = pd.Series([40.0, 34.0, 72.0, 81.0, 90.0, 98.0, 100.0], index=HISTORY)
    found = compute.trailing_returns(close, adjusted, HISTORY[-1], pd.Timestamp("2021-04-09"))
    assert list(found) == list(TRAILING)
    for name, (base, price, total) in TRAILING.items():
        assert found[name].base == pd.Timestamp(base)
        assert (found[name].price, found[name].total) == (pytest.approx(price), pytest.approx(total)), name


def test_trailing_returns_leave_out_a_window_the_history_does_not_reach():
    close = pd.Series([90.0, 95.0, 98.0, 100.0], index=HISTORY[3:])
    # No close on the week's base (April 8); nothing a year back; nothing in 2020 for the year to date.
    found = compute.trailing_returns(close, close, HISTORY[-1], pd.Timestamp("2021-04-08"))
    assert list(found) == ["month", "start"]


def test_close_range_is_the_lowest_and_highest_close_of_the_window_once_the_history_is_that_long():
    close = pd.Series([10.0, 12.0, 8.0, 11.0, 9.0, 13.0], index=TRADING_DAYS)
    # Three calendar days up to Friday, March 5: March 3, 4 and 5 (8, 11, 9); March 2 is three days back, outside.
    assert compute.close_range(close, TRADING_DAYS[4], 3) == (8.0, 11.0)
    # On March 3 the history is two days long: no range yet.
    assert compute.close_range(close, TRADING_DAYS[2], 3) is None


def test_daily_average_is_the_weeks_mean_after_its_base_and_usual_daily_the_sessions_up_to_it():
    volume = pd.DataFrame({"A": [100.0, 300.0, 300.0, 600.0, 900.0, 600.0]}, index=TRADING_DAYS)
    assert compute.daily_average(volume, TRADING_DAYS[2], TRADING_DAYS[5])["A"] == pytest.approx(700.0)  # (600+900+600)/3
    assert compute.usual_daily(volume, TRADING_DAYS[2], 2)["A"] == pytest.approx(300.0)  # March 2 and 3
    quiet = volume.assign(A=[100.0, 300.0, 300.0, 600.0, 0.0, 600.0])  # March 5 reports no volume
    assert math.isnan(compute.daily_average(quiet, TRADING_DAYS[2], TRADING_DAYS[5])["A"])
