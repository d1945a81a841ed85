"""Fund pages: one page per fund of the universe, with its facts, returns, charts and the articles that mention it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from . import chart, compute
from .config import ROOT
from .facts import Figure
from .pipeline import Dataset, ListedArticle
from .render import PHRASEBOOK_FILE, TEMPLATES_DIR, Claim, Writer, load_phrasebook, render_template

FUNDS_DIR = Path("funds")
"""Fund pages and their chart files, in the docs dir: funds/iwm.md and funds/iwm/price.vl.json."""


@dataclass(frozen=True)
class FundPage:
    symbol: str
    slug: str
    markdown: str
    charts: list[chart.Chart]
    claims: list[Claim]
    """Every figure, fund, date and data-bound word of the page (its claims ledger)."""
    as_of: date
    """The fund's newest close: the page's figures end there."""


def fund_slug(symbol: str) -> str:
    """`IWM` -> `iwm`; `^GSPC` -> `gspc`."""
    return symbol.lower().lstrip("^")


def fund_pages(data: Dataset, articles: list[ListedArticle], root: Path = ROOT) -> tuple[list[FundPage], str]:
    """A page for every fund with prices, a page saying why for each fund the gates left out, and the index page.

    A fund page is served at `funds/<slug>/`, beside its chart files, so its charts load from its own folder.
    """
    mentions: dict[str, list[ListedArticle]] = {}
    for article in articles:
        for symbol in article.tags:
            mentions.setdefault(symbol, []).append(article)
    newest = data.prices.sessions[-1]
    templates = root / TEMPLATES_DIR
    phrasebook = load_phrasebook(root / PHRASEBOOK_FILE)
    pages = []
    for symbol in data.prices.close.columns:
        fund = data.universe[symbol]
        close = data.prices.close[symbol].loc[data.store_start :]
        last = pd.Timestamp(close.dropna().index[-1])
        drawdowns = compute.drawdowns(close, data.settings.definitions.high_window_days)
        charts = [chart.fund_history(data.panel, symbol, data.universe, data.store_start)]
        drawdown_chart = chart.fund_drawdown(drawdowns, symbol, data.universe)
        if drawdown_chart is not None:
            charts.append(drawdown_chart)
        slug = fund_slug(symbol)
        embeds = [
            render_template(templates, "partials/chart.md.j2", {"chart": item, "title": caption, "base": ""})
            for item, caption in zip(charts, ["Price and moving averages", "Below the 52-week high"], strict=False)
        ]
        writer = Writer(as_of=last.date(), universe=data.universe, phrasebook=phrasebook, settings=data.settings)
        volatility = float(data.panel.volatility[symbol].loc[last])
        definitions = data.settings.definitions
        trailing = compute.trailing_returns(close, last, definitions.week_lookback_days)
        context = {
            "w": writer,
            "title": f"{symbol}: {fund.name}",
            "fund": fund,
            "as_of": last.date(),
            "stale": last < newest,
            "returns": {
                name: Figure(value=value, measure="trailing", subject=symbol, span=name, start=base.date())  # type: ignore[arg-type]
                for name, (base, value) in trailing.items()
            },
            "volatility": None
            if pd.isna(volatility)
            else Figure(value=volatility, measure="volatility", subject=symbol, average=definitions.volatility_sessions),
            "drawdown": None
            if drawdowns.empty or drawdowns.index[-1] != last
            else Figure(value=float(drawdowns.iloc[-1]), measure="drawdown", subject=symbol),
            "charts": embeds,
            "chart_files": [(item.name, f"{slug}/{item.name}.csv") for item in charts],
            "articles": sorted(mentions.get(symbol, []), key=lambda a: (a.as_of, a.path.name), reverse=True),
            "definitions": data.settings.definitions,
        }
        markdown = render_template(templates, "pages/fund.md.j2", context)
        pages.append(FundPage(symbol, slug, markdown, charts, writer.claims, last.date()))
    for symbol, reason in sorted(data.excluded.items()):
        if symbol in data.universe:
            writer = Writer(as_of=newest.date(), universe=data.universe, phrasebook=phrasebook, settings=data.settings)
            context = {"fund": data.universe[symbol], "reason": reason, "newest": newest.date(), "w": writer, "symbol": symbol}
            context["title"] = f"{symbol}: {data.universe[symbol].name}"
            markdown = render_template(templates, "pages/fund-left-out.md.j2", context)
            pages.append(FundPage(symbol, fund_slug(symbol), markdown, [], writer.claims, newest.date()))
    by_category: dict[str, list[str]] = {}
    for page in pages:
        by_category.setdefault(data.universe[page.symbol].category, []).append(page.symbol)
    index = render_template(templates, "pages/funds.md.j2", {"universe": data.universe, "by_category": by_category, "slug": fund_slug})
    return pages, index
