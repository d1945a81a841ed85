"""The price store: merges never lose history, revisions and re-basing are noted, writes happen only on change and are atomic."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from yfinance_frames import FakeDownload, download_frame, sample_rows, sample_slice

from generator import write
from generator.config import ROOT
from generator.load import PRICE_FIELDS, read_store, write_store
from generator.sources import CsvDirSource, DownloadError, Fetched, SampleSource, Split, YFinanceSource
from generator.store import OVERLAP_DAYS, fetch_start, merge, read_or_empty, update

NY = ZoneInfo("America/New_York")
SYMBOLS = ["SPY", "IWM", "TNA"]
STORED_FROM, STORED_TO = date(2021, 3, 1), date(2021, 4, 16)
NOW = datetime(2021, 4, 27, 20, 0, tzinfo=NY)
SINCE = date(2016, 1, 1)


def stored() -> pd.DataFrame:
    return sample_slice(SYMBOLS, STORED_FROM, STORED_TO)


def fetched_week() -> pd.DataFrame:
    """A fetch of 2021-04-12 to 2021-04-23: a week of overlap and five new sessions."""
    return sample_slice(SYMBOLS, date(2021, 4, 12), date(2021, 4, 23))


def at(frame: pd.DataFrame, symbol: str, day: date) -> pd.Series:
    mask = (frame["symbol"] == symbol) & (frame["session"] == pd.Timestamp(day))
    assert mask.sum() == 1
    return frame.loc[mask].iloc[0]


# merge


def test_merge_adds_new_sessions_and_counts_them_per_symbol():
    merged, report = merge(stored(), fetched_week())
    pd.testing.assert_frame_equal(merged, sample_slice(SYMBOLS, STORED_FROM, date(2021, 4, 23)))
    assert report.added == {"IWM": 5, "SPY": 5, "TNA": 5}
    assert report.revised == [] and report.rebased == []
    assert report.changed
    assert report.summary() == "added 15 rows for 3 symbols, revised 0, re-based 0"


def test_merge_never_drops_a_stored_row_the_new_frame_lacks():
    new = fetched_week()
    new = new.loc[(new["symbol"] == "SPY") & (new["session"] != pd.Timestamp(2021, 4, 14))]  # no IWM, no TNA, a gap in SPY
    merged, report = merge(stored(), new)
    assert report.added == {"SPY": 5}
    expected = pd.concat([stored(), sample_slice(["SPY"], date(2021, 4, 19), date(2021, 4, 23))])
    pd.testing.assert_frame_equal(merged, expected.sort_values(["symbol", "session"]).reset_index(drop=True))
    assert at(merged, "SPY", date(2021, 4, 14))["close"] == at(stored(), "SPY", date(2021, 4, 14))["close"]


def test_merge_replaces_a_revised_past_close_and_notes_it():
    new = fetched_week()
    day = date(2021, 4, 15)
    old_close = at(new, "SPY", day)["close"]
    revised = (new["symbol"] == "SPY") & (new["session"] == pd.Timestamp(day))
    new.loc[revised, "close"] = old_close * 1.01
    merged, report = merge(stored(), new)
    assert at(merged, "SPY", day)["close"] == old_close * 1.01
    assert report.revised == [f"SPY 2021-04-15 close: {old_close:.4f} -> {old_close * 1.01:.4f}"]
    assert report.rebased == []
    assert report.added == {"IWM": 5, "SPY": 5, "TNA": 5}


def test_merge_ignores_float_noise_in_the_overlap():
    new = fetched_week()
    new["close"] = new["close"] * (1 + 1e-12)
    _, report = merge(stored(), new)
    assert report.revised == []


def test_merge_of_an_empty_frame_returns_the_store_unchanged():
    old = stored()
    merged, report = merge(old, old.iloc[0:0])
    pd.testing.assert_frame_equal(merged, stored())
    assert not report.changed
    assert report.summary() == "added 0 rows for 0 symbols, revised 0, re-based 0"


def test_merge_rebases_the_stored_adj_close_history_when_yahoo_rebased_it():
    old = sample_slice(SYMBOLS, None, STORED_TO)  # every stored session since 2016
    new = fetched_week()
    spy = new["symbol"] == "SPY"
    new.loc[spy, "adj_close"] = new.loc[spy, "adj_close"] * 0.99  # a dividend: Yahoo scales the whole Adj Close history
    merged, report = merge(old, new)
    assert report.rebased == ["SPY: Adj Close history re-based by 0.990000"]
    assert report.revised == []  # the re-based history agrees with the new rows: no revision to note
    expected = sample_slice(SYMBOLS, None, date(2021, 4, 23))
    expected_spy = expected["symbol"] == "SPY"
    expected.loc[expected_spy, "adj_close"] = expected.loc[expected_spy, "adj_close"] * 0.99
    pd.testing.assert_frame_equal(merged, expected, rtol=1e-12)
    # the other symbols' Adj Close is untouched, bit for bit
    others = ~expected_spy
    assert np.array_equal(
        merged.loc[others, "adj_close"].to_numpy(), sample_slice(SYMBOLS, None, date(2021, 4, 23)).loc[others, "adj_close"]
    )
    assert (merged.loc[expected_spy, "close"].to_numpy() == expected.loc[expected_spy, "close"].to_numpy()).all()


def test_merge_does_not_rebase_on_overlap_rows_whose_close_changed():
    new = fetched_week()
    spy = new["symbol"] == "SPY"
    new.loc[spy, ["close", "adj_close"]] = new.loc[spy, ["close", "adj_close"]] * 0.99
    _, report = merge(stored(), new)
    assert report.rebased == []
    assert sum(line.startswith("SPY 2021-04-1") and " close: " in line for line in report.revised) == 5


# fetch_start


def test_fetch_start_is_a_week_before_the_oldest_newest_session():
    store = pd.concat([sample_slice(["SPY"], STORED_FROM, STORED_TO), sample_slice(["IWM"], STORED_FROM, date(2021, 4, 14))])
    assert OVERLAP_DAYS == 7
    assert fetch_start(store, ["SPY", "IWM"], SINCE) == date(2021, 4, 7)
    assert fetch_start(store, ["SPY"], SINCE) == date(2021, 4, 9)


def test_fetch_start_is_since_for_a_symbol_the_store_lacks():
    assert fetch_start(stored(), ["SPY", "GLD"], SINCE) == SINCE
    assert fetch_start(read_or_empty(Path("/nonexistent/prices.parquet")), ["SPY"], SINCE) == SINCE


# update


@dataclass
class StaticSource:
    """A source that answers every fetch with fixed rows (those from `start` on), or raises."""

    frame: pd.DataFrame | None = None
    error: Exception | None = None
    failed: dict[str, str] = field(default_factory=dict)
    splits: list[Split] = field(default_factory=list)
    name: str = "static"
    asked: list[tuple[list[str], date]] = field(default_factory=list)

    def fetch(self, symbols: list[str], start: date, now: datetime) -> Fetched:
        self.asked.append((symbols, start))
        if self.error is not None:
            raise self.error
        assert self.frame is not None
        frame = self.frame.loc[self.frame["session"] >= pd.Timestamp(start)].reset_index(drop=True)
        return Fetched(frame=frame, failed=self.failed, splits=self.splits)


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "store" / "prices.parquet"
    write_store(stored(), path)
    return path


def untouched(path: Path) -> tuple[bytes, int, list[str]]:
    return path.read_bytes(), path.stat().st_mtime_ns, sorted(p.name for p in path.parent.iterdir())


def always_failing_yfinance() -> YFinanceSource:
    def respond(call):
        raise ConnectionError("connection reset by peer")

    return YFinanceSource(download=FakeDownload(respond), attempts=2, wait=lambda seconds: None)


@pytest.mark.parametrize(
    "source",
    [lambda: StaticSource(error=DownloadError("yfinance returned no prices for 3 symbols after 4 attempts")), always_failing_yfinance],
    ids=["source-raises", "yfinance-fails"],
)
def test_update_leaves_the_store_byte_for_byte_when_the_download_fails(store_path, source):
    before = untouched(store_path)
    time.sleep(0.01)  # a rewrite would move the mtime
    with pytest.raises(DownloadError):
        update(store_path, source(), SYMBOLS, SINCE, NOW)
    assert untouched(store_path) == before


@pytest.mark.parametrize(
    "frame", [lambda: sample_slice(SYMBOLS, date(2021, 4, 9), STORED_TO), lambda: stored().iloc[0:0]], ids=["overlap-only", "no-rows"]
)
def test_update_writes_nothing_when_nothing_is_new(store_path, frame):
    before = untouched(store_path)
    time.sleep(0.01)
    source = StaticSource(frame=frame())
    result = update(store_path, source, SYMBOLS, SINCE, NOW)
    assert not result.written and not result.report.changed
    assert source.asked == [(SYMBOLS, date(2021, 4, 9))]
    assert untouched(store_path) == before


def test_update_from_a_csv_folder_with_none_of_the_files_reports_failures(store_path, tmp_path):
    empty = tmp_path / "csv"
    empty.mkdir()
    before = untouched(store_path)
    result = update(store_path, CsvDirSource(empty), SYMBOLS, SINCE, NOW)
    assert not result.written
    assert set(result.failed) == set(SYMBOLS)
    assert untouched(store_path) == before


def test_update_writes_the_merged_rows_when_there_are_new_ones(store_path):
    result = update(store_path, SampleSource(ROOT), SYMBOLS, SINCE, NOW)
    assert result.written
    assert result.report.added == dict.fromkeys(sorted(SYMBOLS), 7)  # 2021-04-19 to 2021-04-27
    assert result.failed == {} and result.notes == []
    pd.testing.assert_frame_equal(read_store(store_path), sample_slice(SYMBOLS, STORED_FROM, None))
    assert sorted(p.name for p in store_path.parent.iterdir()) == ["prices.parquet"]


def test_update_creates_a_missing_store_from_since(tmp_path):
    path = tmp_path / "new" / "prices.parquet"
    source = StaticSource(frame=sample_slice(SYMBOLS, date(2021, 1, 4), date(2021, 4, 23)))
    result = update(path, source, SYMBOLS, date(2021, 3, 1), NOW)
    assert source.asked == [(SYMBOLS, date(2021, 3, 1))]
    assert result.written
    pd.testing.assert_frame_equal(read_store(path), sample_slice(SYMBOLS, date(2021, 3, 1), date(2021, 4, 23)))


def test_update_keeps_what_a_partial_fetch_lacks_and_reports_the_failures(store_path):
    source = StaticSource(frame=sample_slice(["SPY"], date(2021, 4, 9), date(2021, 4, 23)), failed={"IWM": "x", "TNA": "y"})
    result = update(store_path, source, SYMBOLS, SINCE, NOW)
    assert result.written and result.failed == {"IWM": "x", "TNA": "y"}
    expected = pd.concat([stored(), sample_slice(["SPY"], date(2021, 4, 19), date(2021, 4, 23))])
    pd.testing.assert_frame_equal(read_store(store_path), expected.sort_values(["symbol", "session"]).reset_index(drop=True))


def test_update_sets_aside_a_symbol_with_malformed_rows(store_path):
    frame = sample_slice(SYMBOLS, date(2021, 4, 9), date(2021, 4, 23))
    frame.loc[(frame["symbol"] == "TNA") & (frame["session"] == pd.Timestamp(2021, 4, 21)), "close"] = 0.0
    result = update(store_path, StaticSource(frame=frame), SYMBOLS, SINCE, NOW)
    assert set(result.failed) == {"TNA"} and "zero or negative" in result.failed["TNA"]
    assert result.report.added == {"IWM": 5, "SPY": 5}
    assert read_store(store_path).groupby("symbol")["session"].max()["TNA"] == pd.Timestamp(STORED_TO)


def test_update_notes_revisions_and_rebasing(store_path):
    frame = sample_slice(SYMBOLS, date(2021, 4, 9), date(2021, 4, 23))
    iwm = frame["symbol"] == "IWM"
    frame.loc[iwm, "adj_close"] = frame.loc[iwm, "adj_close"] * 0.99
    result = update(store_path, StaticSource(frame=frame), SYMBOLS, SINCE, NOW)
    assert result.notes == ["IWM: Adj Close history re-based by 0.990000"]
    assert result.report.rebased == result.notes


# splits: Yahoo re-bases a fund's whole history; the store follows, or fails the fund when it cannot tell

SPLIT_DAY = date(2021, 1, 21)
"""TQQQ's 2-for-1 split (ProShares, effective 2021-01-21). The sample was fetched after it: its TQQQ prices are on the new basis."""

BEFORE_FROM, BEFORE_TO = date(2020, 12, 1), date(2021, 1, 20)
"""What the store held when the split came: every session up to the one before it."""

AFTER_THE_SPLIT = datetime(2021, 1, 22, 20, 0, tzinfo=NY)


def on_the_old_basis(rows: pd.DataFrame, symbol: str, ratio: float, day: date = SPLIT_DAY) -> pd.DataFrame:
    """`rows` as stored before `symbol` split `ratio` new shares for one on `day`: earlier prices times `ratio`, volumes divided by it."""
    rows = rows.copy()
    earlier = (rows["symbol"] == symbol) & (rows["session"] < pd.Timestamp(day))
    rows.loc[earlier, PRICE_FIELDS] = rows.loc[earlier, PRICE_FIELDS] * ratio
    rows.loc[earlier, "volume"] = (rows.loc[earlier, "volume"] / ratio).round().astype("int64")
    return rows


def largest_daily_move(frame: pd.DataFrame) -> float:
    closes = frame.pivot(index="session", columns="symbol", values="close")
    return float(closes.pct_change().abs().max().max())


def yahoo_after_the_split(symbol: str, ratio: float | None, first: date = date.min) -> YFinanceSource:
    """yfinance after the split: the sample's (re-based) prices, from `first` at the earliest; `Stock Splits` when `ratio` is given."""

    def respond(call: dict) -> pd.DataFrame:
        start, last = max(date.fromisoformat(call["start"]), first), date.fromisoformat(call["end"]) - timedelta(days=1)
        splits = {symbol: {SPLIT_DAY: ratio}} if ratio else None
        return download_frame(call["tickers"], start, last, orientation=call["group_by"], actions=call["actions"], splits=splits)

    return YFinanceSource(download=FakeDownload(respond), wait=lambda seconds: None)


def split_store(tmp_path: Path, symbol: str = "TQQQ", ratio: float = 2.0) -> tuple[Path, pd.DataFrame]:
    path = tmp_path / "store" / "prices.parquet"
    rows = on_the_old_basis(sample_slice(["SPY", symbol], BEFORE_FROM, BEFORE_TO), symbol, ratio)
    write_store(rows, path)
    return path, rows


@pytest.mark.parametrize(
    ("symbol", "ratio", "name"), [("TQQQ", 2.0, "2-for-1"), ("SQQQ", 0.2, "1-for-5")], ids=["split", "reverse-split-simulated"]
)
def test_update_rebases_the_stored_history_by_the_split_yfinance_reports(tmp_path, symbol, ratio, name):
    path, before = split_store(tmp_path, symbol, ratio)
    after = sample_slice(["SPY", symbol], SPLIT_DAY, date(2021, 1, 22))
    assert largest_daily_move(pd.concat([before, after])) > 0.45  # what a plain merge would store: a fake move of 50 percent or more
    result = update(path, yahoo_after_the_split(symbol, ratio), ["SPY", symbol], SINCE, AFTER_THE_SPLIT)
    assert result.notes == [f"{symbol}: {name} split on 2021-01-21 (reported by the source): history before it re-based"]
    assert result.failed == {} and result.report.revised == []
    assert result.report.added == {"SPY": 2, symbol: 2}
    stored = read_store(path)
    assert largest_daily_move(stored) < 0.25
    pd.testing.assert_frame_equal(stored, sample_slice(["SPY", symbol], BEFORE_FROM, date(2021, 1, 22)), rtol=1e-12)


def test_update_rebases_by_a_reported_split_in_sessions_the_store_does_not_overlap(tmp_path):
    path, _ = split_store(tmp_path)
    result = update(path, yahoo_after_the_split("TQQQ", 2.0, first=SPLIT_DAY), ["SPY", "TQQQ"], SINCE, AFTER_THE_SPLIT)
    assert result.notes == ["TQQQ: 2-for-1 split on 2021-01-21 (reported by the source): history before it re-based"]
    assert result.failed == {}
    stored = read_store(path)
    assert largest_daily_move(stored) < 0.25
    pd.testing.assert_frame_equal(stored, sample_slice(["SPY", "TQQQ"], BEFORE_FROM, date(2021, 1, 22)))


def test_update_fails_a_fund_whose_closes_jump_by_a_split_factor_across_a_gap_with_no_split_reported(tmp_path):
    path, before = split_store(tmp_path)
    result = update(path, yahoo_after_the_split("TQQQ", None, first=SPLIT_DAY), ["SPY", "TQQQ"], SINCE, AFTER_THE_SPLIT)
    jump = at(sample_rows(), "TQQQ", SPLIT_DAY)["close"] / at(before, "TQQQ", BEFORE_TO)["close"]
    assert result.failed == {
        "TQQQ": f"TQQQ: new closes differ from stored ones by x{jump:.2f} from 2021-01-20 to 2021-01-21 with no split reported:"
        " refetch its full history with `fetch --symbols TQQQ --since 2020-12-01 --refetch`"
    }
    assert result.report.added == {"SPY": 2} and result.notes == []
    stored = read_store(path)
    pd.testing.assert_frame_equal(
        stored.loc[stored["symbol"] == "TQQQ"].reset_index(drop=True), before.loc[before["symbol"] == "TQQQ"].reset_index(drop=True)
    )


def test_update_rebases_by_a_split_factor_every_overlapping_close_shows_when_none_is_reported(tmp_path):
    path, _ = split_store(tmp_path)
    source = StaticSource(frame=sample_slice(["SPY", "TQQQ"], date(2021, 1, 4), date(2021, 1, 22)))
    result = update(path, source, ["SPY", "TQQQ"], SINCE, AFTER_THE_SPLIT)
    assert result.notes == [
        "TQQQ: 2-for-1 split between 2021-01-20 and 2021-01-21 (not reported; the 5 overlapping closes came back x0.5): history re-based"
    ]
    pd.testing.assert_frame_equal(read_store(path), sample_slice(["SPY", "TQQQ"], BEFORE_FROM, date(2021, 1, 22)))


def stored_with_a_fake_day(day: date, last: date = BEFORE_TO) -> pd.DataFrame:
    """A store that took the new basis from `day` on without re-basing what came before: a fake -50 percent day on `day`."""
    return on_the_old_basis(sample_slice(["SPY", "TQQQ"], BEFORE_FROM, last), "TQQQ", 2.0, day)


def test_update_fails_a_fund_whose_overlap_is_on_two_bases_with_no_split_reported(tmp_path):
    path = tmp_path / "prices.parquet"
    write_store(stored_with_a_fake_day(date(2021, 1, 19)), path)
    source = StaticSource(frame=sample_slice(["SPY", "TQQQ"], date(2021, 1, 4), date(2021, 1, 22)))
    result = update(path, source, ["SPY", "TQQQ"], SINCE, AFTER_THE_SPLIT)
    assert result.failed == {
        "TQQQ": "TQQQ: new closes differ from stored ones by x0.50 on 3 of 5 overlapping sessions with no split reported:"
        " refetch its full history with `fetch --symbols TQQQ --since 2020-12-01 --refetch`"
    }
    assert result.report.added == {"SPY": 2}


def test_update_rebases_a_store_on_two_bases_by_the_split_that_explains_them(tmp_path):
    path = tmp_path / "prices.parquet"
    write_store(stored_with_a_fake_day(date(2021, 1, 19)), path)
    source = StaticSource(
        frame=sample_slice(["SPY", "TQQQ"], date(2021, 1, 4), date(2021, 1, 22)), splits=[Split("TQQQ", pd.Timestamp(2021, 1, 19), 2.0)]
    )
    result = update(path, source, ["SPY", "TQQQ"], SINCE, AFTER_THE_SPLIT)
    assert result.notes == ["TQQQ: 2-for-1 split on 2021-01-19 (reported by the source): history before it re-based"]
    pd.testing.assert_frame_equal(read_store(path), sample_slice(["SPY", "TQQQ"], BEFORE_FROM, date(2021, 1, 22)))


def test_update_does_not_rebase_twice_when_the_split_is_reported_again(tmp_path):
    """A week later the split is still inside the overlap yfinance is asked for; the store is already on the new basis."""
    path = tmp_path / "prices.parquet"
    write_store(sample_slice(["SPY", "TQQQ"], BEFORE_FROM, date(2021, 1, 22)), path)
    result = update(path, yahoo_after_the_split("TQQQ", 2.0), ["SPY", "TQQQ"], SINCE, datetime(2021, 1, 26, 20, 0, tzinfo=NY))
    assert result.notes == [] and result.failed == {}
    assert result.report.added == {"SPY": 2, "TQQQ": 2}
    pd.testing.assert_frame_equal(read_store(path), sample_slice(["SPY", "TQQQ"], BEFORE_FROM, date(2021, 1, 26)))


def test_merge_rebases_new_rows_too_when_yahoo_had_not_adjusted_them_yet():
    old = on_the_old_basis(sample_slice(["TQQQ"], BEFORE_FROM, BEFORE_TO), "TQQQ", 2.0)
    new = on_the_old_basis(sample_slice(["TQQQ"], date(2021, 1, 13), date(2021, 1, 22)), "TQQQ", 2.0)  # the jump is in Yahoo's own rows
    merged, report = merge(old, new, [Split("TQQQ", pd.Timestamp(SPLIT_DAY), 2.0)])
    assert report.rebased == ["TQQQ: 2-for-1 split on 2021-01-21 (reported by the source): history before it re-based"]
    pd.testing.assert_frame_equal(merged, sample_slice(["TQQQ"], BEFORE_FROM, date(2021, 1, 22)))


def test_merge_tells_a_split_from_a_dividend_re_basing_in_the_same_fetch():
    old = on_the_old_basis(sample_slice(["TQQQ"], BEFORE_FROM, BEFORE_TO), "TQQQ", 2.0)
    new = sample_slice(["TQQQ"], date(2021, 1, 13), date(2021, 1, 22))
    new["adj_close"] = new["adj_close"] * 0.99  # and Yahoo scaled the Adj Close history for a dividend
    merged, report = merge(old, new, [Split("TQQQ", pd.Timestamp(SPLIT_DAY), 2.0)])
    assert report.rebased == [
        "TQQQ: 2-for-1 split on 2021-01-21 (reported by the source): history before it re-based",
        "TQQQ: Adj Close history re-based by 0.990000",
    ]
    expected = sample_slice(["TQQQ"], BEFORE_FROM, date(2021, 1, 22))
    expected["adj_close"] = expected["adj_close"] * 0.99
    pd.testing.assert_frame_equal(merged, expected, rtol=1e-12)
    assert report.revised == []


def test_update_with_refetch_replaces_a_history_stored_on_two_bases(tmp_path):
    """The way out the failure names: the store that a merge without re-basing wrote, fetched again from its first session."""
    path = tmp_path / "prices.parquet"
    write_store(stored_with_a_fake_day(date(2021, 1, 13), last=date(2021, 1, 22)), path)
    source = StaticSource(frame=sample_slice(["SPY", "TQQQ"], BEFORE_FROM, date(2021, 1, 26)))
    result = update(path, source, ["SPY", "TQQQ"], BEFORE_FROM, datetime(2021, 1, 26, 20, 0, tzinfo=NY), refetch=True)
    assert source.asked == [(["SPY", "TQQQ"], BEFORE_FROM)]
    sessions = len(sample_slice(["SPY"], BEFORE_FROM, date(2021, 1, 22)))
    assert result.notes == [f"{symbol}: {sessions} stored sessions replaced by the refetch from 2020-12-01" for symbol in ["SPY", "TQQQ"]]
    stored = read_store(path)
    assert largest_daily_move(stored) < 0.25
    pd.testing.assert_frame_equal(stored, sample_slice(["SPY", "TQQQ"], BEFORE_FROM, date(2021, 1, 26)))


# the store's folder and file


def test_update_removes_what_a_killed_write_left_beside_the_store(store_path):
    handle, name = tempfile.mkstemp(prefix=f".{store_path.name}{write.TEMPORARY_MARK}", dir=store_path.parent)
    os.close(handle)
    os.utime(name, (time.time() - 3600,) * 2)
    result = update(store_path, SampleSource(ROOT), SYMBOLS, SINCE, NOW)
    assert result.written
    assert sorted(p.name for p in store_path.parent.iterdir()) == ["prices.parquet"]
    assert store_path.stat().st_mode & 0o777 == 0o644


# the store survives being killed mid-write

WRITER = """
import sys
from pathlib import Path
import pandas as pd
from generator.load import write_store
frames = [pd.read_parquet(sys.argv[1]), pd.read_parquet(sys.argv[2])]
path = Path(sys.argv[3])
write_store(frames[0], path)
print("ready", flush=True)
turn = 1
while True:
    write_store(frames[turn], path)
    turn = 1 - turn
"""


def test_the_store_is_whole_after_the_writer_is_killed_at_random_moments(tmp_path):
    sources_dir = tmp_path / "frames"
    a, b = sources_dir / "a.parquet", sources_dir / "b.parquet"
    write_store(sample_rows(), a)  # the whole sample: a write long enough to be killed in the middle
    write_store(sample_slice(SYMBOLS, None, STORED_TO), b)
    frames = [read_store(a), read_store(b)]
    store = tmp_path / "store" / "prices.parquet"
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    for kill in range(5):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(a), str(b), str(store)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            assert writer.stdout is not None
            line = writer.stdout.readline()
            assert line == "ready\n", writer.stderr.read() if writer.stderr else line
            time.sleep(rng.uniform(0.05, 0.4))
        finally:
            writer.kill()
            writer.wait(timeout=10)
        assert writer.returncode == -9, f"seed {seed}, kill {kill}: the writer stopped on its own"
        table = read_store(store)
        matches = [i for i, frame in enumerate(frames) if table.equals(frame)]
        assert len(matches) == 1, f"seed {seed}, kill {kill}: the store is neither frame"
        strays = [p for p in store.parent.iterdir() if p != store]
        assert all(p.name.startswith(".prices.parquet.") for p in strays), strays
        assert len(strays) <= 1, strays
        for stray in strays:
            stray.unlink()
