"""The command line: a thin layer over the stages (`python -m generator --help`)."""

from __future__ import annotations

import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from .config import ROOT
from .errors import GeneratorError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Weekly ETF market commentary: from daily prices to a static site.")
console = Console(stderr=True, soft_wrap=True)

DateOption = Annotated[Optional[datetime], typer.Option(formats=["%Y-%m-%d"], help="YYYY-MM-DD")]  # noqa: UP045


def _fail(error: GeneratorError) -> None:
    console.print(f"[bold red]error:[/] {error}", highlight=False)
    raise typer.Exit(2)


@app.command()
def site(
    first: DateOption = None,
    last: DateOption = None,
    build: Annotated[bool, typer.Option(help="Run `mkdocs build --strict` after generating.")] = True,
    site_dir: Annotated[Optional[Path], typer.Option(help="Where MkDocs writes the site (default: site/).")] = None,  # noqa: UP045
) -> None:
    """Generate every week's article, charts and pages from the bundled sample, then build site/."""
    from .build import build_site
    from .pipeline import load_dataset
    from .site import write_site

    started = time.perf_counter()
    try:
        data = load_dataset()
        weeks = [w for w in data.weeks if (first is None or w >= first) and (last is None or w <= last)]
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console, transient=True
        ) as bar:
            task = bar.add_task("Writing weeks", total=len(weeks))
            summary = write_site(data, first and first.date(), last and last.date(), progress=lambda: bar.advance(task))
        generated = time.perf_counter() - started
        if build:
            with console.status("Building the site with mkdocs build --strict"):
                build_site(data.source, site_dir=site_dir)
    except GeneratorError as error:
        _fail(error)
    total = time.perf_counter() - started
    console.print(
        f"{summary.weeks} weeks, {summary.articles} articles, {summary.charts} charts, "
        f"{summary.files_changed} files written, {summary.files_removed} removed; "
        f"generated in {generated:.1f} s" + (f", built in {total - generated:.1f} s" if build else ""),
        highlight=False,
    )


@app.command()
def article(
    as_of: Annotated[
        datetime, typer.Option("--as-of", formats=["%Y-%m-%d"], help="The session the article is written after (YYYY-MM-DD).")
    ],
    story: Annotated[Optional[str], typer.Option(help="Force a story type instead of the automatic choice: small-caps or sectors.")] = None,  # noqa: UP045
    out: Annotated[Optional[Path], typer.Option(help="Write the Markdown here instead of standard output.")] = None,  # noqa: UP045
) -> None:
    """One week's article as Markdown: "the past week" up to the close of --as-of."""
    from .pipeline import load_dataset, render_article, week_facts, window_for
    from .stories import STORY_NAMES

    if story is not None and story not in STORY_NAMES:
        console.print(f"[bold red]error:[/] unknown story {story!r}: choose one of {', '.join(STORY_NAMES)}")
        raise typer.Exit(2)
    try:
        data = load_dataset()
        week = week_facts(data, window_for(data, as_of.date(), "trailing"))
        text = render_article(data, week, story).markdown
    except GeneratorError as error:
        _fail(error)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"wrote {out}")


@app.command("make-sample")
def make_sample(
    source: Annotated[Path, typer.Option(help="A folder of yfinance CSVs, one per symbol.")] = ROOT.parent
    / "shared"
    / "data"
    / "etf-daily-2016-2021",
) -> None:
    """Rebuild data/sample/prices.parquet from yfinance CSVs, for the symbols in data/funds.yaml."""
    from .load import SAMPLE_STORE, LoadReport, read_csv_dir, write_store
    from .universe import FUNDS_FILE, load_universe

    try:
        universe = load_universe(ROOT / FUNDS_FILE)
        report = LoadReport()
        frame = read_csv_dir(source, universe.symbols(), report)
        write_store(frame, ROOT / SAMPLE_STORE)
    except GeneratorError as error:
        _fail(error)
    for line in report.lines():
        console.print(line)
    console.print(f"wrote {SAMPLE_STORE}: {frame['symbol'].nunique()} symbols, {len(frame)} rows")


def main() -> None:
    app()
