"""Generate every page and asset of the site into the docs dir, through the write stage."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from . import chart
from .config import ROOT
from .funds import FUNDS_DIR, fund_pages
from .notes import FRONT_MATTER
from .pipeline import POSTS_DIR, WEEKS_DIR, Article, Dataset, ListedArticle, about_data_page, generate_articles, methodology_page
from .write import OutputWriter, write_atomic

DOCS_DIR = Path("content")
CACHE_DIR = Path(".cache")
VEGA_BUNDLE = Path("assets/javascripts/vega-bundle.js")
GENERATED = ("posts", "weeks", "funds", "methodology.md", "about-data.md", VEGA_BUNDLE.name)
"""What the generator writes into the docs dir (names, for copying a project without them); the rest is the editors'."""


@dataclass(frozen=True)
class Summary:
    weeks: int
    articles: int
    charts: int
    files_changed: int
    removed: list[str] = dataclasses.field(default_factory=list)
    """Files under the docs dir that a full run found no week writes any more, and removed."""
    written: frozenset[Path] = frozenset()
    """Every file the run wrote or found already right (for the manifest)."""

    @property
    def files_removed(self) -> int:
        return len(self.removed)


def write_site(
    data: Dataset,
    first: date | None = None,
    last: date | None = None,
    root: Path = ROOT,
    progress: Callable[[], None] | None = None,
    only: set[date] | None = None,
) -> Summary:
    """Render every week in range and write posts, facts, charts and generated pages.

    Only a full run (no range, no `only`) removes files that no week writes any more. A range
    rewrites its own weeks and the pages that list articles (fund pages take the other weeks'
    articles from the posts already written), and leaves every other week's files alone. With
    `only` (the live preview after a note changes), just those weeks are rewritten.
    """
    on_disk = {path.name for path in (root / DOCS_DIR / POSTS_DIR).glob("*.md")}
    articles = generate_articles(data, first, last, root=root, progress=progress, only=only, on_disk=on_disk)
    out = OutputWriter(root / DOCS_DIR)
    out.remove_stale_temporaries()
    specs = [item.spec for article in articles for item in article.charts]
    svgs = iter(chart.render_svgs(specs, root / CACHE_DIR / "svg"))
    for article in articles:
        write_article(out, article, svgs)
    full_run = first is None and last is None and only is None
    if not full_run:
        for day in sorted({article.as_of for article in articles}):
            out.prune_matching(POSTS_DIR, f"{day.isoformat()}-*.md")
            out.prune(WEEKS_DIR / day.isoformat())
    if only is not None:
        return Summary(weeks=len({a.as_of for a in articles}), articles=len(articles), charts=len(specs), files_changed=out.changed)
    written_weeks = {article.as_of for article in articles}
    listed = [article.listed() for article in articles]
    if not full_run:
        listed += [item for item in posts_on_disk(root / DOCS_DIR) if item.as_of not in written_weeks]
    pages, index = fund_pages(data, listed, root)
    fund_specs = [item.spec for page in pages for item in page.charts]
    fund_svgs = iter(chart.render_svgs(fund_specs, root / CACHE_DIR / "svg"))
    out.write(FUNDS_DIR / "index.md", index)
    for page in pages:
        out.write(FUNDS_DIR / f"{page.slug}.md", page.markdown)
        for item in page.charts:
            write_chart(out, FUNDS_DIR / page.slug, item, next(fund_svgs))
    newest = data.weeks[-1].date() if len(data.weeks) else None
    out.write("methodology.md", methodology_page(data.settings, root, data.excluded, newest))
    out.write("about-data.md", about_data_page(data, root))
    out.write(VEGA_BUNDLE, chart.vega_bundle())
    removed = out.prune(POSTS_DIR) + out.prune(WEEKS_DIR) + out.prune(FUNDS_DIR) if full_run else out.prune(FUNDS_DIR)
    return Summary(
        weeks=len(written_weeks),
        articles=len(articles),
        charts=len(specs) + len(fund_specs),
        files_changed=out.changed,
        removed=removed,
        written=frozenset(out.written),
    )


def posts_on_disk(docs: Path) -> list[ListedArticle]:
    """The articles already in the docs dir, from their front matter (what a ranged run lists beside its own)."""
    listed = []
    for path in sorted((docs / POSTS_DIR).glob("*.md")):
        front = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
        fields = yaml.safe_load(front.group(1)) if front else None
        if isinstance(fields, dict) and {"title", "date", "tags"} <= set(fields):
            day = fields["date"] if isinstance(fields["date"], date) else date.fromisoformat(str(fields["date"]))
            listed.append(ListedArticle(day, str(fields["title"]), POSTS_DIR / path.name, tuple(fields["tags"] or ())))
    return listed


def claims_json(article: Article) -> str:
    """The article's claims ledger: what it says, where each figure comes from, in the order printed."""
    claims = [dataclasses.asdict(claim) for claim in article.claims]
    ledger = {"as_of": article.as_of.isoformat(), "story": article.story, "article": article.path.as_posix(), "claims": claims}
    return json.dumps(ledger, default=str, separators=(",", ":")) + "\n"


def write_article(out: OutputWriter, article: Article, svgs: Iterator[str]) -> None:
    folder = WEEKS_DIR / article.as_of.isoformat()
    out.write(article.path, article.markdown)
    out.write(folder / "facts.json", article.facts.model_dump_json(exclude_none=True) + "\n")
    out.write(folder / f"{article.story}.claims.json", claims_json(article))
    for item in article.charts:
        write_chart(out, folder, item, next(svgs))


def write_chart(out: OutputWriter, folder: Path, item: chart.Chart, svg: str) -> None:
    """A chart's spec, the data behind it as CSV, and its static image."""
    out.write(folder / f"{item.name}.vl.json", json.dumps(item.spec, sort_keys=True, separators=(",", ":")))
    out.write(folder / f"{item.name}.csv", item.data.to_csv(index=False))
    out.write(folder / f"{item.name}.svg", svg)


MANIFEST = CACHE_DIR / "site-manifest.json"
"""The inputs' digest and every generated file's digest, from the last complete run."""
INPUTS = ("mkdocs.yml", "data/funds.yaml", "data/flows.csv", "data/store/snapshots.csv", "templates", "content/notes", "generator")
"""What generation reads besides the price store: any change here means generating again."""


def inputs_digest(root: Path, store: Path, options: str) -> str:
    """One digest of everything generation depends on: the prices, the editors' files, the code and the options."""
    digest = hashlib.sha256(options.encode())
    paths = [store] + [root / name for name in INPUTS]
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) if path.is_dir() else [path]
        for file in files:
            if file.exists():
                digest.update(str(file.relative_to(root) if file.is_relative_to(root) else file).encode())
                digest.update(hashlib.sha256(file.read_bytes()).digest())
    return digest.hexdigest()


def up_to_date(root: Path, digest: str) -> int | None:
    """The number of generated files when the last run had these very inputs and its outputs are untouched; else None."""
    manifest = root / MANIFEST
    if not manifest.exists():
        return None
    recorded = json.loads(manifest.read_text(encoding="utf-8"))
    if recorded.get("inputs") != digest:
        return None
    docs = root / DOCS_DIR
    for name, expected in recorded["outputs"].items():
        path = docs / name
        if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != expected:
            return None
    return len(recorded["outputs"])


def record_run(root: Path, digest: str, written: Iterable[Path]) -> None:
    """Remember a complete, verified run: the next one with the same inputs can skip generation."""
    docs = (root / DOCS_DIR).resolve()
    outputs = {str(path.relative_to(docs)): hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(written)}
    write_atomic(root / MANIFEST, json.dumps({"inputs": digest, "outputs": outputs}, indent=0).encode("utf-8"))
