"""The fact check against mutants of built articles: every false one is caught, no harmless one (tests/mutations.py).

Seven weeks are generated into a copy of the project, between them publishing every story, and the
articles named in WEEKS (every story type) are mutated by every operator. Each class's
mutants are sampled evenly (PER_CLASS an article) to keep the run short.
"""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from mutations import NEGATIVE_CONTROLS, OPERATORS, Archive, FactCheck, Measured, PriceTruth, Tally, combined, load_articles, measure

from generator.config import ROOT
from generator.load import SAMPLE_STORE, read_store, with_history
from generator.pipeline import Dataset
from generator.render import PHRASEBOOK_FILE, TEMPLATES_DIR, load_phrasebook
from generator.site import DOCS_DIR, write_site

WEEKS = {
    date(2016, 10, 14): ("small-caps",),
    date(2017, 2, 17): ("bonds",),
    date(2017, 6, 23): ("havens",),
    date(2017, 9, 8): ("sectors",),
    date(2017, 12, 1): ("international",),
    date(2018, 10, 12): ("market", "drawdown"),
    date(2018, 10, 26): ("leveraged",),
}
"""Weeks of the sample and the stories measured in each: the week's lead, and in the last a shorter piece too."""
PER_CLASS = 15


@pytest.fixture(scope="module")
def measured(sample: Dataset, tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[date, str], Measured]:
    """(week, story) -> what the fact check made of that article's mutants."""
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / TEMPLATES_DIR, root / TEMPLATES_DIR)
    (root / DOCS_DIR).mkdir()
    write_site(sample, last=max(WEEKS), root=root, only=set(WEEKS))
    tidy = with_history(read_store(ROOT / SAMPLE_STORE), ROOT, sample.settings.gates.max_day_move_percent)
    articles = load_articles(root / DOCS_DIR, PriceTruth(tidy))
    phrasebook = load_phrasebook(root / PHRASEBOOK_FILE)
    archive = Archive.of(articles, sample.universe, phrasebook, sample.settings)
    fact_check = FactCheck(tidy, sample.universe, phrasebook, sample.settings)
    return {
        (article.week, article.story): measure(article, archive, fact_check, per_class=PER_CLASS)
        for article in articles
        if article.story in WEEKS[article.week]
    }


def _tally(measured: dict[tuple[date, str], Measured], kind: str) -> Tally:
    return combined(measured.values())[kind]


def test_each_chosen_article_is_built_and_passes_the_fact_check(measured: dict[tuple[date, str], Measured]) -> None:
    wanted = {(week, story) for week, stories in WEEKS.items() for story in stories}
    assert set(measured) == wanted, f"not published in its week (choose another): {sorted(wanted - set(measured))}"
    assert {key: result.baseline for key, result in measured.items() if result.baseline} == {}


@pytest.mark.parametrize("kind", [kind for kind in OPERATORS if kind not in NEGATIVE_CONTROLS])
def test_every_mutant_is_caught(measured: dict[tuple[date, str], Measured], kind: str) -> None:
    tally = _tally(measured, kind)
    assert tally.total > 0, f"no {kind} mutant in the chosen weeks"
    assert tally.missed == [], f"{len(tally.missed)} of {tally.total} {kind} mutants let through:\n" + "\n".join(tally.missed)


@pytest.mark.parametrize("kind", sorted(NEGATIVE_CONTROLS))
def test_no_harmless_mutant_is_caught(measured: dict[tuple[date, str], Measured], kind: str) -> None:
    tally = _tally(measured, kind)
    assert tally.total > 0, f"no {kind} mutant in the chosen weeks"
    assert tally.missed == [], f"{len(tally.missed)} of {tally.total} {kind} mutants failed the fact check:\n" + "\n".join(tally.missed)
