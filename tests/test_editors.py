"""Editors' workflow: notes change their week only, survive rebuilds, and every mistake is one line with file and line."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from generator.cli import app
from generator.config import ROOT
from generator.site import GENERATED

runner = CliRunner()
WEEK = "2018-10-26"
RANGE = ["--first", "2018-10-12", "--last", "2018-11-09"]
NOTE = """---
headline: Small Caps Hit The Skids
story: small-caps
theme_note: The selling came two weeks before the midterm elections.
quotes:
  - text: Small caps are where the economy's pulse shows first.
    name: Jane Doe
    title: chief investment strategist
    firm: Example Capital
    section: numbers
section: evidence
---
Editors can add a paragraph of their own, and it lands under the section they name.
"""


def make_project(tmp_path: Path) -> Path:
    """A copy of the project's editor-owned files (the sample is linked, not copied)."""
    root = tmp_path / "project"
    root.mkdir()
    shutil.copy(ROOT / "mkdocs.yml", root)
    shutil.copytree(ROOT / "templates", root / "templates")
    (root / "data" / "sample").mkdir(parents=True)
    for name in ("funds.yaml", "flows.csv"):
        shutil.copy(ROOT / "data" / name, root / "data" / name)
    (root / "data" / "sample" / "prices.parquet").symlink_to(ROOT / "data" / "sample" / "prices.parquet")
    shutil.copytree(
        ROOT / "content",
        root / "content",
        ignore=shutil.ignore_patterns(*GENERATED),
    )
    (root / "content" / "notes").mkdir(exist_ok=True)
    return root


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def run(root: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["--project", str(root), *args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("editors"))


def posts(root: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted((root / "content" / "posts").glob("*.md"))}


def test_a_note_changes_its_week_only_and_survives_rebuilds(project: Path) -> None:
    code, output = run(project, "site", *RANGE, "--no-build")
    assert code == 0, output
    before = posts(project)
    note = project / "content" / "notes" / f"{WEEK}.md"
    note.write_text(NOTE, encoding="utf-8")
    code, output = run(project, "site", *RANGE, "--no-build")
    assert code == 0, output
    after = posts(project)
    others = {name for name in after if not name.startswith(WEEK)}
    assert others == {name for name in before if not name.startswith(WEEK)}
    changed = {name for name in others if before[name] != after[name]}
    for name in changed:
        differences = set(after[name].splitlines()) ^ set(before[name].splitlines())
        assert all("Related Links" in line or line.startswith("- [") for line in differences), "later weeks change only in a link's title"
    article = next(text for name, text in after.items() if name.startswith(WEEK) and '- "Small Caps"' in text)
    assert 'title: "Small Caps Hit The Skids"' in article and 'categories:\n  - "Small Caps"' in article
    assert "The selling came two weeks before the midterm elections." in article
    assert (
        '> "Small caps are where the economy\'s pulse shows first," said Jane Doe, chief investment strategist at Example Capital.'
        in article
    )
    assert "Editors can add a paragraph of their own" in article
    snapshot = tree_digest(project / "content")
    code, _ = run(project, "site", *RANGE, "--no-build")
    assert code == 0 and tree_digest(project / "content") == snapshot, "generating twice gives byte-identical files"
    assert note.read_text(encoding="utf-8") == NOTE, "the editor's file is never rewritten"


def test_hidden_sections_are_dropped(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "content" / "notes" / f"{WEEK}.md").write_text("---\nstory: small-caps\nhide: [trader, charts]\n---\n", encoding="utf-8")
    code, output = run(root, "site", "--first", WEEK, "--last", WEEK, "--no-build")
    assert code == 0, output
    lead = next(text for text in posts(root).values() if '- "Small Caps"' in text)
    assert "Direxion" not in lead and "etf-chart" not in lead


# Each case: (file to write, its text, the location and words the one-line message must have).
BROKEN = {
    "note-unknown-key": (
        "content/notes/2018-10-26.md",
        "---\nheadline: Fine\nqoutes: []\n---\n",
        "2018-10-26.md:3: unknown key `qoutes` (did you mean `quotes`?)",
    ),
    "note-bad-yaml": ("content/notes/2018-10-26.md", "---\nheadline: Fine\nquotes: [unclosed\n---\n", "2018-10-26.md:3: invalid YAML"),
    "note-bad-date": (
        "content/notes/26-10-2018.md",
        "---\nheadline: Fine\n---\n",
        "26-10-2018.md:1: a note is named after its week's closing session",
    ),
    "note-no-such-week": (
        "content/notes/2018-10-24.md",
        "---\nheadline: Fine\n---\n",
        "2018-10-24.md:1: no week of the data ends on 2018-10-24",
    ),
    "note-unknown-ticker": (
        "content/notes/2018-10-26.md",
        "---\nflows:\n  - symbol: ZZZZ\n    amount: 1e6\n    start: 2018-10-19\n    end: 2018-10-26\n    source: x\n---\n",
        "2018-10-26.md:3: unknown ticker ZZZZ",
    ),
    "note-unknown-story": (
        "content/notes/2018-10-26.md",
        "---\nstory: smallcaps\n---\n",
        "2018-10-26.md:2: unknown story `smallcaps` (did you mean `small-caps`?)",
    ),
    "note-bad-section": ("content/notes/2018-10-26.md", "---\nsection: middle\n---\n", "2018-10-26.md:2: `section`"),
    "phrasebook-yaml": ("templates/phrasebook.yaml", "verbs_up: [gained\nflat: [x]\n", "phrasebook.yaml:2: invalid YAML"),
    "template-syntax": ("templates/articles/sectors.md.j2", "Fine.\n{% if story %}\nno end\n", "sectors.md.j2:"),
    "template-undefined": ("templates/articles/sectors.md.j2", "Fine.\n\n{{ facts.no_such_fact }}\n", "sectors.md.j2:3: "),
    "template-bare-number": (
        "templates/articles/sectors.md.j2",
        "Fine.\n{{ story.spread.value }}\n",
        "sectors.md.j2:2: a template printed the bare number",
    ),
    "template-bare-fact": (
        "templates/articles/sectors.md.j2",
        "Fine.\n{{ story.spread }}\n",
        "sectors.md.j2:2: a template printed the bare fact",
    ),
    "template-bare-ticker": (
        "templates/articles/sectors.md.j2",
        "Fine.\n\n{{ story.benchmark }}\n",
        "sectors.md.j2:3: a template printed the bare ticker 'SPY'",
    ),
    "funds-bad-value": ("data/funds.yaml", None, "funds.yaml:"),
    "settings-unknown": ("mkdocs.yml", None, "mkdocs.yml:"),
    "flows-bad-row": ("data/flows.csv", "symbol,start,end,amount,source\nIWM,2018-10-19,26/10/2018,1e6,x\n", "flows.csv:2: "),
}


def _broken_text(root: Path, relative: str, text: str | None) -> str:
    if text is not None:
        return text
    original = (root / relative).read_text(encoding="utf-8")
    if relative == "data/funds.yaml":
        return original.replace("    leverage: 3\n", "    leverage: three\n", 1)
    return original.replace("      percent_style: desk", "      percent_styel: desk", 1)


@pytest.mark.parametrize("case", list(BROKEN))
def test_every_mistake_is_one_line_with_file_and_line_and_nothing_is_written(tmp_path: Path, case: str) -> None:
    root = make_project(tmp_path)
    relative, text, expected = BROKEN[case]
    (root / relative).write_text(_broken_text(root, relative, text), encoding="utf-8")
    assert_refused(root, expected)


def assert_refused(root: Path, expected: str) -> None:
    """`check` and `site` both stop with the one-line message `expected`, and nothing is written or built."""
    before = tree_digest(root / "content")
    code, output = run(root, "check")
    assert code == 2, output
    assert expected in output, output
    assert "nothing was written" in output
    code, output = run(root, "site", *RANGE)
    assert code == 2 and expected in output
    assert tree_digest(root / "content") == before
    assert not (root / "site").exists()


def test_a_note_written_ahead_of_the_data_waits_with_a_warning(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "content" / "notes" / "2021-04-30.md").write_text("---\nheadline: Written Ahead\n---\n", encoding="utf-8")
    warning = "2021-04-30.md: its week is not in the data yet (newest week ends 2021-04-23): skipped until then"
    code, output = run(root, "check")
    assert code == 0 and warning in output, output
    code, output = run(root, "site", *RANGE, "--no-build")
    assert code == 0 and warning in output, output


def test_unknown_setting_suggests_the_closest(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    path = root / "mkdocs.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "      percent_style: desk", "      percent_styel: desk\n    thresholds:\n      flat_percent: low"
        ),
        encoding="utf-8",
    )
    code, output = run(root, "check")
    assert code == 2
    assert "unknown setting `style.percent_styel` (did you mean `percent_style`?)" in output
    assert "`thresholds.flat_percent` is 'low'; allowed: a number from 0.0 to 2.0 (default 0.25)" in output


def test_ap_style_in_a_projects_mkdocs_yml_is_what_that_project_generates_with(tmp_path: Path) -> None:
    """`--project DIR` reads DIR's settings for the whole run, not the package's own."""
    root = make_project(tmp_path)
    path = root / "mkdocs.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("percent_style: desk", "percent_style: ap"), encoding="utf-8")
    code, output = run(root, "article", "--as-of", WEEK)
    assert code == 0, output
    assert "%" in output and " percent" not in output and "(NYSE:IWM)" not in output and "(IWM)" in output
    (tmp_path / "desk").mkdir()
    code, output = run(make_project(tmp_path / "desk"), "article", "--as-of", WEEK)
    assert " percent" in output and "(NYSE:IWM)" in output


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("thresholds: 5", "`thresholds` must be a mapping of settings, not 5"),
        ("gates:\n      check_sessions: 0", "unknown setting `gates.check_sessions`"),
        ("definitions:\n      week_lookback_days: -7", "`definitions.week_lookback_days` is -7; allowed: a whole number from 1 to 31"),
        ("gates:\n      max_day_move_percent: 100000", "`gates.max_day_move_percent` is 100000; allowed: a number from 5.0 to 50.0"),
        ("gates:\n      stale_share: 0.9", "`gates.stale_share` is 0.9; allowed: a number from 0.0 to 0.5"),
        ("thresholds:\n      correction_percent: 30\n      bear_percent: 20", "correction_percent must be smaller than"),
    ],
)
def test_a_setting_out_of_range_is_one_line_with_the_allowed_range_and_help_still_works(tmp_path: Path, setting: str, message: str) -> None:
    root = make_project(tmp_path)
    path = root / "mkdocs.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  commentary:\n", "  commentary:\n    " + setting + "\n", 1), encoding="utf-8")
    assert runner.invoke(app, ["--project", str(root), "--help"]).exit_code == 0
    for command in (["check"], ["site", "--no-build"], ["article", "--as-of", WEEK]):
        code, output = run(root, *command)
        assert code == 2 and message in output and "Traceback" not in output, (command, output)
        assert f"{path}:" in output
    assert not (root / "content" / "posts").exists()


def test_preview_regenerates_only_the_week_whose_note_changed(tmp_path: Path) -> None:
    from generator.serve import affected_weeks

    root = make_project(tmp_path)
    notes = root / "content" / "notes"
    assert affected_weeks(root, [notes / "2018-10-26.md", notes / "2018-11-02.md"]) == {date(2018, 10, 26), date(2018, 11, 2)}
    assert affected_weeks(root, [notes / "2018-10-26.md", root / "templates" / "phrasebook.yaml"]) is None
    code, _ = run(root, "site", *RANGE, "--no-build")
    assert code == 0
    before = tree_digest(root / "content" / "posts")
    (notes / f"{WEEK}.md").write_text("---\nheadline: A Headline Of The Editor's\n---\n", encoding="utf-8")
    code, output = run(root, "site", "--week", WEEK, "--no-build")
    assert code == 0, output
    after = tree_digest(root / "content" / "posts")
    assert set(after) == set(before), "the other weeks are left as they are"
    changed = [name for name in after if after[name] != before[name]]
    assert changed and all(name.startswith(WEEK) for name in changed), changed


def test_a_setting_in_flow_style_points_at_its_own_line(tmp_path: Path) -> None:
    from generator.config import read_settings

    path = tmp_path / "mkdocs.yml"
    path.write_text("site_name: x\nextra:\n  commentary:\n    style: {}\n    gates: {max_day_move_percent: 100000}\n", encoding="utf-8")
    expected = f"{path}:5: `gates.max_day_move_percent` is 100000; allowed: a number from 5.0 to 50.0 (default 25.0)"
    assert read_settings(path)[1] == [expected]


def test_a_directions_entry_without_its_down_words_or_with_an_unknown_field_is_named_at_its_line(tmp_path: Path) -> None:
    from generator.check import check_phrasebook
    from generator.render import load_phrasebook

    source = (ROOT / "templates" / "phrasebook.yaml").read_text(encoding="utf-8")
    broken = source.replace(
        "  gain_loss: {up: gain, down: loss, span: ytd}", '  gain_loss: {up: gain}\n  ahead: {up: "{pts} ahead", down: behind}'
    )
    path = tmp_path / "phrasebook.yaml"
    path.write_text(broken, encoding="utf-8")
    line = broken.splitlines().index("  gain_loss: {up: gain}") + 1
    problems = check_phrasebook(load_phrasebook(path), path)
    assert f"{path}:{line}: `directions.gain_loss` needs `up` and `down` words (and may have `flat`, `reference` and `span`)" in problems
    assert f"{path}:{line + 1}: `directions.ahead.up` uses ['pts']; only {{points}} and {{percent}} exist" in problems
