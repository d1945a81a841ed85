"""The render stage: filters that turn facts into words, and templates that cannot cheat."""

from __future__ import annotations

import itertools
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.config import DEFAULTS, ROOT
from generator.facts import BigMove
from generator.render import PHRASEBOOK_FILE, TemplateError, Writer, load_phrasebook, render_template
from generator.universe import FUNDS_FILE, load_universe

THRESHOLDS = DEFAULTS.thresholds
UNIVERSE = load_universe(ROOT / FUNDS_FILE)
PHRASEBOOK = load_phrasebook(ROOT / PHRASEBOOK_FILE)
FRIDAY = date(2018, 10, 26)


def writer(as_of: date = FRIDAY) -> Writer:
    return Writer(as_of=as_of, universe=UNIVERSE, phrasebook=PHRASEBOOK, settings=DEFAULTS)


def test_first_mention_gives_name_and_listing_then_the_ticker() -> None:
    w = writer()
    assert w.fund("IWM") == "the iShares Russell 2000 ETF (NYSE:IWM)"
    assert w.fund("IWM") == "IWM"
    assert w.fund("QQQ").endswith("(NASDAQ:QQQ)")
    assert w.fund("XLE") == "the Energy Select Sector SPDR Fund (NYSE:XLE)", "a leading 'The' is not doubled"


def test_percent_has_one_decimal_and_the_word_percent() -> None:
    w = writer()
    assert w.percent(0.0243) == "2.4 percent"
    assert w.percent(-0.0865) == "8.6 percent"  # 0.0865 * 100 is 8.6499999... in binary: it rounds down
    assert w.points(-0.02208) == "2.2 percentage points"
    assert w.table_percent(-0.0162) == "-1.6%"


def test_moves_under_the_flat_threshold_are_basically_flat() -> None:
    w = writer()
    assert w.move(0.0024) in PHRASEBOOK["flat"]
    assert w.signed(-0.0024) == "basically flat"
    assert w.signed(0.0026) == "up 0.3 percent"


def test_big_verbs_only_past_the_day_and_week_thresholds() -> None:
    w = writer()
    day_big = THRESHOLDS.big_day_percent / 100 + 0.001
    assert w.move(-day_big, "day").split()[0] in PHRASEBOOK["verbs_down_big"]
    assert w.move(-day_big, "week").split()[0] in PHRASEBOOK["verbs_down"] + ["gave"]
    assert w.move(0.051, "week").split()[0] in PHRASEBOOK["verbs_up_big"]


def test_synonyms_do_not_repeat_within_an_article_and_rebuilds_repeat_them() -> None:
    first, second = writer(), writer()
    words = [first.move(0.01) for _ in PHRASEBOOK["verbs_up"]]
    assert len(set(words)) == len(words)
    assert [second.move(0.01) for _ in PHRASEBOOK["verbs_up"]] == words


def test_consecutive_weeks_never_share_an_opening_variant() -> None:
    weeks = [date.fromordinal(FRIDAY.toordinal() + 7 * k) for k in range(20)]
    variants = [writer(day).opening("ledes_small_caps_slide") for day in weeks]
    assert all(a != b for a, b in itertools.pairwise(variants))


def test_respectively_only_when_both_move_the_same_way() -> None:
    assert writer().respectively(["VB", "SCHA"], [0.024, 0.021]).endswith("are up 2.4 percent and 2.1 percent, respectively")
    mixed = writer().respectively(["VB", "SCHA"], [0.024, -0.021])
    assert (
        mixed == "the Vanguard Small-Cap ETF (NYSE:VB) is up 2.4 percent and the Schwab U.S. Small-Cap ETF (NYSE:SCHA) is down 2.1 percent"
    )
    assert writer().respectively(["VB", "SCHA"], [0.001, -0.002]).endswith("are both basically flat")


def test_two_figures_that_print_alike_are_not_joined_by_respectively() -> None:
    text = writer().respectively(["VB", "SCHA"], [0.0712, 0.0709])
    assert text.endswith("(NYSE:SCHA) are both up 7.1 percent") and "respectively" not in text


def test_dates_are_named_as_the_desk_names_them() -> None:
    w = writer()
    assert w.on_day(date(2018, 10, 24)) == "on Wednesday"
    assert writer(date(2018, 10, 24)).on_day(date(2018, 10, 19)) == "last Friday"
    assert w.on_day(date(2018, 10, 19)) == "in mid-October", "a week back is no longer 'last Friday'"
    assert w.day(date(2018, 5, 15)) == "mid-May"
    assert w.day(date(2018, 7, 3)) == "early July"
    assert w.day(date(2017, 3, 28)) == "March 2017"
    move = BigMove(session=date(2018, 10, 24), value=-0.038, since=date(2018, 2, 5), sessions_since=180, data_start=date(2016, 4, 28))
    assert w.since(move) == "since early February"
    assert w.since(move.model_copy(update={"since": None})) == "since at least April 2016"


@given(st.floats(min_value=1e-6, max_value=1e3, allow_nan=False))
def test_every_honest_ratio_has_words_and_dishonest_ones_are_refused(ratio: float) -> None:
    honest = ratio >= THRESHOLDS.ratio_min or 1 / ratio >= THRESHOLDS.ratio_min
    if honest:
        assert writer().ratio(ratio)
    else:
        with pytest.raises(TemplateError):
            writer().ratio(ratio)


@given(st.floats(min_value=-0.9, max_value=5, allow_nan=False))
def test_the_printed_percentage_is_the_rounded_value_and_the_verb_has_its_sign(value: float) -> None:
    text = writer().move(value, "week")
    if abs(value) * 100 < THRESHOLDS.flat_percent:
        assert text in PHRASEBOOK["flat"]
        return
    number = float(re.search(r"(\d+\.\d) percent$", text).group(1))  # type: ignore[union-attr]
    assert number == pytest.approx(round(abs(value) * 100, 1), abs=0.051)
    verbs_up = PHRASEBOOK["verbs_up"] + PHRASEBOOK["verbs_up_big"]
    assert any(text.startswith(v) for v in verbs_up) == (value > 0)


def _templates(tmp_path: Path, text: str) -> Path:
    (tmp_path / "t.md.j2").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_bare_number_in_a_template_is_refused_with_file_and_line(tmp_path: Path) -> None:
    folder = _templates(tmp_path, "Fine so far.\nIWM moved {{ value }} today.\n")
    with pytest.raises(TemplateError, match=r"t\.md\.j2:2: .*bare number 0\.024"):
        render_template(folder, "t.md.j2", {"value": 0.024, "w": writer()})


def test_an_undefined_fact_names_the_template_and_line(tmp_path: Path) -> None:
    folder = _templates(tmp_path, "Line one.\n\n{{ facts.no_such_fact }}\n")
    with pytest.raises(TemplateError, match=r"t\.md\.j2:3: .*no_such_fact"):
        render_template(folder, "t.md.j2", {"facts": {}, "w": writer()})


def test_a_syntax_error_names_the_template_and_line(tmp_path: Path) -> None:
    folder = _templates(tmp_path, "ok\n{% if x %}\nno end\n")
    with pytest.raises(TemplateError, match=r"t\.md\.j2:\d+: "):
        render_template(folder, "t.md.j2", {"w": writer()})


def test_an_unknown_filter_names_the_template_and_line(tmp_path: Path) -> None:
    folder = _templates(tmp_path, "Line one.\n{{ 0.1 | no_such_filter }}\n")
    with pytest.raises(TemplateError, match=r"t\.md\.j2:2: .*no_such_filter"):
        render_template(folder, "t.md.j2", {"w": writer()})
