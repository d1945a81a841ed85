"""Facts and stories on the bundled sample, against closes read off the original CSVs by hand.

Closes (Close column of ../shared/data/etf-daily-2016-2021, as bundled in data/sample):
IWM 2017-12-29 152.4600067138672, 2018-10-17 157.9600067138672, 2018-10-23 151.66000366210938,
2018-10-24 145.9499969482422; SPY 2017-12-29 266.8599853515625, 2018-10-17 280.45001220703125,
2018-10-24 265.32000732421875. IWM's last daily drop as large as 2018-10-24's was 2018-02-05 (-3.84%).
"""

from __future__ import annotations

from datetime import date

import pytest

from generator import facts
from generator.config import DEFAULTS, ROOT
from generator.facts import Change, Figure, FundFacts
from generator.pipeline import Dataset, week_facts, window_for
from generator.stories import SmallCapsStory, honest_ratio, rank, small_caps_story


@pytest.fixture(scope="module")
def october(sample: Dataset):  # type: ignore[no-untyped-def]
    return week_facts(sample, window_for(sample, date(2018, 10, 24), "trailing"))


def test_past_week_is_close_against_close_seven_days_earlier(october) -> None:  # type: ignore[no-untyped-def]
    iwm = october.funds["IWM"]
    assert (iwm.week.start, iwm.week.end) == (date(2018, 10, 17), date(2018, 10, 24))
    assert iwm.week.value == pytest.approx(145.9499969482422 / 157.9600067138672 - 1, abs=1e-12)  # -7.603%
    assert october.funds["SPY"].week.value == pytest.approx(265.32000732421875 / 280.45001220703125 - 1, abs=1e-12)  # -5.395%


def test_year_to_date_is_a_total_return_against_the_prior_years_last_close(october) -> None:  # type: ignore[no-untyped-def]
    ytd = october.funds["IWM"].ytd
    assert ytd.start == date(2017, 12, 29)
    # Adj Close 141.250839 on 2018-10-24 over 146.291977 on 2017-12-29: -3.45% with the payouts, -4.27% on the price.
    assert ytd.value == pytest.approx(141.250839 / 146.291977 - 1, abs=1e-8)


def test_day_change_and_biggest_drop_since(october) -> None:  # type: ignore[no-untyped-def]
    iwm = october.funds["IWM"]
    assert iwm.day.value == pytest.approx(145.9499969482422 / 151.66000366210938 - 1, abs=1e-12)  # -3.765%
    assert iwm.biggest_day.session == date(2018, 10, 24)
    assert iwm.biggest_day.since == date(2018, 2, 5)


def test_leveraged_fund_is_compared_with_its_factor_times_the_index(october) -> None:  # type: ignore[no-untyped-def]
    tna, tza = october.funds["TNA"].leverage, october.funds["TZA"].leverage
    assert tna.factor == 3 and tza.factor == -3 and tna.underlying == "IWM"
    assert tna.target.value == pytest.approx(3 * october.funds["IWM"].week.value)
    assert tna.gap.value == pytest.approx(october.funds["TNA"].week.value - tna.target.value)
    assert (tna.target.subject, tna.target.factor, tna.gap.subject, tna.gap.reference) == ("IWM", 3, "TNA", "IWM")


def test_trailing_windows_report_no_weekly_streak(october) -> None:  # type: ignore[no-untyped-def]
    assert october.funds["IWM"].weekly_streak.value == 0


def test_calendar_week_streak_counts_consecutive_weeks(sample: Dataset) -> None:
    # IWM Friday closes: 09-14 171.38, 09-21 170.40, 09-28 168.55, 10-05 162.16, 10-12 153.60, 10-19 153.36, 10-26 (lower)
    facts = week_facts(sample, window_for(sample, date(2018, 10, 26), "calendar"))
    assert facts.funds["IWM"].weekly_streak.value == -6


def test_metrics_without_enough_history_are_absent_not_zero(sample: Dataset) -> None:
    first_weeks = week_facts(sample, window_for(sample, date(2016, 5, 13), "calendar"))
    vb = first_weeks.funds["VB"]  # no back-history: its data starts on 2016-04-28
    assert vb.ytd is None and vb.sma_long is None and vb.sma_short is None and vb.high is None
    iwm = first_weeks.funds["IWM"]  # the history, from 2000, gives it all of them
    assert None not in (iwm.ytd, iwm.sma_long, iwm.sma_short, iwm.high)
    assert iwm.ytd is not None and round(iwm.ytd.value, 4) == -0.0235 and iwm.ytd.start == date(2015, 12, 31)  # 102.530968 / 105.002445


def _fund(symbol: str, week: float, ytd: float | None) -> FundFacts:
    day = date(2018, 10, 26)
    change = Change(value=week, subject=symbol, span="week", start=date(2018, 10, 19), end=day)
    return FundFacts(
        symbol=symbol, as_of=day, close=100.0, week=change, day=None, month=None,
        ytd=None if ytd is None else Change(value=ytd, subject=symbol, span="ytd", start=date(2017, 12, 29), end=day),
        high=None, drawdown=None, sma_short=None, sma_long=None, crossings=[], biggest_day=None,
        weekly_streak=Figure(value=0, measure="streak", subject=symbol), volatility=None, leverage=None,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("iwm_ytd", "spy_ytd", "expected"),
    [
        (0.10, 0.04, 2.5),  # both up, 10 / 4
        (-0.09, -0.03, 3.0),  # both down: a ratio of losses
        (0.05, -0.02, None),  # opposite signs: no ratio
        (0.012, 0.011, None),  # too close to call a multiple
        (0.004, 0.001, None),  # both under ratio_min_percent: noise
        (0.02, 0.06, 1 / 3),  # the subject is the smaller one
    ],
)
def test_ratios_only_where_honest(iwm_ytd: float, spy_ytd: float, expected: float | None) -> None:
    ratio = honest_ratio(_fund("IWM", 0.01, iwm_ytd), _fund("SPY", 0.01, spy_ytd), DEFAULTS.thresholds)
    assert (ratio and ratio.value) == (pytest.approx(expected) if expected else None)


@pytest.mark.parametrize(
    ("iwm", "spy", "angle"),
    [(0.02, 0.01, "outrun"), (-0.01, -0.02, "hold_up"), (0.01, 0.02, "lag_rally"), (-0.02, -0.01, "slide")],
)
def test_small_caps_angle_follows_direction_and_gap(iwm: float, spy: float, angle: str) -> None:
    story = small_caps_story({"IWM": _fund("IWM", iwm, None), "SPY": _fund("SPY", spy, None), "DIA": _fund("DIA", spy, None)}, DEFAULTS)
    assert isinstance(story, SmallCapsStory) and story.angle == angle
    assert story.score == pytest.approx(abs(iwm - spy) * 100)  # weight 1, no events


def test_the_highest_score_leads_and_ties_go_to_small_caps() -> None:
    funds = {"IWM": _fund("IWM", 0.02, None), "SPY": _fund("SPY", 0.01, None), "DIA": _fund("DIA", 0.0, None)}
    story = small_caps_story(funds, DEFAULTS)
    assert story is not None
    tied = story.model_copy(update={"score": 5.0})
    from generator.stories import SectorsStory

    spread = Figure(value=0.25, measure="gap", subject="XLE", reference="XLK", span="week")
    beat, count = (Figure(value=n, measure=m, subject="SPY", span="week") for n, m in ((1, "beat"), (3, "members")))
    sectors = SectorsStory(
        ranked=["XLE", "XLU", "XLK"], benchmark="SPY", spread=spread, beat_benchmark=beat, funds_count=count, ytd_leader=None,
        leveraged=[], angle="rotation", events=0, score=5.0,
    )  # fmt: skip
    assert [s.name for s in rank([tied, sectors])] == ["small-caps", "sectors"]
    assert [s.name for s in rank([tied, sectors.model_copy(update={"score": 5.1})])] == ["sectors", "small-caps"]


def test_leveraged_daily_move_against_factor_times_the_index(october) -> None:  # type: ignore[no-untyped-def]
    tza, iwm = october.funds["TZA"], october.funds["IWM"]
    assert tza.leverage.day_target.value == pytest.approx(-3 * iwm.day.value)
    assert tza.leverage.day_gap.value == pytest.approx(tza.day.value + 3 * iwm.day.value)


def test_every_registered_story_has_its_template_category_and_words_for_each_angle() -> None:
    """A story is registered once; its template, phrasebook lists and the fact check's reading of its angles follow."""
    from generator.render import PHRASEBOOK_FILE, TEMPLATES_DIR, load_phrasebook
    from generator.stories import REGISTRY

    book = load_phrasebook(ROOT / PHRASEBOOK_FILE)
    assert len({story.name for story in REGISTRY}) == len({story.category for story in REGISTRY}) == len(REGISTRY)
    for story in REGISTRY:
        assert (ROOT / TEMPLATES_DIR / story.template).exists(), story.name
        assert story.angles, story.name
        for angle in story.angles:
            assert book[f"headlines_{story.key}_{angle}"] and book[f"ledes_{story.key}_{angle}"], (story.name, angle)
        assert story.name in book["chart_titles"], story.name


@pytest.mark.parametrize(
    ("close", "high", "short", "long", "expected"),
    [
        # Below both averages: the nearer one overhead, the 50-day at 110 (10%), not the 200-day at 125.
        (100.0, 150.0, 110.0, 125.0, ("average", 50, 0.10)),
        # Below both, the 200-day the nearer: it, 10% overhead.
        (100.0, 150.0, 125.0, 110.0, ("average", 200, 0.10)),
        # Above the 200-day, below the 50-day: the 50-day, 5% overhead.
        (100.0, 150.0, 105.0, 95.0, ("average", 50, 0.05)),
        # Above both but 25% below the high: the bear line, 0.8 x 160 = 128 (28% overhead).
        (100.0, 160.0, 90.0, 95.0, ("bear", None, 0.28)),
        # Above both, 12% below the high: the correction line, 0.9 x 125 = 112.5.
        (110.0, 125.0, 100.0, 95.0, ("correction", None, 112.5 / 110 - 1)),
        # Above both, 2% below the high: the high itself.
        (98.0, 100.0, 95.0, 90.0, ("high", None, 100 / 98 - 1)),
        # At the high: the 50-day average beneath, as support (10% below).
        (100.0, 100.0, 90.0, 80.0, ("average", 50, -0.10)),
    ],
)
def test_next_level_is_the_nearest_line_a_chart_reader_watches(close, high, short, long, expected):
    level = facts.next_level(close, high, {50: short, 200: long}, "SPY", DEFAULTS)
    reference, average, distance = expected
    assert level is not None
    assert (level.reference, level.average) == (reference, average)
    assert level.value == pytest.approx(distance)


def test_a_payout_marks_its_windows_and_the_leveraged_funds_tracking(sample: Dataset) -> None:
    """SPXL's December 2017 distribution: its close fell 3.8 points behind three times SPY's week, the total return did
    not; the week and the month that hold it are marked, and the week after only the month."""
    december = week_facts(sample, window_for(sample, date(2017, 12, 15), "calendar")).funds
    assert december["SPXL"].distributions == ["week", "month"] and december["SPY"].distributions == []
    assert december["SPXL"].leverage is not None and set(december["SPXL"].leverage.paid) == {"week", "month"}
    later = week_facts(sample, window_for(sample, date(2017, 12, 22), "calendar")).funds["SPXL"]
    assert later.distributions == ["month"]
