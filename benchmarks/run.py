"""The benchmark: how long the site takes to generate and build, how big it is, and how far it scales.

    python benchmarks/run.py [--shared-dir PATH] [--keep] [--profile FILE]

Everything runs on temporary copies of the project (never on the working tree), prints one table
with each figure beside its target, and writes the same figures to BENCHMARKS.md. See
benchmarks/README.md for what each row measures.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import hashlib
import importlib.util
import json
import os
import platform
import pstats
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_SHARED = Path("/work/shared/data/etf-daily-2016-2021")
REPORT = ROOT / "BENCHMARKS.md"
GENERATED = ("posts", "weeks", "funds", "methodology.md", "about-data.md", "vega-bundle.js")
"""What the generator writes into content/, left out of the copies (generator.site.GENERATED where it exists)."""
ARTICLE_GLOB = "[12][0-9][0-9][0-9]/[01][0-9]/[0-3][0-9]/*/index.html"
"""Article pages: yyyy/MM/dd/slug/index.html (mkdocs.yml, blog post_url_format)."""
SCALE_ROWS = 3_000 * 20 * 252
"""3,000 funds over 20 years of daily sessions: about 15 million rows."""
SCALE_CELLS = SCALE_ROWS
"""The wide panel's cells (sessions x symbols) at that scale: every fund listed for the whole 20 years, at most."""
KB, MB, GB = 1024, 1024**2, 1024**3
NOISE = 0.10
"""Share of the machine other processes may take during a part before its figures are called skewed."""
BUDGET = 450.0
"""Seconds into the run after which the naive references (the slowest, optional rows) are skipped."""
VALIDATED_WEEKS = 50
"""Validating a spec costs about 0.2 s: the validated reference takes a sample of this many weeks, not all of them."""


# --- figures -----------------------------------------------------------------------------------------------


@dataclass
class Row:
    section: str
    name: str
    value: str
    target: str = ""
    status: str = ""
    note: str = ""


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    section: str = ""

    def add(self, name: str, value: str, target: str = "", status: str = "", note: str = "") -> None:
        self.rows.append(Row(self.section, name, value, target, status, note))

    def against(self, name: str, value: float, limit: float, unit: str, note: str = "") -> None:
        """A figure with an upper target: OK when under it."""
        shown = _bytes(value) if unit == "bytes" else f"{value:.1f} {unit}" if unit != "x" else f"{value:.2f}x"
        target = f"< {_bytes(limit)}" if unit == "bytes" else f"<= {limit:g}x" if unit == "x" else f"< {limit:g} {unit}"
        within = value <= limit if unit == "x" else value < limit
        self.add(name, shown, target, "OK" if within else "MISSED", note)

    def failed(self, name: str, error: BaseException) -> None:
        message = str(error).strip().splitlines()
        said = [line for line in message if line.startswith("error:")] or message[-1:]
        short = said[0] if said else type(error).__name__
        self.add(name, "-", status="FAILED", note=short[:160])
        self.errors.append(f"{self.section}: {name}: {type(error).__name__}: {error}")


def _bytes(size: float) -> str:
    if size >= GB:
        return f"{size / GB:.2f} GB"
    if size >= MB:
        return f"{size / MB:.1f} MB"
    return f"{size / KB:.0f} KB"


class StepError(RuntimeError):
    pass


def _env(**extra: str) -> dict[str, str]:
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path, "NO_MKDOCS_2_WARNING": "1", **extra}


def run(command: list[str], cwd: Path | None = None, **env: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run a command to the end; its wall-clock time, and its output. A non-zero exit is an error."""
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=_env(**env), capture_output=True, text=True, check=False, timeout=900)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        raise StepError(f"`{' '.join(command[1:])}` exited {result.returncode}:\n{tail}")
    return elapsed, result


def cli(project: Path, *args: str) -> list[str]:
    return [PYTHON, "-m", "generator", "--project", str(project), *args]


def mkdocs(project: Path) -> list[str]:
    return [PYTHON, "-m", "mkdocs", "build", "--strict", "-q", "--config-file", str(project / "mkdocs.yml")]


def summary_of(stderr: str) -> dict[str, float]:
    """The counts of the one-line summary `site` prints: {"weeks": 260, "articles": 260, ..., "generated in": 21.7}."""
    lines = [line for line in stderr.splitlines() if "generated in" in line]
    if not lines:
        return {}
    line = lines[-1]
    counts = {name.strip(): float(number) for number, name in re.findall(r"(\d+) ([a-z][a-z ]*?)(?=[,;]|$)", line)}
    counts.update({name: float(number) for name, number in re.findall(r"(generated in|built in) ([\d.]+) s", line)})
    return counts


def counts_note(summary: dict[str, float]) -> str:
    keys = ("articles", "charts", "claims verified", "files written")
    return ", ".join(f"{int(summary[k])} {k}" for k in keys if k in summary)


def copy_project(destination: Path) -> Path:
    """The editor-owned files of the project, without anything generated and without a cache."""
    try:
        from generator.site import GENERATED as generated
    except ImportError:
        generated = GENERATED
    destination.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", destination)
    shutil.copytree(ROOT / "templates", destination / "templates")
    shutil.copytree(ROOT / "data", destination / "data", ignore=shutil.ignore_patterns("store"))
    shutil.copytree(ROOT / "content", destination / "content", ignore=shutil.ignore_patterns(*generated))
    return destination


def friday_close(session: Any) -> str:
    """An hour after the close of `session` in New York, as ISO 8601 with its offset (e.g. 2021-04-23T17:00:00-04:00)."""
    import pandas as pd

    return pd.Timestamp(f"{session:%Y-%m-%d} 17:00", tz="America/New_York").isoformat()


def tree_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def cpu_seconds() -> tuple[float, float]:
    """(CPU seconds the whole machine has been busy, CPU seconds this process and its finished children used)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    busy = (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")
    mine = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return busy, sum(usage.ru_utime + usage.ru_stime for usage in mine)


def code_fingerprint() -> str:
    """A hash of generator/ and templates/: another change landing mid-run shows up as a different fingerprint."""
    digest = hashlib.sha256()
    for folder in ("generator", "templates"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


# --- the parts -----------------------------------------------------------------------------------------------


@dataclass
class Bench:
    work: Path
    shared: Path
    profile: Path | None
    out: Results = field(default_factory=Results)
    facts: dict[str, Any] = field(default_factory=dict)
    """Figures one part hands to another (e.g. the cold generation time for the universe's lower bound)."""

    def part(self, title: str, body: Callable[[], None]) -> None:
        """Run one part; note how much CPU other processes took meanwhile, and whether the code changed under it."""
        self.out.section = title
        print(f"-- {title}", file=sys.stderr, flush=True)
        started, (busy, mine), code = time.perf_counter(), cpu_seconds(), code_fingerprint()
        try:
            body()
        except Exception as error:
            self.out.failed(f"{title} (stopped)", error)
            traceback.print_exc()
        wall = time.perf_counter() - started
        busy_after, mine_after = cpu_seconds()
        other = max(0.0, (busy_after - busy) - (mine_after - mine))
        self.facts["other_cpu"] = self.facts.get("other_cpu", 0.0) + other
        share = other / (wall * (os.cpu_count() or 1)) if wall > 0 else 0.0
        if share > NOISE and wall > 5:
            self.facts.setdefault("noisy", []).append(f"{title} ({share:.0%})")
        self.out.details.append(
            f"{title}: {wall:.0f} s; other processes used {other:.0f} CPU-seconds meanwhile ({share:.0%} of the machine)"
        )
        if code_fingerprint() != code:
            self.out.details.append(f"{title}: generator/ or templates/ changed during this part: its figures mix two versions")
            self.out.errors.append(f"{title}: the code changed during this part")
        print(f"   ({wall:.0f} s; other processes: {share:.0%} of the machine)", file=sys.stderr, flush=True)

    def over_budget(self) -> bool:
        """Past the time budget: the naive references are skipped so that the whole run stays under 10 minutes."""
        return time.perf_counter() - self.facts["clock"] > BUDGET

    # 1 and 2: the sample archive through the command line, cold and warm, then MkDocs
    def archive(self) -> None:
        project = copy_project(self.work / "archive")
        cold, result = run(cli(project, "site", "--no-build"))
        summary = summary_of(result.stderr)
        self.out.details.append(f"cold `site --no-build`: {result.stderr.strip().splitlines()[-1]}")
        self.out.add("Sample archive, cold (site --no-build)", f"{cold:.1f} s", note=counts_note(summary))
        warm, result = run(cli(project, "site", "--no-build"))
        said = [line for line in result.stderr.splitlines() if "generated in" in line]
        note = said[-1].split("; generated in")[0] if said else ""
        if "files written" in summary_of(result.stderr):
            note = f"{summary_of(result.stderr)['files written']:.0f} files rewritten"
        self.out.against("Sample archive, warm (unchanged inputs)", warm, 3, "s", note[:100])
        self.facts["archive"] = project
        self.facts["cold_generation"] = cold
        bare, _ = run(mkdocs(project), cwd=project, ETF_SITE_DATA_SOURCE="sample")
        self._reference_build(bare)
        self.out.add("Bare mkdocs build --strict of the generated pages", f"{bare:.1f} s", note="one of the reference's builds")

    def end_to_end(self) -> None:
        project = copy_project(self.work / "end-to-end")
        cold, result = run(cli(project, "site"))
        split, _ = self._split(cold, result.stderr)
        self.out.add("make site end to end, cold (generate + mkdocs)", f"{cold:.1f} s", note=split)
        warm, result = run(cli(project, "site"))
        split, self.facts["warm_outside_build"] = self._split(warm, result.stderr)
        self.out.add("make site end to end, warm", f"{warm:.1f} s", note=split)

    def _split(self, wall: float, stderr: str) -> tuple[str, float]:
        """How a `site` run split its time, and its time outside its MkDocs build. That build (the same command, pages and
        data source as the bare build) is one more of the reference's builds."""
        summary = summary_of(stderr)
        built = summary.get("built in", 0.0)
        if built:
            self._reference_build(built)
        return f"generate {summary.get('generated in', 0):.1f} s + build {built:.1f} s", wall - built

    def _reference_build(self, seconds: float) -> None:
        """One MkDocs build of the sample's pages: the reference of the ratios is the median of a run's builds."""
        self.facts.setdefault("builds", []).append(seconds)

    def ratios(self) -> None:
        """Each goal's ratio against the median of the run's MkDocs builds of the sample's pages: one build varies by up
        to a quarter from the next on the same machine, the median of four much less."""
        builds = sorted(self.facts.get("builds", []))
        if not builds:
            raise StepError("no MkDocs build of the sample was timed: parts 1 and 2 did not run")
        reference, timed = statistics.median(builds), ", ".join(f"{build:.1f}" for build in builds)
        self.out.add("Reference: median MkDocs build of the sample", f"{reference:.1f} s", note=f"of {len(builds)} builds: {timed} s")
        if "cold_generation" in self.facts:
            cold = self.facts["cold_generation"]
            self.out.against("Cold generation / reference build", cold / reference, 1.0, "x", f"{cold:.1f} s / {reference:.1f} s")
        # The warm and the weekly runs each end with one of the reference's own builds: the median stands in for it.
        for name, figure, goal in (
            ("Warm end to end / reference build", "warm_outside_build", 1.1),
            ("One new week (fetch + site + mkdocs) / reference build", "weekly_outside_build", 1.5),
        ):
            if figure in self.facts:
                outside = self.facts[figure]
                note = f"({outside:.1f} s outside its build + {reference:.1f} s) / {reference:.1f} s"
                self.out.against(name, (outside + reference) / reference, goal, "x", note)

    # 3: the weekly run on top of last week's state
    def incremental(self) -> None:
        import pandas as pd

        from generator.calendar import calendar_week
        from generator.load import read_store, write_store
        from generator.pipeline import load_dataset

        project = copy_project(self.work / "weekly")
        archive = self.facts.get("archive")
        if archive is not None and (archive / ".cache").exists():
            shutil.copytree(archive / ".cache", project / ".cache")  # last week's machine had rendered the older charts
        data = load_dataset(project)
        week = calendar_week(data.calendar, data.weeks[-1])
        assert week is not None
        base, end = pd.Timestamp(week.start), pd.Timestamp(week.end)
        tidy = read_store(project / "data/sample/prices.parquet")
        store = Path("data/store/prices.parquet")
        write_store(tidy.loc[tidy["session"] <= base], project / store)
        csv_dir = self.work / "weekly-csv"
        csv_dir.mkdir()
        new = tidy.loc[(tidy["session"] > base) & (tidy["session"] <= end)]
        for symbol, rows in new.groupby("symbol"):
            frame = pd.DataFrame(
                {
                    "Date": rows["session"].dt.strftime("%Y-%m-%d 00:00:00"),
                    "Open": rows["open"],
                    "High": rows["high"],
                    "Low": rows["low"],
                    "Close": rows["close"],
                    "Adj Close": rows["adj_close"],
                    "Volume": rows["volume"],
                }
            )
            frame.to_csv(csv_dir / f"{symbol}.csv", index=False)
        prep, _ = run(cli(project, "site", "--store", str(store), "--now", friday_close(base), "--no-build"))
        self.out.details.append(
            f"weekly run: store through {base:%Y-%m-%d} ({len(tidy.loc[tidy['session'] <= base])} rows), "
            f"{len(new)} new rows for {new['symbol'].nunique()} symbols in {csv_dir.name}/; last week's generation took {prep:.1f} s"
        )
        fetched, result = run(cli(project, "fetch", "--source", f"csv:{csv_dir}", "--store", str(store), "--no-snapshots"))
        fetch_line = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
        said = re.sub(r"\s*\([\d.]+ s\)$", "", fetch_line.split(": ", 1)[-1])
        self.out.add("Weekly run: fetch (csv:DIR, one week)", f"{fetched:.1f} s", note=said)
        now = friday_close(end)
        generated, result = run(cli(project, "site", "--store", str(store), "--now", now, "--no-build"))
        self.out.add("Weekly run: gates + site --store", f"{generated:.1f} s", note=counts_note(summary_of(result.stderr)))
        built, _ = run(mkdocs(project), cwd=project, ETF_SITE_DATA_SOURCE="live")
        self.out.add("Weekly run: mkdocs build --strict", f"{built:.1f} s", note="one of the reference's builds (the same pages)")
        self._reference_build(built)
        total = fetched + generated + built
        self.out.add("Incremental weekly run, total", f"{total:.1f} s", note=f"as of {now}")
        self.facts["weekly_outside_build"] = fetched + generated

    # 6: sizes of the built sample site
    def sizes(self) -> None:
        site = self.facts["archive"] / "site"
        if not site.is_dir():
            raise StepError("no site/ to measure: the archive's build did not run")
        html = sum(1 for _ in site.rglob("*.html"))
        self.out.against("Total site/ for the sample", tree_size(site), 100 * MB, "bytes", f"{html} HTML files")
        pages = sorted(site.glob(ARTICLE_GLOB), key=lambda path: path.stat().st_size)
        if pages:
            largest = pages[-1]
            self.out.against("Largest article page HTML", largest.stat().st_size, 100 * KB, "bytes", str(largest.parent.relative_to(site)))
        index = site / "search" / "search_index.json"
        if index.exists():
            self.out.against("Search index (search/search_index.json)", index.stat().st_size, 3 * MB, "bytes")
        bundle = site / "assets" / "javascripts" / "vega-bundle.js"
        if bundle.exists():
            raw = bundle.read_bytes()
            self.out.add("Vega bundle, raw / gzipped", f"{_bytes(len(raw))} / {_bytes(len(gzip.compress(raw, 9)))}")

    # 1 (per stage) and 5: in-process timings, and the naive way beside each
    def stages(self) -> None:
        if self.over_budget() and not self.profile:  # the same work as part 1, in one process: with --profile, always
            self.out.add("Stages in one process", "-", status="skipped", note=f"past {BUDGET:.0f} s into the run (--profile runs them)")
            return
        project = self.facts.get("archive") or copy_project(self.work / "stages")
        profiler = cProfile.Profile() if self.profile else None
        startup, _ = run([PYTHON, "-c", "import generator.cli, generator.pipeline, generator.site, generator.chart"])
        self.out.add("Start-up: import the generator and its libraries", f"{startup:.1f} s", note="a fresh process, as each command pays")
        from generator.load import read_store, with_history
        from generator.pipeline import generate_articles, load_dataset, story_charts, story_for, week_facts, week_windows
        from generator.render import PHRASEBOOK_FILE, load_phrasebook
        from generator.site import write_article
        from generator.verify import Closes, verify_folder
        from generator.write import OutputWriter

        if profiler:
            profiler.enable()

        def timed(name: str, work: Callable[[], Any], note: Callable[[Any], str] = lambda _: "") -> Any:
            began = time.perf_counter()
            value = work()
            self.out.add(name, f"{time.perf_counter() - began:.2f} s", note=note(value))
            return value

        data = timed("Stage: load_dataset (load + compute)", lambda: load_dataset(project), lambda d: f"{len(d.weeks)} weeks")
        articles = timed(
            "Stage: generate_articles (facts, story, render, chart specs)",
            lambda: generate_articles(data, root=project),
            lambda a: f"{len(a)} articles",
        )
        docs = self.work / "stages-docs"
        out = OutputWriter(docs)
        timed("Stage: write (posts, facts, claims, specs, CSVs)", lambda: [write_article(out, a) for a in articles])
        timed(
            "Stage: verify (fact-check every claim)",
            lambda: verify_folder(
                docs,
                Closes(
                    with_history(read_store(project / "data/sample/prices.parquet"), project, data.settings.gates.max_day_move_percent),
                    data.store_start.date(),
                ),
                data.universe,
                load_phrasebook(project / PHRASEBOOK_FILE),
                data.settings,
            ),
            lambda report: f"{report.claims} claims",
        )
        if self.over_budget():
            self.out.add("Naive references", "-", status="skipped", note=f"past {BUDGET:.0f} s into the run: kept under 10 minutes")
            return
        weeks = timed(
            "Facts and lead story of every week",
            lambda: [(week, story_for(data, week)) for week in (week_facts(data, window) for window in week_windows(data))],
        )
        began = time.perf_counter()
        built = sum(len(story_charts(data, week, name, validate=False)) for week, name in weeks)
        fast = (time.perf_counter() - began) / built
        sample = weeks[:: max(1, len(weeks) // VALIDATED_WEEKS)]
        began = time.perf_counter()
        validated = sum(len(story_charts(data, week, name, validate=True)) for week, name in sample)
        slow = (time.perf_counter() - began) / validated
        self.out.add(
            "Altair spec, no validation (as built)", f"{fast * 1000:.1f} ms/chart", note=f"{built} charts, every week's lead story"
        )
        self.out.add(
            "Naive: Altair spec WITH schema validation",
            f"{slow * 1000:.1f} ms/chart",
            note=f"{slow / fast:.1f}x slower; {validated} charts (every {max(1, len(weeks) // VALIDATED_WEEKS)}th week)",
        )
        if profiler:
            profiler.disable()
            assert self.profile is not None
            profiler.dump_stats(str(self.profile))
            stats = pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative")
            stats.print_stats(25)

    # 4: the whole universe, in its own process so that its peak memory is its own
    def universe(self) -> None:
        if not self.shared.is_dir():
            message = f"{self.shared} not found: pass --shared-dir PATH (a folder of yfinance CSVs) to measure the universe"
            print(message, file=sys.stderr)
            self.out.add("Whole universe", "-", status="skipped", note=message)
            return
        _, result = run([PYTHON, str(Path(__file__).resolve()), "--universe-worker", str(self.shared), "--work", str(self.work)])
        found = json.loads(result.stdout.strip().splitlines()[-1])
        rows, symbols = found["rows"], found["symbols"]
        note = f"{found['files']} files, {rows:,} rows"
        if found["stopped"]:
            note += f"; read file by file: read_csv_dir stops at the first bad file, {len(found['set_aside'])} set aside"
            self.out.details.append(f"read_csv_dir on the universe: {found['stopped']}")
            self.out.details += [f"set aside: {problem}" for problem in found["set_aside"].values()]
        self.out.add("Universe: CSV import (read_csv_dir)", f"{found['import']:.1f} s", note=note)
        self.out.add("Universe: Prices.from_tidy + build_panel", f"{found['pivot'] + found['panel']:.1f} s", note=f"{symbols} symbols")
        self.out.add(
            "Universe: memory of import + panel",
            _bytes(found["after_panel"] - found["baseline"]),
            note=f"peak resident growth; tidy table {_bytes(found['table_bytes'])}, panel {_bytes(found['panel_bytes'])}",
        )
        self.whole_universe()
        scale = SCALE_ROWS / rows
        self.out.details.append(
            f"universe scaled linearly to 3,000 funds x 20 years ({SCALE_ROWS / 1e6:.1f} M rows, x{scale:.0f} the {rows:,} rows here): "
            f"CSV import {found['import'] * scale:.0f} s, pivot + panel {(found['pivot'] + found['panel']) * scale:.0f} s, "
            f"memory: the tidy table {_bytes(found['table_bytes'] * scale)} ({_bytes(found['table_bytes'])} here), "
            f"the wide panel {_bytes(found['panel_bytes'] * SCALE_CELLS / found['cells'])} ({_bytes(found['panel_bytes'])} here, "
            f"{SCALE_CELLS / found['cells']:.0f}x the cells), peak resident growth of import + panel "
            f"{_bytes((found['after_panel'] - found['baseline']) * scale)} ({_bytes(found['after_panel'] - found['baseline'])} here)"
        )
        self.facts["universe"] = found

    # 7: Zensical, only where it is installed
    def zensical(self) -> None:
        if importlib.util.find_spec("zensical") is not None:
            command = [PYTHON, "-m", "zensical"]
        elif shutil.which("zensical"):
            command = [str(shutil.which("zensical"))]
        else:
            print("Zensical not installed", file=sys.stderr)
            self.out.add("Zensical build", "Zensical not installed", status="n/a", note="pip install zensical (a separate venv)")
            return
        project = self.facts["archive"]
        before = sum(1 for _ in (project / "site").rglob("index.html"))
        cold, result = run([*command, "build", "-f", str(project / "mkdocs.yml"), "-s", "-c"], cwd=project, ETF_SITE_DATA_SOURCE="sample")
        warm, _ = run([*command, "build", "-f", str(project / "mkdocs.yml"), "-s"], cwd=project, ETF_SITE_DATA_SOURCE="sample")
        after = sum(1 for _ in (project / "site").rglob("index.html"))
        said = " ".join(line for line in (result.stdout + result.stderr).splitlines() if "issue" in line.lower())
        version = subprocess.run([*command, "--version"], capture_output=True, text=True, check=False).stdout.strip()
        note = f"zensical {version or '?'} ({command[-1]}): {after} pages (MkDocs: {before}); {said}"
        self.out.add("Zensical build --strict, cold / warm", f"{cold:.1f} s / {warm:.1f} s", note=note)

    def whole_universe(self) -> None:
        """`site --universe --no-build` on a fresh copy (every fund page, the bundled universe) and a bare MkDocs build of
        what it wrote: the universe's ratio. Then the same command on another fresh copy, for its peak memory as a process
        tree: reading the tree's memory costs the kernel a walk over every page of the processes it samples (about a third
        of a core here), so the run that is timed is not the run that is sampled."""
        project = copy_project(self.work / "universe")
        cold, result = run(cli(project, "site", "--universe", "--no-build"))
        self.out.add("Universe: site --universe --no-build, cold", f"{cold:.1f} s", note=counts_note(summary_of(result.stderr)))
        bare, _ = run(mkdocs(project), cwd=project, ETF_SITE_DATA_SOURCE="universe")
        pages = sum(1 for _ in (project / "site").rglob("*.html"))
        self.out.add("Universe: bare mkdocs build --strict of its pages", f"{bare:.1f} s", note=f"{pages} HTML files")
        self.out.against("Universe cold generation / its bare mkdocs build", cold / bare, 1.0, "x", f"{cold:.1f} s / {bare:.1f} s")
        sampled = copy_project(self.work / "universe-memory")
        process = subprocess.Popen(
            cli(sampled, "site", "--universe", "--no-build"), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env()
        )
        tree = TreeMemory(process.pid)
        _, stderr = process.communicate()
        peak = tree.close()
        if process.returncode != 0:
            raise StepError(f"site --universe exited {process.returncode}: {stderr.strip()[-300:]}")
        self.out.against(
            "Universe: peak memory of site --universe",
            peak,
            1.5 * GB,
            "bytes",
            "a second cold run: the command and its workers, shared pages counted once (PSS)",
        )


class TreeMemory:
    """The peak memory of a process (this one by default) and all its descendants together, sampled from /proc every 0.1 s.
    Each process counts its proportional set size (PSS), so the pages forked workers share with their parent count once."""

    def __init__(self, root: int | None = None) -> None:
        import threading

        self.root = root or os.getpid()
        self.peak = 0
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _rss(self) -> int:
        """The tree's PSS now; 0 (no sample) when a process of the tree started or ended while it was read: a worker that
        exits hands its share of the pages back to its parent, and a sum read across that moment counts them twice."""
        before = self._tree()
        total = self._pss(before)
        return total if self._tree() == before else 0

    def _tree(self) -> set[int]:
        parents: dict[int, int] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                parents[int(stat.parent.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
        tree, frontier = {self.root}, [self.root]
        while frontier:
            parent = frontier.pop()
            children = [pid for pid, ppid in parents.items() if ppid == parent]
            tree.update(children)
            frontier += children
        return tree

    def _pss(self, tree: set[int]) -> int:
        total = 0
        for pid in tree:
            try:
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
                total += int(rollup.split("Pss:", 1)[1].split()[0]) * KB
            except (OSError, IndexError, ValueError):
                try:
                    total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * self.page
                except (OSError, IndexError, ValueError):
                    continue
        return total

    def _watch(self) -> None:
        while not self.stop.wait(0.1):
            self.peak = max(self.peak, self._rss())

    def now(self) -> int:
        """The peak so far, this instant included."""
        self.peak = max(self.peak, self._rss())
        return self.peak

    def close(self) -> int:
        self.stop.set()
        self.thread.join()
        return max(self.peak, self._rss())


def universe_worker(directory: Path, work: Path) -> None:
    """The whole-universe part, run in a process of its own; prints its figures as one line of JSON."""
    import pandas as pd

    from generator.compute import build_panel
    from generator.config import DEFAULTS
    from generator.errors import GeneratorError
    from generator.load import LoadReport, Prices, read_csv_dir, read_yfinance_csv

    tree = TreeMemory()
    baseline = tree.now()
    report, set_aside = LoadReport(), {}
    began = time.perf_counter()
    try:
        tidy = read_csv_dir(directory, None, report)
        stopped = None
    except GeneratorError as error:
        # read_csv_dir stops at the first bad file; read file by file instead, setting the bad ones aside
        stopped = str(error)
        began = time.perf_counter()
        frames = []
        for path in sorted(directory.glob("*.csv")) + sorted(directory.glob("*.csv.gz")):
            try:
                frames.append(read_yfinance_csv(path, report))
            except GeneratorError as problem:
                set_aside[path.name] = str(problem)
        tidy = pd.concat(frames, ignore_index=True)
    imported = time.perf_counter() - began
    began = time.perf_counter()
    prices = Prices.from_tidy(tidy)
    pivoted = time.perf_counter() - began
    began = time.perf_counter()
    panel = build_panel(prices.close, prices.adj_close, prices.volume, DEFAULTS.definitions, DEFAULTS.thresholds.distribution_points)
    computed = time.perf_counter() - began
    after_panel = tree.now()
    frames = [value for value in vars(panel).values() if isinstance(value, pd.DataFrame)]
    table_bytes = int(tidy.memory_usage(deep=True).sum())
    panel_bytes = int(sum(frame.memory_usage(deep=True).sum() for frame in frames))
    cells = int(prices.close.size)
    del panel, frames
    files = len(list(directory.glob("*.csv"))) + len(list(directory.glob("*.csv.gz")))
    print(
        json.dumps(
            {
                "files": files,
                "rows": len(tidy),
                "symbols": int(tidy["symbol"].nunique()),
                "import": imported,
                "pivot": pivoted,
                "panel": computed,
                "baseline": baseline,
                "after_panel": after_panel,
                "table_bytes": table_bytes,
                "panel_bytes": panel_bytes,
                "cells": cells,
                "peak": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * KB,
                "children_peak": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * KB,
                "tree_peak": tree.close(),
                "stopped": stopped,
                "set_aside": set_aside,
                "empty_rows": sum(report.empty_rows.values()),
            }
        )
    )


def machine() -> dict[str, str]:
    memory = "?"
    with open("/proc/meminfo", encoding="utf-8") as stream:
        for line in stream:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
    cpu = platform.processor() or "?"
    if Path("/proc/cpuinfo").exists():
        names = [line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")]
        cpu = names[0] if names else cpu
    return {
        "cores": str(os.cpu_count()),
        "memory": memory,
        "cpu": cpu,
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
    }


def print_table(results: Results) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title="ETF Weekly benchmark", show_lines=False)
    for column in ("figure", "value", "target", "", "note"):
        table.add_column(column, overflow="fold")
    colours = {"OK": "green", "MISSED": "bold red", "FAILED": "bold red", "skipped": "yellow", "n/a": "dim"}
    section = None
    for row in results.rows:
        if row.section != section:
            if section is not None:
                table.add_section()
            table.add_row(f"[bold]{row.section}[/]", "", "", "", "")
            section = row.section
        status = f"[{colours.get(row.status, 'white')}]{row.status}[/]" if row.status else ""
        table.add_row("  " + row.name, row.value, row.target, status, row.note)
    Console(width=200).print(table)


def write_report(results: Results, info: dict[str, str], started: datetime, total: float, command: str) -> None:
    lines = [
        "# Benchmarks",
        "",
        f"Written by `{command}` on {started:%Y-%m-%d %H:%M} (local time); the whole run took {total:.0f} s. "
        "How to run it and what each row measures: [benchmarks/README.md](benchmarks/README.md).",
        "",
        f"Machine: {info['cores']} cores ({info['cpu']}), {info['memory']} of memory, {info['system']}, Python {info['python']}.",
        "",
        "| part | figure | value | target | | note |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    shown = None
    for row in results.rows:
        part, shown = ("" if row.section == shown else row.section), row.section
        cells = [part, row.name, row.value, row.target, f"**{row.status}**" if row.status else "", row.note]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    if results.details:
        lines += ["", "## Details", ""] + [f"- {line}" for line in results.details]
    if results.errors:
        lines += ["", "## Errors", ""] + [f"- {line.splitlines()[0]}" for line in results.errors]
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared-dir", type=Path, default=DEFAULT_SHARED, help="folder of the whole universe's yfinance CSVs")
    parser.add_argument("--keep", action="store_true", help="keep the temporary project copies and print where they are")
    parser.add_argument("--profile", type=Path, help="cProfile the in-process stages into this file and print the top entries")
    parser.add_argument("--universe-worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    options = parser.parse_args()
    sys.path.insert(0, str(ROOT))  # the generator package is not installed: import it from the project
    if options.universe_worker is not None:
        universe_worker(options.universe_worker, options.work or Path(tempfile.mkdtemp(prefix="etf-bench-universe-")))
        return 0

    started, clock = datetime.now(), time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="etf-bench-"))
    bench = Bench(work=work, shared=options.shared_dir, profile=options.profile)
    bench.facts["clock"] = clock
    fingerprint = code_fingerprint()
    try:
        bench.part("1. Sample archive", bench.archive)
        bench.part("2. make site", bench.end_to_end)
        bench.part("3. Weekly run", bench.incremental)
        bench.part("1-3. Ratios", bench.ratios)
        bench.part("6. Site sizes", bench.sizes)
        bench.part("4. Whole universe", bench.universe)
        bench.part("1/5. Stages, and the naive way", bench.stages)
        bench.part("7. Zensical", bench.zensical)
    finally:
        if options.keep:
            print(f"temporary copies kept in {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    total = time.perf_counter() - clock
    bench.out.section = "Benchmark"
    bench.out.add("Whole benchmark run", f"{total:.0f} s", "< 600 s", "OK" if total < 600 else "MISSED", f"code {fingerprint}")
    other, noisy = bench.facts.get("other_cpu", 0.0), bench.facts.get("noisy", [])
    share = other / (total * (os.cpu_count() or 1))
    note = "skewed: " + ", ".join(noisy) + "; run again on a quiet machine" if noisy else "a quiet machine in every part"
    status = "MISSED" if noisy else "OK"
    bench.out.add("CPU taken by other processes meanwhile", f"{other:.0f} CPU-s ({share:.0%})", f"< {NOISE:.0%} per part", status, note)
    info = machine()
    print_table(bench.out)
    print(f"{info['cores']} cores, {info['memory']}, Python {info['python']}; details in {REPORT.relative_to(ROOT)}")
    command = "python benchmarks/run.py"
    write_report(bench.out, info, started, total, command)
    return 1 if bench.out.errors else 0


if __name__ == "__main__":
    sys.exit(main())
