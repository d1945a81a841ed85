"""The home page's edition on a small case: the newest week of the sample with a lead, a shorter piece and an earlier
week; the figures are those the week's articles print (answers kept as data, read off the published articles)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator.edition import edition, heat
from generator.pipeline import Dataset, ListedArticle

WEEK, EARLIER = date(2021, 4, 23), date(2021, 4, 16)
LEAD = ListedArticle(WEEK, "Small Caps Get The Jump On Large Caps", Path("posts/2021-04-23-b-lead.md"), ("IWM",), lead=True)
OTHER = ListedArticle(WEEK, "Energy ETFs Slide", Path("posts/2021-04-23-a-other.md"), ("XLE",))
BEFORE = ListedArticle(EARLIER, "Every Sector Gains As Utilities Leads", Path("posts/2021-04-16-sectors.md"), ("XLU",), lead=True)


@pytest.fixture(scope="module")
def markdown(sample: Dataset) -> str:
    page = edition(sample, [BEFORE, OTHER, LEAD])
    assert page is not None and page.as_of == WEEK
    return page.markdown


def test_the_edition_is_dated_by_its_week_and_leads_with_the_lead(markdown: str) -> None:
    assert "## Week ending Friday, April 23, 2021" in markdown
    lead, other, before = (markdown.index(a.headline) for a in (LEAD, OTHER, BEFORE))
    assert lead < other < before, "the lead first (whatever its file name), then the week's other stories, then earlier editions"
    assert "- April 16, 2021: [Every Sector Gains As Utilities Leads](posts/2021-04-16-sectors.md)" in markdown


@pytest.mark.parametrize(
    "row",
    [
        # Year to date on the Adj Close, 2021-04-23 over 2020-12-31: SPY 416.74 / 372.659, IWM 225.76 / 195.692,
        # TLT 140.06 / 157.143.
        "| [SPY](funds/spy.md) | -0.1% | +11.8% | +15.0% |",
        "| [IWM](funds/iwm.md) | +0.5% | +15.4% | +22.0% |",
        "| [TLT](funds/tlt.md) | +0.6% | -10.9% | -9.7% |",
    ],
)
def test_the_scoreboard_gives_week_year_to_date_and_the_long_average(markdown: str, row: str) -> None:
    assert row in markdown
    assert "against its 200-day moving average" in markdown


def test_the_heatmap_runs_from_the_best_sector_to_the_worst(markdown: str) -> None:
    best, worst = markdown.index("| Health Care | [XLV]"), markdown.index("| Energy | [XLE]")
    assert best < worst
    assert '<span class="heat heat--green">+1.8%</span>' in markdown and '<span class="heat heat--red">-1.8%</span>' in markdown


@pytest.mark.parametrize(
    ("change", "shade"),
    [(0.0024, "grey"), (-0.002, "grey"), (0.003, "pale-green"), (-0.0099, "pale-red"), (0.01, "green"), (-0.03, "deep-red")],
)
def test_heat_shades_by_the_flat_threshold_and_the_steps(change: float, shade: str) -> None:
    assert heat(change, 0.25) == shade


def test_no_articles_no_edition(sample: Dataset) -> None:
    assert edition(sample, []) is None
