"""Publication gates: stale, broken or implausible data stops the week (core funds) or leaves a fund out (the rest).

The table is the sample's last 30 sessions (real prices, up to 2021-04-27) for every core fund and a
few others; each test breaks one thing in it, derived from the real numbers.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner
from yfinance_frames import sample_rows

from generator import gates
from generator.cli import app
from generator.config import CORE_SYMBOLS, DEFAULTS, ROOT
from generator.load import SAMPLE_STORE, read_store, write_store
from generator.universe import FUNDS_FILE, Universe, load_universe

OTHERS = ("TNA", "TZA", "GLD", "AGG", "QQQ", "EEM", "TLT", "SLV")
"""Not core: a problem with one of them leaves it out of the week."""
SYMBOLS = (*CORE_SYMBOLS, *OTHERS)
FRESH = pd.Timestamp("2021-04-27 18:00", tz="America/New_York")
A_WEEK_LATER = pd.Timestamp("2021-05-04 18:00", tz="America/New_York")
LAST = pd.Timestamp(2021, 4, 27)
GATES = DEFAULTS.gates

runner = CliRunner()


def last_sessions(symbols: tuple[str, ...] | None = None, count: int = 30) -> pd.DataFrame:
    rows = sample_rows()
    if symbols is not None:
        rows = rows.loc[rows["symbol"].isin(symbols)]
    first = sorted(rows["session"].unique())[-count]
    return rows.loc[rows["session"] >= first].reset_index(drop=True)


@pytest.fixture(scope="module")
def universe() -> Universe:
    """The funds of data/funds.yaml that the table holds (the gates count staleness against the universe)."""
    funds = load_universe(ROOT / FUNDS_FILE)
    return Universe(funds={symbol: funds[symbol] for symbol in SYMBOLS})


@pytest.fixture
def table() -> pd.DataFrame:
    return last_sessions(SYMBOLS)


def last_row(table: pd.DataFrame, symbol: str) -> pd.Index:
    index = table.index[(table["symbol"] == symbol) & (table["session"] == LAST)]
    assert len(index) == 1
    return index


def jump(table: pd.DataFrame, symbol: str, factor: float) -> pd.DataFrame:
    """The last close (and Adj Close, so their ratio holds) set to the previous close times `factor`: a one-day move of factor - 1."""
    rows = table.loc[table["symbol"] == symbol].sort_values("session")
    previous = rows.iloc[-2]
    table.loc[last_row(table, symbol), ["close", "adj_close"]] = [previous["close"] * factor, previous["adj_close"] * factor]
    return table


def test_every_gate_passes_on_the_sample_after_its_last_close(table, universe):
    report = gates.check(table, universe, FRESH, GATES)
    assert report.expected_session == LAST
    assert report.passed and report.failures == [] and report.excluded == {}
    assert ":white_check_mark: every gate passed" in report.markdown()


def test_a_week_old_store_is_stale(table, universe):
    report = gates.check(table, universe, A_WEEK_LATER, GATES)
    assert not report.passed
    assert report.expected_session == pd.Timestamp(2021, 5, 4)
    assert report.failures[0].startswith("stale data:")
    assert f"{len(SYMBOLS)} of {len(SYMBOLS)} symbols have no close for 2021-05-04" in report.failures[0]
    assert "2021-04-27" in report.failures[0]
    assert len(report.failures) == 1, "a stale store is one line, not one per fund"


def test_before_the_close_the_previous_session_is_expected(table, universe):
    table = table.loc[table["session"] < LAST]
    report = gates.check(table, universe, pd.Timestamp("2021-04-27 15:59", tz="America/New_York"), GATES)
    assert report.expected_session == pd.Timestamp(2021, 4, 26)
    assert report.passed


def test_a_stale_non_core_fund_alone_is_left_out(table, universe):
    table = table.drop(last_row(table, "GLD"))
    report = gates.check(table, universe, FRESH, GATES)
    assert report.passed
    assert list(report.excluded) == ["GLD"]
    assert "no close for 2021-04-27" in report.excluded["GLD"]
    assert "left out: GLD: no close" in report.markdown()


def test_more_stale_funds_than_the_share_allowed_stop_the_run(table, universe):
    stale = OTHERS[: int(GATES.stale_share * len(SYMBOLS)) + 1]
    for symbol in stale:
        table = table.drop(last_row(table, symbol))
    report = gates.check(table, universe, FRESH, GATES)
    assert report.failures and report.failures[0].startswith(f"stale data: {len(stale)} of {len(SYMBOLS)} symbols")


def test_a_stale_core_fund_fails(table, universe):
    report = gates.check(table.drop(last_row(table, "XLE")), universe, FRESH, GATES)
    assert report.failures == ["core symbol XLE: no close for 2021-04-27 (newest 2021-04-26)"]


def test_an_implausible_move_in_a_core_fund_fails(table, universe):
    table.loc[last_row(table, "SPY"), "close"] *= 1.5
    report = gates.check(table, universe, FRESH, GATES)
    assert not report.passed
    assert len(report.failures) == 1
    assert report.failures[0].startswith("core symbol SPY:") and "one-day move" in report.failures[0]
    assert "2021-04-27 is implausible" in report.failures[0]


def test_an_implausible_move_in_an_ordinary_fund_leaves_it_out(table, universe):
    report = gates.check(jump(table, "GLD", 1.5), universe, FRESH, GATES)
    assert report.passed
    assert report.excluded == {"GLD": "one-day move of +50.0% on 2021-04-27 is implausible"}


@pytest.mark.parametrize(("factor", "plausible"), [(1.4, True), (0.6, True), (1.8, False), (0.2, False)])
def test_a_3x_fund_may_move_three_times_as_far(table, universe, factor, plausible):
    assert universe["TNA"].leverage == 3 and universe["TZA"].leverage == -3
    limit = GATES.max_day_move_percent * 3
    assert (abs(factor - 1) * 100 <= limit) is plausible
    for symbol in ("TNA", "TZA"):
        table = jump(table, symbol, factor)
    report = gates.check(table, universe, FRESH, GATES)
    assert report.passed
    if plausible:
        assert report.excluded == {}
    else:
        assert set(report.excluded) == {"TNA", "TZA"}
        assert all("one-day move" in reason for reason in report.excluded.values())


def test_the_same_move_in_an_unleveraged_fund_is_implausible(table, universe):
    report = gates.check(jump(table, "QQQ", 1.4), universe, FRESH, GATES)
    assert "one-day move of +40.0%" in report.excluded["QQQ"]


@pytest.mark.parametrize(("symbol", "core"), [("XLK", True), ("GLD", False)])
def test_a_close_of_zero(table, universe, symbol, core):
    table.loc[last_row(table, symbol), "close"] = 0.0
    report = gates.check(table, universe, FRESH, GATES)
    if core:
        assert report.failures == [f"core symbol {symbol}: close is zero or negative on 2021-04-27"]
    else:
        assert report.passed and "zero or negative" in report.excluded[symbol]


@pytest.mark.parametrize(("symbol", "core"), [("IWM", True), ("AGG", False)])
def test_an_adj_close_ratio_jump_is_more_than_a_dividend(table, universe, symbol, core):
    table.loc[last_row(table, symbol), "adj_close"] *= 1.10
    report = gates.check(table, universe, FRESH, GATES)
    if core:
        assert len(report.failures) == 1 and report.failures[0].startswith(f"core symbol {symbol}: Adj Close / Close ratio jumped")
    else:
        assert report.passed
        assert "Adj Close / Close ratio jumped +10.0%" in report.excluded[symbol]
        assert "more than a dividend" in report.excluded[symbol]


def test_a_bad_print_weeks_back_is_caught_too(table, universe):
    """Charts and fund pages show the whole history, so the gates check every stored session, not the newest few."""
    sessions = sorted(table["session"].unique())
    old_day = sessions[-25]  # five weeks back
    table.loc[(table["symbol"] == "GLD") & (table["session"] == old_day), "close"] *= 1.5
    reason = gates.check(table, universe, FRESH, GATES).excluded["GLD"]
    assert reason.startswith("one-day move of +4") and reason.endswith(f"on {pd.Timestamp(old_day):%Y-%m-%d} is implausible")


def test_the_whole_sample_passes_every_gate():
    report = gates.check(read_store(ROOT / SAMPLE_STORE), load_universe(ROOT / FUNDS_FILE), FRESH, GATES)
    assert report.passed and report.excluded == {}


def test_stale_data_with_funds_absent_from_the_store_is_one_line(table, universe):
    absent = ["GLD", "SLV", "TLT", "AGG", "QQQ", "EEM", "TNA"]
    report = gates.check(table.loc[~table["symbol"].isin(absent)], universe, FRESH, GATES)
    assert report.failures[0].startswith(f"stale data: {len(absent)} of {len(universe.symbols())} symbols have no close for 2021-04-27")
    assert report.failures[0].endswith(f"({len(absent)} not in the store at all)")


def test_a_core_fund_missing_from_the_store_fails(table, universe):
    report = gates.check(table.loc[table["symbol"] != "XLU"], universe, FRESH, GATES)
    assert report.failures == ["core symbol XLU: not in the price store"]


def test_the_markdown_report_lists_failures_and_funds_left_out(table, universe):
    table.loc[last_row(table, "SPY"), "close"] *= 1.5
    table = table.drop(last_row(table, "SLV"))
    markdown = gates.check(table, universe, FRESH, GATES).markdown()
    assert markdown.startswith("## Publication gates for 2021-04-27\n")
    assert "- :x: core symbol SPY: one-day move" in markdown
    assert "- left out: SLV: no close for 2021-04-27" in markdown


# the `gates` command


@pytest.fixture
def store(tmp_path: Path) -> Path:
    """Every fund of the universe, the sample's last 30 sessions, in a price store."""
    path = tmp_path / "prices.parquet"
    write_store(last_sessions(), path)
    return path


def test_gates_command_exits_3_on_a_stale_store_and_writes_the_job_summary(store, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = runner.invoke(app, ["gates", "--store", str(store), "--now", "2021-05-04T18:00:00"])
    assert result.exit_code == 3, result.output
    assert "gate failed: stale data" in result.output
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## Publication gates for 2021-05-04")
    assert "- :x: stale data:" in text


def test_gates_command_exits_0_on_a_fresh_store(store, tmp_path, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    result = runner.invoke(app, ["gates", "--store", str(store), "--now", "2021-04-27T18:00:00"])
    assert result.exit_code == 0, result.output
    assert "every gate passed for 2021-04-27; 0 funds left out" in result.output
    assert ":white_check_mark: every gate passed" in summary.read_text(encoding="utf-8")


def test_gates_command_reads_a_naive_now_as_new_york_time(store, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    result = runner.invoke(app, ["gates", "--store", str(store), "--now", "2021-04-28T15:00:00"])
    assert result.exit_code == 0, result.output  # 3 pm in New York: 2021-04-28 has not closed yet
    result = runner.invoke(app, ["gates", "--store", str(store), "--now", "2021-04-28T16:30:00"])
    assert result.exit_code == 3 and "stale data" in result.output


def test_gates_command_on_a_missing_store_is_one_line_and_exit_2(tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    result = runner.invoke(app, ["gates", "--store", str(tmp_path / "none.parquet"), "--now", "2021-04-27T18:00:00"])
    assert result.exit_code == 2
    assert "price store not found" in result.output
