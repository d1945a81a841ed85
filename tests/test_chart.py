"""Charts: valid Vega-Lite (validation is on here, off in production), tidy data, descriptions from facts."""

from __future__ import annotations

from datetime import date

import pandas as pd

from generator import chart
from generator.pipeline import Dataset, story_charts, week_facts, window_for


def test_story_charts_validate_against_the_vega_lite_schema(sample: Dataset) -> None:
    week = week_facts(sample, window_for(sample, date(2018, 10, 26), "calendar"))
    for name in ("small-caps", "sectors"):
        bars, trend = story_charts(sample, week, name, validate=True)
        assert bars.spec["mark"]["type"] == "bar" and trend.spec["mark"]["type"] == "line"
        assert "background" not in bars.spec and "config" not in bars.spec, "the site's script picks the theme"


def test_chart_data_is_tidy_and_descriptions_state_the_facts(sample: Dataset) -> None:
    week = week_facts(sample, window_for(sample, date(2018, 10, 26), "calendar"))
    bars, trend = story_charts(sample, week, "small-caps")
    assert list(bars.data.columns) == ["symbol", "fund", "change"]
    assert list(trend.data.columns) == ["date", "series", "price"]
    assert set(trend.data["series"]) == {"Close", "50-day average", "200-day average"}
    iwm = week.funds["IWM"]
    assert f"closing at ${iwm.close:,.2f}" in trend.description
    assert pd.Timestamp(trend.data["date"].max()) == pd.Timestamp("2018-10-26")


def test_trend_chart_leaves_out_averages_the_history_cannot_support(sample: Dataset) -> None:
    """VB has no back-history: three weeks into the sample it has neither average."""
    trend = chart.price_trend(sample.panel, "VB", pd.Timestamp(2016, 5, 13), sample.universe)
    assert set(trend.data["series"]) == {"Close"}
    assert "average" not in trend.description
