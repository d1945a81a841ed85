"""Shared fixtures: the bundled sample, loaded once per test session."""

from __future__ import annotations

import pytest

from generator.pipeline import Dataset, load_dataset


@pytest.fixture(scope="session")
def sample() -> Dataset:
    return load_dataset()
