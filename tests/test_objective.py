"""Reading a fund's stated objective: the index and the daily multiple, only where the words say them (tests/answers/objectives.csv)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from generator.objective import read_objective

ANSWERS = Path(__file__).parent / "answers" / "objectives.csv"
"""Hand-written sentences in the database's style, with the index and the multiple a reader takes from each (blank: not stated)."""


def _cases() -> list[dict[str, str]]:
    with ANSWERS.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.mark.parametrize("case", _cases(), ids=lambda case: case["case"])
def test_the_objective_gives_what_its_words_state(case: dict[str, str]) -> None:
    found = read_objective(case["summary"], case["name"])
    assert found.index == (case["index"] or None)
    assert found.leverage == (int(case["leverage"]) if case["leverage"] else None)


def test_a_summary_without_an_objective_gives_nothing() -> None:
    found = read_objective("The fund is non-diversified.")
    assert (found.index, found.leverage) == (None, None)
