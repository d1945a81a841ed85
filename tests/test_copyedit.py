"""The copy-editing rules: each catches the desk's tell in a hand-written sentence and passes the sentence as the desk
writes it; the golden articles keep every rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.config import ROOT
from generator.render import PHRASEBOOK_FILE, load_phrasebook
from generator.verify.style import copyedit, prose, rules

RULES = rules(load_phrasebook(ROOT / PHRASEBOOK_FILE))
GOLDEN = sorted((Path(__file__).parent / "golden").glob("*.md"))

CASES = [
    # (rule, sentences a desk editor sends back, sentences that pass)
    (
        "tenses",
        [
            "IWM and SPY are down 2.1 percent and 1.4 percent, respectively, while DIA gained 0.3 percent.",
            "Across the market, DIA and QQQ are down 10.3 percent and 7.5 percent, respectively.",
            "Among the defensive sectors, XLU is basically flat and XLP fell 1.2 percent.",
            "IWM ends the week below its 200-day moving average.",
        ],
        [
            "Across the market, DIA and QQQ fell 10.3 percent and 7.5 percent, respectively.",
            "Among the defensive sectors, XLU was little changed and XLP fell 1.2 percent.",
            "For the year so far, SPY is down 16.3 percent.",
            "So far this year, TLT and SPY are up 10.3 percent and 7.5 percent, respectively.",
            "IWM ended the week below its 200-day moving average.",
        ],
    ),
    (
        "identical figures",
        [
            "VB and IJR fell 7.1 percent and 7.1 percent, respectively.",
            "So far this year, TLT and SPY are up 2.4% and 2.4%, respectively.",
        ],
        [
            "VB and IJR both fell 7.1 percent.",
            "VB and IJR fell 7.1 percent and 7.0 percent, respectively.",
            "VB and IJR fell 17.1 percent and 7.1 percent, respectively.",
        ],
    ),
    (
        "percentage points",
        [
            "IWM ended 1.0 percentage points ahead of SPY.",
            "IWM ended 1 percentage points ahead of SPY.",
            "IWM ended 0.3 percentage points ahead of SPY.",
            "IWM ended 2.4 percentage point ahead of SPY.",
        ],
        [
            "IWM ended 1 percentage point ahead of SPY.",
            "IWM ended 0.3 percentage point ahead of SPY.",
            "IWM ended 2.4 percentage points ahead of SPY.",
            "IWM ended 11.0 percentage points ahead of SPY.",
        ],
    ),
    (
        "repeated verb",
        [
            "IWM fell 1.0 percent. SPY fell 2.0 percent. DIA fell 3.0 percent. QQQ fell 4.0 percent.",
            "IWM gave up 1.0 percent. SPY gave up 2.0 percent. DIA gave up 3.0 percent, and QQQ gave up 4.0 percent.",
        ],
        [
            "IWM fell 1.0 percent. SPY fell 2.0 percent. DIA fell 3.0 percent. QQQ slipped 4.0 percent.",
        ],
    ),
    (
        "strung crossings",
        [
            "On Monday, XLF slipped below its 200-day moving average. On Tuesday, XLF climbed back above its 200-day "
            "moving average. On Thursday, XLF slipped below its 200-day moving average.",
            "On Monday, SPY reclaimed its 50-day moving average. On Monday, SPY reclaimed its 200-day moving average. "
            "On Tuesday, SPY clipped its 50-day moving average.",
        ],
        [
            "XLF crossed its 200-day moving average three times this week, ending below it.",
            "SPY crossed its 50-day moving average twice this week, ending below it. On Monday, SPY reclaimed its 200-day moving average.",
            "On Monday, XLF slipped below its 200-day moving average. On Tuesday, XLV climbed back above its 200-day "
            "moving average. On Thursday, XLB slipped below its 200-day moving average.",
        ],
    ),
]


@pytest.mark.parametrize(("rule", "bad", "good"), CASES, ids=[case[0] for case in CASES])
def test_each_rule_catches_the_tell_and_passes_the_desk_sentence(rule: str, bad: list[str], good: list[str]) -> None:
    for text in bad:
        assert RULES[rule](prose(text)), f"{rule} missed: {text}"
    for text in good:
        assert RULES[rule](prose(text)) == [], f"{rule} refused: {text}"


def test_every_rule_has_a_case() -> None:
    assert {case[0] for case in CASES} == set(RULES)


def test_the_repeated_verb_is_reported_from_its_fourth_use() -> None:
    text = "IWM fell 1.0 percent. SPY fell 2.0 percent. DIA fell 3.0 percent. QQQ fell 4.0 percent."
    assert RULES["repeated verb"](prose(text)) == ["QQQ fell 4.0 percent."]


def test_prose_leaves_out_headings_tables_lists_and_charts() -> None:
    markdown = (
        '---\ntitle: "Small Caps Fell, Fell, Fell, Fell"\n---\n\nIWM fell 1.0 percent. SPY rose 2.0 percent.\n\n'
        "## Discouraging Signs\n\n| Fund | Week |\n| --- | ---: |\n| IWM | -1.0% |\n\n- [Small caps fell](x.md)\n\n"
        '<figure class="etf-chart">\n<div>fell fell fell fell</div>\n</figure>\n'
    )
    assert prose(markdown) == ["IWM fell 1.0 percent.", "SPY rose 2.0 percent."]


def test_a_fault_names_its_rule_and_its_sentence() -> None:
    problems = copyedit("VB and IJR fell 7.1 percent and 7.1 percent, respectively.", load_phrasebook(ROOT / PHRASEBOOK_FILE))
    assert problems == ['copy-editing (identical figures): "VB and IJR fell 7.1 percent and 7.1 percent, respectively."']


@pytest.mark.parametrize("golden", GOLDEN, ids=[path.name for path in GOLDEN])
def test_the_golden_articles_keep_every_rule(golden: Path) -> None:
    assert copyedit(golden.read_text(encoding="utf-8"), load_phrasebook(ROOT / PHRASEBOOK_FILE)) == []
