"""A week of recorded yfinance frames replayed into a store built from the sample, then that week's article.

The store holds the sample up to Friday 2021-04-16. The weekly run on Friday 2021-04-23 after the
close asks yfinance (a fake here, answering with frames of yfinance's exact shape built from the
sample) for the overlap week and the new one, merges, passes the gates and writes the article,
which must read as the one written from the full sample, but for naming its source.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from yfinance_frames import FakeDownload, download_frame, sample_slice

from generator import gates
from generator.config import DEFAULTS, ROOT
from generator.load import read_store, write_store
from generator.pipeline import Dataset, prepare_dataset, render_article, week_facts, window_for
from generator.sources import CHUNK_SIZE, YFinanceSource
from generator.store import update
from generator.universe import FUNDS_FILE, load_universe

NY = ZoneInfo("America/New_York")
STORED_TO = date(2021, 4, 16)
RECORDED = (date(2021, 4, 12), date(2021, 4, 23))
"""The sessions yfinance answers with: the overlap week the fetch asks for again, and the new week."""
WEEK_END = date(2021, 4, 23)
NOW = datetime(2021, 4, 23, 20, 0, tzinfo=NY)
DISCLAIMER = "Prices through the close of"


def replayed(call: dict[str, Any]) -> pd.DataFrame:
    """The recorded week for the symbols asked for, as yfinance lays it out."""
    assert call["start"] <= RECORDED[0].isoformat() and call["end"] > RECORDED[1].isoformat()
    return download_frame(call["tickers"], *RECORDED, orientation=call["group_by"])


def body(markdown: str) -> str:
    """The article between its front matter and the closing disclaimer line (the only places that name the data's source)."""
    assert markdown.startswith("---\n")
    after_front = markdown.split("\n---\n", 1)[1]
    kept = [line for line in after_front.splitlines() if DISCLAIMER not in line]
    assert len(kept) == len(after_front.splitlines()) - 1, "expected exactly one disclaimer line"
    return "\n".join(kept)


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    universe = load_universe(ROOT / FUNDS_FILE)
    store = tmp_path_factory.mktemp("replay") / "prices.parquet"
    write_store(sample_slice(universe.symbols(), None, STORED_TO), store)
    fake = FakeDownload(replayed)
    result = update(store, YFinanceSource(download=fake, wait=lambda seconds: None), universe.symbols(), date(2016, 1, 1), NOW)
    return {"universe": universe, "store": store, "fake": fake, "result": result}


def test_the_fetch_asks_for_a_week_of_overlap_in_chunks(replay):
    symbols = replay["universe"].symbols()
    calls = replay["fake"].calls
    assert [call["tickers"] for call in calls] == [symbols[i : i + CHUNK_SIZE] for i in range(0, len(symbols), CHUNK_SIZE)]
    assert {(call["start"], call["end"]) for call in calls} == {("2021-04-09", "2021-04-24")}
    assert all(call["auto_adjust"] is False for call in calls)


def test_the_replay_adds_the_week_and_revises_nothing(replay):
    result = replay["result"]
    assert result.written
    assert result.report.added == dict.fromkeys(sorted(replay["universe"].symbols()), 5)
    assert result.report.revised == [] and result.report.rebased == []
    assert result.failed == {} and result.notes == []
    pd.testing.assert_frame_equal(read_store(replay["store"]), sample_slice(replay["universe"].symbols(), None, WEEK_END))


def test_the_replayed_store_passes_the_gates(replay):
    report = gates.check(read_store(replay["store"]), replay["universe"], pd.Timestamp(NOW), DEFAULTS.gates)
    assert report.expected_session == pd.Timestamp(WEEK_END)
    assert report.passed and report.excluded == {}


def test_the_week_s_article_reads_as_the_one_from_the_full_sample(replay, sample: Dataset):
    live = prepare_dataset(read_store(replay["store"]), replay["universe"], "live", DEFAULTS)
    assert live.weeks[-1] == pd.Timestamp(WEEK_END)
    article = render_article(live, week_facts(live, window_for(live, WEEK_END, "calendar")))
    expected = render_article(sample, week_facts(sample, window_for(sample, WEEK_END, "calendar")))
    assert article.story == expected.story and article.headline == expected.headline
    assert body(article.markdown) == body(expected.markdown)
    assert (
        article.markdown.replace("from the live price data", "from the sample price data").replace(
            "from Yahoo Finance.", "from Yahoo Finance (the bundled 2016–2021 sample)."
        )
        == expected.markdown
    )
