"""The load stage on real yfinance CSVs (tests/fixtures/prices) and variants broken from their lines."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest

from generator import load
from generator.errors import MissingDataError, PriceDataError

PRICES = Path(__file__).parent / "fixtures" / "prices"
IWM_LINES = (PRICES / "IWM.csv").read_text().splitlines(keepends=True)
"""Header, then 30 sessions from 2016-04-28; line 4 (index 3) is 2016-05-02, line 5 is 2016-05-03."""


def write_iwm(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "IWM.csv"
    path.write_text("".join(lines))
    return path


def with_field(line: str, index: int, value: str) -> str:
    fields = line.split(",")
    fields[index] = value
    return ",".join(fields)


def test_read_yfinance_csv_reads_every_row_as_tidy_typed_midnight_sessions():
    frame = load.read_yfinance_csv(PRICES / "IWM.csv")
    assert len(frame) == 30
    assert list(frame.columns) == load.TIDY_COLUMNS
    assert (frame["symbol"] == "IWM").all()
    assert frame["session"].iloc[0] == pd.Timestamp("2016-04-28")
    assert frame["session"].iloc[-1] == pd.Timestamp("2016-06-09")
    assert frame["session"].dt.tz is None
    assert (frame["session"] == frame["session"].dt.normalize()).all()
    assert frame["session"].dtype == "datetime64[ns]"
    assert pd.api.types.is_string_dtype(frame["symbol"])
    assert all(frame[column].dtype == "float64" for column in load.PRICE_FIELDS)
    assert frame["volume"].dtype == "int64"
    assert frame["close"].iloc[0] == 113.5  # the file's exact first close


def test_read_yfinance_csv_drops_and_counts_empty_rows_of_a_fund_not_yet_listed():
    report = load.LoadReport()
    frame = load.read_yfinance_csv(PRICES / "DIVO.csv", report)
    assert len(frame) == 20
    assert frame["session"].iloc[0] == pd.Timestamp("2016-12-15")  # the first row with prices
    assert frame["volume"].dtype == "int64"  # written as 24500.0 in the file
    assert report.empty_rows == {"DIVO": 4}
    assert report.lines() == ["DIVO: 4 empty rows skipped"]


def test_read_csv_dir_concatenates_every_file_and_accumulates_the_report():
    report = load.LoadReport()
    frame = load.read_csv_dir(PRICES, report=report)
    assert frame.groupby("symbol").size().to_dict() == {"DIVO": 20, "IWM": 30}
    assert report.empty_rows == {"DIVO": 4}


MALFORMED = {
    "unsorted": ([*IWM_LINES[:3], IWM_LINES[4], IWM_LINES[3], *IWM_LINES[5:]], "not in ascending order"),
    "duplicated": ([*IWM_LINES[:4], IWM_LINES[3], *IWM_LINES[4:]], "appears twice"),
    "zero_close": ([*IWM_LINES[:3], with_field(IWM_LINES[3], 4, "0"), *IWM_LINES[4:]], "zero or negative"),
    "price_missing": ([*IWM_LINES[:3], with_field(IWM_LINES[3], 2, ""), *IWM_LINES[4:]], "some prices missing"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_read_yfinance_csv_rejects_bad_rows_naming_symbol_and_date(tmp_path, case):
    lines, words = MALFORMED[case]
    with pytest.raises(PriceDataError, match=words) as raised:
        load.read_yfinance_csv(write_iwm(tmp_path, lines))
    assert "[IWM] on 2016-05-02" in str(raised.value)
    assert raised.value.symbol == "IWM"


def test_read_yfinance_csv_rejects_a_wrong_header_naming_file_and_symbol(tmp_path):
    path = write_iwm(tmp_path, [IWM_LINES[0].replace("Adj Close", "Adj_Close"), *IWM_LINES[1:]])
    with pytest.raises(PriceDataError, match="expected columns") as raised:
        load.read_yfinance_csv(path)
    assert str(raised.value).startswith(f"{path} [IWM]")


def test_read_yfinance_csv_rejects_an_unreadable_date_naming_file_and_line(tmp_path):
    path = write_iwm(tmp_path, [*IWM_LINES[:5], IWM_LINES[5].replace("2016-05-04", "2016-02-30"), *IWM_LINES[6:]])
    with pytest.raises(PriceDataError, match="unreadable date '2016-02-30 00:00:00'") as raised:
        load.read_yfinance_csv(path)
    assert str(raised.value).startswith(f"{path}:6 [IWM]")


def test_validate_makes_a_tz_aware_session_column_naive_midnight():
    naive = load.read_yfinance_csv(PRICES / "IWM.csv")
    aware = naive.assign(session=naive["session"].dt.tz_localize("America/New_York"))
    pd.testing.assert_frame_equal(load.validate(aware, source="test"), naive)


def test_write_store_then_read_store_round_trips_the_table(tmp_path):
    table = load.read_csv_dir(PRICES)
    store = tmp_path / "store" / "prices.parquet"
    load.write_store(table, store)
    pd.testing.assert_frame_equal(load.read_store(store), table)
    assert list(store.parent.iterdir()) == [store]  # no temporary file left


def test_write_store_failing_midway_leaves_the_previous_store_untouched(tmp_path, monkeypatch):
    store = tmp_path / "prices.parquet"
    load.write_store(load.read_yfinance_csv(PRICES / "IWM.csv"), store)
    before = store.read_bytes()

    def broken_to_parquet(self, stream, **kwargs):
        stream.write(b"PAR1 half a file")
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken_to_parquet)
    with pytest.raises(OSError, match="disk full"):
        load.write_store(load.read_csv_dir(PRICES), store)
    assert store.read_bytes() == before
    assert list(tmp_path.iterdir()) == [store]


def test_read_store_without_a_file_raises_missing_data(tmp_path):
    with pytest.raises(MissingDataError, match="price store not found"):
        load.read_store(tmp_path / "prices.parquet")


@pytest.fixture(scope="module")
def prices() -> load.Prices:
    """IWM from 2016-04-28 to 2016-06-09 and DIVO from 2016-12-15 to 2017-01-13, side by side."""
    return load.Prices.from_tidy(load.read_csv_dir(PRICES))


def test_prices_from_tidy_is_wide_with_nan_where_a_fund_has_no_price(prices):
    assert list(prices.close.columns) == ["DIVO", "IWM"]
    assert prices.close.loc["2016-04-28", "IWM"] == 113.5
    assert pd.isna(prices.close.loc["2016-04-28", "DIVO"])
    assert prices.sessions.is_monotonic_increasing


def test_prices_require_accepts_a_session_every_fund_has(prices):
    prices.require(["IWM"], pd.Timestamp("2016-05-02"))


@pytest.mark.parametrize(
    ("symbols", "day", "words"),
    [
        (["IWM", "QQQ"], "2016-05-02", "no prices for QQQ"),
        (["IWM"], "2016-04-27", "2016-04-27 is outside the price data"),
        (["IWM"], "2017-01-17", "2017-01-17 is outside the price data"),
        (["IWM"], "2016-04-30", "2016-04-30 is not a session"),  # a Saturday
        (["IWM", "DIVO"], "2016-05-02", "no close on 2016-05-02 for DIVO"),  # before DIVO listed
    ],
)
def test_prices_require_names_what_is_missing(prices, symbols, day, words):
    with pytest.raises(MissingDataError, match=words):
        prices.require(symbols, pd.Timestamp(day))


def test_read_csv_dir_names_a_symbol_without_a_file():
    with pytest.raises(MissingDataError, match=r"no price file for QQQ \(QQQ.csv or QQQ.csv.gz\)"):
        load.read_csv_dir(PRICES, ["IWM", "QQQ"])


def test_read_csv_dir_of_a_missing_folder_raises_missing_data(tmp_path):
    with pytest.raises(MissingDataError, match="no such folder"):
        load.read_csv_dir(tmp_path / "nowhere")


def test_read_csv_dir_reads_gzipped_files_when_listing_the_folder(tmp_path):
    (tmp_path / "IWM.csv.gz").write_bytes(gzip.compress((PRICES / "IWM.csv").read_bytes()))
    assert load.read_csv_dir(tmp_path)["symbol"].unique().tolist() == ["IWM"]


def test_read_csv_dir_finds_a_gzipped_file_for_a_requested_symbol(tmp_path):
    (tmp_path / "IWM.csv.gz").write_bytes(gzip.compress((PRICES / "IWM.csv").read_bytes()))
    assert len(load.read_csv_dir(tmp_path, ["IWM"])) == 30


@pytest.mark.parametrize(
    ("lines", "words"),
    [
        ([IWM_LINES[0]], "no rows"),
        ([IWM_LINES[0], "2016-04-28,,,,,,\n", "2016-04-29,,,,,,\n"], "no rows with prices (all 2 rows are empty)"),
    ],
    ids=["header-only", "empty-rows"],
)
def test_read_yfinance_csv_without_a_row_of_prices_fails_naming_the_file(tmp_path, lines, words):
    path = write_iwm(tmp_path, lines)
    with pytest.raises(PriceDataError) as raised:
        load.read_yfinance_csv(path)
    assert str(raised.value) == f"{path} [IWM]: {words}"


def test_read_yfinance_csv_rejects_a_negative_volume_naming_symbol_and_date(tmp_path):
    path = write_iwm(tmp_path, [*IWM_LINES[:3], with_field(IWM_LINES[3], 6, "-5\n"), *IWM_LINES[4:]])
    with pytest.raises(PriceDataError) as raised:
        load.read_yfinance_csv(path)
    assert str(raised.value) == f"{path} [IWM] on 2016-05-02: volume is negative (-5)"


def test_validate_accepts_a_volume_of_zero():
    frame = load.read_yfinance_csv(PRICES / "IWM.csv").assign(volume=0)
    assert (load.validate(frame, source="test")["volume"] == 0).all()


def _truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def _zero_bytes(path: Path) -> None:
    path.write_bytes(b"")


def _csv_text(path: Path) -> None:
    path.write_text("".join(IWM_LINES))


def _corrupt_pages(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[8:-100] = bytes(len(data) - 108)
    path.write_bytes(bytes(data))


def _without_adj_close(path: Path) -> None:
    pd.read_parquet(path).drop(columns="adj_close").to_parquet(path)


def _sessions_as_text(path: Path) -> None:
    frame = pd.read_parquet(path)
    frame.assign(session=frame["session"].dt.strftime("%Y-%m-%d")).to_parquet(path)


BROKEN_STORES = {
    "truncated": (_truncated, "not a readable price store (Parquet magic bytes not found in footer"),
    "zero-bytes": (_zero_bytes, "not a readable price store (Parquet file size is 0 bytes)"),
    "not-parquet": (_csv_text, "not a readable price store (Parquet magic bytes not found in footer"),
    "corrupt-pages": (_corrupt_pages, "not a readable price store ("),
    "no-adj-close": (_without_adj_close, "not a price store: no column adj_close"),
    "sessions-as-text": (_sessions_as_text, "not a price store: column session holds"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_STORES))
def test_read_store_of_a_file_that_is_not_a_store_fails_in_one_line_naming_it(tmp_path, case):
    breaks, words = BROKEN_STORES[case]
    store = tmp_path / "prices.parquet"
    load.write_store(load.read_csv_dir(PRICES), store)
    breaks(store)
    with pytest.raises(PriceDataError) as raised:
        load.read_store(store)
    message = str(raised.value)
    assert message.startswith(f"{store}: {words}")
    assert "\n" not in message and str(store) not in message[len(str(store)) :]  # pyarrow's own copy of the path is dropped


def test_the_store_is_written_readable_by_all(tmp_path):
    store = tmp_path / "prices.parquet"
    load.write_store(load.read_csv_dir(PRICES), store)
    assert store.stat().st_mode & 0o777 == 0o644
