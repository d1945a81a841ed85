"""In a real browser (headless Chromium): a short site built like tests/test_site_build.py, served from 127.0.0.1.

Every page opens without console errors and fetches nothing from another host; every chart is drawn by the
site's own Vega bundle as it scrolls into view, in the light palette and again in the dark one after a click on
Material's toggle; the RSS feed parses; search finds an article. Lighthouse and axe-core score the home page, an
article and a fund page against the site's targets. Screenshots (1280 and 390 pixels wide, light and dark) go to
test-artifacts/screenshots/, Lighthouse's reports to test-artifacts/lighthouse/.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse
from urllib.request import urlopen

import feedparser
import pytest
from browser_helpers import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    DATA_MARKS,
    SCREENSHOTS,
    Lighthouse,
    Recorder,
    axe_violations,
    build_project,
    find_chromium,
    lighthouse_missing,
    run_lighthouse,
    serve,
)

from generator.pipeline import Dataset
from generator.site import GENERATED

CHROMIUM = find_chromium()
if CHROMIUM is None:
    pytest.skip(
        "no Chromium binary: set CHROMIUM_PATH or install /usr/bin/chromium (Playwright's own download is not used)",
        allow_module_level=True,
    )
sync_playwright = pytest.importorskip("playwright.sync_api", reason="playwright is not installed").sync_playwright

pytestmark = pytest.mark.slow
FIRST, LAST = date(2018, 9, 1), date(2018, 11, 30)
TIMEOUT_MS = 15_000
PALETTE = 'form[data-md-component="palette"]'
PHONE = {"width": 390, "height": 844}
SCORED = ("home", "article", "fund")
LIGHTHOUSE_TARGETS = {"performance": 90, "accessibility": 98, "best-practices": 100, "seo": 100}
"""Lighthouse's scores on a phone (its default emulation), at least."""
FIRST_VIEW_BYTES = {"home": 250_000, "article": 350_000, "fund": 350_000}
"""What a page's first view may transfer, compressed, at most."""

CHARTS_DRAWN = """(previous) => [...document.querySelectorAll('.etf-chart__view')]
    .every(e => e.hasAttribute('data-drawn') && e.getAttribute('data-drawn') !== previous)"""
CHART_STATES = """(marks) => [...document.querySelectorAll('.etf-chart__view')].map(e => {
    const label = e.querySelector('svg g.role-axis-label text');
    return {
        spec: e.getAttribute('data-spec'),
        drawn: e.getAttribute('data-drawn'),
        svgs: e.querySelectorAll('svg.marks').length,
        marks: e.querySelectorAll(marks).length,
        label: label ? getComputedStyle(label).fill : null,
    };
})"""


# --- the site, the server, the browser --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(sample: Dataset, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_project(sample, FIRST, LAST, tmp_path_factory.mktemp("project"), GENERATED)


@pytest.fixture(scope="module")
def base(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def urls(site: Path, base: str) -> dict[str, str]:
    """The four pages under test, found in the built site folder: home, one article, the archive, a fund page."""

    def url(index: Path) -> str:
        return base + index.parent.relative_to(site).as_posix() + "/"

    articles = sorted(site.glob("2018/*/*/*/index.html"))
    archives = sorted(site.glob("archive/*/index.html"))
    funds = sorted(p for p in site.glob("funds/**/index.html") if p.parent != site / "funds")
    assert articles and archives, "the build has no articles or no archive page"
    return {
        "home": base,
        "article": url(articles[0]),
        "archive": url(archives[0]),
        # no fund pages yet: the page that lists every fund stands in for one
        "fund": url(funds[0]) if funds else base + "about-data/",
    }


@pytest.fixture
def recorder(base: str) -> Recorder:
    return Recorder(base)


def new_context(browser: Any, recorder: Recorder, color_scheme: str = "light") -> Any:
    context = browser.new_context(color_scheme=color_scheme, viewport={"width": 1280, "height": 900}, service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    recorder.watch(context)
    return context


@pytest.fixture
def context(browser: Any, recorder: Recorder) -> Iterator[Any]:
    """A fresh context per test: Material keeps the reader's palette in localStorage, so tests must not share one."""
    context = new_context(browser, recorder)
    yield context
    context.close()


def open_page(context: Any, url: str) -> Any:
    page = context.new_page()
    page.goto(url, wait_until="load")
    wait_for_charts(page)
    page.wait_for_load_state("networkidle")
    return page


def wait_for_charts(page: Any, previous: str | None = None) -> list[dict[str, Any]]:
    """Scrolls each chart into view (a chart is drawn as it nears the screen), waits until every chart has a data-drawn
    value other than previous, and returns each chart's state."""
    for view in page.locator(".etf-chart__view").all():
        view.scroll_into_view_if_needed()
    page.wait_for_function(CHARTS_DRAWN, arg=previous)
    return page.evaluate(CHART_STATES, DATA_MARKS)


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def assert_drawn(charts: list[dict[str, Any]], scheme: str) -> None:
    for chart in charts:
        assert chart["drawn"] == scheme, chart
        assert chart["svgs"] == 1, chart
        assert chart["marks"] > 0, chart


def assert_clean(recorder: Recorder) -> None:
    assert recorder.errors == []
    assert recorder.foreign_requests() == []
    assert recorder.failed == []


# --- the tests ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["home", "article", "archive", "fund"])
def test_page_draws_its_charts_without_errors_or_foreign_requests(
    name: str, urls: dict[str, str], site: Path, context: Any, recorder: Recorder
) -> None:
    page = open_page(context, urls[name])
    charts = page.evaluate(CHART_STATES, DATA_MARKS)
    screenshot(page, f"{name}-light")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "default"
    if name == "article":
        assert len(charts) >= 2, "an article has a weekly-change chart and a price chart"
    assert_drawn(charts, "light")
    assert_clean(recorder)
    # links are relative: every link to this server names a file of the site folder, wherever it is served from
    links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)")
    local = [urlparse(link).path for link in links if link.startswith(recorder.base)]
    assert local, "no links to the site itself"
    missing = [p for p in local if not ((site / p.lstrip("/")).is_file() or (site / p.lstrip("/") / "index.html").is_file())]
    assert missing == []


def test_home_page_links_to_the_archive_and_the_articles(urls: dict[str, str], context: Any) -> None:
    page = open_page(context, urls["home"])
    links = set(page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"))
    assert urls["archive"] in links
    assert urls["article"] in links or any(link.startswith(urljoin(urls["home"], "2018/")) for link in links)


def test_dark_mode_toggle_redraws_the_charts(urls: dict[str, str], context: Any, recorder: Recorder) -> None:
    page = open_page(context, urls["article"])
    light = wait_for_charts(page)
    assert_drawn(light, "light")

    page.locator(f'{PALETTE} label[title="Switch to dark mode"]').click()
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    dark = wait_for_charts(page, previous="light")
    page.wait_for_load_state("networkidle")
    page.mouse.move(0, 0)  # away from the toggle, whose tooltip would be in the screenshot
    screenshot(page, "article-dark")
    assert_drawn(dark, "dark")
    assert [c["spec"] for c in dark] == [c["spec"] for c in light]
    assert all(d["label"] != li["label"] for d, li in zip(dark, light, strict=True)), "axis labels kept the light palette's colour"

    # the choice survives a reload, and the charts are drawn dark from the start
    page.reload(wait_until="load")
    assert_drawn(wait_for_charts(page), "dark")

    # and back
    page.locator(f'{PALETTE} label[title="Switch to light mode"]').click()
    assert_drawn(wait_for_charts(page, previous="dark"), "light")
    assert_clean(recorder)


def test_a_reader_who_prefers_dark_gets_dark_charts(urls: dict[str, str], browser: Any, recorder: Recorder) -> None:
    context = new_context(browser, recorder, color_scheme="dark")
    try:
        page = open_page(context, urls["article"])
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
        assert_drawn(wait_for_charts(page), "dark")
        assert_clean(recorder)
    finally:
        context.close()


def test_rss_feed_parses(base: str) -> None:
    with urlopen(base + "feed_rss_created.xml", timeout=10) as response:
        feed = feedparser.parse(response.read())
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) > 0


def test_search_finds_the_article(urls: dict[str, str], base: str, context: Any, recorder: Recorder) -> None:
    page = open_page(context, urls["article"])
    title = (page.locator("article h1").first.text_content() or "").strip()
    with urlopen(base + "search/search_index.json", timeout=10) as response:
        index = json.load(response)
    assert title in {doc["title"] for doc in index["docs"]}

    # and the search box, run by Material's worker on that index, lists it
    query = page.locator('input[data-md-component="search-query"]')
    query.click()
    query.press_sequentially(title)  # Material searches on keyup: fill() alone would not trigger it
    results = page.locator(".md-search-result__item a")
    results.first.wait_for()
    # read every link in one go: Material re-renders the list as results arrive, so a link held across calls can go stale
    hrefs = results.evaluate_all("links => links.map(link => link.getAttribute('href') || '')")
    found = {urljoin(page.url, href).split("#")[0] for href in hrefs}
    assert urls["article"] in found, "headlines repeat across weeks, so the article is among the results"
    assert_clean(recorder)


def test_charts_wait_for_the_reader_and_keep_their_names(urls: dict[str, str], context: Any, recorder: Recorder) -> None:
    """The Vega bundle loads only where there is a chart, when the first one nears the screen; a drawn chart keeps its
    description as its accessible name, takes the keyboard's focus, has its figures in a table, and lets the wheel
    scroll the page."""
    home = context.new_page()
    home.goto(urls["home"], wait_until="networkidle")
    assert home.locator(".etf-chart__view").count() == 0
    assert not [url for url in recorder.requests if url.endswith("vega-bundle.js")], "the home page has no chart"

    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(urls["article"], wait_until="networkidle")
    states = page.evaluate(CHART_STATES, DATA_MARKS)
    assert any(state["drawn"] is None for state in states), "a chart below the first screen waits to be scrolled to"
    views = page.locator(".etf-chart__view").all()
    descriptions = [view.get_attribute("aria-label") for view in views]
    assert all(descriptions) and all(view.get_attribute("role") == "img" for view in views)
    assert_drawn(wait_for_charts(page), "light")
    # Vega names what it draws after the spec's description (without one it says "Vega visualization")
    assert [view.get_attribute("aria-label") for view in views] == descriptions
    for view in views:
        view.focus()
        assert page.evaluate("document.activeElement.classList.contains('etf-chart__view')")
    table = page.locator("figure.etf-chart details table").first
    assert table.locator("tbody tr").count() > 1
    page.locator("figure.etf-chart details summary").first.click()
    assert table.is_visible()

    trend = page.locator(".etf-chart__view").last
    trend.scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    box = trend.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, 300)
    page.wait_for_function("(y) => window.scrollY > y", arg=before)
    assert_clean(recorder)


def test_search_index_waits_for_the_first_search(urls: dict[str, str], context: Any, recorder: Recorder) -> None:
    page = open_page(context, urls["article"])
    assert not [url for url in recorder.requests if url.endswith("search_index.json")]
    page.locator('input[data-md-component="search-query"]').click()
    page.wait_for_function("() => performance.getEntriesByType('resource').some(e => e.name.endsWith('search_index.json'))")


@pytest.fixture(scope="module")
def lighthouse(urls: dict[str, str]) -> dict[str, Lighthouse]:
    """One Lighthouse run per scored page (each costs seconds); the reports stay in test-artifacts/lighthouse/."""
    missing = lighthouse_missing()
    if missing:
        pytest.skip(missing)
    assert CHROMIUM is not None
    return {name: run_lighthouse(urls[name], CHROMIUM, ARTIFACTS / "lighthouse" / f"{name}.json") for name in SCORED}


@pytest.mark.parametrize("name", SCORED)
def test_lighthouse_scores_and_first_view_weight(name: str, lighthouse: dict[str, Lighthouse]) -> None:
    """Accessibility, best practices and SEO are properties of the page and must meet their targets. The performance
    score is a timing of this machine (the same page scores 89 on one run and 96 on the next), so it is reported, not
    asserted; what the page makes a phone download is asserted instead."""
    result = lighthouse[name]
    short = {category: score for category, score in result.scores.items() if score < LIGHTHOUSE_TARGETS[category]}
    if "performance" in short:
        warnings.warn(
            f"{name}: performance {short.pop('performance')} under {LIGHTHOUSE_TARGETS['performance']} "
            f"(benchmark index {result.benchmark_index:.0f}); failing audits: {result.failing['performance']}",
            stacklevel=1,
        )
    assert short == {}, f"{name}: {result.scores}; failing audits: {result.failing}"
    assert result.transferred <= FIRST_VIEW_BYTES[name], f"{name}: {result.transferred:,} bytes in {result.requests} requests"


@pytest.mark.parametrize("name", SCORED)
def test_no_serious_accessibility_violation_and_screenshots(name: str, urls: dict[str, str], browser: Any, recorder: Recorder) -> None:
    """axe-core in the light and dark palettes, at a desktop's width and a phone's; a screenshot of each."""
    missing = lighthouse_missing()
    if missing:
        pytest.skip(missing)
    for scheme in ("light", "dark"):
        context = new_context(browser, recorder, color_scheme=scheme)
        try:
            page = open_page(context, urls[name])
            for width, viewport in (("1280", {"width": 1280, "height": 900}), ("390", PHONE)):
                page.set_viewport_size(viewport)
                wait_for_charts(page)
                page.mouse.move(0, 0)
                screenshot(page, f"{name}-{width}-{scheme}")
                serious = [v for v in axe_violations(page) if v["impact"] in {"serious", "critical"}]
                assert serious == [], f"{name} at {width} px, {scheme}: {serious}"
        finally:
            context.close()
    assert_clean(recorder)


SORTED_COLUMN = """(column) => [...document.querySelectorAll('.sortable-table tbody tr')]
    .map(row => row.cells[column].textContent.trim())"""
"""The text of one column of the funds index, top to bottom."""


def test_the_funds_index_sorts_by_a_column_and_reads_whole_without_javascript(
    base: str, browser: Any, context: Any, recorder: Recorder
) -> None:
    page = context.new_page()
    page.goto(base + "funds/", wait_until="load")
    heading = page.locator(".sortable-table th").nth(3)
    heading.get_by_role("button", name="Week").click()
    weeks = [float(cell.rstrip("%")) for cell in page.evaluate(SORTED_COLUMN, 3)]
    assert weeks == sorted(weeks, reverse=True) and heading.get_attribute("aria-sort") == "descending", "figures: the highest first"
    heading.get_by_role("button", name="Week").click()
    assert heading.get_attribute("aria-sort") == "ascending"
    assert [float(cell.rstrip("%")) for cell in page.evaluate(SORTED_COLUMN, 3)] == sorted(weeks)
    page.locator(".sortable-table th").nth(0).get_by_role("button", name="Ticker").click()
    tickers = page.evaluate(SORTED_COLUMN, 0)
    assert tickers == sorted(tickers) and len(tickers) == 48
    assert_clean(recorder)
    plain = browser.new_context(java_script_enabled=False)
    try:
        still = plain.new_page()
        still.goto(base + "funds/", wait_until="load")
        assert still.evaluate(SORTED_COLUMN, 0) == tickers and still.locator(".sortable-table button").count() == 0
    finally:
        plain.close()
