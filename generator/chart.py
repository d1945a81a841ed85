"""Chart stage: Altair specs built from facts and tidy, pre-aggregated frames.

Specs carry no background or text colours of their own: the site's script picks the light or
dark theme when it embeds them, so one spec serves both palettes. Validation against the
Vega-Lite schema is on in tests and off in production (it costs more than building the spec).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
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


def week_bars(funds: dict[str, FundFacts], symbols: list[str], universe: Universe, title: str, validate: bool = False) -> Chart:
    """Weekly change of each fund, one bar each, in the given order."""
    data = pd.DataFrame(
        {
            "symbol": symbols,
            "fund": [universe[s].name for s in symbols],
            "change": [round(funds[s].week.value * 100, 2) for s in symbols],
        }
    )
    chart = (
        alt.Chart(data, title=title)
        .mark_bar()
        .encode(
            x=alt.X("change:Q", title="Change over the week (%)"),
            y=alt.Y("symbol:N", sort=symbols, title=None),
            color=alt.condition(alt.datum.change >= 0, alt.value(UP_COLOUR), alt.value(DOWN_COLOUR)),
            tooltip=[
                alt.Tooltip("fund:N", title="Fund"),
                alt.Tooltip("change:Q", title="Week (%)", format="+.1f"),
            ],
        )
        .properties(width="container", height=alt.Step(22), autosize=alt.AutoSizeParams(type="fit-x", contains="padding"))
    )
    first = funds[symbols[0]].week
    ranked = sorted(symbols, key=lambda s: -funds[s].week.value)
    description = (
        f"Bar chart of the change in closing price from {first.start:%B %-d} to {first.end:%B %-d, %Y}: "
        f"{ranked[0]} did best at {funds[ranked[0]].week.value * 100:+.1f}%, "
        f"{ranked[-1]} worst at {funds[ranked[-1]].week.value * 100:+.1f}%."
    )
    return Chart(name="week", spec=_spec(chart, validate), data=data, description=description)


def price_trend(panel: Panel, symbol: str, end: pd.Timestamp, universe: Universe, validate: bool = False) -> Chart:
    """A fund's close with its 50- and 200-day moving averages over the past year."""
    window = panel.close.loc[:end].index[-TREND_SESSIONS:]
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
    chart = (
        alt.Chart(data, title=f"{symbol} and its moving averages")
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
        .properties(width="container", height=260)
        .interactive(bind_y=False)
    )
    last = float(panel.close.loc[end, symbol])  # type: ignore[arg-type]
    averages = [
        f"the {name.split('-')[0]}-day average at ${value:,.2f}"
        for name, value in ((n, wide[n].iloc[-1]) for n in ("50-day average", "200-day average"))
        if not pd.isna(value)
    ]
    description = (
        f"Line chart of {universe[symbol].name} ({symbol}) from {pd.Timestamp(window[0]):%B %Y} to {end:%B %-d, %Y}, "
        f"closing at ${last:,.2f}" + (" with " + " and ".join(averages) if averages else "") + "."
    )
    return Chart(name=f"trend-{symbol.lower().lstrip('^')}", spec=_spec(chart, validate), data=data, description=description)


def _svg(spec_json: str) -> str:
    import vl_convert

    return str(vl_convert.vegalite_to_svg(json.loads(spec_json)))


def render_svgs(specs: list[dict[str, Any]], cache: Path, workers: int = 2) -> list[str]:
    """Static SVG of each spec, reusing earlier renders by content hash; new ones in worker processes.

    Workers are spawned, not forked: vl-convert's engine does not survive a fork.
    """
    cache.mkdir(parents=True, exist_ok=True)
    texts = [json.dumps(spec, sort_keys=True) for spec in specs]
    paths = [cache / f"{hashlib.sha256(text.encode()).hexdigest()[:32]}.svg" for text in texts]
    todo = sorted({(path, text) for path, text in zip(paths, texts, strict=True) if not path.exists()})
    if todo:
        if len(todo) == 1 or workers <= 1:
            rendered = [_svg(text) for _, text in todo]
        else:
            with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
                rendered = list(pool.map(_svg, [text for _, text in todo], chunksize=8))
        for (path, _), svg in zip(todo, rendered, strict=True):
            write_atomic(path, svg.encode("utf-8"))
    return [path.read_text(encoding="utf-8") for path in paths]


def vega_bundle() -> str:
    """Vega, Vega-Lite and Vega-Embed in one script, from the vl-convert package: no CDN needed."""
    import vl_convert

    return str(vl_convert.javascript_bundle(None))  # type: ignore[arg-type]  # None: the bundle sets window.vegaEmbed
