"""Work spread over processes gives what one process gives, in the same order."""

from __future__ import annotations

import dataclasses
import os
from datetime import date
from pathlib import Path

import pytest

from generator.cli import CACHE_ENV
from generator.errors import PriceDataError
from generator.pipeline import Dataset, generate_articles
from generator.workers import can_fork, spread


def _scaled(factor: int, item: int) -> tuple[int, int]:
    return item * factor, os.getpid()


def test_spread_keeps_the_items_order_and_reports_each_result() -> None:
    done: list[None] = []
    results = spread(_scaled, 3, list(range(20)), jobs=2, done=lambda: done.append(None))
    assert [value for value, _ in results] == [item * 3 for item in range(20)]
    assert len(done) == 20
    if can_fork():
        assert os.getpid() not in {pid for _, pid in results}, "the tasks ran in worker processes"


def test_one_job_runs_in_this_process() -> None:
    assert {pid for _, pid in spread(_scaled, 1, [1, 2, 3], jobs=1)} == {os.getpid()}


def _failing(_: None, item: int) -> int:
    if item == 2:
        raise ValueError(f"item {item} is bad")
    return item


def test_a_task_s_error_reaches_the_caller() -> None:
    with pytest.raises(ValueError, match="item 2 is bad"):
        spread(_failing, None, [1, 2, 3], jobs=2)


def _bad_prices(_: None, item: int) -> int:
    raise PriceDataError("prices.parquet", "price is zero or negative", symbol="SCPB", day="2017-10-13")


def test_an_error_raised_in_a_worker_keeps_its_message() -> None:
    with pytest.raises(PriceDataError, match=r"prices.parquet \[SCPB\] on 2017-10-13: price is zero or negative"):
        spread(_bad_prices, None, [1, 2], jobs=2)


def test_articles_written_over_two_processes_are_those_written_in_one(sample: Dataset) -> None:
    first, last, cache = date(2016, 11, 25), date(2016, 12, 30), Path(os.environ[CACHE_ENV])  # the suite's shared facts
    alone = generate_articles(dataclasses.replace(sample, jobs=1, cache=cache), first, last)
    spread_out = generate_articles(dataclasses.replace(sample, jobs=2, cache=cache), first, last)
    assert [(a.path, a.markdown, a.claims) for a in spread_out] == [(a.path, a.markdown, a.claims) for a in alone]
    assert len(alone) >= 5
