"""The back-history: joined in front of the prices only where it meets them exactly, records that reach into it,
distribution days left out of them, and a fact check that recomputes them from the joined prices."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from generator import compute, gates
from generator.config import DEFAULTS, ROOT
from generator.events import EVENTS_FILE
from generator.facts import _record_weeks
from generator.load import SAMPLE_STORE, LoadReport, join_history, read_store, with_history
from generator.pipeline import Dataset, render_article, week_facts, window_for
from generator.render import PHRASEBOOK_FILE, load_phrasebook
from generator.universe import FUNDS_FILE, load_universe
from generator.verify import Closes, Context, verify
from generator.verify.prices import read_events_file

STEP = DEFAULTS.gates.max_day_move_percent


def tidy(symbol: str, sessions: list[str], closes: list[float]) -> pd.DataFrame:
    days = pd.to_datetime(sessions)
    return pd.DataFrame(
        {
            "session": days,
            "symbol": symbol,
            "open": closes,
            "high": closes,
            "low": closes,
            "close": closes,
            "adj_close": closes,
            "volume": 0,
        }
    )


# The sample starts on Thursday 2016-04-28; the NYSE session before it is Wednesday 2016-04-27.
STORE = tidy("SPY", ["2016-04-28", "2016-04-29"], [100.0, 101.0])


def test_history_that_ends_on_the_session_before_the_store_is_put_in_front() -> None:
    history = tidy("SPY", ["2016-04-26", "2016-04-27"], [98.0, 99.0])
    report = LoadReport()
    joined = join_history(STORE, history, STEP, report)
    assert joined["session"].dt.strftime("%Y-%m-%d").tolist() == ["2016-04-26", "2016-04-27", "2016-04-28", "2016-04-29"]
    assert joined["close"].tolist() == [98.0, 99.0, 100.0, 101.0]
    assert report.history == {}


@pytest.mark.parametrize(
    ("sessions", "closes", "reason"),
    [
        (["2016-04-25", "2016-04-26"], [98.0, 99.0], "a gap: it ends on 2016-04-26, the session before the prices is 2016-04-27"),
        (["2016-04-27", "2016-04-28"], [99.0, 100.0], "it overlaps the prices (it runs to 2016-04-28, the prices start on 2016-04-28)"),
        (
            ["2016-04-26", "2016-04-27"],
            [196.0, 198.0],
            "the close steps 49.5 percent across the join on 2016-04-28: a different split basis",
        ),
    ],
)
def test_history_with_a_gap_an_overlap_or_another_split_basis_is_left_out(sessions: list[str], closes: list[float], reason: str) -> None:
    report = LoadReport()
    joined = join_history(STORE, tidy("SPY", sessions, closes), STEP, report)
    pd.testing.assert_frame_equal(joined, STORE)
    assert report.history == {"SPY": reason}
    assert report.lines() == [f"SPY: history left out: {reason}"]


def test_history_of_a_symbol_the_store_lacks_is_ignored() -> None:
    assert join_history(STORE, tidy("IWM", ["2016-04-27"], [50.0]), STEP, LoadReport()).equals(STORE)


def test_the_bundled_history_joins_the_sample_for_every_fund_it_holds() -> None:
    report = LoadReport()
    sample = read_store(ROOT / SAMPLE_STORE)
    joined = with_history(sample, ROOT, STEP, report)
    firsts = joined.groupby("symbol")["session"].min()
    assert report.history == {}
    assert (firsts["^GSPC"], firsts["SPY"], firsts["TNA"]) == (
        pd.Timestamp("1927-12-30"),
        pd.Timestamp("1993-01-29"),
        pd.Timestamp("2008-11-19"),
    )
    assert (firsts == pd.Timestamp("2016-04-28")).sum() == 26, "the other 26 funds start with the sample"
    assert len(joined) == len(sample) + 110_143


def test_the_gates_read_the_store_only() -> None:
    """What the gates would refuse in the history (TNA's 2009 distribution) leaves no fund out: they never see it."""
    universe = load_universe(ROOT / FUNDS_FILE)
    store = read_store(ROOT / SAMPLE_STORE)
    now = pd.Timestamp("2021-04-27 18:00", tz="America/New_York")
    assert gates.check(store, universe, now, DEFAULTS.gates).excluded == {}
    joined = with_history(store, ROOT, STEP)
    assert set(gates.check(joined, universe, now, DEFAULTS.gates).excluded) == {"TNA"}


def test_the_archive_and_fund_pages_start_where_the_store_does(sample: Dataset) -> None:
    assert sample.prices.sessions[0] == pd.Timestamp("1927-12-30")
    assert sample.store_start == pd.Timestamp("2016-04-28")
    assert sample.weeks[0] == pd.Timestamp("2016-05-06") and len(sample.weeks) == 260


# Record searches: five sessions of a fund that pays out on the third (its close drops 10 percent, its total return
# 0.5 percent), then falls 5 percent on the fifth.
CLOSE = pd.DataFrame({"A": [100.0, 104.0, 93.6, 95.0, 90.25]}, index=pd.bdate_range("2020-01-06", periods=5))
ADJUSTED = pd.DataFrame({"A": [90.0, 93.6, 93.132, 94.5, 89.775]}, index=CLOSE.index)


def test_a_distribution_day_neither_sets_nor_blocks_a_record() -> None:
    moves = compute.record_changes(CLOSE, ADJUSTED, DEFAULTS.thresholds.distribution_points)
    np.testing.assert_allclose(moves["A"].to_numpy(), [np.nan, 0.04, np.nan, 95.0 / 93.6 - 1, -0.05])
    assert compute.biggest_moves(moves, CLOSE.index[1], CLOSE.index[2]) == {}, "the payout is no record drop"
    day, value, since = compute.biggest_moves(moves, CLOSE.index[3], CLOSE.index[4])["A"]
    assert (day, round(value, 6), since) == (CLOSE.index[4], -0.05, None), "nor does its -10 percent stand in the way of one"


# Weekly closes of two funds: A's fourth week (-6 percent) is its worst since its first (-8); B's is the worst it has.
WEEKS = pd.DatetimeIndex(pd.to_datetime(["2020-01-03", "2020-01-10", "2020-01-17", "2020-01-24", "2020-01-31"]))
WEEKLY = pd.DataFrame({"A": [np.nan, -0.08, 0.02, -0.01, -0.06], "B": [np.nan, -0.01, 0.02, -0.03, -0.06]}, index=WEEKS)


@dataclasses.dataclass
class FirstClose:
    first_close: dict[str, pd.Timestamp]


def test_a_record_week_names_the_last_week_as_large_and_how_many_weeks_back() -> None:
    panel = FirstClose({"A": WEEKS[0], "B": WEEKS[0]})
    found = _record_weeks(panel, WEEKLY, WEEKS[3], WEEKS[4], 3)  # type: ignore[arg-type]
    assert (found["A"].since, found["A"].weeks_since, found["A"].week.value) == (date(2020, 1, 10), 3, -0.06)
    assert (found["B"].since, found["B"].weeks_since, found["B"].data_start) == (None, 4, date(2020, 1, 3))
    assert set(_record_weeks(panel, WEEKLY, WEEKS[3], WEEKS[4], 4)) == {"B"}, "A's record reaches back only three weeks"  # type: ignore[arg-type]
    assert _record_weeks(panel, WEEKLY, WEEKS[2], WEEKS[4], 1) == {}, "only of a calendar week"  # type: ignore[arg-type]


# What the archive says in the weeks that reach furthest back, as a desk would check them by hand against the history.
RECORDS = [
    (date(2020, 3, 20), "market", "The S&P 500 sank 15.0 percent, its worst week since October 2008."),
    (date(2018, 2, 9), "market", "its worst week since January 2016"),
    (date(2020, 3, 13), "market", "On Thursday, SPY tanked 9.6 percent, its biggest one-day drop since October 2008."),
]


@pytest.fixture(scope="module")
def closes() -> Closes:
    return Closes(with_history(read_store(ROOT / SAMPLE_STORE), ROOT, STEP), date(2016, 4, 28))


def _verify(sample: Dataset, closes: Closes, as_of: date, markdown: str, ledger: dict[str, object]) -> list[str]:
    context = Context(
        closes,
        sample.universe,
        load_phrasebook(ROOT / PHRASEBOOK_FILE),
        sample.settings,
        as_of,
        events=read_events_file(ROOT / EVENTS_FILE),
    )
    return verify(markdown, ledger, context)[1]


@pytest.mark.parametrize(("as_of", "story", "sentence"), RECORDS)
def test_records_reach_into_the_history_and_verify(sample: Dataset, closes: Closes, as_of: date, story: str, sentence: str) -> None:
    article = render_article(sample, week_facts(sample, window_for(sample, as_of, "calendar")), story)
    assert sentence in article.markdown
    ledger = json.loads(json.dumps({"claims": [dataclasses.asdict(c) for c in article.claims]}, default=str))
    assert _verify(sample, closes, as_of, article.markdown, ledger) == []
    wrong = article.markdown.replace("since October 2008", "since November 2008").replace("since January 2016", "since March 2009")
    ledger["claims"] = [
        {**c, "text": c["text"].replace("since October 2008", "since November 2008").replace("since January 2016", "since March 2009")}
        for c in ledger["claims"]  # type: ignore[attr-defined]
    ]
    problems = _verify(sample, closes, as_of, wrong, ledger)
    assert problems and all("recomputed from the closes it is" in p for p in problems)
