"""Shared fixtures: the bundled sample, loaded once per test session, and one facts cache for every copy of the project."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from generator.cli import CACHE_ENV, JOBS_ENV
from generator.pipeline import Dataset, load_dataset

# Property tests run beside a parallel suite and a browser: time each example, but do not fail on it.
settings.register_profile("project", deadline=None)
settings.load_profile("project")


@pytest.fixture(scope="session", autouse=True)
def shared_cache_one_job(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The tests run the generator in many copies of the project, most over the same prices: one cache folder for all
    of them (and every parallel worker: entries are keyed by their inputs and written atomically) saves recomputing the
    same weeks in each. Each run keeps to one process, since the suite already runs a worker per core."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "commentary-cache"
    before = {name: os.environ.get(name) for name in (CACHE_ENV, JOBS_ENV)}
    os.environ[CACHE_ENV] = str(folder)
    os.environ[JOBS_ENV] = "1"  # the suite's own workers use the cores; tests/test_workers.py spreads work itself
    yield
    for name, value in before.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def sample() -> Dataset:
    return load_dataset()
