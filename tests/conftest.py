"""Shared fixtures: the bundled sample, loaded once per test session."""

from __future__ import annotations

import pytest
from hypothesis import settings

from generator.pipeline import Dataset, load_dataset

# Property tests run beside a parallel suite and a browser: time each example, but do not fail on it.
settings.register_profile("project", deadline=None)
settings.load_profile("project")


@pytest.fixture(scope="session")
def sample() -> Dataset:
    return load_dataset()
