"""A closed world for published text: MkDocs reads only articles the generator wrote and the fact check passed."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_editors import make_project, run, tree_digest
from typer.testing import CliRunner

from generator import verify
from generator.cli import app
from generator.serve import error_page, error_pages
from generator.site import STAGING_DIR, Staged

WEEK = "2019-03-29"
RANGE = ["--first", WEEK, "--last", WEEK]
UNCLAIMED = "The desk counted 42 trades this week.\n\n"
"""A figure no fact stands behind: every article that prints it fails the fact check."""


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project generated for one week, with a manifest of its own."""
    root = make_project(tmp_path_factory.mktemp("closed"))
    code, output = run(root, "site", *RANGE, "--no-build")
    assert code == 0, output
    return root


@pytest.fixture
def project(published: Path, tmp_path: Path) -> Path:
    """A copy of the published project for one test to change."""
    return Path(shutil.copytree(published, tmp_path / "project", symlinks=True))


def posts(root: Path) -> list[Path]:
    return sorted((root / "content" / "posts").glob(f"{WEEK}-*.md"))


def print_an_unclaimed_figure(root: Path) -> None:
    partial = root / "templates" / "partials" / "article-end.md.j2"
    partial.write_text(UNCLAIMED + partial.read_text(encoding="utf-8"), encoding="utf-8")


def test_an_article_that_fails_the_fact_check_leaves_the_docs_dir_byte_identical(project: Path) -> None:
    print_an_unclaimed_figure(project)
    before = tree_digest(project / "content")
    code, output = run(project, "site", *RANGE, "--no-build")
    assert code == 2, output
    assert '"42" in' in output and "has no ledger entry" in output
    assert f"content/ is as it was, and the staged files are in {project / STAGING_DIR} for inspection" in output
    assert tree_digest(project / "content") == before
    staged = sorted((project / STAGING_DIR / "posts").glob(f"{WEEK}-*.md"))
    assert staged and all("42 trades" in path.read_text(encoding="utf-8") for path in staged)
    assert not any("42 trades" in path.read_text(encoding="utf-8") for path in posts(project))


def test_a_stray_post_is_refused_by_verify_and_by_site(project: Path) -> None:
    stray = project / "content" / "posts" / "2019-01-04-draft.md"
    stray.write_text("---\ntitle: A Draft\ndate: 2019-01-04\n---\n\nSmall caps rose 9 percent.\n", encoding="utf-8")
    line = f"{stray}: no claims ledger in {project / 'content' / 'weeks' / '2019-01-04'}/ names it, so the generator did not write it"
    code, output = run(project, "verify")
    assert code == 2 and line in output, output
    before = tree_digest(project / "content")
    code, output = run(project, "site", "--week", WEEK, "--no-build")
    assert code == 2 and line in output, output
    assert tree_digest(project / "content") == before


def test_a_post_with_no_ledger_is_refused(project: Path) -> None:
    post = posts(project)[0]
    ledgers = list((project / "content" / "weeks" / WEEK).glob("*.claims.json"))
    ledger = next(path for path in ledgers if post.name in path.read_text(encoding="utf-8"))
    ledger.unlink()
    code, output = run(project, "verify")
    assert code == 2 and f"{post}: no claims ledger in {ledger.parent}/ names it" in output, output
    assert len(output.strip().splitlines()) == 2, output


def test_a_hand_edited_article_is_refused(project: Path) -> None:
    post = posts(project)[0]
    text = post.read_text(encoding="utf-8")
    post.write_text(text.replace("\n\n", "\n\nAn editor's sentence without a figure.\n\n", 1), encoding="utf-8")
    code, output = run(project, "verify")
    assert code == 2 and f"{post}: it is not the article the generator wrote" in output, output


def test_reflowing_an_article_changes_nothing(project: Path) -> None:
    """Whitespace is not meaning: neither the closed world nor the fact check minds a reflowed paragraph."""
    post = posts(project)[0]
    post.write_text(post.read_text(encoding="utf-8").replace(". ", ".\n", 3).replace(" percent", "  percent"), encoding="utf-8")
    code, output = run(project, "verify")
    assert code == 0, output


def test_an_unchanged_run_still_fact_checks(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, output = run(project, "site", *RANGE, "--no-build")
    assert code == 0 and "inputs unchanged since the last run" in output and "claims verified" in output, output
    stray = project / "content" / "posts" / f"{WEEK}-copy.md"
    shutil.copy(posts(project)[0], stray)
    code, output = run(project, "site", *RANGE, "--no-build")
    assert code == 2 and f"{stray}: no claims ledger" in output, output
    stray.unlink()

    def failing(*args: Any, **kwargs: Any) -> verify.Report:
        report = real(*args, **kwargs)
        return verify.Report(report.articles, report.claims, [*report.problems, "claim 1: recorded after the manifest"])

    real = verify.verify_folder
    monkeypatch.setattr(verify, "verify_folder", failing)
    code, output = run(project, "site", *RANGE, "--no-build")
    assert code == 2 and "unverified: claim 1: recorded after the manifest" in output, output


def test_article_verifies_its_own_output() -> None:
    result = CliRunner().invoke(app, ["article", "--as-of", "2018-10-24"])
    assert result.exit_code == 0, result.output
    assert result.stderr.startswith("verified ") and " claims" in result.stderr
    assert result.stdout.startswith("---\n")


def test_article_that_fails_the_fact_check_prints_and_writes_nothing(project: Path, tmp_path: Path) -> None:
    print_an_unclaimed_figure(project)
    out = tmp_path / "article.md"
    result = CliRunner().invoke(app, ["--project", str(project), "article", "--as-of", "2018-10-24", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert '"42" in' in result.stderr and "found by the fact check; nothing was written" in result.stderr
    assert result.stdout == "" and not out.exists()


def test_a_preview_shows_a_failing_article_as_its_problems(project: Path) -> None:
    print_an_unclaimed_figure(project)
    code, output = run(project, "site", "--week", WEEK, "--no-build", "--preview")
    assert code == 2 and "the preview shows each failing article as a page listing its problems" in output, output
    for post in posts(project):
        page = post.read_text(encoding="utf-8")
        assert 'title: "Fact check failed: ' in page and '"42" in' in page and "42 trades" not in page.split("```")[0]
    before = tree_digest(project / "content")
    code, output = run(project, "site", "--week", WEEK, "--no-build")
    assert code == 2 and tree_digest(project / "content") == before, output
    code, output = run(project, "verify")
    assert code == 2 and "it is not the article the generator wrote" in output, output


ARTICLE = """---
# Generated by `python -m generator` from the sample price data for the week ending 2019-03-29.
title: "Small Caps Lag"
date: 2019-03-29
categories:
  - "Small Caps"
slug: small-caps-lag
---

IWM slipped 1.2 percent.
"""


def test_an_error_page_keeps_the_address_and_lists_the_problems_not_the_text() -> None:
    problems = ['posts/2019-03-29-small-caps-lag.md: claim 1: "slipped 1.2 percent": the recomputed value 1.1500 rounds to 1.1']
    page = error_page(ARTICLE, problems)
    assert page.startswith("---\n# Preview only") and 'title: "Fact check failed: Small Caps Lag"\n' in page
    assert "date: 2019-03-29\n" in page and "slug: small-caps-lag\n" in page and '  - "Small Caps"\n' in page
    assert f"```text\n{problems[0]}\n```\n" in page
    assert "IWM slipped" not in page
    assert "````text\n" in error_page(ARTICLE, ["a problem quoting ``` in the text"])


def test_error_pages_only_when_every_problem_names_a_staged_article(tmp_path: Path) -> None:
    post = Path("posts/2019-03-29-small-caps-lag.md")
    (tmp_path / "posts").mkdir()
    (tmp_path / post).write_text(ARTICLE, encoding="utf-8")
    staged = Staged(tmp_path, frozenset({post}), frozenset({date(2019, 3, 29)}), full_run=False, pages=False, articles=1, charts=0)
    named = f"{tmp_path / post}: claim 1: wrong"
    assert list(error_pages(staged, [named]) or {}) == [post]
    assert error_pages(staged, [named, "content/posts/2019-01-04-draft.md: no claims ledger names it"]) is None


def test_a_note_with_figures_passes_check_and_site(project: Path) -> None:
    note = """---
quotes:
  - text: Investors put $2.1 billion into small caps, and they are up 3 percent.
    name: Jane Doe
    title: strategist
    firm: Example Capital
---
Small-cap funds took in $2.1 billion, and the index is up 3 percent since January.
"""
    (project / "content" / "notes" / f"{WEEK}.md").write_text(note, encoding="utf-8")
    code, output = run(project, "check")
    assert code == 0, output
    code, output = run(project, "site", "--week", WEEK, "--no-build")
    assert code == 0, output


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda line: line.rsplit(",", 1)[0], "a row of the data file does not have its 4 columns"),
        (lambda line: line.rsplit(",", 1)[0] + ",nan", "not nan"),
    ],
    ids=["a short row", "a price that is not a number"],
)
def test_a_hand_edited_chart_file_is_refused(project: Path, edit: Any, problem: str) -> None:
    """A chart's CSV is what the drawing shows: a row it cannot read or a figure that is no number fails the check."""
    data = sorted((project / "content" / "weeks" / WEEK).glob("*-trend-*.csv"))[0]
    lines = data.read_text(encoding="utf-8").splitlines()
    lines[-1] = edit(lines[-1])
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, output = run(project, "verify")
    assert code == 2 and problem in output, output
