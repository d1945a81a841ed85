"""The facts cache: a week read back is the week computed; its key moves with what the week is computed from and only
with that (prices after the week leave it alone, so a new week of data recomputes only the new week)."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from generator import pipeline, site
from generator.calendar import Window
from generator.cli import CACHE_ENV
from generator.config import ROOT, Settings
from generator.load import SAMPLE_STORE, read_store
from generator.pipeline import Dataset, prepare_dataset, week_facts, window_for
from generator.universe import FUNDS_FILE, load_universe

WEEK = date(2019, 3, 29)
LATER = pd.Timestamp("2019-06-28")
"""A cut of the store a quarter after WEEK: the data a weekly run had then."""


@pytest.fixture(scope="module")
def tidy() -> pd.DataFrame:
    return read_store(ROOT / SAMPLE_STORE)


def dataset(tidy: pd.DataFrame, cache: Path | None, settings: Settings | None = None) -> Dataset:
    return prepare_dataset(tidy, load_universe(ROOT / FUNDS_FILE), "sample", settings or Settings(), root=ROOT, cache=cache)


def window(data: Dataset) -> Window:
    return window_for(data, WEEK, "calendar")


def test_a_week_read_back_is_the_week_computed(
    tidy: pd.DataFrame, sample: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, computed = dataset(tidy, tmp_path), week_facts(sample, window(sample))
    written = week_facts(first, window(first))
    assert len(list((tmp_path / "facts").glob(f"{WEEK}-*.pickle"))) == 1

    def no_computing(*_: object) -> None:
        raise AssertionError("the week was computed again")

    again = dataset(tidy, tmp_path)
    monkeypatch.setattr(pipeline, "_computed_week_facts", no_computing)
    assert week_facts(again, window(again)) == written == computed


def test_a_damaged_entry_is_computed_again_and_replaced(tidy: pd.DataFrame, sample: Dataset, tmp_path: Path) -> None:
    data = dataset(tidy, tmp_path)
    week_facts(data, window(data))
    (entry,) = (tmp_path / "facts").glob(f"{WEEK}-*.pickle")
    entry.write_bytes(b"not a pickle")
    fresh = dataset(tidy, tmp_path)
    assert week_facts(fresh, window(fresh)) == week_facts(sample, window(sample))
    assert entry.read_bytes() != b"not a pickle"


def test_a_cache_folder_that_cannot_be_written_only_costs_the_time(tidy: pd.DataFrame, sample: Dataset, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the cache folder would be", encoding="utf-8")
    data = dataset(tidy, blocked)
    assert week_facts(data, window(data)) == week_facts(sample, window(sample))


def test_prices_after_the_week_leave_its_key_and_facts_alone(tidy: pd.DataFrame, tmp_path: Path) -> None:
    """No metric looks ahead: the week computed from the data of a quarter later is the week computed then."""
    full, then = dataset(tidy, tmp_path), dataset(tidy.loc[tidy["session"] <= LATER], tmp_path)
    assert full.week_cache.key(window(full)) == then.week_cache.key(window(then))
    assert pipeline._computed_week_facts(full, window(full)) == pipeline._computed_week_facts(then, window(then))


def test_a_changed_price_in_or_before_the_week_or_a_changed_setting_moves_its_key(tidy: pd.DataFrame, tmp_path: Path) -> None:
    base = dataset(tidy, tmp_path)
    key = base.week_cache.key(window(base))
    revised = tidy.copy()
    row = revised.index[(revised["symbol"] == "IWM") & (revised["session"] == pd.Timestamp("2018-01-03"))]
    revised.loc[row, "close"] += 0.01
    assert dataset(revised, tmp_path).week_cache.key(window(base)) != key
    stricter = Settings.model_validate({"thresholds": {"correction_percent": 9.0}})
    assert dataset(tidy, tmp_path, stricter).week_cache.key(window(base)) != key


def test_a_week_s_files_are_read_back_until_a_template_changes(tidy: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "templates", root / "templates")
    cache = Path(os.environ[CACHE_ENV])  # the suite's: the earlier weeks' facts are there already
    staged = site.stage_site(dataset(tidy, cache), root=root, only={WEEK})
    assert staged.articles and list((cache / "staged").glob(f"{WEEK}-*.pickle"))
    written = {path: (staged.folder / path).read_bytes() for path in staged.files}

    rendered: list[date] = []
    real = site.render_week

    def counted(data: Dataset, plan: pipeline.PlannedWeek) -> list[pipeline.Article]:
        rendered.append(plan.window.end)
        return real(data, plan)

    monkeypatch.setattr(site, "render_week", counted)
    shutil.rmtree(staged.folder)
    again = site.stage_site(dataset(tidy, cache), root=root, only={WEEK})
    assert {path: (again.folder / path).read_bytes() for path in again.files} == written and rendered == []
    footer = root / "templates" / "partials" / "article.md.j2"
    footer.write_text(footer.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    site.stage_site(dataset(tidy, cache), root=root, only={WEEK})
    assert rendered == [WEEK], "a changed template renders the week again"


def test_the_walk_names_a_week_it_named_before_without_reading_its_facts(
    tidy: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = Path(os.environ[CACHE_ENV])
    first = pipeline.plan_weeks(dataset(tidy, cache), last=WEEK)

    def no_facts(*_: object) -> None:
        raise AssertionError("a week's facts were read")

    monkeypatch.setattr(pipeline, "week_facts", no_facts)
    monkeypatch.setattr(pipeline, "warm_week_facts", no_facts)
    again = pipeline.plan_weeks(dataset(tidy, cache), last=WEEK)
    assert [(plan.window, plan.articles) for plan in again] == [(plan.window, plan.articles) for plan in first]
    root = tmp_path / "project"
    shutil.copytree(ROOT / "templates", root / "templates")
    phrasebook = root / "templates" / "phrasebook.yaml"
    phrasebook.write_text(phrasebook.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="facts were read"):
        pipeline.plan_weeks(dataset(tidy, cache), last=WEEK, root=root)
