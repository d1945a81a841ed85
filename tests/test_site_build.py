"""End to end: generate a short range of weeks into a copy of the project and build it with `mkdocs build --strict`."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from html import unescape as html_unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlparse

import feedparser
import pytest

from generator.build import build_site
from generator.config import ROOT
from generator.pipeline import Dataset
from generator.site import DOCS_DIR, GENERATED, write_site

pytestmark = pytest.mark.slow
FIRST, LAST = date(2018, 9, 1), date(2018, 11, 30)


@pytest.fixture(scope="module")
def built(sample: Dataset, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A copy of the project's editor-owned files, generated for FIRST..LAST and built; returns (root, site)."""
    root = tmp_path_factory.mktemp("project")
    shutil.copy(ROOT / "mkdocs.yml", root)
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / DOCS_DIR, root / DOCS_DIR, ignore=shutil.ignore_patterns(*GENERATED))
    write_site(sample, FIRST, LAST, root=root)
    build_site(sample.source, root=root)
    return root, root / "site"


def test_every_week_in_range_gets_its_lead_and_at_most_two_more(built: tuple[Path, Path], sample: Dataset) -> None:
    root, site = built
    expected = [w for w in sample.weeks if FIRST <= w.date() <= LAST]
    posts = sorted((root / DOCS_DIR / "posts").glob("*.md"))
    per_week = {w.date().isoformat(): sum(p.name.startswith(w.date().isoformat()) for p in posts) for w in expected}
    assert len(expected) == 13 and all(1 <= count <= 3 for count in per_week.values()), per_week
    pages = list(site.glob("2018/*/*/*/index.html"))
    assert len(pages) == len(posts)


class _Resources(HTMLParser):
    """Collects every URL the browser would fetch on its own (not plain links), and the chart hooks."""

    def __init__(self) -> None:
        super().__init__()
        self.fetched: list[str] = []
        self.linked: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in {"script", "img", "iframe", "source", "audio", "video", "embed"} and a.get("src"):
            self.fetched.append(a["src"])
        if tag == "link" and a.get("rel") not in {"canonical", "alternate"} and a.get("href"):
            self.fetched.append(a["href"])
        if tag == "div" and a.get("data-spec"):
            self.fetched.append(a["data-spec"])
        if tag == "a" and a.get("href"):
            self.linked.append(a["href"])


def _parse(path: Path) -> _Resources:
    parser = _Resources()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_built_html_references_no_external_host(built: tuple[Path, Path]) -> None:
    _, site = built
    offenders = {}
    for page in site.rglob("*.html"):
        external = [url for url in _parse(page).fetched if urlparse(url).netloc]
        if external:
            offenders[str(page.relative_to(site))] = external
    assert offenders == {}
    for stylesheet in site.rglob("*.css"):
        assert "fonts.googleapis" not in stylesheet.read_text(encoding="utf-8")


def test_charts_and_data_links_resolve_to_files(built: tuple[Path, Path]) -> None:
    _, site = built
    missing = []
    for page in site.glob("2018/*/*/*/index.html"):
        found = _parse(page)
        base = "http://site/" + str(page.parent.relative_to(site)) + "/"
        urls = [u for u in found.fetched + found.linked if not urlparse(u).netloc and not u.startswith("#")]
        for url in urls:
            target = urlparse(urljoin(base, url)).path.lstrip("/")
            path = site / target
            if not (path.is_file() or (path / "index.html").is_file()):
                missing.append((str(page.relative_to(site)), url))
        assert any(u.endswith(".vl.json") for u in found.fetched), page
    assert missing == []


def test_chart_specs_are_vega_lite_drawing_the_csv_beside_them(built: tuple[Path, Path]) -> None:
    """The figures live once, in the chart's CSV (the page's download link): the spec names it, and the site's script
    loads it relative to the spec."""
    _, site = built
    specs = [*site.glob("weeks/*/*.vl.json"), *site.glob("funds/*/*.vl.json")]
    assert specs
    for spec_file in specs:
        spec = json.loads(spec_file.read_text(encoding="utf-8"))
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
        name = spec_file.name.removesuffix(".vl.json")
        assert spec["data"]["url"] == f"{name}.csv" and spec["data"]["format"]["type"] == "csv", spec_file
        assert "values" not in spec["data"] and "datasets" not in spec, spec_file
        assert (spec_file.parent / f"{name}.csv").is_file(), spec_file


def test_rss_feed_dates_come_from_front_matter(built: tuple[Path, Path]) -> None:
    _, site = built
    feed = feedparser.parse((site / "feed_rss_created.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert len(feed.entries) == 20, "the feed holds the newest 20 posts (mkdocs.yml, rss length)"
    dates = sorted(date(*entry.published_parsed[:3]) for entry in feed.entries)
    assert dates[-1] == date(2018, 11, 30) and all(day.weekday() == 4 for day in dates), "each post is dated on its week's Friday close"


def test_every_page_shows_the_sample_banner_and_search_index_has_articles(built: tuple[Path, Path]) -> None:
    _, site = built
    for page in [site / "index.html", site / "methodology" / "index.html", *site.glob("2018/*/*/*/index.html")]:
        assert "built from the bundled 2016–2021 sample" in page.read_text(encoding="utf-8"), page
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    titles = {doc["title"] for doc in index["docs"]}
    first_post = sorted(site.glob("2018/09/07/*/index.html"))[0]
    assert any(t and t in first_post.read_text(encoding="utf-8") for t in titles)


def test_methodology_page_documents_every_threshold(built: tuple[Path, Path]) -> None:
    from generator.config import DEFAULTS, documented_fields

    root, _ = built
    text = (root / DOCS_DIR / "methodology.md").read_text(encoding="utf-8")
    for name, _value, doc, _allowed in (
        documented_fields(DEFAULTS.thresholds) + documented_fields(DEFAULTS.definitions) + documented_fields(DEFAULTS.gates)
    ):
        assert f"`{name}`" in text and doc, name


def test_generating_twice_writes_nothing_new(built: tuple[Path, Path], sample: Dataset) -> None:
    root, _ = built
    summary = write_site(sample, FIRST, LAST, root=root)
    assert summary.files_changed == 0 and summary.files_removed == 0


def test_every_claim_of_the_built_articles_verifies(built: tuple[Path, Path], sample: Dataset) -> None:
    from generator.load import SAMPLE_STORE, read_store, with_history
    from generator.render import PHRASEBOOK_FILE, load_phrasebook
    from generator.verify import Closes, verify_folder

    root, _ = built
    prices = with_history(read_store(ROOT / SAMPLE_STORE), ROOT, sample.settings.gates.max_day_move_percent)
    phrasebook = load_phrasebook(ROOT / PHRASEBOOK_FILE)
    closes = Closes(prices, sample.store_start.date())
    report = verify_folder(root / DOCS_DIR, closes, sample.universe, phrasebook, sample.settings)
    assert report.articles == len(list((root / DOCS_DIR / "posts").glob("*.md"))) and report.claims > 300
    assert report.problems == []


def test_a_site_run_remembers_the_articles_that_passed_and_checks_a_changed_one_again(
    built: tuple[Path, Path], sample: Dataset, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator import verify
    from generator.load import SAMPLE_STORE, read_store, with_history
    from generator.render import PHRASEBOOK_FILE, load_phrasebook

    root, _ = built
    docs = tmp_path / "docs"
    shutil.copytree(root / DOCS_DIR, docs)
    prices = with_history(read_store(ROOT / SAMPLE_STORE), ROOT, sample.settings.gates.max_day_move_percent)
    closes, phrasebook = verify.Closes(prices, sample.store_start.date()), load_phrasebook(ROOT / PHRASEBOOK_FILE)
    weeks = {date(2018, 11, 30), date(2018, 11, 23)}

    def check() -> verify.Report:
        return verify.verify_folder(docs, closes, sample.universe, phrasebook, sample.settings, weeks, cache=tmp_path / "cache")

    first = check()
    assert first.problems == [] and first.articles >= 4
    checked: list[Path] = []
    real = verify._checked_article

    def counted(shared: Any, ledger: Path) -> tuple[date | None, int, list[str]]:
        if date.fromisoformat(ledger.parent.name) in weeks:
            checked.append(ledger)
        return real(shared, ledger)

    monkeypatch.setattr(verify, "_checked_article", counted)
    again = check()
    assert (again.articles, again.claims, again.problems, checked) == (first.articles, first.claims, [], [])

    post = sorted((docs / "posts").glob("2018-11-30-*.md"))[0]
    front, body = post.read_text(encoding="utf-8").split("\n---\n", 1)
    moved = re.sub(r"(\d)\.(\d) percent", lambda m: f"{m[1]}.{(int(m[2]) + 1) % 10} percent", body, count=1)
    post.write_text(f"{front}\n---\n{moved}", encoding="utf-8")
    changed = check()
    assert {ledger.parent.name for ledger in checked} == {"2018-11-30"}, "the changed week alone is checked again"
    assert changed.problems, "and its changed figure is refused"
    checked.clear()
    assert check().problems == changed.problems and checked, "a failing check is never remembered"


SITE_URL = "https://example.github.io/etf-weekly/"
"""mkdocs.yml's default `site_url` (no SITE_URL in the test's environment)."""


def test_rss_feed_links_are_absolute_its_image_real_and_updated_the_article_date(built: tuple[Path, Path]) -> None:
    _, site = built
    feed = feedparser.parse((site / "feed_rss_created.xml").read_bytes())
    image = feed.feed.image.href
    assert image == SITE_URL + "assets/images/feed.png" and (site / "assets" / "images" / "feed.png").read_bytes()[:4] == b"\x89PNG"
    for entry in feed.entries:
        assert entry.link.startswith(SITE_URL) and not entry.link.endswith(".md"), entry.link
        assert ".md" not in entry.summary and "](" not in entry.summary, entry.summary
    updated = feedparser.parse((site / "feed_rss_updated.xml").read_bytes())
    assert {(e.link, e.published_parsed[:3]) for e in updated.entries} <= {(e.link, e.published_parsed[:3]) for e in feed.entries}


def test_pages_carry_their_own_description_open_graph_tags_and_a_feed_link(built: tuple[Path, Path]) -> None:
    _, site = built
    post = sorted(site.glob("2018/11/30/*/index.html"))[0]
    html = post.read_text(encoding="utf-8")
    canonical = SITE_URL + post.parent.relative_to(site).as_posix() + "/"
    assert f'<link rel="canonical" href="{canonical}">' in html and f'<meta property="og:url" content="{canonical}">' in html
    descriptions = {
        page: page.read_text(encoding="utf-8").split('<meta name="description" content="', 1)[1].split('"', 1)[0]
        for page in [site / "index.html", *site.glob("2018/11/*/*/index.html")]
    }
    assert len(set(descriptions.values())) == len(descriptions), "each page its own description"
    assert all(len(html_unescape(text)) <= 160 for text in descriptions.values()), "a description a search result shows whole"
    assert '<meta property="og:image" content="' + SITE_URL + 'assets/images/feed.png">' in html
    assert "RSS feed of new articles" in html


def test_the_home_page_is_the_newest_week_s_edition(built: tuple[Path, Path]) -> None:
    _, site = built
    html = (site / "index.html").read_text(encoding="utf-8")
    assert "Week ending Friday, November 30, 2018" in html
    content = html.split('data-md-component="content"', 1)[1]
    assert content.index("The lead story") < content.index("The scoreboard") < content.index("Earlier editions")
    assert 'class="heat heat--' in html and 'href="funds/spy/"' in html
    assert "Editing guide" not in html, "the editing guide is out of the navigation"
    assert "/editing/" not in (site / "sitemap.xml").read_text(encoding="utf-8"), "nor in the sitemap (robots: noindex)"


def test_a_wrong_figure_on_the_home_page_is_refused(built: tuple[Path, Path], sample: Dataset, tmp_path: Path) -> None:
    from generator.load import SAMPLE_STORE, read_store, with_history
    from generator.render import PHRASEBOOK_FILE, load_phrasebook
    from generator.verify import Closes, verify_edition

    root, _ = built
    docs = tmp_path / "content"
    docs.mkdir()
    for name in ("posts", "weeks"):
        (docs / name).symlink_to(root / DOCS_DIR / name)
    page = (root / DOCS_DIR / "edition.md").read_text(encoding="utf-8")
    ledger = (root / DOCS_DIR / "edition" / "claims.json").read_text(encoding="utf-8")
    (docs / "edition").mkdir()
    (docs / "edition" / "claims.json").write_text(ledger, encoding="utf-8")
    prices = with_history(read_store(ROOT / SAMPLE_STORE), ROOT, sample.settings.gates.max_day_move_percent)
    args = (Closes(prices, sample.store_start.date()), sample.universe, load_phrasebook(ROOT / PHRASEBOOK_FILE), sample.settings)
    (docs / "edition.md").write_text(page, encoding="utf-8")
    claims, problems = verify_edition(docs, *args)
    assert claims > 40 and problems == []
    row = next(line for line in page.splitlines() if line.startswith("| [SPY]"))
    week = row.split(" | ")[1]
    wrong = f"{float(week.rstrip('%')) + 0.3:+.1f}%"
    (docs / "edition.md").write_text(page.replace(row, row.replace(f" {week} ", f" {wrong} ", 1)), encoding="utf-8")
    _, problems = verify_edition(docs, *args)
    assert problems, "a figure the ledger does not hold is refused"
    (docs / "edition" / "claims.json").write_text(ledger.replace(f'"text":"{week}"', f'"text":"{wrong}"', 1), encoding="utf-8")
    _, problems = verify_edition(docs, *args)
    assert any(f'"{wrong}": the recomputed value is' in problem for problem in problems), "and so is one the ledger lies about"
