"""Chart stage: Altair specs built from facts and tidy, pre-aggregated frames.

Specs carry no background or text colours of their own: the site's script picks the light or
dark theme when it embeds them, so one spec serves both palettes. Validation against the
Vega-Lite schema is on in tests and off in production (it costs more than building the spec).
"""

from __future__ import annotations

import copy
import functools
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import pandas as pd

from .compute import Panel
from .facts import FundFacts
from .universe import Universe
from .write import write_atomic

UP_COLOUR = "#1a9850"
DOWN_COLOUR = "#d73027"
LINE_COLOURS = ["#4c78a8", "#f58518", "#b279a2"]
TREND_SESSIONS = 260
"""How far back the price-and-averages chart reaches: about a year of sessions."""


@dataclass(frozen=True)
class Chart:
    """One chart: its name in the week's folder, the spec, the data behind it, and what it shows in words."""

    name: str
    spec: dict[str, Any]
    data: pd.DataFrame
    description: str


def _spec(chart: alt.TopLevelMixin, validate: bool) -> dict[str, Any]:
    spec = chart.to_dict(validate=validate)
    spec.pop("config", None)
    return spec


def _filled(skeleton: dict[str, Any], data: pd.DataFrame, validate: bool, **top: Any) -> dict[str, Any]:
    """A copy of a chart's spec skeleton with this chart's rows inline and its own top-level settings.

    Building a spec with Altair costs about 12 ms; copying a skeleton built once costs well under
    one. With `validate`, the result is checked against the Vega-Lite schema (the tests do this).
    """
    spec = copy.deepcopy(skeleton)
    spec.pop("datasets", None)
    spec["data"] = {"values": data.to_dict(orient="records")}
    spec.update(top)
    if validate:
        alt.Chart.from_dict(spec, validate=True)
    return spec


@functools.lru_cache(maxsize=1)
def _bars_skeleton() -> dict[str, Any]:
    placeholder = pd.DataFrame({"symbol": ["A"], "fund": ["A"], "change": [0.0]})
    chart = (
        alt.Chart(placeholder)
        .mark_bar()
        .encode(
            x=alt.X("change:Q", title="Change over the week (%)"),
            y=alt.Y("symbol:N", sort=["A"], title=None),
            color=alt.condition(alt.datum.change >= 0, alt.value(UP_COLOUR), alt.value(DOWN_COLOUR)),
            tooltip=[
                alt.Tooltip("fund:N", title="Fund"),
                alt.Tooltip("change:Q", title="Week (%)", format="+.1f"),
            ],
        )
        .properties(width="container", height=alt.Step(22), autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    )
    return _spec(chart, validate=False)


def week_bars(funds: dict[str, FundFacts], symbols: list[str], universe: Universe, title: str, validate: bool = False) -> Chart:
    """Weekly change of each fund, one bar each, in the given order."""
    data = pd.DataFrame(
        {
            "symbol": symbols,
            "fund": [universe[s].name for s in symbols],
            "change": [round(funds[s].week.value * 100, 2) for s in symbols],
        }
    )
    skeleton = _bars_skeleton()
    encoding = {**skeleton["encoding"], "y": {**skeleton["encoding"]["y"], "sort": symbols}}
    spec = _filled(skeleton, data, validate, title=title, encoding=encoding)
    first = funds[symbols[0]].week
    ranked = sorted(symbols, key=lambda s: -funds[s].week.value)
    description = (
        f"Bar chart of the change in closing price from {first.start:%B %-d} to {first.end:%B %-d, %Y}: "
        f"{ranked[0]} did best at {funds[ranked[0]].week.value * 100:+.1f}%, "
        f"{ranked[-1]} worst at {funds[ranked[-1]].week.value * 100:+.1f}%."
    )
    return Chart(name="week", spec=spec, data=data, description=description)


def _price_lines(panel: Panel, symbol: str, window: pd.Index) -> tuple[pd.DataFrame, list[str], pd.DataFrame]:
    """Close and its 50- and 200-day averages over `window`, tidy (date, series, price); averages it lacks are left out."""
    wide = pd.DataFrame(
        {
            "Close": panel.close.loc[window, symbol],
            "50-day average": panel.sma_short.loc[window, symbol],
            "200-day average": panel.sma_long.loc[window, symbol],
        }
    )
    wide.index.name = "date"
    data = wide.reset_index().melt("date", var_name="series", value_name="price").dropna()
    data["price"] = data["price"].round(2)
    data["date"] = data["date"].dt.strftime("%Y-%m-%d")
    series = [name for name in wide.columns if name in set(data["series"])]
    return data, series, wide


def _lines(data: pd.DataFrame, series: list[str], title: str) -> alt.Chart:
    return (
        alt.Chart(data, title=title)
        .mark_line(strokeWidth=1.5)
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("price:Q", title="Price ($)", scale=alt.Scale(zero=False)),
            color=alt.Color("series:N", title=None, sort=series, scale=alt.Scale(domain=series, range=LINE_COLOURS[: len(series)])),
            tooltip=[
                alt.Tooltip("date:T", title="Date"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("price:Q", title="Price ($)", format=",.2f"),
            ],
        )
    )


def _averages_sentence(wide: pd.DataFrame) -> str:
    averages = [
        f"the {name.split('-')[0]}-day average at ${value:,.2f}"
        for name, value in ((n, wide[n].iloc[-1]) for n in ("50-day average", "200-day average"))
        if not pd.isna(value)
    ]
    return " with " + " and ".join(averages) if averages else ""


@functools.lru_cache(maxsize=8)
def _trend_skeleton(series: tuple[str, ...]) -> dict[str, Any]:
    placeholder = pd.DataFrame({"date": ["2020-01-01"], "series": [series[0]], "price": [1.0]})
    chart = _lines(placeholder, list(series), "").properties(width="container", height=260).interactive(bind_y=False)
    return _spec(chart, validate=False)


def price_trend(panel: Panel, symbol: str, end: pd.Timestamp, universe: Universe, validate: bool = False) -> Chart:
    """A fund's close with its 50- and 200-day moving averages over the past year."""
    window = panel.close.loc[:end].index[-TREND_SESSIONS:]
    data, series, wide = _price_lines(panel, symbol, window)
    spec = _filled(_trend_skeleton(tuple(series)), data, validate, title=f"{symbol} and its moving averages")
    last = float(panel.close.loc[end, symbol])  # type: ignore[arg-type]
    description = (
        f"Line chart of {universe[symbol].name} ({symbol}) from {pd.Timestamp(window[0]):%B %Y} to {end:%B %-d, %Y}, "
        f"closing at ${last:,.2f}{_averages_sentence(wide)}."
    )
    return Chart(name=f"trend-{symbol.lower().lstrip('^')}", spec=spec, data=data, description=description)


RANGES = {"One year": 365, "Three years": 3 * 365, "All": 100 * 365}
"""The fund page's range selector: label and calendar days back from the newest close."""


def fund_history(panel: Panel, symbol: str, universe: Universe, start: pd.Timestamp, validate: bool = False) -> Chart:
    """A fund's price history from `start` (the price store's first session: page weight) with its averages, and a range
    selector (one year, three years, all)."""
    history = panel.close[symbol].loc[start:].dropna().index
    data, series, wide = _price_lines(panel, symbol, history)
    last_day = pd.Timestamp(history[-1])
    span = alt.param(
        name="span", value=RANGES["All"], bind=alt.binding_select(options=list(RANGES.values()), labels=list(RANGES), name="Range ")
    )
    chart = (
        _lines(data, series, f"{symbol} since {pd.Timestamp(history[0]):%B %Y}")
        .add_params(span)
        .transform_filter(f"time(datum.date) >= {last_day.value // 1_000_000} - span * 86400000")
        .properties(width="container", height=300)
    )
    description = (
        f"Line chart of {universe[symbol].name} ({symbol}) from {pd.Timestamp(history[0]):%B %Y} to {last_day:%B %-d, %Y}, "
        f"closing at ${float(panel.close[symbol].loc[last_day]):,.2f}{_averages_sentence(wide)}."
    )
    return Chart(name="price", spec=_spec(chart, validate), data=data, description=description)


def fund_drawdown(series: pd.Series, symbol: str, universe: Universe, validate: bool = False) -> Chart | None:
    """How far below its 52-week high the fund closed, session by session (compute.drawdowns)."""
    if series.empty:
        return None
    data = pd.DataFrame({"date": pd.DatetimeIndex(series.index).strftime("%Y-%m-%d"), "drawdown": (series * 100).round(2).to_numpy()})
    chart = (
        alt.Chart(data, title=f"{symbol} below its 52-week high")
        .mark_area(line=True, opacity=0.4, color=DOWN_COLOUR)
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("drawdown:Q", title="Below the 52-week high (%)"),
            tooltip=[alt.Tooltip("date:T", title="Date"), alt.Tooltip("drawdown:Q", title="Drawdown (%)", format=".1f")],
        )
        .properties(width="container", height=180)
    )
    worst = pd.DatetimeIndex(series.index)[int(series.to_numpy().argmin())]
    description = (
        f"Area chart of how far {universe[symbol].name} ({symbol}) closed below its 52-week high; "
        f"the deepest was {series.min() * 100:.1f}% on {worst:%B %-d, %Y}."
    )
    return Chart(name="drawdown", spec=_spec(chart, validate), data=data, description=description)


def _svg(spec_json: str) -> str:
    import vl_convert

    return str(vl_convert.vegalite_to_svg(json.loads(spec_json)))


def render_svgs(specs: list[dict[str, Any]], cache: Path) -> list[str]:
    """Static SVG of each spec, reusing earlier renders by content hash.

    One at a time: vl-convert already spreads a render over the cores (measured: 35 ms a chart
    serially against 39 ms in a pool of two processes), and its engine does not survive a fork.
    """
    cache.mkdir(parents=True, exist_ok=True)
    texts = [json.dumps(spec, sort_keys=True) for spec in specs]
    paths = [cache / f"{hashlib.sha256(text.encode()).hexdigest()[:32]}.svg" for text in texts]
    for path, text in zip(paths, texts, strict=True):
        if not path.exists():
            write_atomic(path, _svg(text).encode("utf-8"))
    return [path.read_text(encoding="utf-8") for path in paths]


def vega_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed in one script, from the vl-convert package: no CDN needed."""
    import vl_convert

    return str(vl_convert.javascript_bundle(None))  # type: ignore[arg-type]  # None: the bundle sets window.vegaEmbed
