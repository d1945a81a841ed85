"""The command line: one line per error, exit status 2, nothing written."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from generator.cli import app

runner = CliRunner()


def test_article_writes_markdown_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "a.md"
    result = runner.invoke(app, ["article", "--as-of", "2018-10-24", "--story", "small-caps", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("---\n") and "[The iShares Russell 2000 ETF (NYSE:IWM)](../funds/iwm.md) plunged 7.6 percent" in text
    assert "Prices through the close of October 24, 2018" in text


def test_article_to_stdout_picks_the_lead_story() -> None:
    result = runner.invoke(app, ["article", "--as-of", "2018-10-24"])
    assert result.exit_code == 0
    assert "categories:\n" in result.stdout and "Why this story ran: " in result.stdout


def test_a_date_outside_the_data_is_one_line_and_exit_2(tmp_path: Path) -> None:
    out = tmp_path / "never.md"
    result = runner.invoke(app, ["article", "--as-of", "2022-01-07", "--out", str(out)])
    assert result.exit_code == 2
    assert "2022-01-07 is outside the price data (2016-04-28 to 2021-04-27)" in result.output
    assert not out.exists()


def test_a_holiday_is_named_as_not_a_session() -> None:
    result = runner.invoke(app, ["article", "--as-of", "2018-12-25"])
    assert result.exit_code == 2
    assert "2018-12-25 is not a session" in result.output


def test_a_week_before_the_data_starts_is_refused() -> None:
    result = runner.invoke(app, ["article", "--as-of", "2016-05-02"])
    assert result.exit_code == 2
    assert "too late for a week ending then" in result.output


def test_an_unknown_story_is_refused() -> None:
    result = runner.invoke(app, ["article", "--as-of", "2018-10-24", "--story", "crypto"])
    assert result.exit_code == 2
    assert "unknown story 'crypto'" in result.output


def test_every_command_has_help() -> None:
    for command in ["site", "article", "make-sample"]:
        result = runner.invoke(app, [command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output
