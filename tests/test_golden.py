"""Golden articles: the rendered Markdown of fixed weeks, byte for byte.

After a deliberate change of wording, run `make golden` and review the diff of tests/golden/.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from generator.pipeline import Dataset, render_article, week_facts, window_for

GOLDEN = Path(__file__).parent / "golden"
CASES = [
    # (file, as-of session, window kind, forced story or None for the automatic lead)
    ("2018-10-24-past-week-small-caps.md", date(2018, 10, 24), "trailing", "small-caps"),
    ("2018-10-24-past-week-sectors.md", date(2018, 10, 24), "trailing", "sectors"),
    ("2020-03-20-calendar-week-lead.md", date(2020, 3, 20), "calendar", None),
    ("2016-05-13-first-year-no-ytd.md", date(2016, 5, 13), "calendar", "small-caps"),
    # one of each other story type, crash weeks and Brexit among them
    ("2020-02-28-crash-bonds.md", date(2020, 2, 28), "calendar", "bonds"),
    ("2020-03-13-crash-leveraged.md", date(2020, 3, 13), "calendar", "leveraged"),
    ("2020-03-27-havens.md", date(2020, 3, 27), "calendar", "havens"),
    ("2018-02-09-international.md", date(2018, 2, 9), "calendar", "international"),
    ("2016-06-24-brexit-havens.md", date(2016, 6, 24), "calendar", "havens"),
    ("2016-06-24-brexit-market-shock.md", date(2016, 6, 24), "calendar", "market"),
    ("2020-03-13-crash-market-bear.md", date(2020, 3, 13), "calendar", "market"),
    ("2018-10-12-drawdown.md", date(2018, 10, 12), "calendar", "drawdown"),
]


@pytest.mark.parametrize(("name", "as_of", "kind", "story"), CASES, ids=[case[0] for case in CASES])
def test_article_matches_golden(sample: Dataset, name: str, as_of: date, kind: str, story: str | None) -> None:
    text = render_article(sample, week_facts(sample, window_for(sample, as_of, kind)), story).markdown
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run `make golden`"
    assert text == path.read_text(encoding="utf-8")
