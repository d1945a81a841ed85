"""The MkDocs hooks (templates/mkdocs_hooks.py): what a page's meta description keeps of its lede."""

from __future__ import annotations

import importlib.util

import pytest

from generator.config import ROOT

_spec = importlib.util.spec_from_file_location("mkdocs_hooks", ROOT / "templates" / "mkdocs_hooks.py")
assert _spec is not None and _spec.loader is not None
hooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hooks)

LEDE = (
    "Small caps had the upper hand over their larger rivals this week. The iShares Russell 2000 ETF (NYSE:IWM) "
    "climbed 1.5 percent in the week through Friday, 3.0 percentage points better than the broader market."
)

CASES = [
    ("A short lede stays whole.", "A short lede stays whole."),
    (LEDE, "Small caps had the upper hand over their larger rivals this week."),
    (
        "It was a strong week for U.S. stocks. The SPDR S&P 500 ETF Trust (NYSE:SPY) rose 1.2 percent in the week through "
        "Friday and closed 0.1 percent below its 52-week high, its best close since February.",
        "It was a strong week for U.S. stocks.",
    ),
    (
        "The S&P 500 plunged 15.0 percent in the week through Friday, its worst week since October 2008, as the Federal "
        "Reserve cut its target range by a full point in an unscheduled move on a Sunday.",
        "The S&P 500 plunged 15.0 percent in the week through Friday, its worst week since October 2008, as the Federal "
        "Reserve cut its target range by a full point in\u2026",
    ),
]


@pytest.mark.parametrize(("lede", "expected"), CASES)
def test_a_description_keeps_the_whole_sentences_that_fit(lede: str, expected: str) -> None:
    assert hooks.short_description(lede) == expected
    assert len(hooks.short_description(lede)) <= 160
