"""Safe operations: ranges never destroy, one writer at a time, gated funds are published nowhere, and failures are one line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from test_editors import make_project, run, tree_digest

from generator import lock
from generator.load import SAMPLE_STORE, read_store, write_store

FIRST_RANGE = ["--first", "2019-03-15", "--last", "2019-03-29"]
SECOND_RANGE = ["--first", "2018-10-19", "--last", "2018-10-26"]
AS_OF_CLOSE = "2021-04-27T18:00:00"
"""The sample's last session has closed: a store holding it is fresh."""


def posts(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "content" / "posts").glob("*.md"))


@pytest.fixture(scope="module")
def two_ranges(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project generated for one range, then for another."""
    root = make_project(tmp_path_factory.mktemp("ranges"))
    for span in (FIRST_RANGE, SECOND_RANGE):
        code, output = run(root, "site", *span, "--no-build")
        assert code == 0, output
    return root


def test_a_second_range_leaves_the_first_ranges_weeks_alone(two_ranges: Path) -> None:
    names = posts(two_ranges)
    assert any(name.startswith("2019-03-29-") for name in names) and any(name.startswith("2018-10-26-") for name in names)
    assert {name[:10] for name in names} == {"2018-10-19", "2018-10-26", "2019-03-15", "2019-03-22", "2019-03-29"}
    assert (two_ranges / "content" / "weeks" / "2019-03-22" / "facts.json").exists()


def test_fund_pages_list_the_articles_of_every_range_written(two_ranges: Path) -> None:
    page = (two_ranges / "content" / "funds" / "spy.md").read_text(encoding="utf-8")
    assert "2019-03-29-" in page and "2018-10-26-" in page


@pytest.mark.parametrize(
    ("span", "message"),
    [
        (["--first", "2019-03-29", "--last", "2019-03-15"], "--first 2019-03-29 is after --last 2019-03-15: nothing to generate"),
        (["--first", "2030-01-01"], "no complete week of the data from 2030-01-01"),
        (["--first", "2019-03-25", "--last", "2019-03-27"], "no complete week of the data from 2019-03-25 to 2019-03-27"),
    ],
)
def test_a_reversed_or_empty_range_exits_2_and_removes_nothing(two_ranges: Path, span: list[str], message: str) -> None:
    before = tree_digest(two_ranges / "content")
    code, output = run(two_ranges, "site", *span, "--no-build")
    assert code == 2 and message in output and len(output.strip().splitlines()) == 1, output
    assert tree_digest(two_ranges / "content") == before


def test_a_second_run_waits_then_stops_naming_the_holder(two_ranges: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lock, "WAIT_SECONDS", 0.2)
    before = tree_digest(two_ranges / "content")
    with lock.project_lock(two_ranges, "site"):
        for command in (["site", *FIRST_RANGE, "--no-build"], ["fetch", "--source", "sample", "--store", "data/store/prices.parquet"]):
            code, output = run(two_ranges, *command)
            assert code == 2 and "another run is writing to this project (`site`, process" in output, output
    assert tree_digest(two_ranges / "content") == before
    assert not (two_ranges / "data" / "store").exists()
    assert not (two_ranges / lock.HOLDER_FILE).exists()


def test_verify_of_a_week_with_no_article_fails(two_ranges: Path) -> None:
    code, output = run(two_ranges, "verify", "--as-of", "2020-03-20")
    assert code == 2 and "no article for the week ending 2020-03-20" in output, output


def test_article_into_a_missing_folder_is_one_line(two_ranges: Path, tmp_path: Path) -> None:
    target = tmp_path / "missing" / "article.md"
    code, output = run(two_ranges, "article", "--as-of", "2019-03-29", "--out", str(target))
    assert code == 2 and f"the folder {target.parent} does not exist" in output and "Traceback" not in output, output


def test_a_docs_dir_that_cannot_be_written_is_one_line_and_exit_2(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "content" / "weeks").write_text("not a folder", encoding="utf-8")
    code, output = run(root, "site", *FIRST_RANGE, "--no-build")
    assert code == 2 and "cannot write" in output and "Traceback" not in output, output


@pytest.fixture(scope="module")
def gated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A live store whose GLD (not core) has a bad print five weeks before its end, generated for the last weeks."""
    root = make_project(tmp_path_factory.mktemp("gated"))
    table = read_store(root / SAMPLE_STORE)
    bad = (table["symbol"] == "GLD") & (table["session"] == pd.Timestamp("2021-03-22"))
    table.loc[bad, ["close", "adj_close"]] *= 1.6
    write_store(table, root / "data" / "store" / "prices.parquet")
    code, output = run(root, "site", "--store", "data/store/prices.parquet", "--now", AS_OF_CLOSE, "--first", "2021-03-01", "--no-build")
    assert code == 0, output
    assert "left out of the site: GLD: one-day move of +59.8% on 2021-03-22 is implausible" in output
    return root


def test_a_fund_the_gates_left_out_is_in_no_article_or_chart(gated: Path) -> None:
    weeks = gated / "content" / "weeks"
    assert posts(gated)
    for path in [*(gated / "content" / "posts").glob("*.md"), *weeks.rglob("*.csv"), *weeks.rglob("*.vl.json"), *weeks.rglob("*.json")]:
        assert "GLD" not in path.read_text(encoding="utf-8"), path


def test_its_fund_page_and_the_methodology_page_say_why(gated: Path) -> None:
    page = (gated / "content" / "funds" / "gld.md").read_text(encoding="utf-8")
    assert "left out of the site" in page and "2021-03-22 is implausible" in page
    assert [path.name for path in (gated / "content" / "funds" / "gld").iterdir()] == ["claims.json"]  # its ledger, no charts
    assert "GLD" in (gated / "content" / "methodology.md").read_text(encoding="utf-8")


def test_two_runs_at_once_never_interleave(tmp_path: Path) -> None:
    """Two real processes with different ranges: each finishes, or stops in one line naming the other; no week is lost."""
    import os
    import subprocess
    import sys

    from generator.config import ROOT

    root = make_project(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "generator", "--project", str(root), "site", "--no-build"]
    runs = [
        subprocess.Popen([*command, *span], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        for span in (FIRST_RANGE, SECOND_RANGE)
    ]
    results = [(run.wait(timeout=300), run.stdout.read() if run.stdout else "") for run in runs]
    for code, output in results:
        assert "Traceback" not in output, output
        assert code == 0 or (code == 2 and "another run is writing to this project (`site`, process" in output), output
    written = {name[:10] for name in posts(root)}
    for (code, _), days in zip(results, ({"2019-03-15", "2019-03-22", "2019-03-29"}, {"2018-10-19", "2018-10-26"}), strict=True):
        assert code != 0 or days <= written, (days, written)
    assert any(code == 0 for code, _ in results)


def test_a_range_writes_its_weeks_as_a_longer_range_does(tmp_path: Path) -> None:
    """Related links reach the weeks before the range whose posts exist, so a week reads the same whichever range wrote it."""
    root = make_project(tmp_path)
    assert run(root, "site", "--first", "2019-03-01", "--last", "2019-03-29", "--no-build")[0] == 0
    before = tree_digest(root / "content")
    code, output = run(root, "site", *FIRST_RANGE, "--no-build")
    assert code == 0 and ", 0 files written" in output, output
    assert tree_digest(root / "content") == before
