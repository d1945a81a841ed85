"""The whole universe's metadata: the editors' entries win, what no source gives stays None, and a page prints it as
"not known" with the fact check agreeing; the bundled universe holds the sample's rows as they are."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from generator.bundles import SAMPLE, UNIVERSE
from generator.config import DEFAULTS
from generator.errors import MetadataError
from generator.financedatabase import Row, brand_of, issuer_of, wider_entry
from generator.funds import FUNDS_DIR, FundPage, fund_pages
from generator.load import read_store, with_history
from generator.pipeline import Dataset, prepare_dataset
from generator.render import PHRASEBOOK_FILE, load_phrasebook
from generator.site import fund_claims_json, write_chart
from generator.universe import FUNDS_FILE, CuratedFund, Fund, Universe, load_universe, load_whole_universe, merged
from generator.verify import Closes, verify_fund_pages
from generator.write import OutputWriter

ROOT = Path(__file__).resolve().parent.parent
FACTS = {
    "kind": "etf",
    "name": "Example S&P 500 ETF",
    "issuer": "Example",
    "brand": None,
    "listing": "NYSE Arca",
    "index": "S&P 500 Index",
    "asset_class": "equity",
    "category": "large-cap",
    "sector": None,
    "leverage": 1,
    "underlying": None,
    "inception": "2010-01-04",
}
UNKNOWNS = dict.fromkeys(
    ("issuer", "brand", "listing", "index", "asset_class", "category", "sector", "leverage", "underlying", "inception")
)


def test_a_curated_entry_wins_and_a_wider_one_keeps_its_unknowns() -> None:
    curated = Universe(funds={"SPY": CuratedFund(symbol="SPY", **FACTS)})
    wider = Universe(
        funds={
            "SPY": Fund(symbol="SPY", kind="etf", name="SPDR S&P 500 ETF Trust", **UNKNOWNS, source="financedatabase"),
            "ALD": Fund(symbol="ALD", kind="etf", name=None, **UNKNOWNS, source="ticker"),
        }
    )
    both = merged(curated, wider)
    assert both.symbols() == ["SPY", "ALD"]
    assert both["SPY"].name == "Example S&P 500 ETF" and both["SPY"].curated
    assert both["ALD"].name is None and both["ALD"].index is None and both["ALD"].leverage is None and not both["ALD"].curated


def test_the_editors_file_must_give_every_fact(tmp_path: Path) -> None:
    path = tmp_path / "funds.yaml"
    path.write_text("funds:\n  SPY:\n" + "".join(f"    {k}: {'null' if k == 'index' else json.dumps(v)}\n" for k, v in FACTS.items()))
    with pytest.raises(MetadataError, match="fund SPY, `index`"):
        load_universe(path)


def test_the_wider_file_takes_nulls_but_names_its_source(tmp_path: Path) -> None:
    path = tmp_path / "universe.yaml"
    path.write_text(
        "funds:\n  ALD:\n    kind: etf\n    name: null\n" + "".join(f"    {k}: null\n" for k in UNKNOWNS) + "    source: ticker\n"
    )
    assert load_universe(path, Fund)["ALD"].name is None
    path.write_text(path.read_text().replace("    source: ticker\n", ""))
    with pytest.raises(MetadataError, match="fund ALD, `source`"):
        load_universe(path, Fund)


def test_the_bundled_universe_describes_every_fund_of_the_price_folder() -> None:
    whole = load_whole_universe(ROOT)
    curated = load_universe(ROOT / FUNDS_FILE)
    assert len(whole.funds) == 440 and all(whole[symbol] == fund for symbol, fund in curated.funds.items())
    assert whole["AAXJ"].source == "financedatabase" and whole["AAXJ"].index == "MSCI AC Asia ex Japan Index"
    assert whole["ALD"].source == "ticker" and whole["ALD"].name is None


def test_a_database_row_becomes_an_entry_in_the_editors_style() -> None:
    row = Row(
        symbol="SOXL",
        name="Direxion Daily Semiconductor Bull 3X Shares",
        family="Direxion Funds",
        exchange="PCX",
        summary="The investment seeks daily investment results, before fees and expenses, of 300% of the daily performance "
        "of the PHLX Semiconductor Sector Index.",
    )
    entry = wider_entry("SOXL", row)
    assert (entry.issuer, entry.brand, entry.listing, entry.index, entry.leverage) == (
        "Direxion",
        "Direxion",
        "NYSE Arca",
        "PHLX Semiconductor Sector Index",
        3,
    )
    assert entry.category is None and entry.inception is None and entry.source == "financedatabase"
    assert wider_entry("ALD", None).model_dump(exclude={"symbol", "kind", "source"}) == {"name": None, **UNKNOWNS}


@pytest.mark.parametrize(
    ("family", "name", "issuer"),
    [
        ("BlackRock Asset Management", "iShares MSCI Germany ETF", "BlackRock"),
        ("Schwab ETFs", "Schwab U.S. Small-Cap ETF", "Charles Schwab"),
        ("State Street Global Advisors", "SPDR Gold Shares", "State Street Global Advisors"),
        ("RiverFront Strategic Income Fund", "RiverFront Strategic Income Fund", None),
        ("", "Some Fund", None),
    ],
)
def test_a_family_is_written_as_the_editors_write_issuers(family: str, name: str, issuer: str | None) -> None:
    assert issuer_of(family, name) == issuer


@pytest.mark.parametrize(
    ("name", "brand"),
    [("iShares MSCI Germany ETF", "iShares"), ("Energy Select Sector SPDR Fund", "SPDR"), ("Alerian MLP ETF", None)],
)
def test_the_brand_is_the_one_the_name_states(name: str, brand: str | None) -> None:
    assert brand_of(name) == brand


def test_the_universe_holds_the_samples_rows_as_they_are() -> None:
    sample = read_store(ROOT / SAMPLE.store)
    universe = read_store(ROOT / UNIVERSE.store)
    first, last = sample["session"].min(), sample["session"].max()
    same = universe.loc[universe["symbol"].isin(set(sample["symbol"])) & universe["session"].between(first, last)]
    pd.testing.assert_frame_equal(same.reset_index(drop=True), sample.reset_index(drop=True), check_exact=True)
    assert universe["close"].dtype == "float64" and universe["symbol"].nunique() == 416


UNKNOWN_FUNDS = ("^GSPC", "SPY", "SH", "AADR", "ILB")
"""The index, a curated fund, and three of the wider file's: an inverse fund whose category is unknown (its peers track
its index), a fund with nothing but name, issuer and listing, and one known by its ticker alone."""


@pytest.fixture(scope="module")
def unknowns() -> Dataset:
    tidy = read_store(ROOT / UNIVERSE.store)
    return prepare_dataset(tidy.loc[tidy["symbol"].isin(UNKNOWN_FUNDS)], load_whole_universe(ROOT), "universe", DEFAULTS, root=ROOT)


@pytest.fixture(scope="module")
def unknown_pages(unknowns: Dataset) -> dict[str, FundPage]:
    return {page.slug: page for page in fund_pages(unknowns, [], ROOT)}


def test_a_fund_page_prints_what_no_source_gives_as_not_known(unknown_pages: dict[str, FundPage]) -> None:
    page = unknown_pages["aadr"].markdown
    for row in ("| Issuer | AdvisorShares |", "| Listing | Nasdaq (today's) |", "| Index | not known |", "| Category | not known |"):
        assert row in page
    assert "| Leverage | not known |" in page and "| Inception | not known |" in page
    assert "Neither its category nor its index is known, so the site names no peers." in page


def test_a_fund_known_by_its_ticker_alone_is_named_by_it(unknown_pages: dict[str, FundPage]) -> None:
    page = unknown_pages["ilb"].markdown
    assert 'title: "ILB: name not known"' in page and "\n# ILB\n" in page
    assert "| Issuer | not known |" in page and "| Listing | not known |" in page
    assert "has no row for\nILB (a fund that has closed or changed its ticker since)" in page


def test_a_fund_without_a_category_has_the_funds_of_its_index_as_peers(unknown_pages: dict[str, FundPage]) -> None:
    page = unknown_pages["sh"].markdown
    assert "| Leverage | The inverse of the daily performance of the index |" in page
    assert "Its category is not known; the funds on the site that track the same index, at the same close:" in page
    assert "| [SPY](spy.md) | SPDR S&P 500 ETF Trust |" in page


def test_the_fact_check_agrees_with_pages_of_unknowns(unknowns: Dataset, unknown_pages: dict[str, FundPage], tmp_path: Path) -> None:
    out = OutputWriter(tmp_path)
    for page in unknown_pages.values():
        out.write(FUNDS_DIR / f"{page.slug}.md", page.markdown)
        out.write(FUNDS_DIR / page.slug / "claims.json", fund_claims_json(page))
        for item in page.charts:
            write_chart(out, FUNDS_DIR / page.slug, item)
    tidy = read_store(ROOT / UNIVERSE.store)
    prices = with_history(tidy.loc[tidy["symbol"].isin(UNKNOWN_FUNDS)], ROOT, DEFAULTS.gates.max_day_move_percent)
    closes = Closes(prices, unknowns.store_start.date())
    pages, claims, problems = verify_fund_pages(tmp_path, closes, unknowns.universe, load_phrasebook(ROOT / PHRASEBOOK_FILE), DEFAULTS)
    assert problems == [] and pages == len(UNKNOWN_FUNDS) + 1 and claims > 0
