"""The whole universe's edition lists the week's best and worst funds: the ranking, and the fact check of each place
(closes chosen by hand so that the changes are round: AAA +10%, BBB +5%, CCC 0, DDD -5%, EEE -20%; the index +50% is no fund)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from generator.calendar import Window
from generator.config import DEFAULTS
from generator.facts import week_movers
from generator.financedatabase import wider_entry
from generator.render import PHRASEBOOK_FILE, load_phrasebook
from generator.universe import Universe
from generator.verify import Closes, Context
from generator.verify.claims import check_claim

ROOT = Path(__file__).resolve().parent.parent
START, END = date(2021, 4, 16), date(2021, 4, 23)
CLOSES = {"AAA": (10.0, 11.0), "BBB": (20.0, 21.0), "CCC": (50.0, 50.0), "DDD": (40.0, 38.0), "EEE": (10.0, 8.0), "^GSPC": (100.0, 150.0)}
UNIVERSE = Universe(funds={s: wider_entry(s, None).model_copy(update={"kind": "index" if s.startswith("^") else "etf"}) for s in CLOSES})
"""Funds known by their tickers alone (the index as an index)."""
WEEK = {"measure": "change", "span": "week", "start": START.isoformat(), "end": END.isoformat()}


def test_the_movers_are_the_best_and_worst_weeks_of_the_funds() -> None:
    close = pd.DataFrame({s: list(pair) for s, pair in CLOSES.items()}, index=pd.DatetimeIndex([START, END]))
    movers = week_movers(close, Window(START, END), UNIVERSE, 2)
    assert movers is not None and movers.funds.value == 5
    assert [(c.subject, round(c.value, 9)) for c in movers.best] == [("AAA", 0.1), ("BBB", 0.05)]
    assert [(c.subject, round(c.value, 9)) for c in movers.worst] == [("EEE", -0.2), ("DDD", -0.05)]
    assert week_movers(close, Window(START, END), UNIVERSE, 3) is None, "five funds cannot give three best and three worst"


@pytest.fixture(scope="module")
def ctx() -> Context:
    tidy = pd.DataFrame(
        [
            {"session": pd.Timestamp(day), "symbol": s, "open": c, "high": c, "low": c, "close": c, "adj_close": c, "volume": 1}
            for s, pair in CLOSES.items()
            for day, c in zip((START, END), pair, strict=True)
        ]
    )
    return Context(Closes(tidy), UNIVERSE, load_phrasebook(ROOT / PHRASEBOOK_FILE), DEFAULTS, END)


@pytest.mark.parametrize(
    ("subject", "text", "place", "side", "right"),
    [
        ("AAA", "+10.0%", 1, "best", True),
        ("BBB", "+5.0%", 2, "best", True),
        ("BBB", "+5.0%", 1, "best", False),
        ("EEE", "-20.0%", 1, "worst", True),
        ("DDD", "-5.0%", 2, "worst", True),
        ("DDD", "-5.0%", 3, "worst", False),
        ("AAA", "+9.0%", 1, "best", False),
    ],
)
def test_the_fact_check_recomputes_each_movers_change_and_place(
    ctx: Context, subject: str, text: str, place: int, side: str, right: bool
) -> None:
    claim = {"text": text, "kind": "mover", "about": {**WEEK, "subject": subject, "place": place, "side": side}}
    assert (check_claim(claim, ctx) == []) is right


def test_the_fact_check_counts_the_funds_with_the_week(ctx: Context) -> None:
    phrase = str(ctx.phrasebook["movers_intro"])
    about = {"measure": "funds_with_week", "subject": "SPY", "span": "week"}
    assert check_claim({"text": phrase.format(count="five"), "kind": "movers_intro", "about": about}, ctx) == []
    assert check_claim({"text": phrase.format(count="six"), "kind": "movers_intro", "about": about}, ctx) != []
