"""The command line: a thin layer over the stages (`python -m generator --help`)."""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import gates
from .bundles import SAMPLE, UNIVERSE, Bundle
from .config import CACHE_DIR, ROOT, Settings, load_settings
from .errors import GeneratorError
from .events import EVENTS_FILE
from .gates import GateReport
from .load import read_store, with_history
from .lock import project_lock
from .store import STORE
from .universe import FUNDS_FILE, Universe, load_universe
from .verify import Report as Verified
from .workers import available_cores
from .write import write_atomic

if TYPE_CHECKING:  # the generating stages are imported where a command generates, not by every command
    from collections.abc import Iterable

    from .pipeline import Article, Dataset

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Weekly ETF market commentary: from daily prices to a static site.")
console = Console(stderr=True, soft_wrap=True)
project = ROOT
"""The project folder the commands read and write (mkdocs.yml, data/, templates/, content/); set by --project."""
cache: Path | None = None
"""Where computed results are kept across runs (each week's facts); set by --cache, default the project's .cache/."""
CACHE_ENV = "COMMENTARY_CACHE"
jobs = 1
"""How many processes a run spreads its independent work over; set by --jobs, default every core this process may use."""
JOBS_ENV = "COMMENTARY_JOBS"


@app.callback()
def main_options(
    folder: Annotated[Path, typer.Option("--project", help="The project folder (default: the one this package is in).")] = ROOT,
    cache_folder: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option(
            "--cache",
            envvar=CACHE_ENV,
            help="Keep each week's facts here, keyed by their inputs (default: the project's .cache/). Safe to share between "
            "projects and to delete.",
        ),
    ] = None,
    processes: Annotated[
        Optional[int],  # noqa: UP045
        typer.Option(
            "--jobs",
            envvar=JOBS_ENV,
            min=1,
            help="Spread each week's facts, articles and fact check over this many processes (default: one per core; "
            "1 runs everything in this process).",
        ),
    ] = None,
) -> None:
    global project, cache, jobs
    project = folder.resolve()
    cache = (cache_folder or project / CACHE_DIR).resolve()
    jobs = processes or available_cores()


DateOption = Annotated[Optional[datetime], typer.Option(formats=["%Y-%m-%d"], help="YYYY-MM-DD")]  # noqa: UP045


def _fail(error: GeneratorError) -> NoReturn:
    console.print(f"[bold red]error:[/] {error}", highlight=False)
    raise typer.Exit(2)


StoreOption = Annotated[
    Path | None, typer.Option(help="Build from this price store instead of the bundled sample (e.g. data/store/prices.parquet).")
]
UniverseOption = Annotated[
    bool,
    typer.Option(
        "--universe",
        help="Use the bundled whole universe (data/universe/prices.parquet, its funds described by data/funds.yaml and "
        "data/universe.yaml) instead of the sample.",
    ),
]
PriceData = Bundle | Path
"""What a site is built from: a bundle shipped with the project, or the path of a live price store (--store)."""


def _price_data(store: Path | None, universe: bool) -> PriceData:
    """The data the options choose: a live store, the whole universe, or (by default) the sample."""
    if store is not None and universe:
        _fail(GeneratorError("--store and --universe each choose the prices to use: give one of them"))
    return store if store is not None else UNIVERSE if universe else SAMPLE


def _wide(data: PriceData) -> bool:
    """Whether the data is the whole universe (bundles.Bundle.wide)."""
    return isinstance(data, Bundle) and data.wide


def _label(data: PriceData) -> str:
    """How the banner, the about page and the articles name the data."""
    return data.name if isinstance(data, Bundle) else "live"


def _read_prices(data: PriceData) -> tuple[pd.DataFrame, Universe]:
    """The stored prices and the metadata of their funds (a live store's funds are data/funds.yaml's)."""
    if isinstance(data, Bundle):
        return read_store(project / data.store), data.universe(project)
    return read_store(project / data), load_universe(project / FUNDS_FILE)


NowOption = Annotated[
    Optional[datetime],  # noqa: UP045
    typer.Option(help="Run as of this time (ISO 8601; default: now): the gates' last completed session, the newest session fetched."),
]


def _now(now: datetime | None) -> pd.Timestamp:
    stamp = pd.Timestamp(now) if now is not None else pd.Timestamp.now(tz="UTC")
    return stamp if stamp.tzinfo is not None else stamp.tz_localize("America/New_York")


def _settings() -> Settings:
    """The project's own settings (its mkdocs.yml), read once per run and passed down."""
    try:
        return load_settings(project)
    except GeneratorError as error:
        _fail(error)


def _run_gates(data: PriceData, now: datetime | None, settings: Settings) -> tuple[pd.DataFrame, Universe, GateReport]:
    """Read the prices and run the publication gates (a live store's as of `now`, a bundle's without the stale gate: see
    gates.check); stop with exit status 3 and the first reason when one fails."""
    tidy, universe = _read_prices(data)
    report = gates.check(tidy, universe, None if isinstance(data, Bundle) else _now(now), settings.gates)
    summary_file = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_file:
        with open(summary_file, "a", encoding="utf-8") as stream:
            stream.write(report.markdown())
    if not report.passed:
        for line in report.failures:
            console.print(f"[bold red]gate failed:[/] {line}", highlight=False)
        if report.excluded:
            console.print(f"({len(report.excluded)} other funds have problems of their own; fix the failures above first)", highlight=False)
        raise typer.Exit(3)
    for symbol, reason in sorted(report.excluded.items()):
        console.print(f"left out of the site: {symbol}: {reason}", highlight=False)
    return tidy, universe, report


def _check_or_exit(data: Dataset | None = None, wide: bool = False) -> None:
    """Validate every editor-owned input, with the whole universe's metadata when `wide` (or, given the data, check the
    inputs against it: notes for weeks it has); on a problem, list them all and exit 2 before writing anything."""
    from .check import check_against_data, check_inputs

    problems, warnings = (check_inputs(project, wide), []) if data is None else check_against_data(data, project)
    for line in warnings:
        console.print(f"[bold yellow]warning:[/] {line}", highlight=False)
    if problems:
        for line in problems:
            console.print(f"[bold red]error:[/] {line}", highlight=False)
        console.print(f"{len(problems)} problem{'s' if len(problems) > 1 else ''} found; nothing was written", highlight=False)
        raise typer.Exit(2)


@app.command()
def check(store: StoreOption = None, universe: UniverseOption = False) -> None:
    """Validate settings, metadata, phrasebook, templates, notes, flows and market events, without writing anything."""
    from .pipeline import prepare_dataset

    chosen = _price_data(store, universe)
    _check_or_exit(wide=universe)
    try:
        tidy, funds = _read_prices(chosen)
        data = prepare_dataset(tidy, funds, _label(chosen), _settings(), root=project, cache=cache, wide=_wide(chosen), jobs=jobs)
    except GeneratorError as error:
        _fail(error)
    _check_or_exit(data)
    console.print(f"everything checks out: {len(data.notes)} notes, {len(data.weeks)} weeks", highlight=False)


@app.command()
def site(
    first: DateOption = None,
    last: DateOption = None,
    store: StoreOption = None,
    universe: UniverseOption = False,
    now: NowOption = None,
    week: Annotated[
        list[datetime] | None,
        typer.Option("--week", formats=["%Y-%m-%d"], help="Rewrite only this week's article (repeat for more); prunes nothing."),
    ] = None,
    build: Annotated[bool, typer.Option(help="Run `mkdocs build --strict` after generating.")] = True,
    site_dir: Annotated[Optional[Path], typer.Option(help="Where MkDocs writes the site (default: site/).")] = None,  # noqa: UP045
    preview: Annotated[
        bool, typer.Option(hidden=True, help="For `serve`: show an article that fails the fact check as a page listing its problems.")
    ] = False,
) -> None:
    """Generate every week's article, charts and pages, fact-check them, then build site/ (from the bundled sample unless
    --universe or --store).

    Everything is generated into .staging/ first and reaches content/ only when every claim
    verifies. The publication gates run first (on a bundle, all but the stale gate), and a fund
    they leave out is published nowhere. --universe builds a page for every fund of the whole
    universe and lists the week's best and worst of them on the home page. --first/--last
    rewrite only the weeks in range; only a full run removes files no week writes any more.
    """
    from .build import build_site
    from .site import inputs_digest, up_to_date

    if first is not None and last is not None and first > last:
        console.print(f"[bold red]error:[/] --first {first:%Y-%m-%d} is after --last {last:%Y-%m-%d}: nothing to generate", highlight=False)
        raise typer.Exit(2)
    started = time.perf_counter()
    chosen = _price_data(store, universe)
    digest = None
    if not week and isinstance(chosen, Bundle):
        # Gates depend on the time of the run, so a run from the live store is never taken from the cache.
        digest = inputs_digest(project, project / chosen.store, f"{first}|{last}|{chosen.name}")
    try:
        with project_lock(project, "site"):
            cached = up_to_date(project, digest) if digest else None
            if cached is None:
                line = _generate(chosen, now, first, last, week, digest, preview)
            else:
                verified = _verify(chosen, None, _settings(), remembered=True)
                line = f"inputs unchanged since the last run: {cached} generated files up to date, {verified.claims} claims verified"
            generated = time.perf_counter() - started
            if build:
                with console.status("Building the site with mkdocs build --strict"):
                    build_site(_label(chosen), root=project, site_dir=site_dir)
    except GeneratorError as error:
        _fail(error)
    total = time.perf_counter() - started
    console.print(f"{line}; generated in {generated:.1f} s" + (f", built in {total - generated:.1f} s" if build else ""), highlight=False)


def _generate(
    chosen: PriceData,
    now: datetime | None,
    first: datetime | None,
    last: datetime | None,
    week: list[datetime] | None,
    digest: str | None,
    preview: bool,
) -> str:
    """Check, load, generate into the staging folder, verify, and apply to the docs dir; the summary line."""
    from .chart import VegaBundle
    from .closed_world import articles_and_ledgers
    from .pipeline import prepare_dataset
    from .serve import error_pages
    from .site import DOCS_DIR, apply_staged, kept_in_docs, record_run, stage_site, weeks_of

    bundle = VegaBundle(cache)  # drawn by a child process while this one checks and loads the prices
    _check_or_exit(wide=_wide(chosen))
    settings = _settings()
    tidy, universe, report = _run_gates(chosen, now, settings)
    data = prepare_dataset(
        tidy, universe, _label(chosen), settings, report.excluded, root=project, cache=cache, wide=_wide(chosen), jobs=jobs
    )
    _check_or_exit(data)
    for line in data.load_notes:
        console.print(f"[bold yellow]warning:[/] {line}", highlight=False)
    weeks = [w for w in data.weeks if (first is None or w >= first) and (last is None or w <= last)]
    if not weeks:
        span = " ".join(f"{word} {day:%Y-%m-%d}" for word, day in (("from", first), ("to", last)) if day)
        raise GeneratorError(f"no complete week of the data {span} (the data has {data.weeks[0]:%Y-%m-%d} to {data.weeks[-1]:%Y-%m-%d})")
    only = {day.date() for day in week} if week else None
    # Refreshed as each week is done, not by a thread of its own: the workers fork from this process, and a fork must
    # not copy a thread that may hold the console's lock.
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        auto_refresh=False,
    ) as bar:
        task = bar.add_task("Writing weeks", total=sum(only is None or w.date() in only for w in weeks))

        def advance() -> None:
            bar.update(task, advance=1, refresh=True)

        staged = stage_site(data, first and first.date(), last and last.date(), project, advance, only, bundle)
    del data  # the fact check reads the prices its own way: the panel's memory is free for it
    gc.collect()  # now, before the checking workers fork: the dataset and its week cache refer to each other
    # What MkDocs will read once the staged files are applied: them, and the weeks a range leaves in place.
    kept = kept_in_docs(staged, project)
    checks: list[tuple[Path, set[date] | None]] = [(staged.folder, only)]
    if staged.pages and (kept_weeks := weeks_of(kept)):
        checks.append((project / DOCS_DIR, kept_weeks))
    published = _published(chosen, tidy, report.excluded), universe
    verified = _fact_check(chosen, settings, checks, [*articles_and_ledgers(staged.folder), *kept], True, published)
    if verified.problems:
        pages = error_pages(staged, verified.problems) if preview else None
        if pages:
            apply_staged(staged, project, replaced=pages)
            shown = ", ".join(str(DOCS_DIR / path) for path in sorted(pages))
            _refuse(verified, f"nothing is published; the preview shows each failing article as a page listing its problems: {shown}")
        _refuse(verified, f"nothing is published: {DOCS_DIR}/ is as it was, and the staged files are in {staged.folder} for inspection")
    summary = apply_staged(staged, project)
    for name in summary.removed[:10]:
        console.print(f"removed (no week of the data writes it any more): {name}", highlight=False)
    if digest is not None:
        record_run(project, digest, summary.written)
    return (
        f"{summary.weeks} weeks, {summary.articles} articles, {summary.charts} charts, {verified.claims} claims verified, "
        f"{summary.files_changed} files written, {summary.files_removed} removed"
    )


@app.command("verify")
def verify_articles(
    as_of: Annotated[datetime | None, typer.Option("--as-of", formats=["%Y-%m-%d"], help="Verify the article of this week only.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Verify every article in content/ (the default without --as-of).")] = False,
    store: StoreOption = None,
    universe: UniverseOption = False,
) -> None:
    """Re-check every figure and superlative of the generated articles against the prices: exit 2 with the failing claims.

    Every post in content/posts/ must also be one the generator wrote, named by a claims ledger of its week.
    """
    started = time.perf_counter()
    report = _verify(_price_data(store, universe), {as_of.date()} if as_of and not every else None, _settings())
    pages = f" and {report.pages} fund pages" if report.pages else ""
    elapsed = time.perf_counter() - started
    console.print(f"verified {report.claims} claims in {report.articles} articles{pages} ({elapsed:.1f} s)", highlight=False)


def _verify(data: PriceData, weeks: set[date] | None, settings: Settings, remembered: bool = False) -> Verified:
    """The fact check of the docs dir (of `weeks`, and every post's ledger); on a problem, list them all and exit 2."""
    from .closed_world import articles_and_ledgers
    from .site import DOCS_DIR

    docs = project / DOCS_DIR
    report = _fact_check(data, settings, [(docs, weeks)], articles_and_ledgers(docs), remembered)
    if report.problems:
        _refuse(report)
    return report


def _published(data: PriceData, tidy: pd.DataFrame, excluded: Iterable[str]) -> pd.DataFrame:
    """The prices the fact check reads: a bundle's are those its gates publish (the same on every run: no stale gate); a
    live store's as stored."""
    return tidy.loc[~tidy["symbol"].isin(list(excluded))] if isinstance(data, Bundle) else tidy


def _fact_check(
    data: PriceData,
    settings: Settings,
    checks: list[tuple[Path, set[date] | None]],
    articles: list[Path],
    remembered: bool = False,
    published: tuple[pd.DataFrame, Universe] | None = None,
) -> Verified:
    """One report: the claims of each (folder, weeks) recomputed from the prices (`_published`), and the closed world of
    `articles` (posts and ledgers).

    With `remembered` (a `site` run), an article whose check reads what a passing check read before counts as passed
    (the cache's verified/ folder); `verify` recomputes every claim. `published`: the prices and metadata as the check
    reads them, where the run has read and gated them already (a `site` run); otherwise they are read here.
    """
    from .closed_world import unaccounted_posts
    from .holdings import HOLDINGS
    from .render import PHRASEBOOK_FILE, load_phrasebook
    from .verify import Closes, verify_folder

    try:
        if published is None:
            stored, universe = _read_prices(data)
            excluded = gates.check(stored, universe, None, settings.gates).excluded if isinstance(data, Bundle) else {}
            published = _published(data, stored, excluded), universe
        stored, universe = published
        closes = Closes(with_history(stored, project, settings.gates.max_day_move_percent), pd.Timestamp(stored["session"].min()).date())
        phrasebook = load_phrasebook(project / PHRASEBOOK_FILE)
        events, holdings = project / EVENTS_FILE, project / HOLDINGS
        reports = [
            verify_folder(folder, closes, universe, phrasebook, settings, weeks, events, holdings, jobs, cache if remembered else None)
            for folder, weeks in checks
        ]
    except GeneratorError as error:
        _fail(error)
    return Verified(
        articles=sum(report.articles for report in reports),
        pages=sum(report.pages for report in reports),
        claims=sum(report.claims for report in reports),
        problems=unaccounted_posts(articles) + [line for report in reports for line in report.problems],
    )


def _refuse(report: Verified, outcome: str = "nothing is published") -> NoReturn:
    """List the fact check's problems and exit 2; `outcome` says what became of the run's files."""
    for line in report.problems:
        console.print(f"[bold red]unverified:[/] {line}", highlight=False)
    count = len(report.problems)
    console.print(f"{count} problem{'s' if count > 1 else ''} found by the fact check; {outcome}", highlight=False)
    raise typer.Exit(2)


@app.command("serve")
def serve_site(address: Annotated[str, typer.Option(help="Where to serve the preview.")] = "127.0.0.1:8000") -> None:
    """Live preview: regenerates the week whose note you edit (every week for a template), and reloads the browser."""
    import subprocess

    from .serve import serve

    def regenerate(weeks: set[date] | None) -> None:
        command = [sys.executable, "-m", "generator", "--project", str(project), "site", "--no-build", "--preview"]
        for day in sorted(weeks or ()):
            command += ["--week", day.isoformat()]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        subprocess.run(command, check=False, env=env)

    if not (project / "content" / "posts").exists():
        regenerate(None)
    try:
        serve(project, regenerate, lambda line: console.print(line, highlight=False), address)
    except KeyboardInterrupt:
        console.print("preview stopped")


@app.command()
def fetch(
    source: Annotated[str, typer.Option(help="yfinance, sample, or csv:DIR (a folder of yfinance CSVs).")] = "yfinance",
    symbols: Annotated[
        list[str] | None, typer.Option("--symbols", help="Symbols to fetch (repeat the option); default: every fund in data/funds.yaml.")
    ] = None,
    store: Annotated[Path, typer.Option(help="The price store to update.")] = STORE,
    since: Annotated[datetime, typer.Option(formats=["%Y-%m-%d"], help="First day to fetch for a symbol the store lacks.")] = datetime(
        2016, 1, 1
    ),
    snapshots: Annotated[
        bool,
        typer.Option(
            help="With yfinance: also record today's shares outstanding and total assets (for flows), sector weights and top holdings."
        ),
    ] = True,
    refetch: Annotated[
        bool,
        typer.Option(
            help="Fetch the symbols' whole history from --since and replace what is stored (after a split it could not reconcile)."
        ),
    ] = False,
    now: NowOption = None,
) -> None:
    """Add the sessions the price store lacks; never drops history; writes atomically, and only on change."""
    from . import store as price_store
    from .flows import SNAPSHOTS, record_snapshots, yfinance_info
    from .holdings import HOLDINGS, record_holdings, yfinance_funds_data
    from .sources import source_from_name

    started = time.perf_counter()
    try:
        universe = load_universe(project / FUNDS_FILE)
        wanted = symbols or universe.symbols()
        universe.require(wanted)
        now_utc = _now(now)
        with project_lock(project, "fetch"):
            result = price_store.update(
                project / store, source_from_name(source, project), wanted, since.date(), now_utc.to_pydatetime(), refetch=refetch
            )
            if snapshots and source == "yfinance":
                funds = [s for s in wanted if universe[s].kind == "etf"]
                day = now_utc.tz_convert("America/New_York").date()
                recorded, missed = record_snapshots(project / SNAPSHOTS, day, funds, yfinance_info)
                console.print(f"recorded {recorded} shares-outstanding snapshots in {SNAPSHOTS}; {len(missed)} failed", highlight=False)
                recorded, missed = record_holdings(project / HOLDINGS, day, funds, yfinance_funds_data)
                console.print(f"recorded {recorded} holdings snapshots in {HOLDINGS}; {len(missed)} failed", highlight=False)
    except GeneratorError as error:
        _fail(error)
    for note in result.notes:
        console.print(note, highlight=False)
    for symbol, reason in sorted(result.failed.items()):
        console.print(f"[yellow]failed:[/] {symbol}: {reason}", highlight=False)
    verb = "wrote" if result.written else "unchanged:"
    console.print(
        f"{verb} {store}: {result.report.summary()}, failed {len(result.failed)} ({time.perf_counter() - started:.1f} s)",
        highlight=False,
    )


@app.command("gates")
def check_gates(
    store: Annotated[Path, typer.Option(help="The price store to check.")] = STORE, now: NowOption = None, universe: UniverseOption = False
) -> None:
    """Check the price store (or with --universe the bundled whole universe, all but the stale gate) before publishing:
    exit 3 with the reason when data is stale, broken or implausible."""
    try:
        _, _, report = _run_gates(UNIVERSE if universe else store, now, _settings())
    except GeneratorError as error:
        _fail(error)
    console.print(f"every gate passed for {report.expected_session:%Y-%m-%d}; {len(report.excluded)} funds left out", highlight=False)


@app.command()
def article(
    as_of: Annotated[
        datetime, typer.Option("--as-of", formats=["%Y-%m-%d"], help="The session the article is written after (YYYY-MM-DD).")
    ],
    story: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Force a story type instead of the automatic choice (small-caps, sectors, bonds, ...; a wrong name lists them)."),
    ] = None,
    out: Annotated[Optional[Path], typer.Option(help="Write the Markdown here instead of standard output.")] = None,  # noqa: UP045
) -> None:
    """One week's article as Markdown: "the past week" up to the close of --as-of, fact-checked before it is printed or written."""
    from .pipeline import load_dataset, render_article, week_facts, window_for
    from .stories import STORY_NAMES

    if story is not None and story not in STORY_NAMES:
        console.print(f"[bold red]error:[/] unknown story {story!r}: choose one of {', '.join(STORY_NAMES)}")
        raise typer.Exit(2)
    try:
        _check_or_exit()
        data = load_dataset(project, cache=cache, jobs=jobs)
        week = week_facts(data, window_for(data, as_of.date(), "trailing"))
        rendered = render_article(data, week, story, root=project)
        claims, problems = _verify_in_memory(rendered, data)
    except GeneratorError as error:
        _fail(error)
    if problems:
        _refuse(Verified(articles=1, claims=claims, problems=problems), "nothing was written")
    console.print(f"verified {claims} claims", highlight=False)
    text = rendered.markdown
    if out is None:
        sys.stdout.write(text)
        return
    if not out.parent.is_dir():
        _fail(GeneratorError(f"{out}: the folder {out.parent} does not exist: create it or choose another --out"))
    try:
        write_atomic(out, text.encode("utf-8"))
    except GeneratorError as error:
        _fail(error)
    console.print(f"wrote {out}")


def _verify_in_memory(rendered: Article, data: Dataset) -> tuple[int, list[str]]:
    """(claims verified, problems) of an article for the trailing week up to its as-of session, before it is written anywhere."""
    from .holdings import HOLDINGS, read_holdings
    from .render import PHRASEBOOK_FILE, load_phrasebook
    from .site import claims_json
    from .verify import Closes, verify_article
    from .verify.prices import read_events_file

    return verify_article(
        rendered.markdown,
        json.loads(claims_json(rendered)),
        Closes(
            with_history(read_store(project / SAMPLE.store), project, data.settings.gates.max_day_move_percent), data.store_start.date()
        ),
        data.universe,
        load_phrasebook(project / PHRASEBOOK_FILE),
        data.settings,
        window="trailing",
        events=read_events_file(project / EVENTS_FILE),
        holdings=read_holdings(project / HOLDINGS),
    )


@app.command("make-sample")
def make_sample(
    source: Annotated[Path, typer.Option(help="A folder of yfinance CSVs, one per symbol.")] = ROOT.parent
    / "shared"
    / "data"
    / "etf-daily-2016-2021",
) -> None:
    """Rebuild data/sample/prices.parquet from yfinance CSVs, for the symbols in data/funds.yaml."""
    from .load import SAMPLE_STORE

    _bundle(source, SAMPLE_STORE, every_fund=True)


@app.command("make-history")
def make_history(
    source: Annotated[Path, typer.Option(help="A folder of yfinance CSVs ending the session before the sample starts.")] = ROOT.parent
    / "shared"
    / "data"
    / "etf-daily-history-to-2016",
) -> None:
    """Rebuild data/history/prices.parquet (the back-history put in front of the prices) from the CSVs of the funds in data/funds.yaml."""
    from .load import HISTORY_OPTIONAL, HISTORY_STORE

    _bundle(source, HISTORY_STORE, every_fund=False, optional=HISTORY_OPTIONAL)


def _bundle(source: Path, target: Path, every_fund: bool, optional: tuple[str, ...] = ()) -> None:
    """Write a bundled price file from a folder of yfinance CSVs of the funds in data/funds.yaml: every fund's
    (a missing file fails), or those the folder has."""
    from .load import LoadReport, read_csv_dir, write_store
    from .universe import FUNDS_FILE, load_universe

    try:
        symbols = load_universe(project / FUNDS_FILE).symbols()
        report = LoadReport()
        present = symbols if every_fund else [s for s in symbols if (source / f"{s}.csv").exists()]
        frame = read_csv_dir(source, present, report, optional)
        write_store(frame, project / target)
    except GeneratorError as error:
        _fail(error)
    for line in report.lines():
        console.print(line)
    console.print(f"wrote {target}: {frame['symbol'].nunique()} symbols, {len(frame)} rows")


SHARED_DATA = ROOT.parent / "shared" / "data"
"""Where the raw data the bundles are made from was assembled, beside the project (the make-* commands' defaults)."""


@app.command("make-universe")
def make_universe(
    prices: Annotated[Path, typer.Option(help="A folder of yfinance CSVs, one per symbol: the whole universe.")] = SHARED_DATA
    / "etf-daily-2016-2021",
    metadata: Annotated[
        Path, typer.Option(help="FinanceDatabase's table of funds, as a CSV (symbol, name, family, exchange, summary, ...).")
    ] = SHARED_DATA / "etf-metadata" / "financedatabase-etfs.csv",
) -> None:
    """Rebuild the bundled whole universe: data/universe/prices.parquet from every CSV of --prices (a file the load's
    checks refuse is set aside, with the reason), and data/universe.yaml, the metadata of the funds data/funds.yaml does
    not describe, from --metadata; then say how the database agrees with data/funds.yaml."""
    from .financedatabase import agreement, read_database, universe_yaml, wider_entry
    from .load import UNIVERSE_STORE, LoadReport, csv_paths, read_each_csv, symbol_from_filename, write_store
    from .universe import UNIVERSE_FILE

    try:
        if not prices.is_dir():
            raise GeneratorError(f"{prices}: no such folder of price CSVs: pass --prices DIR, a folder of yfinance CSVs")
        rows = read_database(metadata)
        curated = load_universe(project / FUNDS_FILE)
        report = LoadReport()
        frame, set_aside = read_each_csv(prices, report)
        symbols = sorted({symbol_from_filename(path) for path in csv_paths(prices)})
        priced = set(frame["symbol"])
        lacking = [symbol for symbol in curated.symbols() if symbol not in priced]
        if lacking:
            raise GeneratorError(f"{prices}: no prices for {', '.join(lacking)} of {FUNDS_FILE}: the universe holds every curated fund")
        entries = [wider_entry(symbol, rows.get(symbol)) for symbol in symbols if symbol not in curated]
        write_store(frame, project / UNIVERSE_STORE)
        checked = agreement(curated, rows)
        write_atomic(project / UNIVERSE_FILE, universe_yaml(entries, checked).encode("utf-8"))
    except GeneratorError as error:
        _fail(error)
    for symbol, reason in sorted(set_aside.items()):
        console.print(f"set aside: {symbol}: {reason}", highlight=False)
    skipped = {symbol: count for symbol, count in report.empty_rows.items() if count}
    console.print(f"{sum(skipped.values())} empty rows skipped in {len(skipped)} files", highlight=False)
    compared = sum(fund.kind == "etf" and fund.symbol in rows for fund in curated.funds.values())
    console.print(f"checked against the {compared} funds of {FUNDS_FILE} the database has a row for:", highlight=False)
    for item in checked:
        console.print(f"  {item.summary()}", highlight=False)
        for symbol, ours, theirs in item.differences:
            console.print(f"    {symbol}: {FUNDS_FILE} {ours!r}, the database {theirs!r}", highlight=False)
    size = (project / UNIVERSE_STORE).stat().st_size / 1e6
    console.print(f"wrote {UNIVERSE_STORE}: {frame['symbol'].nunique()} symbols, {len(frame)} rows, {size:.1f} MB", highlight=False)
    described = sum(entry.source == "financedatabase" for entry in entries)
    console.print(
        f"wrote {UNIVERSE_FILE}: {len(entries)} funds ({described} from the database, {len(entries) - described} by ticker alone; "
        f"{sum(e.index is not None for e in entries)} with an index and {sum(e.leverage is not None for e in entries)} with a "
        f"daily multiple from their stated objective); {FUNDS_FILE} keeps its {len(curated.funds)} entries",
        highlight=False,
    )


def main() -> None:
    app()
