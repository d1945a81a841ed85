"""The answers file: the lead story every week of the sample archive should have, and why.

`tests/answers/leads.csv` holds, for each of the 260 weeks, the expected lead and the reason in a
sentence, worked out from the prices with separate pandas arithmetic and a desk editor's judgement
(the weeks marked `read` were read by hand: the 30 largest SPY weekly moves). It is never
computed by the code under test. Rows marked `known-difference` are weeks where the judgement and
the engine part ways, with the note saying why; they are expected to fail, strictly, so a change
that makes the engine agree asks for the row to be marked `agreed`.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from generator.pipeline import Dataset, story_for, week_facts, week_windows
from generator.stories import STORY_NAMES

ANSWERS = Path(__file__).parent / "answers" / "leads.csv"
ROWS = list(csv.DictReader(ANSWERS.open(encoding="utf-8")))
READ_BY_HAND = 30


@pytest.fixture(scope="module")
def leads(sample: Dataset) -> dict[str, str]:
    """The engine's lead for every week of the archive, computed once."""
    return {window.end.isoformat(): story_for(sample, week_facts(sample, window)) for window in week_windows(sample)}


def test_answers_cover_every_week_of_the_archive(leads: dict[str, str]) -> None:
    assert [row["week"] for row in ROWS] == list(leads)
    assert (ROWS[0]["week"], ROWS[-1]["week"], len(ROWS)) == ("2016-05-06", "2021-04-23", 260)


def test_answers_are_well_formed() -> None:
    assert {row["lead"] for row in ROWS} <= set(STORY_NAMES)
    assert {row["status"] for row in ROWS} <= {"agreed", "known-difference"}
    assert {row["read"] for row in ROWS} <= {"yes", "no"}
    assert sum(row["read"] == "yes" for row in ROWS) == READ_BY_HAND
    assert all(row["reason"] for row in ROWS)
    assert all(bool(row["note"]) == (row["status"] == "known-difference") for row in ROWS)


def _case(row: dict[str, str]) -> object:
    marks = [pytest.mark.xfail(reason=row["note"], strict=True)] if row["status"] == "known-difference" else []
    return pytest.param(row, id=row["week"], marks=marks)


@pytest.mark.parametrize("row", [_case(row) for row in ROWS])
def test_lead_story(leads: dict[str, str], row: dict[str, str]) -> None:
    actual = leads[row["week"]]
    assert actual == row["lead"], f"{row['week']}: expected {row['lead']}, the engine leads with {actual}; why: {row['reason']}"
