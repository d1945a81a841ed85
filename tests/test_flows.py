"""Fund flows: from dated shares-outstanding snapshots or an editor's figure, into the article with their dates."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from generator.flows import Flow, FlowsError, latest_assets, read_editor_flows, read_snapshots, record_snapshots, week_flows
from generator.pipeline import Dataset, render_article, week_facts, window_for
from tests.test_render import writer

CLOSE = pd.DataFrame({"IWM": [150.0, 151.0, 152.0]}, index=pd.to_datetime(["2018-10-19", "2018-10-25", "2018-10-26"]))


def snapshots(*rows: tuple[str, str, float | None, float | None]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["date", "symbol", "shares_outstanding", "total_assets"])
    frame["date"] = pd.to_datetime(frame["date"])
    return frame


def test_flow_is_the_change_in_shares_times_the_close_on_the_later_snapshot() -> None:
    snaps = snapshots(("2018-10-19", "IWM", 300_000_000, 45e9), ("2018-10-25", "IWM", 298_000_000, 44e9))
    flow = week_flows(snaps, [], CLOSE, date(2018, 10, 19), date(2018, 10, 26))["IWM"]
    assert flow.amount == pytest.approx(-2_000_000 * 151.0)  # (298M - 300M) shares x $151 close on 10-25
    assert (flow.start, flow.end) == (date(2018, 10, 19), date(2018, 10, 25))


def test_no_flow_without_a_snapshot_on_each_side_of_the_week_start() -> None:
    only_inside = snapshots(("2018-10-25", "IWM", 298_000_000, None), ("2018-10-26", "IWM", 299_000_000, None))
    assert week_flows(only_inside, [], CLOSE, date(2018, 10, 19), date(2018, 10, 26)) == {}


def test_an_editors_flow_ending_in_the_week_takes_precedence() -> None:
    snaps = snapshots(("2018-10-19", "IWM", 300_000_000, None), ("2018-10-25", "IWM", 298_000_000, None))
    editor = [
        Flow("IWM", -1.9e9, date(2018, 1, 1), date(2018, 10, 24), "the issuer"),
        Flow("IWM", 5e6, date(2018, 1, 1), date(2018, 9, 1), "old"),
    ]
    assert week_flows(snaps, editor, CLOSE, date(2018, 10, 19), date(2018, 10, 26))["IWM"].source == "the issuer"


def test_latest_assets_is_the_newest_snapshot_on_or_before_the_week() -> None:
    snaps = snapshots(("2018-10-19", "IWM", None, 45e9), ("2018-10-25", "IWM", None, 44e9), ("2018-11-02", "IWM", None, 43e9))
    assert latest_assets(snaps, date(2018, 10, 26)) == {"IWM": (44e9, date(2018, 10, 25))}


def test_money_is_written_as_the_desk_writes_it() -> None:
    w = writer()
    assert w.dollars(310e6) == "$310 million"
    assert w.dollars(-2.71e9) == "$2.7 billion"
    assert w.dollars(41.5e9) == "$41.5 billion"
    assert w.dollars(12.46e6) == "$12.5 million"
    assert w.dollars(849_600) == "$850,000"


def test_editor_flows_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "flows.csv"
    path.write_text(
        "symbol,start,end,amount,source\nIWM,2018-01-01,2018-10-24,-1.9e9,issuer\nSPY,2018-01-01,24/10/2018,5e8,x\n", encoding="utf-8"
    )
    with pytest.raises(FlowsError, match=r"flows\.csv:3: "):
        read_editor_flows(path)
    path.write_text("ticker,amount\n", encoding="utf-8")
    with pytest.raises(FlowsError, match=r"flows\.csv:1: expected the header"):
        read_editor_flows(path)


def test_snapshots_are_recorded_once_per_day_and_failures_reported(tmp_path: Path) -> None:
    path = tmp_path / "snapshots.csv"
    quotes = {"IWM": {"sharesOutstanding": 300_000_000, "totalAssets": 45e9}, "TNA": {}}

    def info(symbol: str) -> dict[str, float]:
        if symbol == "SPY":
            raise ConnectionError("Could not resolve host")
        return quotes[symbol]

    recorded, failed = record_snapshots(path, date(2026, 11, 20), ["IWM", "TNA", "SPY"], info)
    assert recorded == 1 and set(failed) == {"TNA", "SPY"} and "resolve host" in failed["SPY"]
    record_snapshots(path, date(2026, 11, 20), ["IWM"], lambda s: {"sharesOutstanding": 301_000_000, "totalAssets": 45e9})
    frame = read_snapshots(path)
    assert len(frame) == 1 and frame.loc[0, "shares_outstanding"] == 301_000_000


def test_the_article_reports_a_flow_with_its_dates_and_source(sample: Dataset) -> None:
    flow = Flow("IWM", -1.9e9, date(2018, 1, 2), date(2018, 10, 24), "the fund's issuer")
    data = dataclasses.replace(sample, editor_flows=[flow])
    text = render_article(data, week_facts(data, window_for(data, date(2018, 10, 26), "calendar")), "small-caps").markdown
    assert "Investors pulled $1.9 billion from IWM between January 2, 2018 and October 24, 2018, according to the fund's issuer." in text
    plain = render_article(sample, week_facts(sample, window_for(sample, date(2018, 10, 26), "calendar")), "small-caps").markdown
    assert "Investors" not in plain
