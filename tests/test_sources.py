"""Sources: yfinance frames of every shape as tidy rows, today's partial bar dropped, retries and failures reported.

The yfinance frames are built by tests/yfinance_frames.py from the bundled sample (real prices), in
the exact shape yfinance 1.7 returns; the download itself is a fake, so nothing touches the network.
"""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from yfinance_frames import (
    DNS_FAILURE_REASON,
    FakeDownload,
    download_frame,
    error_log,
    missing_prices_log,
    rate_limited_log,
    sample_rows,
    sample_slice,
    with_errors,
    with_log,
)

from generator import sources
from generator.config import ROOT
from generator.errors import GeneratorError
from generator.load import TIDY_COLUMNS, read_csv_dir
from generator.sources import (
    CHUNK_SIZE,
    CsvDirSource,
    DownloadError,
    SampleSource,
    Split,
    YFinanceSource,
    completed_sessions_only,
    normalize_yfinance,
    source_from_name,
)

NY = ZoneInfo("America/New_York")
PRICES = Path(__file__).parent / "fixtures" / "prices"
SYMBOLS = ["SPY", "IWM", "TNA", "GLD"]
FIRST, LAST = date(2021, 4, 19), date(2021, 4, 23)
AFTER_THE_CLOSE = datetime(2021, 4, 23, 20, 0, tzinfo=NY)


def as_tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """The tidy columns in the store's order and dtypes, to compare values with the sample's rows.

    A naive `session` in seconds (yfinance's unit) and a float volume (next to a failed ticker's NaN)
    are what normalize_yfinance may hand on; validation casts them, so they are not differences.
    """
    tidy = frame[TIDY_COLUMNS].copy()
    tidy.columns.name = None
    tidy["session"] = tidy["session"].astype("datetime64[ns]")
    tidy["symbol"] = tidy["symbol"].astype(str)
    tidy["volume"] = tidy["volume"].astype("int64")
    return tidy.sort_values(["symbol", "session"]).reset_index(drop=True)


def recorded(call: dict[str, Any]) -> pd.DataFrame:
    """What yfinance would answer for a call: the sample's sessions from `start` up to, not including, `end`."""
    last = date.fromisoformat(call["end"]) - timedelta(days=1)
    return download_frame(call["tickers"], date.fromisoformat(call["start"]), last, orientation=call["group_by"], actions=call["actions"])


def no_wait(seconds: float) -> None:
    """Tenacity's sleep, without sleeping."""


# normalize_yfinance


@pytest.mark.parametrize("orientation", ["column", "ticker"])
def test_normalize_either_orientation_gives_the_sample_rows(orientation):
    raw = download_frame(SYMBOLS, FIRST, LAST, orientation=orientation)
    assert raw.columns.names == (["Price", "Ticker"] if orientation == "column" else ["Ticker", "Price"])
    tidy, failed = normalize_yfinance(raw, SYMBOLS)
    assert failed == {}
    pd.testing.assert_frame_equal(as_tidy(tidy), sample_slice(SYMBOLS, FIRST, LAST))


def test_the_frames_have_yfinance_s_column_layout():
    raw = download_frame(["SPY", "IWM"], FIRST, LAST)
    assert list(raw.columns.get_level_values(0).unique()) == ["Adj Close", "Close", "High", "Low", "Open", "Volume"]
    assert list(raw.columns[:2]) == [("Adj Close", "IWM"), ("Adj Close", "SPY")]
    assert raw.index.name == "Date" and raw.index.tz is None
    assert raw.index.dtype == "datetime64[s]"
    assert raw[("Volume", "SPY")].dtype == "int64"


def test_normalize_a_tz_aware_index_gives_naive_midnight_sessions():
    raw = download_frame(SYMBOLS, FIRST, LAST, tz_aware=True)
    assert str(raw.index.tz) == "America/New_York"
    tidy, failed = normalize_yfinance(raw, SYMBOLS)
    assert failed == {}
    assert tidy["session"].dt.tz is None
    pd.testing.assert_frame_equal(as_tidy(tidy), sample_slice(SYMBOLS, FIRST, LAST))


@pytest.mark.parametrize("orientation", ["column", "ticker"])
def test_normalize_keeps_the_last_of_duplicated_rows(orientation):
    raw = download_frame(SYMBOLS, FIRST, LAST, orientation=orientation, duplicated=[date(2021, 4, 21), LAST])
    assert raw.index.duplicated().sum() == 2
    tidy, failed = normalize_yfinance(raw, SYMBOLS)
    assert failed == {}
    pd.testing.assert_frame_equal(as_tidy(tidy), sample_slice(SYMBOLS, FIRST, LAST))


@pytest.mark.parametrize("orientation", ["column", "ticker"])
def test_normalize_reports_a_failed_ticker_and_returns_the_others(orientation):
    raw = download_frame(SYMBOLS, FIRST, LAST, orientation=orientation, failed=["TNA"])
    assert raw.xs("TNA", axis=1, level="Ticker").isna().all().all()
    tidy, failed = normalize_yfinance(raw, SYMBOLS)
    assert set(failed) == {"TNA"} and "no prices" in failed["TNA"]
    assert "TNA" not in set(tidy["symbol"])
    pd.testing.assert_frame_equal(as_tidy(tidy), sample_slice(["SPY", "IWM", "GLD"], FIRST, LAST))


def test_normalize_a_flat_single_ticker_frame():
    raw = download_frame(["SPY"], FIRST, LAST, multi_level_index=False)
    assert not isinstance(raw.columns, pd.MultiIndex)
    assert list(raw.columns) == ["Adj Close", "Close", "High", "Low", "Open", "Volume"]
    tidy, failed = normalize_yfinance(raw, ["SPY"])
    assert failed == {}
    pd.testing.assert_frame_equal(as_tidy(tidy), sample_slice(["SPY"], FIRST, LAST))


def test_normalize_an_empty_download_fails_every_symbol():
    raw = download_frame(["SPY", "IWM"], failed=["SPY", "IWM"])
    assert raw.empty and raw.columns.names == ["Price", "Ticker"]
    tidy, failed = normalize_yfinance(raw, ["SPY", "IWM"])
    assert tidy.empty
    assert set(failed) == {"SPY", "IWM"}


def test_normalize_refuses_a_frame_without_adj_close():
    raw = download_frame(["SPY", "IWM"], FIRST, LAST).drop(columns="Adj Close", level="Price")
    with pytest.raises(GeneratorError, match="auto_adjust=False"):
        normalize_yfinance(raw, ["SPY", "IWM"])


SPLIT_DAY = date(2021, 1, 21)
"""TQQQ's 2-for-1 split (ProShares, effective 2021-01-21); the sample's prices are already on the basis after it."""


@pytest.mark.parametrize("orientation", ["column", "ticker"])
def test_normalize_reads_the_action_columns_and_keeps_the_split_ratio(orientation):
    splits = {"TQQQ": {SPLIT_DAY: 2.0}}
    raw = download_frame(["TQQQ", "^GSPC"], date(2021, 1, 14), date(2021, 1, 25), orientation=orientation, actions=True, splits=splits)
    fields = raw.columns.get_level_values(0 if orientation == "column" else 1)
    assert {"Dividends", "Stock Splits", "Capital Gains"} <= set(fields)
    assert ("Capital Gains", "^GSPC") not in raw.columns and ("^GSPC", "Capital Gains") not in raw.columns  # funds only
    tidy, failed = normalize_yfinance(raw, ["TQQQ", "^GSPC"])
    assert failed == {}
    pd.testing.assert_frame_equal(as_tidy(tidy), sample_slice(["TQQQ", "^GSPC"], date(2021, 1, 14), date(2021, 1, 25)))
    ratios = tidy.set_index(["symbol", "session"])["split_ratio"]
    assert ratios[("TQQQ", pd.Timestamp(SPLIT_DAY))] == 2.0
    assert (ratios.drop(("TQQQ", pd.Timestamp(SPLIT_DAY))) == 0).all()


def test_the_frames_with_actions_have_yfinance_s_column_layout():
    """The layout yfinance 1.7's own `download(..., actions=True)` returned with its HTTP replies stubbed (see yfinance_frames)."""
    raw = download_frame(["TQQQ", "^GSPC", "BAD"], date(2021, 1, 14), date(2021, 1, 25), actions=True, failed=["BAD"])
    assert [column for column in raw.columns if column[0] in ("Adj Close", "Capital Gains", "Stock Splits")] == [
        ("Adj Close", "BAD"),
        ("Adj Close", "TQQQ"),
        ("Adj Close", "^GSPC"),
        ("Capital Gains", "TQQQ"),
        ("Stock Splits", "TQQQ"),
        ("Stock Splits", "^GSPC"),
    ]
    assert raw[("Stock Splits", "TQQQ")].dtype == "float64" and raw[("Volume", "TQQQ")].dtype == "int64"


# completed_sessions_only


@pytest.mark.parametrize(
    ("now", "kept"),
    [
        (datetime(2021, 4, 23, 15, 0, tzinfo=NY), False),
        (datetime(2021, 4, 23, 16, 0, tzinfo=NY), True),
        (datetime(2021, 4, 23, 20, 0, tzinfo=NY), True),
    ],
    ids=["before-the-close", "at-the-close", "evening"],
)
def test_completed_sessions_only_drops_a_session_that_has_not_closed(now, kept):
    rows = sample_slice(["SPY", "IWM"], FIRST, LAST)
    frame, notes = completed_sessions_only(rows, now)
    if kept:
        pd.testing.assert_frame_equal(frame, rows)
        assert notes == []
    else:
        pd.testing.assert_frame_equal(frame, rows.loc[rows["session"] < pd.Timestamp(LAST)].reset_index(drop=True))
        assert notes == ["dropped 2 rows of a session that has not closed yet"]


@pytest.mark.parametrize(
    ("now", "kept"),
    [(datetime(2019, 11, 29, 12, 59, tzinfo=NY), False), (datetime(2019, 11, 29, 13, 0, tzinfo=NY), True)],
    ids=["before-the-early-close", "at-the-early-close"],
)
def test_completed_sessions_only_knows_the_early_close_after_thanksgiving(now, kept):
    rows = sample_slice(["SPY"], date(2019, 11, 25), date(2019, 11, 29))
    assert rows["session"].iloc[-1] == pd.Timestamp(2019, 11, 29)
    frame, _ = completed_sessions_only(rows, now)
    assert (pd.Timestamp(2019, 11, 29) in set(frame["session"])) is kept
    assert len(frame) == len(rows) - (0 if kept else 1)


@pytest.mark.parametrize("day", [date(2021, 4, 24), date(2021, 4, 2)], ids=["saturday", "good-friday"])
def test_completed_sessions_only_drops_a_row_on_a_day_without_a_session(day):
    rows = sample_slice(["SPY"], date(2021, 3, 29), LAST)
    stray = rows.iloc[[-1]].assign(session=pd.Timestamp(day))
    frame, notes = completed_sessions_only(pd.concat([rows, stray], ignore_index=True), datetime(2021, 4, 26, 20, 0, tzinfo=NY))
    pd.testing.assert_frame_equal(frame, rows)
    assert notes == ["dropped 1 rows on days that are not NYSE sessions"]


# YFinanceSource


def test_yfinance_source_passes_its_settings_to_download_and_returns_tidy_rows():
    fake = FakeDownload(recorded)
    fetched = YFinanceSource(download=fake, timeout=3.5, wait=no_wait).fetch(SYMBOLS, FIRST, AFTER_THE_CLOSE)
    assert len(fake.calls) == 1
    call = fake.calls[0]
    assert call["tickers"] == SYMBOLS
    assert (call["start"], call["end"]) == ("2021-04-19", "2021-04-24")  # yfinance's end is exclusive
    assert call["auto_adjust"] is False and call["actions"] is True  # actions: the Stock Splits the store re-bases by
    assert call["group_by"] == "column" and call["interval"] == "1d"
    assert call["timeout"] == 3.5
    assert fetched.failed == {} and fetched.notes == []
    pd.testing.assert_frame_equal(as_tidy(fetched.frame), sample_slice(SYMBOLS, FIRST, LAST))


def test_yfinance_source_drops_today_s_partial_bar():
    fake = FakeDownload(recorded)
    fetched = YFinanceSource(download=fake, wait=no_wait).fetch(SYMBOLS, FIRST, datetime(2021, 4, 23, 15, 0, tzinfo=NY))
    assert fake.calls[0]["end"] == "2021-04-24"
    pd.testing.assert_frame_equal(as_tidy(fetched.frame), sample_slice(SYMBOLS, FIRST, date(2021, 4, 22)))
    assert fetched.notes == [f"dropped {len(SYMBOLS)} rows of a session that has not closed yet"]


def test_yfinance_source_asks_once_per_chunk_of_symbols():
    symbols = sorted(set(sample_rows()["symbol"]))
    assert len(symbols) > CHUNK_SIZE
    fake = FakeDownload(recorded)
    fetched = YFinanceSource(download=fake, wait=no_wait).fetch(symbols, FIRST, AFTER_THE_CLOSE)
    assert [call["tickers"] for call in fake.calls] == [symbols[:CHUNK_SIZE], symbols[CHUNK_SIZE:]]
    assert fetched.failed == {}
    pd.testing.assert_frame_equal(as_tidy(fetched.frame), sample_slice(symbols, FIRST, LAST))


def test_yfinance_source_chunk_size_is_read_at_fetch_time(monkeypatch):
    monkeypatch.setattr(sources, "CHUNK_SIZE", 2)
    symbols = [*SYMBOLS, "XLE"]
    fake = FakeDownload(recorded)
    fetched = YFinanceSource(download=fake, wait=no_wait).fetch(symbols, FIRST, AFTER_THE_CLOSE)
    assert [call["tickers"] for call in fake.calls] == [["SPY", "IWM"], ["TNA", "GLD"], ["XLE"]]
    pd.testing.assert_frame_equal(as_tidy(fetched.frame), sample_slice(symbols, FIRST, LAST))


def failing_then(failures: list[Any]) -> FakeDownload:
    """A download that first raises or returns each of `failures` in turn, then answers with recorded frames."""

    def respond(call: dict[str, Any]) -> pd.DataFrame:
        if failures:
            failure = failures.pop(0)
            if isinstance(failure, BaseException):
                raise failure
            return failure
        return recorded(call)

    return FakeDownload(respond)


@pytest.mark.parametrize(
    "failure",
    [
        ConnectionError("connection reset by peer"),
        with_errors(download_frame(SYMBOLS, failed=SYMBOLS), SYMBOLS),
    ],
    ids=["raises", "returns-nothing"],
)
def test_yfinance_source_retries_then_succeeds(failure):
    fake = failing_then([failure])
    waits: list[float] = []
    fetched = YFinanceSource(download=fake, wait=waits.append).fetch(SYMBOLS, FIRST, AFTER_THE_CLOSE)
    assert len(fake.calls) == 2
    assert len(waits) == 1 and 0 <= waits[0] <= 8
    assert fetched.failed == {}
    pd.testing.assert_frame_equal(as_tidy(fetched.frame), sample_slice(SYMBOLS, FIRST, LAST))


def test_yfinance_source_gives_up_after_its_attempts_with_yfinance_s_reason():
    fake = FakeDownload(lambda call: with_errors(download_frame(call["tickers"], failed=call["tickers"]), call["tickers"]))
    assert error_log(["SPY"])[0].startswith("Failed to get ticker 'SPY' reason: Failed to perform, curl: (6)")
    with pytest.raises(DownloadError) as raised:
        YFinanceSource(download=fake, attempts=3, wait=no_wait).fetch(SYMBOLS, FIRST, AFTER_THE_CLOSE)
    message = str(raised.value)
    assert len(fake.calls) == 3
    assert "after 3 attempts" in message
    assert message.endswith(": " + DNS_FAILURE_REASON)
    assert "See https" not in message


def test_yfinance_source_gives_up_naming_the_exception():
    fake = failing_then([ConnectionError("connection reset by peer")] * 5)
    with pytest.raises(DownloadError, match=r"after 2 attempts: connection reset by peer"):
        YFinanceSource(download=fake, attempts=2, wait=no_wait).fetch(SYMBOLS, FIRST, AFTER_THE_CLOSE)
    assert len(fake.calls) == 2


def test_yfinance_source_stops_at_the_first_chunk_that_gets_nothing(monkeypatch):
    monkeypatch.setattr(sources, "CHUNK_SIZE", 2)
    fake = FakeDownload(lambda call: download_frame(call["tickers"], failed=call["tickers"]))
    with pytest.raises(DownloadError, match="no prices for 2 symbols after 2 attempts"):
        YFinanceSource(download=fake, attempts=2, wait=no_wait).fetch(SYMBOLS, FIRST, AFTER_THE_CLOSE)
    assert [call["tickers"] for call in fake.calls] == [["SPY", "IWM"], ["SPY", "IWM"]]


def test_yfinance_source_returns_the_rest_of_a_partly_failed_chunk():
    def respond(call: dict[str, Any]) -> pd.DataFrame:
        frame = download_frame(call["tickers"], FIRST, LAST, failed=["TNA"])
        return with_errors(frame, ["TNA"])

    fake = FakeDownload(respond)
    fetched = YFinanceSource(download=fake, wait=no_wait).fetch(SYMBOLS, FIRST, AFTER_THE_CLOSE)
    assert len(fake.calls) == 1  # not retried: something came back
    assert fetched.failed == {"TNA": DNS_FAILURE_REASON}
    pd.testing.assert_frame_equal(as_tidy(fetched.frame), sample_slice(["SPY", "IWM", "GLD"], FIRST, LAST))


def test_yfinance_source_without_a_logged_reason_says_no_prices():
    fake = FakeDownload(lambda call: download_frame(call["tickers"], FIRST, LAST, failed=["GLD"]))
    fetched = YFinanceSource(download=fake, wait=no_wait).fetch(SYMBOLS, FIRST, AFTER_THE_CLOSE)
    assert fetched.failed == {"GLD": "no prices returned"}


def test_yfinance_source_reports_the_splits_yfinance_lists():
    def respond(call: dict[str, Any]) -> pd.DataFrame:
        last = date.fromisoformat(call["end"]) - timedelta(days=1)
        start = date.fromisoformat(call["start"])
        return download_frame(call["tickers"], start, last, actions=call["actions"], splits={"TQQQ": {SPLIT_DAY: 2.0}})

    fetched = YFinanceSource(download=FakeDownload(respond), wait=no_wait).fetch(
        ["SPY", "TQQQ"], date(2021, 1, 14), datetime(2021, 1, 22, 20, 0, tzinfo=NY)
    )
    assert fetched.splits == [Split("TQQQ", pd.Timestamp(SPLIT_DAY), 2.0)]
    assert list(fetched.frame.columns) == TIDY_COLUMNS
    pd.testing.assert_frame_equal(as_tidy(fetched.frame), sample_slice(["SPY", "TQQQ"], date(2021, 1, 14), date(2021, 1, 22)))


def test_yfinance_source_does_not_report_a_split_on_a_session_not_closed_yet():
    fake = FakeDownload(lambda call: download_frame(call["tickers"], FIRST, LAST, actions=True, splits={"TNA": {LAST: 0.25}}))
    fetched = YFinanceSource(download=fake, wait=no_wait).fetch(SYMBOLS, FIRST, datetime(2021, 4, 23, 15, 0, tzinfo=NY))
    assert fetched.splits == []


MISSING_PRICES = "possibly delisted; no price data found (1d 2021-04-19 -> 2021-04-24)"
"""What yfinance 1.7 says when Yahoo has no prices for the range (`YFPricesMissingError`), its double space made one."""

RATE_LIMITED = "Too Many Requests. Rate limited. Try after a while."
"""`YFRateLimitError`, which yfinance 1.7 lets propagate: only its summary line carries it, as a `repr`."""

LOGS = {
    "missing-prices": (lambda failed: missing_prices_log(failed, FIRST, date(2021, 4, 24)), MISSING_PRICES),
    "rate-limited": (rate_limited_log, RATE_LIMITED),
    "no-network": (error_log, DNS_FAILURE_REASON),
}


@pytest.mark.parametrize("case", sorted(LOGS))
def test_yfinance_source_names_yfinance_s_reason_for_a_ticker_with_all_nan_columns(case):
    log, reason = LOGS[case]
    fake = FakeDownload(lambda call: with_log(download_frame(call["tickers"], FIRST, LAST, actions=True, failed=["TNA"]), log(["TNA"])))
    fetched = YFinanceSource(download=fake, wait=no_wait).fetch(SYMBOLS, FIRST, AFTER_THE_CLOSE)
    assert fetched.failed == {"TNA": reason}


@pytest.mark.parametrize("case", sorted(LOGS))
def test_yfinance_source_gives_up_on_a_failed_chunk_with_yfinance_s_reason(case):
    log, reason = LOGS[case]
    fake = FakeDownload(lambda call: with_log(download_frame(call["tickers"], failed=call["tickers"]), log(call["tickers"])))
    with pytest.raises(DownloadError) as raised:
        YFinanceSource(download=fake, attempts=2, wait=no_wait).fetch(SYMBOLS, FIRST, AFTER_THE_CLOSE)
    assert str(raised.value) == f"yfinance returned no prices for {len(SYMBOLS)} symbols after 2 attempts: {reason}"


def test_yfinance_source_takes_a_ticker_s_reason_from_the_summary_line_naming_it():
    errors = {"TNA": repr(ConnectionError("connection reset by peer")), "GLD": "No data found, symbol may be delisted"}
    log = ["\n2 Failed downloads:", "['TNA']: " + errors["TNA"], "['GLD']: " + errors["GLD"]]
    fake = FakeDownload(lambda call: with_log(download_frame(call["tickers"], FIRST, LAST, failed=["TNA", "GLD"]), log))
    fetched = YFinanceSource(download=fake, wait=no_wait).fetch(SYMBOLS, FIRST, AFTER_THE_CLOSE)
    assert fetched.failed == {"TNA": "connection reset by peer", "GLD": "No data found, symbol may be delisted"}


# CsvDirSource, SampleSource, source_from_name


def test_csv_dir_source_reads_the_files_it_has_from_start_and_names_the_rest():
    fetched = CsvDirSource(PRICES).fetch(["IWM", "DIVO", "SPY"], date(2016, 5, 1), AFTER_THE_CLOSE)
    assert fetched.failed == {"SPY": f"{PRICES}: no price file for SPY (SPY.csv or SPY.csv.gz)"}
    assert "DIVO: 4 empty rows skipped" in fetched.notes
    frame = fetched.frame
    assert frame["session"].min() == pd.Timestamp(2016, 5, 2)
    assert frame.groupby("symbol").size().to_dict() == {"DIVO": 20, "IWM": 28}
    # the IWM file holds the very lines the sample was built from
    iwm = frame.loc[frame["symbol"] == "IWM"].reset_index(drop=True)
    pd.testing.assert_frame_equal(iwm, sample_slice(["IWM"], date(2016, 5, 2), date(2016, 6, 9)))
    expected = read_csv_dir(PRICES, ["IWM", "DIVO"])
    expected = expected.loc[expected["session"] >= pd.Timestamp(2016, 5, 1)].reset_index(drop=True)
    pd.testing.assert_frame_equal(frame, expected)


def test_csv_dir_source_drops_a_session_not_closed_yet():
    fetched = CsvDirSource(PRICES).fetch(["IWM"], date(2016, 6, 1), datetime(2016, 6, 9, 12, 0, tzinfo=NY))
    assert fetched.frame["session"].max() == pd.Timestamp(2016, 6, 8)
    assert "dropped 1 rows of a session that has not closed yet" in fetched.notes


def test_sample_source_returns_sample_rows_from_start():
    fetched = SampleSource(ROOT).fetch(["SPY", "IWM", "ARKK"], FIRST, AFTER_THE_CLOSE)
    assert fetched.failed == {"ARKK": "not in the sample"}
    pd.testing.assert_frame_equal(as_tidy(fetched.frame), sample_slice(["SPY", "IWM"], FIRST))


def test_source_from_name_csv_dir(tmp_path):
    source = source_from_name(f"csv:{PRICES}", tmp_path)
    assert isinstance(source, CsvDirSource) and source.directory == PRICES
    assert set(source.fetch(["IWM"], date(2016, 1, 1), AFTER_THE_CLOSE).frame["symbol"]) == {"IWM"}


def test_source_from_name_sample_reads_the_root_it_is_given():
    source = source_from_name("sample", ROOT)
    assert isinstance(source, SampleSource) and source.root == ROOT and source.name == "sample"


def test_source_from_name_yfinance_uses_the_download_it_is_given():
    fake = FakeDownload(recorded)
    source = source_from_name("yfinance", ROOT, download=fake)
    assert isinstance(source, YFinanceSource) and source.download is fake
    source.fetch(["SPY"], FIRST, AFTER_THE_CLOSE)
    assert len(fake.calls) == 1
    default = source_from_name("yfinance", ROOT)
    assert isinstance(default, YFinanceSource) and default.download is sources._yfinance_download


def test_source_from_name_refuses_an_unknown_name():
    with pytest.raises(GeneratorError, match=r"unknown source 'ftp://prices': use yfinance, sample or csv:DIR"):
        source_from_name("ftp://prices", ROOT)


def test_csv_dir_source_sets_a_malformed_file_aside_and_reads_the_rest(tmp_path):
    """A bad file fails its own symbol, with the reason; the others still load."""
    shutil.copy(PRICES / "IWM.csv", tmp_path / "IWM.csv")
    lines = (PRICES / "IWM.csv").read_text(encoding="utf-8").splitlines()
    (tmp_path / "BAD.csv").write_text("\n".join([lines[0], lines[2], lines[1], *lines[3:]]) + "\n", encoding="utf-8")
    fetched = CsvDirSource(tmp_path).fetch(["IWM", "BAD"], date(2016, 1, 1), datetime(2026, 1, 1, tzinfo=UTC))
    assert set(fetched.frame["symbol"]) == {"IWM"}
    assert "not in ascending order" in fetched.failed["BAD"]


def test_csv_dir_source_fails_a_fund_whose_file_has_no_prices_or_a_negative_volume(tmp_path):
    """A header-only file, one of empty rows and one with a negative volume each fail their fund, with the reason; IWM still loads."""
    shutil.copy(PRICES / "IWM.csv", tmp_path / "IWM.csv")
    header, first_row = (PRICES / "IWM.csv").read_text(encoding="utf-8").splitlines()[:2]
    (tmp_path / "HEAD.csv").write_text(header + "\n", encoding="utf-8")
    (tmp_path / "HOLE.csv").write_text(f"{header}\n2021-04-19,,,,,,\n2021-04-20,,,,,,\n", encoding="utf-8")
    (tmp_path / "MINUS.csv").write_text(f"{header}\n{first_row.rsplit(',', 1)[0]},-100\n", encoding="utf-8")
    fetched = CsvDirSource(tmp_path).fetch(["IWM", "HEAD", "HOLE", "MINUS"], date(2016, 1, 1), datetime(2026, 1, 1, tzinfo=UTC))
    assert set(fetched.frame["symbol"]) == {"IWM"}
    assert fetched.failed == {
        "HEAD": f"{tmp_path / 'HEAD.csv'} [HEAD]: no rows",
        "HOLE": f"{tmp_path / 'HOLE.csv'} [HOLE]: no rows with prices (all 2 rows are empty)",
        "MINUS": f"{tmp_path / 'MINUS.csv'} [MINUS] on 2016-04-28: volume is negative (-100)",
    }


def test_validate_rows_sets_aside_only_the_symbol_with_a_negative_volume():
    rows = sample_slice(["SPY", "IWM"], FIRST, LAST)
    rows.loc[(rows["symbol"] == "IWM") & (rows["session"] == pd.Timestamp(2021, 4, 21)), "volume"] = -1
    kept, rejected = sources.validate_rows(rows, source="yfinance")
    assert rejected == {"IWM": "yfinance [IWM] on 2021-04-21: volume is negative (-1)"}
    pd.testing.assert_frame_equal(kept, sample_slice(["SPY"], FIRST, LAST))
