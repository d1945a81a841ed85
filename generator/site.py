"""Generate every page and asset of the site into a staging folder, then apply it to the docs dir through the write stage.

The `site` command fact-checks the staging folder in between: an article that fails never
reaches the folder MkDocs reads.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import hashlib
import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from . import chart
from .closed_world import ARTICLE_DIGEST, LEDGER_SUFFIX, article_digest, articles_and_ledgers
from .config import CACHE_DIR, ROOT
from .edition import EDITION_FILE, EDITION_LEDGER, Edition, edition
from .funds import FUNDS_DIR, FundPage, FundPages
from .notes import FRONT_MATTER
from .pipeline import (
    POSTS_DIR,
    WEEKS_DIR,
    Article,
    Dataset,
    ListedArticle,
    PlannedWeek,
    about_data_page,
    methodology_page,
    plan_weeks,
    render_week,
    rendered_from,
)
from .render import Claim
from .workers import spread
from .write import OutputWriter, write_atomic

DOCS_DIR = Path("content")
STAGING_DIR = Path(".staging")
"""Where a run generates, mirroring the docs dir's generated paths; what it holds after a failed fact check is there to inspect."""
VEGA_BUNDLE = Path("assets/javascripts/vega-bundle.js")
GENERATED = ("posts", "weeks", "funds", "methodology.md", "about-data.md", EDITION_FILE.name, EDITION_LEDGER.parts[0], VEGA_BUNDLE.name)
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
    """Stage and apply in one go, with no fact check between (the `site` command runs one there)."""
    return apply_staged(stage_site(data, first, last, root, progress, only), root)


@dataclass(frozen=True)
class Staged:
    """One run's generated files, in the staging folder until the fact check passes, and how applying them prunes."""

    folder: Path
    files: frozenset[Path]
    """Every file of the run, relative to `folder` (and to the docs dir, which it mirrors)."""
    weeks: frozenset[date]
    """The weeks whose articles the run wrote."""
    full_run: bool
    """No range: applying removes every generated file no week writes any more."""
    pages: bool
    """Fund, methodology and about pages too (all but a run of `only` some weeks)."""
    articles: int
    charts: int

    def keeps(self, relative: Path) -> bool:
        """Whether applying leaves this file of the docs dir's posts/ or weeks/ as it is (a range keeps the other weeks)."""
        if self.full_run or relative in self.files:
            return False
        if relative.parent == POSTS_DIR:
            return not any(relative.name.startswith(f"{day.isoformat()}-") for day in self.weeks)
        return relative.parts[1] not in {day.isoformat() for day in self.weeks}


def stage_site(
    data: Dataset,
    first: date | None = None,
    last: date | None = None,
    root: Path = ROOT,
    progress: Callable[[], None] | None = None,
    only: set[date] | None = None,
    bundle: chart.VegaBundle | None = None,
) -> Staged:
    """Render every week in range and write posts, facts, charts and generated pages into the staging folder.

    A range renders its own weeks and the pages that list articles (fund pages take the other
    weeks' articles from the posts already in the docs dir). With `only` (the live preview after a
    note changes), just those weeks. The staging folder ends up holding this run's files and no others. `bundle`: the
    site's Vega script, started early by the caller (or drawn here).
    """
    docs = root / DOCS_DIR
    on_disk = {path.name for path in (docs / POSTS_DIR).glob("*.md")}
    planned = plan_weeks(data, first, last, root=root, only=only, on_disk=on_disk)
    kept = [data.week_cache.kept_week(plan.window, rendered_from(data, plan)) for plan in planned]
    if progress is not None:
        for _ in range(sum(isinstance(week, StagedWeek) for week in kept)):
            progress()
    out = OutputWriter(root / STAGING_DIR, durable=False)  # scratch: the docs dir gets the durable copy
    unkept = [plan for plan, week in zip(planned, kept, strict=True) if not isinstance(week, StagedWeek)]
    fresh = iter(spread(_write_staged_week, (out.root, data), unkept, data.jobs, progress))
    weeks: list[StagedWeek] = []
    for week in kept:
        if isinstance(week, StagedWeek):
            for relative, content in week.files.items():
                out.write(relative, content)
        else:
            written, week = next(fresh)
            out.written |= written
        weeks.append(week)
    written_weeks = {plan.window.end for plan in planned}
    full_run = first is None and last is None and only is None
    charts = sum(week.charts for week in weeks)
    articles = [item for week in weeks for item in week.listed]
    if only is None:
        listed = list(articles)
        if not full_run:
            listed += [item for item in posts_on_disk(docs) if item.as_of not in written_weeks]
        pages = FundPages.of(data, listed, root)
        for written, drawn in spread(_write_staged_fund_page, (out.root, pages), pages.pages, data.jobs):
            out.written |= written
            charts += drawn
        this_week = edition(data, listed, root)
        if this_week is not None:
            out.write(EDITION_FILE, this_week.markdown)
            out.write(EDITION_LEDGER, edition_claims_json(this_week))
        newest = data.weeks[-1].date() if len(data.weeks) else None
        out.write("methodology.md", methodology_page(data.settings, root, data.excluded, newest, data.wide))
        out.write("about-data.md", about_data_page(data, root))
        out.write(VEGA_BUNDLE, (bundle or chart.VegaBundle(data.cache)).text)
    out.prune(".")
    staging = (root / STAGING_DIR).resolve()
    return Staged(
        folder=root / STAGING_DIR,
        files=frozenset(path.relative_to(staging) for path in out.written),
        weeks=frozenset(written_weeks),
        full_run=full_run,
        pages=only is None,
        articles=len(articles),
        charts=charts,
    )


def apply_staged(staged: Staged, root: Path = ROOT, replaced: dict[Path, str] | None = None) -> Summary:
    """Put the staged files into the docs dir (only those whose bytes change; linked, not copied), then prune as the
    run's kind says.

    Only a full run removes files that no week writes any more; a range rewrites its own weeks
    (and the fund pages) and leaves every other week's files alone. `replaced` gives some files
    other contents (the live preview's error pages).
    """
    # Atomic but not flushed file by file: a file a crash tears differs from its digest in the run's manifest, and the
    # next run generates again (up_to_date) rather than trust it.
    out = OutputWriter(root / DOCS_DIR, durable=False)
    out.remove_stale_temporaries()
    replaced = replaced or {}
    for relative in sorted(staged.files):
        if relative in replaced:
            out.write(relative, replaced[relative])
        else:
            out.place(relative, staged.folder / relative)
    removed: list[str] = []
    if staged.full_run:
        removed = out.prune(POSTS_DIR) + out.prune(WEEKS_DIR) + out.prune(FUNDS_DIR)
    else:
        for day in sorted(staged.weeks):
            out.prune_matching(POSTS_DIR, f"{day.isoformat()}-*.md")
            out.prune(WEEKS_DIR / day.isoformat())
        if staged.pages:
            removed = out.prune(FUNDS_DIR)
    return Summary(
        weeks=len(staged.weeks),
        articles=staged.articles,
        charts=staged.charts,
        files_changed=out.changed,
        removed=removed,
        written=frozenset(out.written),
    )


def kept_in_docs(staged: Staged, root: Path = ROOT) -> list[Path]:
    """The docs dir's posts and claims ledgers that applying `staged` leaves in place (a range keeps the other weeks')."""
    docs = root / DOCS_DIR
    return [path for path in articles_and_ledgers(docs) if staged.keeps(path.relative_to(docs))]


def weeks_of(ledgers: Iterable[Path]) -> set[date]:
    """The weeks of the claims ledgers among `ledgers`, from their `weeks/<date>/` folders (a folder named otherwise holds no week)."""
    weeks = set()
    for path in ledgers:
        if path.name.endswith(LEDGER_SUFFIX):
            with contextlib.suppress(ValueError):
                weeks.add(date.fromisoformat(path.parent.name))
    return weeks


def posts_on_disk(docs: Path) -> list[ListedArticle]:
    """The articles already in the docs dir, from their front matter (what a ranged run lists beside its own)."""
    listed = []
    for path in sorted((docs / POSTS_DIR).glob("*.md")):
        front = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
        fields = yaml.safe_load(front.group(1)) if front else None
        if isinstance(fields, dict) and {"title", "date", "tags"} <= set(fields):
            day = fields["date"] if isinstance(fields["date"], date) else date.fromisoformat(str(fields["date"]))
            listed.append(
                ListedArticle(day, str(fields["title"]), POSTS_DIR / path.name, tuple(fields["tags"] or ()), fields.get("lead") is True)
            )
    return listed


@dataclass(frozen=True)
class StagedWeek:
    """A week's files as the staging folder gets them (posts, facts, ledgers, chart specs and data, by path under the
    docs dir), and what the pages that list articles read of them: what the week cache keeps of a rendered week."""

    files: dict[Path, bytes]
    listed: list[ListedArticle]
    charts: int


def staged_week(data: Dataset, plan: PlannedWeek) -> StagedWeek:
    """Render a planned week and serialise its articles' files (kept in the week cache for the next run)."""
    articles = render_week(data, plan)
    files = {path: content.encode("utf-8") for article in articles for path, content in article_files(article).items()}
    week = StagedWeek(files, [article.listed() for article in articles], sum(len(article.charts) for article in articles))
    data.week_cache.keep_week(plan.window, rendered_from(data, plan), week)
    return week


def _write_staged_fund_page(staged: tuple[Path, FundPages], symbol: str | None) -> tuple[set[Path], int]:
    """Render and write one fund page into the staging folder; the paths written and the charts drawn."""
    folder, pages = staged
    out, page = OutputWriter(folder, durable=False), pages.page(symbol)
    out.write(FUNDS_DIR / f"{page.slug}.md", page.markdown)
    out.write(FUNDS_DIR / page.slug / "claims.json", fund_claims_json(page))
    for item in page.charts:
        write_chart(out, FUNDS_DIR / page.slug, item)
    return out.written, len(page.charts)


def _write_staged_week(staged: tuple[Path, Dataset], plan: PlannedWeek) -> tuple[set[Path], StagedWeek]:
    """Render a week and write its files into the staging folder, in a worker; the paths written, and the week without
    its files' bytes (they are on disk now: sending them back would only cost the time)."""
    folder, data = staged
    out, week = OutputWriter(folder, durable=False), staged_week(data, plan)
    for relative, content in week.files.items():
        out.write(relative, content)
    return out.written, dataclasses.replace(week, files={})


def _ledger_claims(claims: list[Claim]) -> list[dict[str, Any]]:
    """Each claim's fields as the ledger holds them (a claim holds plain values only, so no deep copy)."""
    return [vars(claim) for claim in claims]


def claims_json(article: Article) -> str:
    """The article's claims ledger: what it says, where each figure comes from, in the order printed."""
    claims = _ledger_claims(article.claims)
    ledger = {
        "as_of": article.as_of.isoformat(),
        "story": article.story,
        "article": article.path.as_posix(),
        ARTICLE_DIGEST: article_digest(article.markdown),
        "claims": claims,
    }
    return json.dumps(ledger, default=str, separators=(",", ":")) + "\n"


def fund_claims_json(page: FundPage) -> str:
    """A fund page's claims ledger, beside its charts (the funds index's names no fund)."""
    ledger = {
        "symbol": page.symbol,
        "as_of": page.as_of.isoformat(),
        "page": f"{FUNDS_DIR.as_posix()}/{page.slug}.md",
        "claims": _ledger_claims(page.claims),
    }
    return json.dumps(ledger, default=str, separators=(",", ":")) + "\n"


def edition_claims_json(page: Edition) -> str:
    """The home page edition's claims ledger."""
    ledger = {"as_of": page.as_of.isoformat(), "page": EDITION_FILE.as_posix(), "claims": _ledger_claims(page.claims)}
    return json.dumps(ledger, default=str, separators=(",", ":")) + "\n"


def article_files(article: Article) -> dict[Path, str]:
    """An article's files by path under the docs dir: the post, the week's facts, its claims ledger and its charts."""
    folder = WEEKS_DIR / article.as_of.isoformat()
    files = {
        article.path: article.markdown,
        folder / "facts.json": article.facts.model_dump_json(exclude_none=True) + "\n",
        folder / f"{article.story}{LEDGER_SUFFIX}": claims_json(article),
    }
    for item in article.charts:
        files.update(chart_files(folder, item))
    return files


def write_article(out: OutputWriter, article: Article) -> None:
    for relative, content in article_files(article).items():
        out.write(relative, content)


def write_chart(out: OutputWriter, folder: Path, item: chart.Chart) -> None:
    for relative, content in chart_files(folder, item).items():
        out.write(relative, content)


def chart_files(folder: Path, item: chart.Chart) -> dict[Path, str]:
    """A chart's spec and the data behind it as CSV (its table is in the page)."""
    return {
        folder / f"{item.name}.vl.json": json.dumps(item.spec, sort_keys=True, separators=(",", ":")),
        folder / f"{item.name}.csv": _csv(item.data),
    }


def _csv(data: pd.DataFrame) -> str:
    """The frame as pandas' `to_csv(index=False)` writes it (floats as repr, NaN as an empty cell, minimal quoting), in a
    third of the time: a fund page's charts hold thousands of rows."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(data.columns)
    columns = [data[column].to_numpy().tolist() for column in data.columns]
    for index, column in enumerate(data.columns):
        if data[column].dtype.kind == "f" and data[column].isna().any():
            columns[index] = [None if value != value else value for value in columns[index]]  # NaN: csv writes None as ""
    writer.writerows(zip(*columns, strict=True))
    return out.getvalue()


MANIFEST = CACHE_DIR / "site-manifest.json"
"""The inputs' digest and every generated file's digest, from the last complete run."""
INPUTS = (
    "mkdocs.yml",
    "data/history/prices.parquet",
    "data/funds.yaml",
    "data/universe.yaml",
    "data/flows.csv",
    "data/events.csv",
    "data/store/snapshots.csv",
    "templates",
    "content/notes",
    "generator",
)
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
