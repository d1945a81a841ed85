"""Fund pages, the market index's page and the funds index, rendered once from the sample as of the newest edition
(April 23, 2021; the data runs two sessions further). The figures are kept as data, worked out by hand from the
sample's Close and Adj Close columns; the fact check reads every page, and a wrong figure of each new kind is refused."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from generator.config import DEFAULTS, ROOT
from generator.funds import FUNDS_DIR, FundPage, fund_pages
from generator.load import SAMPLE_STORE, read_store, with_history
from generator.pipeline import Dataset, ListedArticle
from generator.render import PHRASEBOOK_FILE, load_phrasebook
from generator.site import fund_claims_json, write_chart
from generator.verify import Closes, verify_fund_pages
from generator.write import OutputWriter

WEEK = date(2021, 4, 23)
LEAD = ListedArticle(WEEK, "Small Caps Get The Jump On Large Caps", Path("posts/2021-04-23-small-caps.md"), ("IWM", "SPY"), lead=True)
EARLIER = ListedArticle(
    date(2021, 4, 16), "Every Sector Gains As Utilities Leads", Path("posts/2021-04-16-sectors.md"), ("XLU",), lead=True
)


@pytest.fixture(scope="module")
def pages(sample: Dataset) -> dict[str, FundPage]:
    return {page.slug: page for page in fund_pages(sample, [EARLIER, LEAD])}


def test_a_fund_page_is_as_of_the_newest_edition_not_the_last_row_of_data(pages: dict[str, FundPage]) -> None:
    page = pages["iwm"]
    assert page.as_of == WEEK
    assert '<strong class="fund-quote__price">$225.76</strong> at the close of Friday, April 23, 2021' in page.markdown
    # The week the edition gives (+0.5 percent, from the close of April 16), not "the past week" to April 27 (+5.2).
    assert '<span class="fund-quote__window">Week</span> <strong class="fund-quote__value">+0.5%</strong>' in page.markdown
    assert "+5.2%" not in page.markdown


@pytest.mark.parametrize(
    "row",
    [
        # window, base, price change (Close), total return (Adj Close): IWM's payouts lift the longer windows.
        "| Week | April 16, 2021 | +0.5% | +0.5% |",
        "| Past month | March 23, 2021 | +4.0% | +4.2% |",
        "| Year to date | December 31, 2020 | +15.1% | +15.4% |",
        "| One year | April 23, 2020 | +87.6% | +89.9% |",
        "| Since the start | April 28, 2016 | +98.9% | +112.7% |",
    ],
)
def test_every_return_is_given_as_a_price_return_and_a_total_return(pages: dict[str, FundPage], row: str) -> None:
    assert "| Window | From the close of | Price return | Total return |" in pages["iwm"].markdown
    assert row in pages["iwm"].markdown


def test_the_quote_labels_each_return_and_the_range_bar_places_the_close(pages: dict[str, FundPage]) -> None:
    quote = pages["iwm"].markdown.split('<ul class="fund-quote__returns">', 1)[1].split("</ul>", 1)[0]
    labelled = re.findall(r'fund-quote__window">([^<]+)<.*?fund-quote__value">([^<]+)<.*?fund-quote__basis">([^<]+)<', quote)
    assert labelled == [
        ("Week", "+0.5%", "price return"),
        ("Past month", "+4.0%", "price return"),
        ("Year to date", "+15.4%", "total return"),
        ("One year", "+89.9%", "total return"),
    ]
    # 52 weeks of closes from 122.72 to 234.42; 225.76 stands 92.2 percent of the way up.
    assert 'style="left: 92.2%"' in pages["iwm"].markdown
    assert "<span>52-week low $122.72</span> <span>52-week high $234.42</span>" in pages["iwm"].markdown


def test_trading_is_shares_and_dollars_a_day_against_the_fifty_sessions_before_the_week(pages: dict[str, FundPage]) -> None:
    markdown = pages["iwm"].markdown
    assert "| This week | 30.4 million | $6.7 billion |" in markdown
    assert "| Usual | 31.0 million | $6.9 billion |" in markdown
    assert "about usual, at 1.0 times its average daily volume of the previous 50 sessions" in markdown


def test_a_fund_page_says_nothing_of_assets_or_fees_the_sample_does_not_give(pages: dict[str, FundPage]) -> None:
    markdown = pages["iwm"].markdown.lower()
    assert "total assets" not in markdown and "expense" not in markdown


def test_peers_are_the_funds_of_the_same_category_the_fund_itself_in_bold(pages: dict[str, FundPage]) -> None:
    peers = pages["iwm"].markdown.split("## Its Peers", 1)[1].split("##", 1)[0]
    tickers = re.findall(r"^\| (?:\*\*|\[)([A-Z]+)", peers, re.MULTILINE)
    assert tickers == ["IWM", "IJR", "VB", "SCHA", "VTWO", "IWN", "IWO", "VIOO"]
    assert "| **IWM** | iShares Russell 2000 ETF | +0.5% | +15.4% | +89.9% |" in peers
    assert "| Ticker | Fund | Week (price return) | Year to date (total return) | One year (total return) |" in peers


def test_the_articles_that_mention_the_fund_are_listed_newest_first(pages: dict[str, FundPage]) -> None:
    assert f"- [{LEAD.headline}](../posts/{LEAD.path.name}), April 23, 2021" in pages["iwm"].markdown
    assert "No article has mentioned XLU yet." not in pages["xlu"].markdown and "No article has mentioned QQQ yet." in pages["qqq"].markdown


def test_the_market_index_has_a_page_of_its_own_kind(pages: dict[str, FundPage]) -> None:
    markdown = pages["gspc"].markdown
    assert "is a stock market index, not a fund" in markdown
    assert "| Window | From the close of | Price return |\n" in markdown and "Total return" not in markdown
    assert "total return" not in markdown.split("## The Funds That Track It", 1)[0], "an index pays nothing out: only price returns"
    assert "## Trading" not in markdown and "Issuer" not in markdown
    assert '<strong class="fund-quote__price">4,180.17</strong>' in markdown, "a level, not dollars"
    tracking = markdown.split("## The Funds That Track It", 1)[1].split("##", 1)[0]
    assert re.findall(r"^\| \[([A-Z]+)\]", tracking, re.MULTILINE) == ["SPY", "IVV", "VOO", "UPRO", "SPXL", "SPXU", "SSO", "SDS"]


def test_the_funds_index_is_a_table_of_every_fund_with_its_week_and_year_to_date(pages: dict[str, FundPage]) -> None:
    index = pages["index"]
    assert index.symbol is None and index.as_of == WEEK
    table = index.markdown.split('<div class="sortable-table" markdown>', 1)[1].split("</div>", 1)[0]
    rows = re.findall(r"^\| \[([A-Z]+)\]", table, re.MULTILINE)
    assert len(rows) == 48 and rows == sorted(rows) and "GSPC" not in table
    assert "| [IWM](iwm.md) | iShares Russell 2000 ETF | small-cap | +0.5% | +15.4% |" in table
    market = index.markdown.split("## The Market Index", 1)[1]
    assert "| [^GSPC](gspc.md) | S&P 500 | 4,180.17 | -0.1% | +11.3% |" in market
    assert '<script src="../assets/javascripts/sortable.js" defer></script>' in index.markdown


def test_the_price_chart_title_names_no_start_the_range_selector_would_contradict(pages: dict[str, FundPage]) -> None:
    title = pages["iwm"].charts[0].spec["title"]
    assert title == "IWM and its moving averages"


@pytest.fixture(scope="module")
def docs(pages: dict[str, FundPage], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A docs dir with three of the pages (a fund's, the index's, the funds index), their ledgers and chart files."""
    root = tmp_path_factory.mktemp("docs")
    out = OutputWriter(root, durable=False)
    for slug in ("iwm", "gspc", "index"):
        page = pages[slug]
        out.write(FUNDS_DIR / f"{slug}.md", page.markdown)
        out.write(FUNDS_DIR / slug / "claims.json", fund_claims_json(page))
        for item in page.charts:
            write_chart(out, FUNDS_DIR / slug, item)
    return root


@pytest.fixture(scope="module")
def closes() -> Closes:
    return Closes(with_history(read_store(ROOT / SAMPLE_STORE), ROOT, DEFAULTS.gates.max_day_move_percent), date(2016, 4, 28))


def _verify(docs: Path, closes: Closes, sample: Dataset) -> tuple[int, int, list[str]]:
    return verify_fund_pages(docs, closes, sample.universe, load_phrasebook(ROOT / PHRASEBOOK_FILE), sample.settings)


def test_the_fact_check_reads_every_figure_of_the_pages(docs: Path, closes: Closes, sample: Dataset) -> None:
    count, claims, problems = _verify(docs, closes, sample)
    assert (count, problems) == (3, []) and claims > 200


@pytest.mark.parametrize(
    ("slug", "where", "said", "wrong"),
    [
        ("iwm", '<strong class="fund-quote__price">$225.76</strong>', "$225.76", "$228.45"),
        ("iwm", "<span>52-week high $234.42</span>", "52-week high $234.42", "52-week high $234.52"),
        ("iwm", 'style="left: 92.2%"', "92.2%", "82.2%"),
        ("iwm", "| This week | 30.4 million |", "30.4 million", "31.4 million"),
        ("iwm", "| Usual | 31.0 million | $6.9 billion |", "$6.9 billion", "$7.9 billion"),
        ("iwm", "| One year | April 23, 2020 | +87.6% | +89.9% |", "+89.9%", "+87.6%"),
        ("index", "| small-cap | +0.5% | +15.4% |", "+0.5%", "+5.2%"),
    ],
)
def test_a_wrong_figure_of_each_new_kind_is_refused(
    docs: Path, closes: Closes, sample: Dataset, slug: str, where: str, said: str, wrong: str
) -> None:
    """Printed wrong (the ledger does not hold it), or printed and recorded wrong (the prices do not bear it out)."""
    page, ledger_path = docs / FUNDS_DIR / f"{slug}.md", docs / FUNDS_DIR / slug / "claims.json"
    markdown, ledger = page.read_text(encoding="utf-8"), ledger_path.read_text(encoding="utf-8")
    assert where in markdown
    at = markdown.index(where)
    claims = json.loads(ledger)
    lied = next(claim for claim in claims["claims"] if claim["text"] == said and markdown.find(said, at) == at + where.index(said))
    try:
        page.write_text(markdown[:at] + where.replace(said, wrong) + markdown[at + len(where) :], encoding="utf-8")
        assert _verify(docs, closes, sample)[2], "a figure the ledger does not hold"
        lied["text"] = wrong
        ledger_path.write_text(json.dumps(claims), encoding="utf-8")
        assert any("recomputed" in problem for problem in _verify(docs, closes, sample)[2]), "and one the ledger lies about"
    finally:
        page.write_text(markdown, encoding="utf-8")
        ledger_path.write_text(ledger, encoding="utf-8")


def test_a_total_return_passed_off_as_a_price_return_is_refused(docs: Path, closes: Closes, sample: Dataset) -> None:
    ledger_path = docs / FUNDS_DIR / "iwm" / "claims.json"
    ledger = ledger_path.read_text(encoding="utf-8")
    claims = json.loads(ledger)
    total = next(c for c in claims["claims"] if c["about"].get("basis") == "total" and c["about"]["span"] == "ytd")
    total["about"]["basis"] = "price"
    try:
        ledger_path.write_text(json.dumps(claims), encoding="utf-8")
        assert any('"+15.4%": the recomputed value is +15.148 percent' in problem for problem in _verify(docs, closes, sample)[2])
    finally:
        ledger_path.write_text(ledger, encoding="utf-8")


def test_a_page_dated_past_the_edition_s_week_is_refused(docs: Path, closes: Closes, sample: Dataset) -> None:
    ledger_path = docs / FUNDS_DIR / "iwm" / "claims.json"
    ledger = ledger_path.read_text(encoding="utf-8")
    try:
        ledger_path.write_text(ledger.replace('"as_of":"2021-04-23"', '"as_of":"2021-04-26"'), encoding="utf-8")
        assert any("neither the last session of its week nor the fund's last close" in p for p in _verify(docs, closes, sample)[2])
    finally:
        ledger_path.write_text(ledger, encoding="utf-8")
