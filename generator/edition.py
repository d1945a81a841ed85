"""The home page's edition: the newest week at a glance (its date, a scoreboard of the key funds, the sectors' week,
its lead and other stories, earlier editions), with its own claims ledger for the fact check.

The editors' introduction stays theirs in `content/index.md`, which includes this generated part.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .config import EDITION_FUNDS, HEATMAP_STEPS_PERCENT, MOVERS_LISTED, ROOT, SECTORS
from .facts import week_movers
from .funds import fund_slug
from .pipeline import Dataset, ListedArticle, edition_date, week_facts, window_for
from .render import PHRASEBOOK_FILE, TEMPLATES_DIR, Claim, Writer, load_phrasebook, render_template

EDITION_FILE = Path("edition.md")
"""The generated part of the home page, in the docs dir (not a page of its own: `content/index.md` includes it)."""
EDITION_LEDGER = Path("edition/claims.json")
EARLIER_EDITIONS = 8
"""How many earlier weeks' leads the edition lists (the archive has the rest)."""


@dataclass(frozen=True)
class Edition:
    as_of: date
    markdown: str
    claims: list[Claim]


def heat(value: float, flat_percent: float) -> str:
    """The heatmap's shade of a week's change: `grey` under the flat threshold, else a pale, plain or deep green or red
    (class names without digits or meaning words, which the fact check would read as figures)."""
    percent = abs(value) * 100
    if percent < flat_percent:
        return "grey"
    shade = ("pale-", "", "deep-")[sum(percent >= bound for bound in HEATMAP_STEPS_PERCENT)]
    return f"{shade}{'green' if value > 0 else 'red'}"


def edition(data: Dataset, articles: list[ListedArticle], root: Path = ROOT) -> Edition | None:
    """The edition of the newest week with articles (None before any): figures from that week's facts, and for the whole
    universe the week's best and worst among all its funds."""
    if not articles:
        return None
    as_of = edition_date(data, articles)
    week = week_facts(data, window_for(data, as_of, "calendar"))
    by_week: dict[date, list[ListedArticle]] = {}
    for article in sorted(articles, key=lambda a: (not a.lead, a.path.name)):
        by_week.setdefault(article.as_of, []).append(article)
    this_week = by_week[as_of]
    earlier = [stories[0] for day, stories in sorted(by_week.items(), reverse=True) if day < as_of][:EARLIER_EDITIONS]
    flat = data.settings.thresholds.flat_percent
    sectors = sorted(
        (week.funds[symbol] for symbol in SECTORS if symbol in week.funds),
        key=lambda facts: facts.week.value,
        reverse=True,
    )
    writer = Writer(as_of=as_of, universe=data.universe, phrasebook=load_phrasebook(root / PHRASEBOOK_FILE), settings=data.settings)
    context = {
        "w": writer,
        "as_of": as_of,
        "lead": this_week[0],
        "others": this_week[1:],
        "earlier": earlier,
        "scoreboard": [week.funds[symbol] for symbol in EDITION_FUNDS if symbol in week.funds],
        "sectors": [(facts, heat(facts.week.value, flat)) for facts in sectors],
        "movers": week_movers(data.prices.close, week.window, data.universe, MOVERS_LISTED) if data.wide else None,
        "slug": fund_slug,
    }
    markdown = render_template(root / TEMPLATES_DIR, "pages/edition.md.j2", context)
    return Edition(as_of, markdown, writer.claims)
