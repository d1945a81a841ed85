"""The render stage: filters that turn facts into words, and templates that cannot cheat."""

from __future__ import annotations

import itertools
import re
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.config import DEFAULTS, ROOT
from generator.facts import BigMove, Change, Figure, RecordWeek
from generator.render import PHRASEBOOK_FILE, TemplateError, Writer, load_phrasebook, render_template
from generator.universe import FUNDS_FILE, load_universe
from generator.verify import MEANING_WORDS

THRESHOLDS = DEFAULTS.thresholds
UNIVERSE = load_universe(ROOT / FUNDS_FILE)
PHRASEBOOK = load_phrasebook(ROOT / PHRASEBOOK_FILE)
FRIDAY = date(2018, 10, 26)


def writer(as_of: date = FRIDAY) -> Writer:
    return Writer(as_of=as_of, universe=UNIVERSE, phrasebook=PHRASEBOOK, settings=DEFAULTS)


def change(value: float, symbol: str = "IWM", span: str = "week") -> Change:
    return Change(value=value, subject=symbol, span=span, start=date(2018, 10, 19), end=FRIDAY)  # type: ignore[arg-type]


def figure(value: float, measure: str = "gap", symbol: str = "IWM") -> Figure:
    return Figure(value=value, measure=measure, subject=symbol, reference="SPY", span="week")


def test_every_filter_records_what_it_printed_and_what_it_is_about() -> None:
    w = writer()
    assert w.move(change(-0.038)) == w.claims[-1].text
    assert w.claims[-1].about == {"measure": "change", "subject": "IWM", "span": "week", "start": "2018-10-19", "end": "2018-10-26"}
    w.word(figure(0.012), "versus_market")
    assert w.claims[-1].text == "1.2 percentage points better than the broader market"
    assert (w.claims[-1].kind, w.claims[-1].about["reference"], w.claims[-1].about["key"]) == ("word", "SPY", "versus_market")


def test_first_mention_gives_name_and_listing_then_the_ticker() -> None:
    w = writer()
    assert w.fund("IWM") == "the iShares Russell 2000 ETF (NYSE:IWM)"
    assert w.fund("IWM") == "IWM"
    assert w.fund("QQQ").endswith("(NASDAQ:QQQ)")
    assert w.fund("XLE") == "the Energy Select Sector SPDR Fund (NYSE:XLE)", "a leading 'The' is not doubled"


def test_percent_has_one_decimal_and_the_word_percent() -> None:
    w = writer()
    assert w.percent(change(0.0243)) == "2.4 percent"
    assert w.percent(change(-0.0865)) == "8.6 percent"  # 0.0865 * 100 is 8.6499999... in binary: it rounds down
    assert w.points(figure(-0.02208)) == "2.2 percentage points"
    assert w.points(figure(0.0104)) == "1 percentage point", "AP: one point, not 1.0 points"
    assert w.points(figure(-0.003)) == "0.3 percentage point", "AP: a fraction of a point is singular"
    assert w.table_percent(change(-0.0162)) == "-1.6%"


def test_moves_under_the_flat_threshold_are_basically_flat() -> None:
    w = writer()
    assert w.move(change(0.0024)) in PHRASEBOOK["flat"]
    assert w.signed(change(-0.0024)) == "basically flat"
    assert w.signed(change(0.0026)) == "up 0.3 percent"


def test_big_verbs_only_past_the_day_and_week_thresholds() -> None:
    w = writer()
    day_big = THRESHOLDS.big_day_percent / 100 + 0.001
    assert w.move(change(-day_big, span="day")).split()[0] in PHRASEBOOK["verbs_down_big"]
    assert w.move(change(-day_big)).split()[0] in PHRASEBOOK["verbs_down"] + ["gave"]
    assert w.move(change(0.051)).split()[0] in PHRASEBOOK["verbs_up_big"]


def test_synonyms_do_not_repeat_within_an_article_and_rebuilds_repeat_them() -> None:
    first, second = writer(), writer()
    words = [first.move(change(0.01)) for _ in PHRASEBOOK["verbs_up"]]
    assert len(set(words)) == len(words)
    assert [second.move(change(0.01)) for _ in PHRASEBOOK["verbs_up"]] == words


def test_consecutive_weeks_never_share_an_opening_variant() -> None:
    weeks = [date.fromordinal(FRIDAY.toordinal() + 7 * k) for k in range(20)]
    story = SimpleNamespace(name="small-caps", angle="slide")
    variants = [writer(day).opening(story) for day in weeks]
    assert all(a != b for a, b in itertools.pairwise(variants))


def pair(a: float, b: float, span: str = "week") -> str:
    return writer().pair([change(a, "VB", span), change(b, "SCHA", span)])


VB, SCHA = "the Vanguard Small-Cap ETF (NYSE:VB)", "the Schwab U.S. Small-Cap ETF (NYSE:SCHA)"
UP, DOWN, FLAT = PHRASEBOOK["verbs_up"], PHRASEBOOK["verbs_down"], PHRASEBOOK["flat"]
PAIRS = [
    # (VB, SCHA, span, the phrase once the names are "{}" and each verb "<verb>", the verb lists in order)
    (0.024, 0.021, "week", "{} and {} <verb> 2.4 percent and 2.1 percent, respectively", [UP]),
    (0.0312, 0.0309, "week", "{} and {} both <verb> 3.1 percent", [UP]),
    (-0.0712, -0.0709, "week", "{} and {} both <verb> 7.1 percent", [PHRASEBOOK["verbs_down_big"]]),
    (-0.071, -0.02, "week", "{} and {} <verb> 7.1 percent and 2.0 percent, respectively", [DOWN]),
    (-0.071, -0.062, "week", "{} and {} <verb> 7.1 percent and 6.2 percent, respectively", [PHRASEBOOK["verbs_down_big"]]),
    (0.024, -0.021, "week", "{} <verb> 2.4 percent and {} <verb> 2.1 percent", [UP, DOWN]),
    (0.012, 0.002, "week", "{} <verb> 1.2 percent and {} <verb>", [UP, FLAT]),
    (0.001, -0.002, "week", "{} and {} <verb>", [PHRASEBOOK["flat_both"]]),
    (0.024, 0.021, "ytd", "{} and {} are up 2.4 percent and 2.1 percent, respectively", []),
    (0.0712, 0.0709, "ytd", "{} and {} are both up 7.1 percent", []),
    (0.024, -0.021, "ytd", "{} is up 2.4 percent and {} is down 2.1 percent", []),
    (0.012, 0.002, "ytd", "{} is up 1.2 percent and {} is basically flat", []),
    (0.001, -0.002, "ytd", "{} and {} are both basically flat", []),
]


@pytest.mark.parametrize(("a", "b", "span", "expected", "verbs"), PAIRS)
def test_a_pair_of_moves_is_past_for_the_week_and_present_for_the_year(a: float, b: float, span: str, expected: str, verbs: list) -> None:
    text = pair(a, b, span).replace(VB, "{}", 1).replace(SCHA, "{}", 1)
    pattern = re.escape(expected).replace(re.escape("<verb>"), "(.+?)")
    found = re.fullmatch(pattern, text)
    assert found, text
    assert all(verb in options for verb, options in zip(found.groups(), verbs, strict=True)), text


def test_identical_figures_are_never_joined_by_respectively() -> None:
    for span in ("week", "ytd"):
        assert "respectively" not in pair(0.0712, 0.0709, span)


def test_ap_style_pairs_print_the_percent_sign() -> None:
    ap = Writer(
        as_of=FRIDAY,
        universe=UNIVERSE,
        phrasebook=PHRASEBOOK,
        settings=DEFAULTS.model_copy(update={"style": DEFAULTS.style.model_copy(update={"percent_style": "ap"})}),
    )
    text = ap.pair([change(-0.0712, "VB"), change(-0.0709, "SCHA")])
    assert re.search(r"\) both \w+(?: up)? 7\.1%$", text), text


def test_dates_are_named_as_the_desk_names_them() -> None:
    w = writer()
    assert w.on_day(date(2018, 10, 24)) == "on Wednesday"
    assert writer(date(2018, 10, 24)).on_day(date(2018, 10, 19)) == "last Friday"
    assert w.on_day(date(2018, 10, 19)) == "in mid-October", "a week back is no longer 'last Friday'"
    assert w.day(date(2018, 5, 15)) == "mid-May"
    assert w.day(date(2018, 7, 3)) == "early July"
    assert w.day(date(2017, 3, 28)) == "March 2017"
    move = BigMove(
        subject="IWM", session=date(2018, 10, 24), value=-0.038, since=date(2018, 2, 5), sessions_since=180, data_start=date(2016, 4, 28)
    )
    assert w.superlative(move) == "its biggest one-day drop since early February"
    # IWM's data here starts with the sample, long after its launch (2000-05-22): the data's start, never "since at least".
    assert w.superlative(move.model_copy(update={"since": None})) == "its biggest one-day drop in data going back to April 2016"
    assert w.superlative(move.model_copy(update={"since": date(2008, 10, 15)})) == "its biggest one-day drop since October 2008"


def test_a_record_with_nothing_as_large_before_it_says_since_when_the_fund_has_traded() -> None:
    w = writer()
    # TNA launched on 2008-11-05 (data/funds.yaml); its data starts 14 days later, within `launch_days`.
    tna = BigMove(subject="TNA", session=date(2018, 10, 24), value=0.2, since=None, sessions_since=2500, data_start=date(2008, 11, 19))
    assert w.superlative(tna) == "its biggest one-day gain since it began trading in 2008"
    late = tna.model_copy(update={"data_start": date(2009, 1, 2)})
    assert w.superlative(late) == "its biggest one-day gain in data going back to January 2009", "58 days after launch"


def test_record_weeks_name_the_last_week_as_large() -> None:
    w = writer()
    week = Change(value=-0.095, subject="SPY", span="week", start=date(2018, 10, 19), end=FRIDAY)
    record = RecordWeek(subject="SPY", week=week, since=date(2008, 10, 10), weeks_since=523, data_start=date(1993, 1, 29))
    assert w.record_week(record) == "its worst week since October 2008"
    assert w.record_week(record.model_copy(update={"since": None})) == "its worst week since it began trading in 1993"
    up = record.model_copy(update={"week": week.model_copy(update={"value": 0.05}), "since": date(2018, 3, 9)})
    assert w.record_week(up) == "its best week since early March"
    assert w.claims[-1].about == {"measure": "record_week", "subject": "SPY", "span": "week", "start": "2018-10-19", "end": "2018-10-26"}


@given(st.floats(min_value=1e-6, max_value=1e3, allow_nan=False))
def test_every_honest_ratio_has_words_and_dishonest_ones_are_refused(ratio: float) -> None:
    honest = ratio >= THRESHOLDS.ratio_min or 1 / ratio >= THRESHOLDS.ratio_min
    if honest:
        assert writer().ratio(figure(ratio, "ratio"))
    else:
        with pytest.raises(TemplateError):
            writer().ratio(figure(ratio, "ratio"))


@given(st.floats(min_value=-0.9, max_value=5, allow_nan=False))
def test_the_printed_percentage_is_the_rounded_value_and_the_verb_has_its_sign(value: float) -> None:
    text = writer().move(change(value))
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


TEMPLATES_WITH_FACTS = sorted((ROOT / "templates").glob("articles/*.j2")) + sorted((ROOT / "templates").glob("partials/*.j2"))
TEMPLATES_WITH_FACTS += [ROOT / "templates/pages/fund.md.j2", ROOT / "templates/pages/fund-left-out.md.j2"]


@pytest.mark.parametrize("path", TEMPLATES_WITH_FACTS, ids=lambda path: path.name)
def test_no_template_chooses_a_meaning_word_outside_a_recording_filter(path: Path) -> None:
    """Words whose truth depends on the data (verify.MEANING_WORDS) come from the phrasebook through a filter, never inline.

    A string that is a phrasebook key ("ahead_behind") names words; it is not one.
    """
    text = re.sub(r"\{#.*?#\}", " ", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    tags = re.findall(r"\{[{%].*?[%}]\}", text, flags=re.DOTALL)
    literals = [literal for tag in tags for literal in re.findall(r'"([^"]*)"', tag) if not re.fullmatch(r"[a-z_]+", literal)]
    prose = re.sub(r"\{[{%].*?[%}]\}", " ", text, flags=re.DOTALL)
    prose = re.sub(r"<!--.*?-->|\]\([^)]*\)", " ", prose, flags=re.DOTALL)
    found = {word for chunk in [prose, *literals] for word in re.findall(r"[a-z]+", chunk.lower()) if word in MEANING_WORDS}
    assert found == set(), f"{path.name} writes {sorted(found)} itself"
