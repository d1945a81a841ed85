"""Chart stage: Altair specs built from facts and tidy, pre-aggregated frames.

Specs carry no background or text colours of their own: the site's script picks the light or
dark theme when it embeds them, so one spec serves both palettes. Each spec carries its
description (Vega names the drawing with it) and each chart a table of the figures it shows,
which screen readers and readers without JavaScript get in place of the drawing. Validation
against the Vega-Lite schema is on in tests and off in production (it costs more than building
the spec).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import importlib.metadata
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from .compute import Panel
from .facts import FundFacts
from .universe import UNKNOWN, Universe
from .write import write_cached

UP_COLOUR = "#1a9850"
DOWN_COLOUR = "#d73027"
LINE_COLOURS = ["#4c78a8", "#f58518", "#b279a2"]
TREND_SESSIONS = 260
"""How far back the price-and-averages chart reaches: about a year of sessions."""
TREND_HEIGHT, HISTORY_HEIGHT, DRAWDOWN_HEIGHT = 260, 300, 180
"""Plot heights in pixels: an article's price chart, a fund page's price history and its drawdown chart."""
LEGIBLE = {
    "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelOverlap": "greedy", "labelSeparation": 8, "labelPadding": 4},
    "legend": {"orient": "top", "direction": "horizontal", "labelFontSize": 12, "symbolSize": 80, "columnPadding": 12},
    "title": {"fontSize": 14, "anchor": "start"},
}
"""Type sizes and a legend above the plot: legible on a 390-pixel phone, where a legend at the side took 40% of the width."""


BAR_STEP = 22
"""Pixels per bar of the weekly-change chart."""
FRAME = {"bars": 71, "lines": 86, "history": 111, "drawdown": 62}
"""Pixels a drawing takes beyond its plot (title, axes, legend, the range selector), as Chromium draws it: with the plot's
height, the room the page keeps for the chart before it is drawn, so that drawing it moves nothing on the page."""


@dataclass(frozen=True)
class Table:
    """The figures a chart shows, as text: a caption, the column heads and the rows (the first column names the row)."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    """One chart: its name in the week's folder, the spec, the data behind it, what it shows in words, its table, and
    the height of its drawing in pixels."""

    name: str
    spec: dict[str, Any]
    data: pd.DataFrame
    description: str
    table: Table
    height: int

    def renamed(self, name: str) -> Chart:
        """The chart under another file name, its spec drawing the CSV of that name (a week's folder holds every story's
        charts side by side)."""
        return dataclasses.replace(self, name=name, spec={**self.spec, "data": {**self.spec["data"], "url": f"{name}.csv"}})

    @property
    def css_height(self) -> str:
        """The height as the page's style sheet takes it: layout, not a figure for the reader."""
        return f"{self.height}px"


def _spec(chart: alt.TopLevelMixin) -> dict[str, Any]:
    """A skeleton's spec: built once, unvalidated (`_filled` validates each chart built from it)."""
    spec = chart.to_dict(validate=False)
    spec["config"] = LEGIBLE
    return spec


def _month_ends(dates: pd.Series) -> pd.Series:
    """Which rows close a calendar month in the data, and the newest row: the sessions a chart's table lists."""
    months = pd.to_datetime(dates).dt.to_period("M")
    last = months.ne(months.shift(-1))
    last.iloc[-1] = True
    return last


def _price_table(wide: pd.DataFrame) -> Table:
    """The month-end rows of a price chart's series (`_price_lines`' wide frame), to the cent as its CSV prints them."""
    sessions = pd.Series(wide.index, index=wide.index)
    month_ends = wide[_month_ends(sessions).to_numpy()].round(2)
    rows = tuple(
        (f"{day:%Y-%m-%d}", *("" if np.isnan(value) else f"{value:.2f}" for value in values))
        for day, values in zip(month_ends.index, month_ends.to_numpy(), strict=True)
    )
    return Table(
        caption="Closing prices in dollars at the last session of each month", columns=("Date", *map(str, wide.columns)), rows=rows
    )


def _made(
    name: str,
    skeleton: dict[str, Any],
    data: pd.DataFrame,
    description: str,
    table: Table,
    height: int,
    validate: bool,
    **top: Any,
) -> Chart:
    """A chart whose spec is a copy of `skeleton` that draws the chart's CSV (`name`.csv, beside the spec), with its own
    top-level settings and its description. Columns the spec folds into one field are read as numbers (an empty cell is
    no figure): Vega-Lite parses only the fields it plots directly.

    The figures live once, in the CSV the page links to: a fund page's charts hold thousands of rows, which inline
    they would cost as much again to write, to fetch and to check. Building a spec with Altair costs about 12 ms;
    copying a skeleton built once costs well under one. With `validate`, the spec is checked against the Vega-Lite
    schema (the tests do this).
    """
    spec = copy.deepcopy(skeleton)
    spec.pop("datasets", None)
    spec.update(description=description, **top)
    folded = [field for step in spec.get("transform", []) for field in step.get("fold", [])]
    spec["data"] = {"url": f"{name}.csv", "format": {"type": "csv", **({"parse": dict.fromkeys(folded, "number")} if folded else {})}}
    if validate:
        alt.Chart.from_dict(spec, validate=True)
    return Chart(name=name, spec=spec, data=data, description=description, table=table, height=height)


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
        .properties(width="container", height=alt.Step(BAR_STEP), autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    )
    return _spec(chart)


def week_bars(funds: dict[str, FundFacts], symbols: list[str], universe: Universe, title: str, validate: bool = False) -> Chart:
    """Weekly change of each fund, one bar each, in the given order."""
    data = pd.DataFrame(
        {
            "symbol": symbols,
            "fund": [universe[s].name or UNKNOWN for s in symbols],
            "change": [round(funds[s].week.value * 100, 2) for s in symbols],
        }
    )
    skeleton = _bars_skeleton()
    encoding = {**skeleton["encoding"], "y": {**skeleton["encoding"]["y"], "sort": symbols}}
    first = funds[symbols[0]].week
    ranked = sorted(symbols, key=lambda s: -funds[s].week.value)
    description = (
        f"Bar chart of the change in closing price from {first.start:%B %-d} to {first.end:%B %-d, %Y}: "
        f"{ranked[0]} did best at {funds[ranked[0]].week.value * 100:+.1f}%, "
        f"{ranked[-1]} worst at {funds[ranked[-1]].week.value * 100:+.1f}%."
    )
    table = Table(
        caption="Change in closing price over the week",
        columns=("Symbol", "Fund", "Change (%)"),
        rows=tuple((str(row.symbol), str(row.fund), f"{row.change:+.2f}") for row in data.itertuples()),
    )
    height = BAR_STEP * len(symbols) + FRAME["bars"]
    return _made("week", skeleton, data, description, table, height, validate, title=title, encoding=encoding)


def _price_lines(panel: Panel, symbol: str, window: pd.Index) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Close and its 50- and 200-day averages over `window`: the chart's data file (a row per session, its date and each
    series to the cent, empty where a series has no figure yet) and the same unrounded (sessions down, series across:
    the description's). Averages the fund lacks over the whole window are left out, and so are sessions with none of
    the three."""
    wide = pd.DataFrame(
        {
            "Close": panel.close.loc[window, symbol],
            "50-day average": panel.sma_short.loc[window, symbol],
            "200-day average": panel.sma_long.loc[window, symbol],
        }
    )
    wide = wide.loc[wide.notna().any(axis=1), wide.notna().any(axis=0)]
    data = wide.round(2).reset_index(drop=True)
    data.insert(0, "date", pd.DatetimeIndex(wide.index).strftime("%Y-%m-%d").to_numpy(dtype=object))
    return data, wide


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
        for name, value in ((n, wide[n].iloc[-1]) for n in ("50-day average", "200-day average") if n in wide)
        if not pd.isna(value)
    ]
    return " with " + " and ".join(averages) if averages else ""


@functools.lru_cache(maxsize=8)
def _lines_skeleton(series: tuple[str, ...], height: int, ranged: bool = False) -> dict[str, Any]:
    """The price-and-averages spec without its rows, which it reads a session a row and folds into one line per series;
    `ranged` adds the fund page's range selector (`span`, in days)."""
    placeholder = pd.DataFrame({"date": ["2020-01-01"], **{name: [1.0] for name in series}})
    chart = _lines(placeholder, list(series), "").transform_fold(list(series), as_=["series", "price"])
    chart = chart.properties(width="container", height=height)
    if ranged:
        labels = list(RANGES)
        chart = chart.add_params(
            alt.param(
                name="span", value=RANGES["All"], bind=alt.binding_select(options=list(RANGES.values()), labels=labels, name="Range ")
            )
        )
    return _spec(chart)


def price_trend(panel: Panel, symbol: str, end: pd.Timestamp, universe: Universe, validate: bool = False) -> Chart:
    """A fund's close with its 50- and 200-day moving averages over the past year."""
    window = panel.close.loc[:end].index[-TREND_SESSIONS:]
    data, wide = _price_lines(panel, symbol, window)
    last = float(panel.close.loc[end, symbol])  # type: ignore[arg-type]
    description = (
        f"Line chart of {universe[symbol].labelled} from {pd.Timestamp(window[0]):%B %Y} to {end:%B %-d, %Y}, "
        f"closing at ${last:,.2f}{_averages_sentence(wide)}."
    )
    return _made(
        f"trend-{symbol.lower().lstrip('^')}",
        _lines_skeleton(tuple(wide.columns), TREND_HEIGHT),
        data,
        description,
        _price_table(wide),
        TREND_HEIGHT + FRAME["lines"],
        validate,
        title=f"{symbol} and its moving averages",
    )


RANGES = {"One year": 365, "Three years": 3 * 365, "All": 100 * 365}
"""The fund page's range selector: label and calendar days back from the newest close."""


def fund_history(panel: Panel, symbol: str, universe: Universe, start: pd.Timestamp, validate: bool = False) -> Chart:
    """A fund's price history from `start` (the price store's first session: page weight) with its averages, and a range
    selector (one year, three years, all)."""
    history = panel.close[symbol].loc[start:].dropna().index
    data, wide = _price_lines(panel, symbol, history)
    last_day = pd.Timestamp(history[-1])
    description = (
        f"Line chart of {universe[symbol].labelled} from {pd.Timestamp(history[0]):%B %Y} to {last_day:%B %-d, %Y}, "
        f"closing at ${float(panel.close[symbol].loc[last_day]):,.2f}{_averages_sentence(wide)}."
    )
    skeleton = _lines_skeleton(tuple(wide.columns), HISTORY_HEIGHT, ranged=True)
    return _made(
        "price",
        skeleton,
        data,
        description,
        _price_table(wide),
        HISTORY_HEIGHT + FRAME["history"],
        validate,
        title=f"{symbol} and its moving averages",  # true whichever range the reader picks
        transform=[*skeleton["transform"], {"filter": f"time(datum.date) >= {last_day.value // 1_000_000} - span * 86400000"}],
    )


def fund_drawdown(series: pd.Series, symbol: str, universe: Universe, validate: bool = False) -> Chart | None:
    """How far below its 52-week high the fund closed, session by session (compute.drawdowns)."""
    if series.empty:
        return None
    data = pd.DataFrame({"date": pd.DatetimeIndex(series.index).strftime("%Y-%m-%d"), "drawdown": (series * 100).round(2).to_numpy()})
    worst = pd.DatetimeIndex(series.index)[int(series.to_numpy().argmin())]
    description = (
        f"Area chart of how far {universe[symbol].labelled} closed below its 52-week high; "
        f"the deepest was {series.min() * 100:.1f}% on {worst:%B %-d, %Y}."
    )
    month_ends = data[_month_ends(data["date"]).to_numpy()]
    table = Table(
        caption="How far below its 52-week high the fund closed at the last session of each month",
        columns=("Date", "Below the high (%)"),
        rows=tuple((str(row.date), f"{row.drawdown:.2f}") for row in month_ends.itertuples()),
    )
    height = DRAWDOWN_HEIGHT + FRAME["drawdown"]
    return _made("drawdown", _drawdown_skeleton(), data, description, table, height, validate, title=f"{symbol} below its 52-week high")


@functools.lru_cache(maxsize=1)
def _drawdown_skeleton() -> dict[str, Any]:
    placeholder = pd.DataFrame({"date": ["2020-01-01"], "drawdown": [0.0]})
    chart = (
        alt.Chart(placeholder, title="")
        .mark_area(line=alt.OverlayMarkDef(color=DOWN_COLOUR), opacity=0.4, color=DOWN_COLOUR)
        .encode(
            x=alt.X("date:T", title=None),
            y=alt.Y("drawdown:Q", title="Below the 52-week high (%)"),
            tooltip=[alt.Tooltip("date:T", title="Date"), alt.Tooltip("drawdown:Q", title="Drawdown (%)", format=".1f")],
        )
        .properties(width="container", height=DRAWDOWN_HEIGHT)
    )
    return _spec(chart)


class VegaBundle:
    """Vega, Vega-Lite and Vega-Embed in one script, from the vl-convert package: no CDN needed.

    Bundling takes two seconds of one core, so a child process starts on it when this object is made, while the
    generator loads and checks the prices on the other core; `text` waits for it. The script is kept in `cache`,
    under the package's version, and a kept one needs no child. Should the child fail, `text` bundles in this
    process, where the error shows; the text is read once.
    """

    DRAW = "import sys, vl_convert; sys.stdout.buffer.write(str(vl_convert.javascript_bundle(None)).encode('utf-8'))"
    """The child's program (None: the bundle sets window.vegaEmbed)."""

    def __init__(self, cache: Path | None = None) -> None:
        version = importlib.metadata.version("vl-convert-python")
        self.kept = None if cache is None else cache / f"vega-bundle-{version}.js"
        drawn = self.kept is not None and self.kept.exists()
        self._child = None if drawn else subprocess.Popen([sys.executable, "-c", self.DRAW], stdout=subprocess.PIPE)

    @functools.cached_property
    def text(self) -> str:
        drawn = b""
        if self._child is None and self.kept is not None:  # kept by an earlier run
            with contextlib.suppress(OSError):
                return self.kept.read_text(encoding="utf-8")
        elif self._child is not None:
            output, _ = self._child.communicate()
            drawn = output if self._child.returncode == 0 else b""
        if not drawn:
            import vl_convert

            drawn = str(vl_convert.javascript_bundle(None)).encode("utf-8")  # type: ignore[arg-type]
        if self.kept is not None:
            write_cached(self.kept, drawn)
        return drawn.decode("utf-8")
