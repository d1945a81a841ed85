"""Holdings snapshots (generator/holdings.py): taken from objects shaped like yfinance's `Ticker.funds_data`, kept with
their date, read back with file-and-line errors, and told in an article only as the fact check can read them back."""

from __future__ import annotations

import dataclasses
import json
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from generator.config import ROOT
from generator.events import EVENTS_FILE
from generator.holdings import HoldingsError, allocation, read_holdings, record_holdings, snapshot_rows
from generator.load import SAMPLE_STORE, read_store, with_history
from generator.pipeline import Dataset, render_article, week_facts, window_for
from generator.render import PHRASEBOOK_FILE, load_phrasebook
from generator.verify import Closes, Context, verify
from generator.verify.prices import read_events_file


def funds_data(sectors: dict[str, float], holdings: list[tuple[str, str, float]]) -> SimpleNamespace:
    """What yfinance 1.x's `Ticker(symbol).funds_data` offers: `sector_weightings` a dict of Yahoo's sector keys to
    fractions, `top_holdings` a frame indexed by Symbol with the columns Name and Holding Percent."""
    top = pd.DataFrame(
        {"Symbol": [h[0] for h in holdings], "Name": [h[1] for h in holdings], "Holding Percent": [h[2] for h in holdings]}
    ).set_index("Symbol")
    return SimpleNamespace(sector_weightings=sectors, top_holdings=top)


SPY = funds_data(
    {"technology": 0.2754, "healthcare": 0.1302, "financial_services": 0.1131, "realestate": 0.0251},
    [("AAPL", "Apple Inc", 0.0589), ("MSFT", "Microsoft Corp", 0.0531)],
)
EXPECTED_ROWS = [
    ("sector", "technology", "technology", 0.2754),
    ("sector", "healthcare", "health care", 0.1302),
    ("sector", "financial_services", "financials", 0.1131),
    ("sector", "realestate", "real estate", 0.0251),
    ("holding", "AAPL", "Apple Inc", 0.0589),
    ("holding", "MSFT", "Microsoft Corp", 0.0531),
]


def test_a_snapshot_is_one_row_per_sector_and_holding_with_the_desks_sector_names() -> None:
    rows = snapshot_rows(date(2020, 3, 13), "SPY", SPY)
    assert [(r["kind"], r["key"], r["name"], r["weight"]) for r in rows] == EXPECTED_ROWS
    assert {r["date"] for r in rows} == {date(2020, 3, 13)} and {r["symbol"] for r in rows} == {"SPY"}


def test_a_bond_or_gold_fund_without_sector_weights_has_no_allocation(tmp_path: Path) -> None:
    path = tmp_path / "holdings.csv"
    recorded, failed = record_holdings(path, date(2020, 3, 13), ["GLD"], lambda _: funds_data({}, []))
    assert (recorded, failed) == (0, {"GLD": "no sector weights or holdings in the fund's data"}) and not path.exists()


def test_snapshots_keep_their_history_and_a_second_run_the_same_day_replaces_that_days(tmp_path: Path) -> None:
    path = tmp_path / "holdings.csv"
    record_holdings(path, date(2020, 3, 6), ["SPY"], lambda _: SPY)
    later = funds_data({"technology": 0.25}, [("AAPL", "Apple Inc", 0.05)])
    record_holdings(path, date(2020, 3, 13), ["SPY"], lambda _: later)
    record_holdings(path, date(2020, 3, 13), ["SPY"], lambda _: later)

    def broken(_: str) -> object:
        raise ConnectionError("Yahoo is down")

    assert record_holdings(path, date(2020, 3, 13), ["SPY"], broken) == (0, {"SPY": "Yahoo is down"})
    frame = read_holdings(path)
    assert frame.groupby("date").size().to_dict() == {pd.Timestamp("2020-03-06"): 6, pd.Timestamp("2020-03-13"): 2}
    found = allocation(frame, "SPY", date(2020, 3, 12))
    assert found is not None and (found.as_of, found.sector, found.sector_weight, found.holding) == (
        date(2020, 3, 6),
        "technology",
        0.2754,
        "Apple Inc",
    )
    assert allocation(frame, "SPY", date(2020, 3, 5)) is None and allocation(frame, "QQQ", date(2020, 3, 13)) is None


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("2020-03-13,SPY,sector,technology,technology,27.5", "holdings.csv:3:"),
        ("2020-03-13,SPY,country,us,United States,0.9", "holdings.csv:3:"),
        ("13/03/2020,SPY,sector,technology,technology,0.27", "holdings.csv:3:"),
    ],
)
def test_a_broken_snapshot_line_is_named_with_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "holdings.csv"
    path.write_text(f"date,symbol,kind,key,name,weight\n2020-03-13,SPY,sector,energy,energy,0.03\n{line}\n", encoding="utf-8")
    with pytest.raises(HoldingsError, match=message):
        read_holdings(path)


def test_an_article_tells_the_lead_funds_allocation_only_as_its_snapshot_reads(sample: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "holdings.csv"
    record_holdings(path, date(2020, 3, 11), ["SPY"], lambda _: SPY)
    holdings = read_holdings(path)
    data = dataclasses.replace(sample, holdings=holdings)
    article = render_article(data, week_facts(data, window_for(data, date(2020, 3, 13), "calendar")), "market")
    said = (
        "SPY puts 27.5 percent of its stock holdings in technology, and its largest holding, Apple Inc, makes up 5.9 percent"
        " of the fund, according to Yahoo Finance's snapshot of March 11, 2020."
    )
    assert said in article.markdown
    closes = Closes(with_history(read_store(ROOT / SAMPLE_STORE), ROOT, sample.settings.gates.max_day_move_percent), date(2016, 4, 28))
    ledger = json.loads(json.dumps({"claims": [dataclasses.asdict(c) for c in article.claims]}, default=str))
    phrasebook = load_phrasebook(ROOT / PHRASEBOOK_FILE)

    def problems(markdown: str, snapshots: pd.DataFrame) -> list[str]:
        events = read_events_file(ROOT / EVENTS_FILE)
        context = Context(closes, sample.universe, phrasebook, sample.settings, article.as_of, events=events, holdings=snapshots)
        return verify(markdown, ledger, context)[1]

    assert problems(article.markdown, holdings) == []
    assert problems(article.markdown.replace("27.5 percent", "29.5 percent"), holdings) != []
    assert problems(article.markdown.replace("Apple Inc", "Microsoft Corp"), holdings) != []
    assert problems(article.markdown, holdings.iloc[0:0]) != []  # no snapshot to read it back from
