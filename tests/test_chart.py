"""Charts: valid Vega-Lite (validation is on here, off in production), tidy data, descriptions from facts."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from generator import chart
from generator.pipeline import Dataset, story_charts, week_facts, window_for


def test_story_charts_validate_against_the_vega_lite_schema(sample: Dataset) -> None:
    week = week_facts(sample, window_for(sample, date(2018, 10, 26), "calendar"))
    for name in ("small-caps", "sectors"):
        bars, trend = story_charts(sample, week, name, validate=True)
        assert bars.spec["mark"]["type"] == "bar" and trend.spec["mark"]["type"] == "line"
        assert "background" not in bars.spec and "color" not in json.dumps(bars.spec["config"]), "the site's script picks the theme"
        assert bars.spec["description"] == bars.description and trend.spec["description"] == trend.description


def test_chart_data_is_a_row_per_fund_or_session_and_descriptions_state_the_facts(sample: Dataset) -> None:
    """A price chart's data file is a row per session, a column per series (what a reader's spreadsheet expects); its
    spec folds the series into one line each."""
    week = week_facts(sample, window_for(sample, date(2018, 10, 26), "calendar"))
    bars, trend = story_charts(sample, week, "small-caps")
    assert list(bars.data.columns) == ["symbol", "fund", "change"]
    assert list(trend.data.columns) == ["date", "Close", "50-day average", "200-day average"]
    assert trend.spec["transform"][0] == {"fold": ["Close", "50-day average", "200-day average"], "as": ["series", "price"]}
    assert trend.data["date"].is_unique
    iwm = week.funds["IWM"]
    assert f"closing at ${iwm.close:,.2f}" in trend.description
    assert pd.Timestamp(trend.data["date"].max()) == pd.Timestamp("2018-10-26")


def test_trend_chart_leaves_out_averages_the_history_cannot_support(sample: Dataset) -> None:
    """VB has no back-history: three weeks into the sample it has neither average."""
    trend = chart.price_trend(sample.story_panel, "VB", pd.Timestamp(2016, 5, 13), sample.universe)
    assert list(trend.data.columns) == ["date", "Close"]
    assert "average" not in trend.description


def test_trend_chart_neither_zooms_on_the_wheel_nor_keeps_its_legend_beside_the_plot(sample: Dataset) -> None:
    """Scrolling the page over a chart scrolls the page; on a phone the legend sits above the plot, not in 40% of its width."""
    week = week_facts(sample, window_for(sample, date(2018, 10, 26), "calendar"))
    _, trend = story_charts(sample, week, "small-caps", validate=True)
    assert "params" not in trend.spec, "no zoom or pan bound to the wheel"
    assert trend.spec["config"]["legend"]["orient"] == "top"
    assert min(trend.spec["config"]["axis"][key] for key in ("labelFontSize", "titleFontSize")) >= 12


def test_tables_list_what_the_charts_show(sample: Dataset) -> None:
    """The weekly-change table lists every fund; the price table the last session of each month, ending at the week's close."""
    week = week_facts(sample, window_for(sample, date(2018, 10, 26), "calendar"))
    bars, trend = story_charts(sample, week, "small-caps")
    assert bars.table.columns == ("Symbol", "Fund", "Change (%)")
    assert [row[0] for row in bars.table.rows] == list(bars.data["symbol"])
    iwm = next(row for row in bars.table.rows if row[0] == "IWM")
    assert iwm[2] == f"{week.funds['IWM'].week.value * 100:+.2f}"
    assert trend.table.columns == ("Date", "Close", "50-day average", "200-day average")
    dates = [row[0] for row in trend.table.rows]
    assert dates[-3:] == ["2018-08-31", "2018-09-28", "2018-10-26"]
    assert len(dates) == 13
    assert trend.table.rows[-1][1] == f"{week.funds['IWM'].close:.2f}"
