"""The weekly workflow on the live path, with Yahoo Finance simulated: how long each step takes.

A copy of the project holds a price store through Friday 2021-04-16 and last week's generated
site. The run of Friday 2021-04-23 then does what `.github/workflows/weekly.yml` does: fetch
(yfinance answering with frames of its exact shape, built from the sample), gates, `site --store`
(generation, fact check and `mkdocs build --strict`) and `verify --all`. Each step's time is
printed beside a bare `mkdocs build` of the same pages, measured in the same run.

    .venv/bin/python benchmarks/weekly_live.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

STORED_TO = date(2021, 4, 16)
WEEK_END = date(2021, 4, 23)
LAST_WEEK_NOW = "2021-04-16T17:00:00-04:00"
NOW = "2021-04-23T17:00:00-04:00"
STORE = "data/store/prices.parquet"


def timed(command: list[str], cwd: Path) -> float:
    began = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ETF_SITE_DATA_SOURCE": "live"}
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return time.perf_counter() - began


def main() -> int:
    from run import copy_project
    from yfinance_frames import download_frame

    from generator import cli, sources
    from generator.load import SAMPLE_STORE, read_store, write_store

    work = Path(tempfile.mkdtemp(prefix="etf-weekly-live-"))
    try:
        project = copy_project(work / "project")
        tidy = read_store(ROOT / SAMPLE_STORE)
        write_store(tidy.loc[tidy["session"] <= str(STORED_TO)], project / STORE)
        generator = [sys.executable, "-m", "generator", "--project", str(project)]
        previous = timed([*generator, "site", "--store", STORE, "--now", LAST_WEEK_NOW], project)

        def yahoo(**call: Any) -> Any:
            """What yf.download answers for the overlap and the new week, laid out as yfinance lays it out."""
            return download_frame(
                call["tickers"], date.fromisoformat(call["start"]), WEEK_END, orientation=call["group_by"], actions=call["actions"]
            )

        sources._yfinance_download = yahoo  # type: ignore[assignment]
        began = time.perf_counter()
        cli.app(["--project", str(project), "fetch", "--store", STORE, "--now", NOW, "--no-snapshots"], standalone_mode=False)
        fetched = time.perf_counter() - began
        steps = {
            "fetch (yfinance simulated, in process)": fetched,
            "gates": timed([*generator, "gates", "--store", STORE, "--now", NOW], project),
            "site --store (gates, generate, verify, mkdocs build --strict)": timed(
                [*generator, "site", "--store", STORE, "--now", NOW], project
            ),
            "verify --all": timed([*generator, "verify", "--all", "--store", STORE], project),
        }
        reference = timed([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet"], project)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    total = sum(steps.values())
    print(f"last week's run (cold, before the timed week): {previous:.1f} s")
    print(f"reference: bare mkdocs build --strict of the same pages: {reference:.1f} s")
    for name, seconds in steps.items():
        print(f"{name}: {seconds:.1f} s ({seconds / reference:.2f}x the reference)")
    print(f"weekly run, total: {total:.1f} s ({total / reference:.2f}x the reference)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
