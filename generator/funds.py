"""Fund pages: a page per fund (its quote, returns, trading, peers, charts and the articles that mention it), a page of
its own kind for the market index, and the funds index, a sortable table of them all; each with its claims ledger.

Every page is as of the site's date (`pipeline.edition_date`, the home page's edition), so the week a fund page gives
is the week the newest articles and the edition give.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from . import chart, compute
from .config import ROOT, TOTAL_RETURN_SPANS
from .facts import Assets, Figure, Span
from .flows import latest_assets
from .pipeline import Dataset, ListedArticle, edition_date, window_for
from .render import PHRASEBOOK_FILE, TEMPLATES_DIR, Claim, Writer, load_phrasebook, render_template
from .universe import UNKNOWN, Fund
from .workers import spread

FUNDS_DIR = Path("funds")
"""Fund pages and their chart files, in the docs dir: funds/iwm.md and funds/iwm/price.vl.json."""
INDEX_SLUG = "index"
"""The funds index is funds/index.md, its ledger funds/index/claims.json (no ticker is written in lower case)."""
WINDOWS: tuple[tuple[Span, str], ...] = (
    ("week", "Week"),
    ("month", "Past month"),
    ("ytd", "Year to date"),
    ("year", "One year"),
    ("start", "Since the start"),
)
"""The windows of a fund page's returns, with their labels."""
QUOTED: tuple[Span, ...] = ("week", "month", "ytd", "year")
"""The returns of the quote at the top of a fund page (the others are in its table of returns)."""
ARTICLES_LISTED = 30
"""A fund page lists this many of the articles that mention the fund, newest first; its tag page has them all."""


@dataclass(frozen=True)
class FundPage:
    symbol: str | None
    """The fund or index the page is about; None for the funds index."""
    slug: str
    markdown: str
    charts: list[chart.Chart]
    claims: list[Claim]
    """Every figure, fund, date and data-bound word of the page (its claims ledger)."""
    as_of: date
    """The page's date: its figures are of the close of that session."""


@dataclass(frozen=True)
class Returned:
    """A window's return as a page prints it: the price change and the total return (None for an index, which pays
    nothing out), and the one the site quotes for the window (config.TOTAL_RETURN_SPANS)."""

    span: Span
    label: str
    price: Figure
    total: Figure | None

    @property
    def quoted(self) -> Figure:
        return self.total if self.total is not None and self.span in TOTAL_RETURN_SPANS else self.price


@dataclass(frozen=True)
class Quote:
    """A fund's close at the page's date and what a reader looks up first: its returns, 52-week range and trading."""

    symbol: str
    as_of: date
    close: Figure
    returns: dict[Span, Returned]
    range: tuple[Figure, Figure, Figure] | None
    """The 52-week low, high, and where the close stands between them; None without a year of history."""
    trading: dict[str, Figure] | None
    """Shares and dollars a day, this week and in the usual sessions before it, and their ratio; None for an index or
    where a session reports no volume."""

    @property
    def quoted(self) -> list[Returned]:
        return [self.returns[span] for span in QUOTED if span in self.returns]


def page_title(fund: Fund) -> str:
    """ "IWM: iShares Russell 2000 ETF", or "ALD: name not known"."""
    return f"{fund.symbol}: {fund.name or 'name ' + UNKNOWN}"


def fund_slug(symbol: str) -> str:
    """`IWM` -> `iwm`; `^GSPC` -> `gspc`."""
    return symbol.lower().lstrip("^")


def quote(data: Dataset, panel: compute.Panel, symbol: str, as_of: pd.Timestamp) -> Quote:
    """The fund's quote at the close of `as_of`, from `panel` (the dataset's, or the fund pages' part of it): its week is
    the calendar week ending then (the edition's week)."""
    definitions = data.settings.definitions
    index = data.universe[symbol].kind == "index"
    close = panel.close[symbol].loc[data.store_start : as_of]
    week_start = pd.Timestamp(window_for(data, as_of.date(), "calendar").start)
    found = compute.trailing_returns(close, panel.adjusted[symbol], as_of, week_start)

    def figure(span: Span, base: pd.Timestamp, value: float, basis: Literal["price", "total"]) -> Figure:
        return Figure(value=value, measure="trailing", subject=symbol, span=span, start=base.date(), basis=basis)

    returns = {
        span: Returned(
            span, label, figure(span, item.base, item.price, "price"), None if index else figure(span, item.base, item.total, "total")
        )
        for span, label in WINDOWS
        if (item := found.get(span)) is not None
    }
    last = float(close.loc[as_of])
    extremes = compute.close_range(close, as_of, definitions.high_window_days)
    band = None
    if extremes is not None and extremes[1] > extremes[0]:
        low, high = extremes
        band = (
            Figure(value=low, measure="range_low", subject=symbol),
            Figure(value=high, measure="range_high", subject=symbol),
            Figure(value=(last - low) / (high - low), measure="range_position", subject=symbol),
        )
    return Quote(
        symbol,
        as_of.date(),
        Figure(value=last, measure="close", subject=symbol),
        returns,
        band,
        None if index else _trading(panel, symbol, week_start, as_of, definitions.volume_average_sessions),
    )


def _trading(panel: compute.Panel, symbol: str, week_start: pd.Timestamp, end: pd.Timestamp, sessions: int) -> dict[str, Figure] | None:
    """Shares and dollars traded a day in the week and in the `sessions` sessions up to its start."""
    shares = panel.volume[[symbol]]
    dollars = shares * panel.close[[symbol]]
    values = {
        "week_shares": ("daily_volume", compute.daily_average(shares, week_start, end)[symbol], {"span": "week"}),
        "usual_shares": ("daily_volume", compute.usual_daily(shares, week_start, sessions)[symbol], {"average": sessions}),
        "week_dollars": ("daily_dollars", compute.daily_average(dollars, week_start, end)[symbol], {"span": "week"}),
        "usual_dollars": ("daily_dollars", compute.usual_daily(dollars, week_start, sessions)[symbol], {"average": sessions}),
    }
    if any(pd.isna(value) for _, value, _ in values.values()):
        return None
    figures = {
        name: Figure(value=float(value), measure=measure, subject=symbol, **about)  # type: ignore[arg-type]
        for name, (measure, value, about) in values.items()
    }
    ratio = figures["week_shares"].value / figures["usual_shares"].value
    figures["ratio"] = Figure(value=ratio, measure="volume_ratio", subject=symbol, span="week", average=sessions)
    return figures


PeersBy = Literal["category", "index"]
"""What a fund's peers share with it."""


def peers_of(data: Dataset, symbol: str) -> tuple[list[str], PeersBy | None]:
    """The funds of the same category, the fund itself among them, in the metadata's order; where the metadata gives no
    category, those that track the same index; for the market index, the funds that track it or a multiple of it. With
    what they share (None: neither is known, and there are none)."""
    fund, funds = data.universe[symbol], data.universe.funds
    by: PeersBy | None
    if fund.kind == "index":
        chosen, by = [s for s, f in funds.items() if f.kind != "index" and (f.index == fund.index or f.underlying == symbol)], "index"
    elif fund.category is not None:
        chosen, by = [s for s, f in funds.items() if f.category == fund.category], "category"
    elif fund.index is not None:
        chosen, by = [s for s, f in funds.items() if f.kind != "index" and f.index == fund.index], "index"
    else:
        chosen, by = [], None
    return [s for s in chosen if s in data.prices.close.columns], by


@dataclass(frozen=True)
class FundPages:
    """What every fund page reads, computed once: the site's date, the panel up to it, every fund's quote (a page lists
    its peers'), the articles that mention each fund. The processes that render the pages inherit it."""

    data: Dataset
    root: Path
    site_date: pd.Timestamp
    panel: compute.Panel
    quotes: dict[str, Quote]
    mentions: dict[str, list[ListedArticle]]
    assets: dict[str, tuple[float, date]]
    phrasebook: dict[str, Any]

    @classmethod
    def of(cls, data: Dataset, articles: list[ListedArticle], root: Path = ROOT) -> FundPages:
        site_date = pd.Timestamp(edition_date(data, articles))
        mentions: dict[str, list[ListedArticle]] = {}
        for article in articles:
            for symbol in article.tags:
                mentions.setdefault(symbol, []).append(article)
        panel = compute.panel_within(data.panel, data.store_start, site_date)
        newest = {}
        for symbol in data.prices.close.columns:
            history = panel.close[symbol].dropna()
            if not history.empty:
                newest[symbol] = pd.Timestamp(history.index[-1])
        quotes = dict(zip(newest, spread(_quote_at, (data, panel), list(newest.items()), data.jobs), strict=True))
        assets = latest_assets(data.snapshots, site_date.date())
        return cls(data, root, site_date, panel, quotes, mentions, assets, load_phrasebook(root / PHRASEBOOK_FILE))

    @property
    def pages(self) -> list[str | None]:
        """A page for every fund with prices, one saying why for each fund the gates left out, and (None) the funds index."""
        left_out = [symbol for symbol in sorted(self.data.excluded) if symbol in self.data.universe]
        return [*self.quotes, *left_out, None]

    def page(self, symbol: str | None) -> FundPage:
        if symbol is None:
            return self._index()
        return self._fund(symbol) if symbol in self.quotes else self._left_out(symbol)

    def _fund(self, symbol: str) -> FundPage:
        data, panel, fund_quote = self.data, self.panel, self.quotes[symbol]
        fund, last = data.universe[symbol], pd.Timestamp(fund_quote.as_of)
        close = panel.close[symbol]
        drawdowns = compute.drawdowns(close, data.settings.definitions.high_window_days)
        charts = [chart.fund_history(panel, symbol, data.universe, data.store_start)]
        drawdown_chart = chart.fund_drawdown(drawdowns, symbol, data.universe)
        if drawdown_chart is not None:
            charts.append(drawdown_chart)
        slug = fund_slug(symbol)
        templates = self.root / TEMPLATES_DIR
        embeds = [
            render_template(templates, "partials/chart.md.j2", {"chart": item, "title": caption, "base": ""})
            for item, caption in zip(charts, ["Price and moving averages", "Below the 52-week high"], strict=False)
        ]
        writer = Writer(as_of=last.date(), universe=data.universe, phrasebook=self.phrasebook, settings=data.settings)
        volatility = float(panel.volatility[symbol].loc[last])
        definitions = data.settings.definitions
        supplied = self.assets.get(symbol)
        peers, peers_by = peers_of(data, symbol)
        context: dict[str, Any] = {
            "w": writer,
            "title": page_title(fund),
            "fund": fund,
            "as_of": last.date(),
            "stale": last < self.site_date,
            "quote": fund_quote,
            "assets": None if supplied is None else Assets(amount=supplied[0], as_of=supplied[1]),
            "volatility": None
            if pd.isna(volatility)
            else Figure(value=volatility, measure="volatility", subject=symbol, average=definitions.volatility_sessions),
            "drawdown": None
            if drawdowns.empty or drawdowns.index[-1] != last
            else Figure(value=float(drawdowns.iloc[-1]), measure="drawdown", subject=symbol),
            "peers": [self.quotes[peer] for peer in peers if peer in self.quotes and self.quotes[peer].as_of == fund_quote.as_of],
            "peers_by": peers_by,
            "charts": embeds,
            "chart_files": [(item.name, f"{slug}/{item.name}.csv") for item in charts],
            "articles": sorted(self.mentions.get(symbol, []), key=lambda a: (a.as_of, a.path.name), reverse=True),
            "listed": ARTICLES_LISTED,
            "slug": fund_slug,
            "total_spans": TOTAL_RETURN_SPANS,
        }
        template = "pages/market-index.md.j2" if fund.kind == "index" else "pages/fund.md.j2"
        markdown = render_template(templates, template, context)
        return FundPage(symbol, slug, markdown, charts, writer.claims, last.date())

    def _left_out(self, symbol: str) -> FundPage:
        data, newest = self.data, self.data.prices.sessions[-1]
        writer = Writer(as_of=newest.date(), universe=data.universe, phrasebook=self.phrasebook, settings=data.settings)
        context = {"fund": data.universe[symbol], "reason": data.excluded[symbol], "newest": newest.date(), "w": writer, "symbol": symbol}
        context["title"] = page_title(data.universe[symbol])
        markdown = render_template(self.root / TEMPLATES_DIR, "pages/fund-left-out.md.j2", context)
        return FundPage(symbol, fund_slug(symbol), markdown, [], writer.claims, newest.date())

    def _index(self) -> FundPage:
        data, site_date, quotes = self.data, self.site_date, self.quotes
        writer = Writer(as_of=site_date.date(), universe=data.universe, phrasebook=self.phrasebook, settings=data.settings)
        listed = sorted([s for s in self.pages if s is not None], key=lambda s: (data.universe[s].kind == "index", s))
        context = {
            "w": writer,
            "as_of": site_date.date(),
            "funds": [(data.universe[s], quotes.get(s) if s in quotes and quotes[s].as_of == site_date.date() else None) for s in listed],
            "slug": fund_slug,
        }
        index = render_template(self.root / TEMPLATES_DIR, "pages/funds.md.j2", context)
        return FundPage(None, INDEX_SLUG, index, [], writer.claims, site_date.date())


def _quote_at(shared: tuple[Dataset, compute.Panel], last: tuple[str, pd.Timestamp]) -> Quote:
    return quote(*shared, *last)


def fund_pages(data: Dataset, articles: list[ListedArticle], root: Path = ROOT) -> Iterator[FundPage]:
    """Every fund page (`FundPages.pages`), one at a time: a page's chart data is large, so a writer writes each and
    lets it go. A fund page is served at `funds/<slug>/`, beside its chart files, so its charts load from its own folder."""
    pages = FundPages.of(data, articles, root)
    return (pages.page(symbol) for symbol in pages.pages)
