"""Property: on any price history, the week's articles pass the fact check, and their mutants do not.

Prices are geometric random walks over a little more than a year of NYSE sessions, for the funds
the stories compare (generator/config.py), each leveraged fund moving its multiple of its index
fund's daily move. The last complete week's articles are generated and checked in memory, then
a sample of the mutants of a few classes (tests/mutations.py).
"""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from mutations import NEGATIVE_CONTROLS, Archive, BuiltArticle, FactCheck, PriceTruth, combined, measure

from generator.calendar import nyse_sessions
from generator.config import (
    BONDS,
    CORE_SYMBOLS,
    DRAWDOWN_WATCH,
    HAVENS,
    INTERNATIONAL,
    LARGE_CAP_BENCHMARKS,
    ROOT,
    SECTOR_LEVERAGED,
    SMALL_CAP_LEVERAGED,
    SMALL_CAPS,
    load_settings,
)
from generator.pipeline import Article, generate_articles, prepare_dataset
from generator.render import PHRASEBOOK_FILE, load_phrasebook
from generator.site import claims_json
from generator.universe import FUNDS_FILE, Universe, load_universe

GROUPS = (
    CORE_SYMBOLS,
    SMALL_CAPS,
    LARGE_CAP_BENCHMARKS,
    SMALL_CAP_LEVERAGED,
    SECTOR_LEVERAGED,
    BONDS,
    HAVENS,
    INTERNATIONAL,
    DRAWDOWN_WATCH,
)
FIRST, LAST = date(2019, 1, 2), date(2020, 3, 6)
CLASSES = ("figure", "direction", "count", "subject", "inserted", "whitespace")
PER_CLASS = 6


@pytest.fixture(scope="module")
def universe() -> Universe:
    return load_universe(ROOT / FUNDS_FILE)


def random_prices(universe: Universe, seed: int, drift: float, volatility: float) -> pd.DataFrame:
    """A tidy price table: each fund its own random walk about a shared drift and volatility, leveraged funds their
    multiple of their index fund's daily move."""
    funds = {symbol for group in GROUPS for symbol in group}
    leveraged = {symbol: index for symbol in funds if (index := universe[symbol].underlying) is not None}
    plain = sorted((funds - set(leveraged)) | set(leveraged.values()))
    sessions = nyse_sessions(FIRST, LAST)
    rng = np.random.default_rng(seed)
    closes: dict[str, np.ndarray] = {}
    for symbol in plain:
        steps = rng.normal(drift + rng.normal(0, volatility / 10), volatility, len(sessions) - 1)
        closes[symbol] = rng.uniform(20, 300) * np.exp(np.concatenate([[0.0], np.cumsum(steps)]))
    for symbol, index in sorted(leveraged.items()):
        moves = closes[index][1:] / closes[index][:-1] - 1
        closes[symbol] = rng.uniform(20, 300) * np.concatenate([[1.0], np.cumprod(1 + universe[symbol].leverage * moves)])
    frames = [pd.DataFrame({"session": sessions, "symbol": symbol, "close": values}) for symbol, values in closes.items()]
    tidy = pd.concat(frames, ignore_index=True)
    for column in ("open", "high", "low", "adj_close"):
        tidy[column] = tidy["close"]
    tidy["volume"] = 1_000_000
    return tidy


def built(article: Article, truth: PriceTruth) -> BuiltArticle:
    return BuiltArticle(
        post=article.path.name,
        week=article.as_of,
        story=article.story,
        markdown=article.markdown,
        ledger=json.loads(claims_json(article)),
        ledger_file=f"{article.story}.claims.json",
        charts={},
        truth=truth.week(article.as_of),
    )


@hypothesis_settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), drift=st.floats(-0.002, 0.002), volatility=st.floats(0.004, 0.025))
def test_random_prices_write_true_articles_and_their_mutants_are_caught(
    universe: Universe, seed: int, drift: float, volatility: float
) -> None:
    settings, phrasebook = load_settings(ROOT), load_phrasebook(ROOT / PHRASEBOOK_FILE)
    tidy = random_prices(universe, seed, drift, volatility)
    data = prepare_dataset(tidy, universe, "sample", settings)
    last = data.weeks[-1].date()
    truth = PriceTruth(tidy)
    articles = [built(article, truth) for article in generate_articles(data, first=last, last=last)]
    assert articles
    archive = Archive.of(articles, universe, phrasebook, settings)
    fact_check = FactCheck(tidy, universe, phrasebook, settings)
    results = [measure(article, archive, fact_check, CLASSES, per_class=PER_CLASS) for article in articles]
    assert {a.post: r.baseline for a, r in zip(articles, results, strict=True) if r.baseline} == {}
    wrong = {kind: tally.missed for kind, tally in combined(results).items() if tally.missed}
    assert wrong == {}, f"caught when harmless ({', '.join(sorted(NEGATIVE_CONTROLS))}) or let through when false"
