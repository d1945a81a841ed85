"""The market-events calendar: the bundled file reads whole, its phrases give context as the desk writes it, every mistake is
one line with file and line, and weeks get their events."""

from __future__ import annotations

import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest

from generator.calendar import calendar_week, nyse_sessions
from generator.config import ROOT
from generator.events import CAUSE_WORDS, EVENTS_FILE, Event, EventsError, event_problems, events_after, events_between, read_events
from tests.test_editors import make_project, run

FOMC_DECISIONS = [
    # Every FOMC policy decision from April 2016 to April 2021, as the Fed's meeting calendar lists them,
    # with the two unscheduled ones of March 2020 (a Tuesday and a Sunday).
    *["2016-04-27", "2016-06-15", "2016-07-27", "2016-09-21", "2016-11-02", "2016-12-14"],
    *["2017-02-01", "2017-03-15", "2017-05-03", "2017-06-14", "2017-07-26", "2017-09-20", "2017-11-01", "2017-12-13"],
    *["2018-01-31", "2018-03-21", "2018-05-02", "2018-06-13", "2018-08-01", "2018-09-26", "2018-11-08", "2018-12-19"],
    *["2019-01-30", "2019-03-20", "2019-05-01", "2019-06-19", "2019-07-31", "2019-09-18", "2019-10-30", "2019-12-11"],
    *["2020-01-29", "2020-03-03", "2020-03-15", "2020-04-29", "2020-06-10", "2020-07-29", "2020-09-16", "2020-11-05", "2020-12-16"],
    *["2021-01-27", "2021-03-17", "2021-04-28"],
]

HEADER = "date,kind,title,detail,phrase,source,confidence\n"
HEADER_HINT = ": the header is date,kind,title,detail,phrase,source,confidence"
FED = "https://www.federalreserve.gov/newsevents/pressreleases/monetary20200303a.htm"
WIRE = "https://www.upi.com/Top_News/US/2020/03/03/fed-cut/"
PHRASE = "the Federal Reserve cut its target range by half a point to 1.00-1.25 percent in an unscheduled move"
GOOD = f"2020-03-03,fomc,FOMC unscheduled decision: cut,cut 50 bp to 1.00-1.25%,{PHRASE},{FED} | {WIRE},confirmed-by-two-sources\n"
COMMIT = "drecompounds/fomc-diff@20b8488e9f21a00b7b336ec0ec603a3aaa3469b8:data/meetings.csv"


@pytest.fixture(scope="module")
def bundled() -> list[Event]:
    return read_events(ROOT / EVENTS_FILE)


def test_the_bundled_calendar_reads_whole_and_sorted(bundled: list[Event]) -> None:
    assert len(bundled) == 121
    assert [event.date for event in bundled] == sorted(event.date for event in bundled)
    assert [str(event.date) for event in bundled if event.kind == "fomc"] == FOMC_DECISIONS
    assert event_problems(ROOT / EVENTS_FILE) == []


def test_a_row_keeps_its_words_and_splits_its_sources(bundled: list[Event]) -> None:
    cut = next(event for event in bundled if event.date == date(2020, 3, 15) and event.kind == "fomc")
    assert cut.title == "FOMC unscheduled decision: cut"
    assert (
        cut.phrase == "the Federal Reserve cut its target range by a full point, to 0.00-0.25 percent, in an unscheduled move on a Sunday"
    )
    assert cut.sources[:2] == ("https://federalreserve.gov/aboutthefed/fedexplained/accessible-version.htm", COMMIT)
    assert len(cut.sources) == 5
    assert cut.confidence == "confirmed-by-two-sources"
    assert not cut.scheduled


# A phrase completes "It was a week when ___.": the rules its words keep, as the desk writes them.
PHRASE_LENGTH = range(6, 26)
"""6 to 25 words."""
PROPER_STARTS = (
    "Americans",
    "British",
    "China",
    "Democrats",
    "OPEC",
    "OPEC+",
    "Pfizer",
    "President",
    "Raphael",
    "Robinhood",
    "Saudi",
    "U.S.",
)
"""A phrase starts in lower case, unless with one of these proper nouns."""
NOT_PAST = ("is", "are", "has", "have", "will", "says")
"""A phrase is in the past tense: none of these."""
CAUSES = ("because", "as a result", "sent", "drove", "pushed", "triggered", "sparked", "fueled", "on fears", "amid")
"""Rule (a): words that would give a cause of market moves."""
NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?(?:%| percent\b)?")
"""Rule (b): a figure as written, with its decimal point, thousands separators and percent sign (or the word)."""
NAMES = ("CARES", "COVID", "OPEC", "UK")
"""Rule (c): the words in capitals a phrase may use, names and not tickers."""
CAPITALS = re.compile(r"\b[A-Z]{2,}\b")
ETF_WORDS = ("ETF", "ETFs", "ETN", "ETNs", "exchange-traded", "fund", "funds")
DIRECTION_WORDS = (
    *("rose", "fell", "gained", "lost", "added", "slipped", "slid", "dropped", "tumbled", "plunged", "sank"),
    *("surged", "jumped", "soared", "rallied", "climbed", "collapsed", "up", "down", "higher", "lower"),
)
"""Rule (c): words that say which way a market went, which a phrase never says of a fund."""
FOMC_HOLD = "the Federal Reserve held its target range at {target} percent"
FOMC_MOVE = "the Federal Reserve {verb} its target range by {size}, to {target} percent"
FOMC_VERBS = {"hike": "raised", "cut": "cut"}
FOMC_SIZES = {"25": "a quarter point", "50": "half a point", "100": "a full point"}
FOMC_UNSCHEDULED = {"emergency": "in an emergency move", "unscheduled": "in an unscheduled move"}
"""Rule (d): an unscheduled decision says so as its detail has it, "emergency" where the detail has the word."""
FIRST_SINCE = re.compile(r"\bfirst\b[\w -]*?\bsince (\w+(?: \d{4})?)")


def words_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(word) for word in words) + r")\b", re.IGNORECASE)


def numbers(text: str) -> list[str]:
    """The figures of `text`, "X percent" written as "X%"; a range gives both its ends."""
    return [figure.replace(" percent", "%") for figure in NUMBER.findall(text)]


def test_every_phrase_completes_it_was_a_week_when(bundled: list[Event]) -> None:
    past = words_pattern(NOT_PAST)
    wrong = [
        event.phrase
        for event in bundled
        if len(event.phrase.split()) not in PHRASE_LENGTH
        or not (event.phrase[0].islower() or event.phrase.split()[0] in PROPER_STARTS)
        or event.phrase.endswith(".")
        or past.search(event.phrase)
    ]
    assert wrong == []


def test_a_phrase_names_context_never_a_cause(bundled: list[Event]) -> None:
    assert set(CAUSES) <= set(CAUSE_WORDS)
    cause = words_pattern(CAUSE_WORDS)
    assert [event.phrase for event in bundled if cause.search(event.phrase)] == []


def test_every_figure_of_a_phrase_is_written_in_its_title_or_detail(bundled: list[Event]) -> None:
    assert numbers("cut 25 bp to 1.75-2.00%; Dow -2,237.40 (-34%)") == ["25", "1.75", "2.00%", "2,237.40", "34%"]
    assert numbers("to 1.75-2.00 percent, 2,237.40, 34 percent") == ["1.75", "2.00%", "2,237.40", "34%"]
    unwritten = [
        (event.phrase, figure)
        for event in bundled
        for figure in numbers(event.phrase)
        if figure not in numbers(f"{event.title} {event.detail}")
    ]
    assert unwritten == []
    assert [event.phrase for event in bundled if "%" in event.phrase] == []


def test_a_phrase_names_no_ticker_and_no_fund_going_up_or_down(bundled: list[Event]) -> None:
    assert [(event.phrase, word) for event in bundled for word in CAPITALS.findall(event.phrase) if word not in NAMES] == []
    fund, direction = words_pattern(ETF_WORDS), words_pattern(DIRECTION_WORDS)
    assert [event.phrase for event in bundled if fund.search(event.phrase) and direction.search(event.phrase)] == []


def test_an_fomc_phrase_gives_the_decision_as_the_desk_writes_it(bundled: list[Event]) -> None:
    decisions = [event for event in bundled if event.kind == "fomc"]
    assert len(decisions) == len(FOMC_DECISIONS)
    for event in decisions:
        decision = event.title.rsplit(": ", 1)[1]
        if decision == "hold":
            [target] = re.findall(r"unchanged at (\S+)%", event.detail)
            expected = FOMC_HOLD.format(target=target)
        else:
            [(size, target)] = re.findall(rf"{decision} (\d+) bp to (\S+)%", event.detail)
            expected = FOMC_MOVE.format(verb=FOMC_VERBS[decision], size=FOMC_SIZES[size], target=target)
        assert event.phrase == expected or event.phrase.startswith(f"{expected}, "), event.phrase
        moves = [move for move in FOMC_UNSCHEDULED.values() if move in event.phrase]
        if event.scheduled:
            assert moves == [], event.phrase
        else:
            assert moves == [FOMC_UNSCHEDULED["emergency" if "emergency" in event.detail else "unscheduled"]], event.phrase
        for since in FIRST_SINCE.findall(event.phrase):
            assert re.search(rf"\bfirst\b[\w -]*?\bsince {since}\b", event.detail), event.phrase


def test_a_phrase_that_gives_a_cause_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(
        HEADER + GOOD + GOOD.replace("2020-03-03", "2020-03-04").replace(PHRASE, "stocks fell because the Fed cut"), encoding="utf-8"
    )
    assert event_problems(path) == [
        f"{path}:3: a phrase gives context, not a cause: `because` says why something moved; write what happened"
    ]


# Each case: (the file's text after the header, the one line `check` prints for it, after the file's path).
BROKEN = {
    "date-not-iso": ("2020-3-3" + GOOD[10:], ":2: `2020-3-3` is not a date: write YYYY-MM-DD"),
    "date-impossible": ("2020-02-30" + GOOD[10:], ":2: `2020-02-30` is not a date: write YYYY-MM-DD"),
    "date-timestamp": ("1583193600" + GOOD[10:], ":2: `1583193600` is not a date: write YYYY-MM-DD"),
    "unknown-kind": (GOOD.replace(",fomc,", ",fomcc,"), ":2: unknown kind `fomcc` (did you mean `fomc`?)"),
    "unknown-confidence": (
        GOOD.replace("confirmed-by-two-sources", "confirmed-by-two"),
        ":2: unknown confidence `confirmed-by-two` (did you mean `confirmed-by-two-sources`?)",
    ),
    "empty-title": (GOOD.replace("FOMC unscheduled decision: cut", "  "), ":2: the title is empty: every event needs one"),
    "empty-phrase": (GOOD.replace(PHRASE, " "), ":2: the phrase is empty: every event needs one"),
    "empty-source": (
        GOOD.replace(f"{FED} | {WIRE},confirmed-by-two-sources", ",confirmed"),
        ":2: empty source: every row needs at least one, an http(s) URL or repo@commit:path, separated by ` | `",
    ),
    "trailing-separator": (
        GOOD.replace(f"{FED} | {WIRE}", f"{FED} | {WIRE} | "),
        ":2: empty source: every row needs at least one, an http(s) URL or repo@commit:path, separated by ` | `",
    ),
    "source-not-a-link": (
        GOOD.replace(WIRE, "the Fed's website"),
        ":2: `the Fed's website` is neither an http(s) URL nor repo@commit:path (owner/name@<40-hex commit>:path);"
        " separate sources with ` | `",
    ),
    "source-javascript": (
        GOOD.replace(WIRE, "javascript:alert(1)"),
        ":2: `javascript:alert(1)` is neither an http(s) URL nor repo@commit:path",
    ),
    "source-branch-not-commit": (
        GOOD.replace(WIRE, "drecompounds/fomc-diff@main:data/meetings.csv"),
        ":2: `drecompounds/fomc-diff@main:data/meetings.csv` is neither an http(s) URL nor repo@commit:path",
    ),
    "sources-without-spaces": (
        GOOD.replace(f"{FED} | {WIRE}", f"{FED}|{WIRE}"),
        f":2: `{FED}|{WIRE}` is neither an http(s) URL nor repo@commit:path",
    ),
    "title-markup": (
        GOOD.replace("FOMC unscheduled decision: cut", "<script>alert(1)</script>Fed cuts"),
        ":2: the title '<script>alert(1)</script>Fed cuts' has markup (HTML, `<` or a link): write it in plain words",
    ),
    "detail-markup": (
        GOOD.replace("cut 50 bp", '<b onclick="steal()">cut</b> 50 bp'),
        ":2: the detail '<b onclick=\"steal()\">cut</b> 50 bp to 1.00-1.25%' has markup (HTML, `<` or a link): write it in plain words",
    ),
    "phrase-markup": (
        GOOD.replace("half a point", "<em>half</em> a point"),
        ":2: the phrase 'the Federal Reserve cut its target range by <em>half</em> a point",
    ),
    "duplicate": (GOOD + GOOD, ":3: duplicate of line 2: the same date and title"),
    "two-sources-with-one": (
        GOOD.replace(f" | {WIRE}", ""),
        ":2: `confirmed-by-two-sources` needs two sources: add the second, or write `confirmed`",
    ),
    "extra-field": (
        GOOD.replace("cut 50 bp to", "cut 50 bp, to"),
        ":2: expected 7 fields, as in the header, found 8: put a field that holds a comma in double quotes",
    ),
    "missing-field": (
        GOOD.replace(",confirmed-by-two-sources", ""),
        ":2: expected 7 fields, as in the header, found 6: write date,kind,title,detail,phrase,source,confidence",
    ),
    "unclosed-quote": (
        GOOD.replace("cut 50 bp", '"cut 50 bp') + GOOD.replace("2020-03-03", "2020-03-04"),
        ":2: expected 7 fields, as in the header, found 4: a double quote opened on this line is not closed",
    ),
    "unclosed-quote-in-a-long-file": (
        GOOD + '2020-03-04,fomc,"FOMC' + " decision: hold" * 10_000,
        ":3: field larger than field limit (131072): is a double quote left open on this line?",
    ),
    "line-after-a-quoted-newline": (
        GOOD.replace("cut 50 bp to 1.00-1.25%", '"cut 50 bp\nto 1.00-1.25%"') + "\n" + GOOD.replace(",fomc,", ",fmoc,"),
        ":5: unknown kind `fmoc` (did you mean `fomc`?)",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_every_mistake_in_a_row_is_one_line_with_file_and_line(tmp_path: Path, case: str) -> None:
    rows, expected = BROKEN[case]
    path = tmp_path / "events.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    with pytest.raises(EventsError) as error:
        read_events(path)
    assert str(error.value).startswith(f"{path}{expected}")
    assert len(event_problems(path)) == 1


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "date,kind,title,detail,phrase,source\n",
            ":1: missing `confidence`" + HEADER_HINT,
        ),
        (
            "date,kind,title,detail,source,confidence\n",
            ":1: missing `phrase`" + HEADER_HINT,
        ),
        (
            "date,kind,title,details,phrase,source,confidence\n",
            ":1: unknown column `details` (did you mean `detail`?); missing `detail`" + HEADER_HINT,
        ),
        (
            "date,kind,title,detail,phrase,source,confidence,note\n",
            ":1: unknown column `note` (valid keys: date, kind, title, detail, phrase, source, confidence)" + HEADER_HINT,
        ),
        (
            "kind,date,title,detail,phrase,source,confidence\n",
            ":1: the columns are out of order or repeated" + HEADER_HINT,
        ),
    ],
)
def test_a_missing_or_extra_column_names_the_header_line(tmp_path: Path, header: str, expected: str) -> None:
    path = tmp_path / "events.csv"
    path.write_text(header + GOOD, encoding="utf-8")
    with pytest.raises(EventsError, match=f"^{re.escape(f'{path}{expected}')}$"):
        read_events(path)


def test_an_empty_file_lacks_its_header(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text("", encoding="utf-8")
    assert event_problems(path) == [f"{path}:1: missing `date`, `kind`, `title`, `detail`, `phrase`, `source`, `confidence`{HEADER_HINT}"]


def test_a_file_saved_in_latin_1_names_its_first_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(
        (HEADER + GOOD).encode()
        + b"2020-03-06,commodity,OPEC+ talks collapse,Soci\xe9t\xe9 G\xe9n\xe9rale,OPEC+ talks collapsed,https://x.com/,confirmed\n"
    )
    with pytest.raises(EventsError, match=r"events\.csv:3: not UTF-8 text: save the file as UTF-8$"):
        read_events(path)


def test_check_gets_every_problem_of_the_file_in_line_order(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(HEADER + GOOD + GOOD.replace(",fomc,", ",fomcc,") + "2020-3-16" + GOOD[10:] + GOOD, encoding="utf-8")
    assert event_problems(path) == [
        f"{path}:3: unknown kind `fomcc` (did you mean `fomc`?)",
        f"{path}:4: `2020-3-16` is not a date: write YYYY-MM-DD",
        f"{path}:5: duplicate of line 2: the same date and title",
    ]


def test_rows_out_of_order_are_read_oldest_first(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    later = GOOD.replace("2020-03-03", "2020-03-15").replace("FOMC unscheduled decision: cut", "FOMC decision on a Sunday")
    path.write_text(HEADER + later + GOOD, encoding="utf-8")
    assert [event.date for event in read_events(path)] == [date(2020, 3, 3), date(2020, 3, 15)]


def test_a_spreadsheets_byte_order_mark_and_line_endings_are_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + GOOD).replace("\n", "\r\n").encode())
    [event] = read_events(path)
    assert (event.date, event.sources) == (date(2020, 3, 3), (FED, WIRE))


def test_spaces_around_the_column_names_are_forgiven(tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    path.write_text(HEADER.replace(",", ", ") + GOOD, encoding="utf-8")
    assert [event.kind for event in read_events(path)] == ["fomc"]


def test_no_calendar_means_no_events(tmp_path: Path) -> None:
    assert read_events(tmp_path / "events.csv") == []


def week(close: str) -> tuple[date, date]:
    """The week ending on the session `close`, as the site measures it (from the close of the previous week's last session)."""
    day = pd.Timestamp(close)
    window = calendar_week(nyse_sessions(day.date() - timedelta(days=14), day.date()), day)
    assert window is not None
    return window.start, window.end


def titles(events: list[Event]) -> list[tuple[str, str]]:
    return [(str(event.date), event.title) for event in events]


def test_the_week_of_the_brexit_result_has_the_vote_and_the_result(bundled: list[Event]) -> None:
    assert week("2016-06-24") == (date(2016, 6, 17), date(2016, 6, 24))
    assert titles(events_between(bundled, *week("2016-06-24"))) == [
        ("2016-06-23", "UK votes in EU membership referendum"),
        ("2016-06-24", "Brexit result: UK votes to leave the EU"),
    ]


def test_the_week_of_march_20_2020_starts_after_the_friday_emergency_and_takes_the_sunday_cut(bundled: list[Event]) -> None:
    # 2020-03-13 (the national emergency) is the close the week is measured from: it belongs to the week before.
    assert titles(events_between(bundled, *week("2020-03-20"))) == [
        ("2020-03-15", "FOMC unscheduled decision: cut"),
        ("2020-03-15", "Fed restarts large-scale asset purchases"),
        ("2020-03-16", "Market-wide circuit breaker (3 of 4)"),
        ("2020-03-18", "Market-wide circuit breaker (4 of 4)"),
    ]
    assert titles(events_between(bundled, *week("2020-03-13")))[-1] == ("2020-03-13", "U.S. national emergency declared over COVID-19")


def test_a_forward_look_sees_the_next_fomc_meeting(bundled: list[Event]) -> None:
    assert titles(events_after(bundled, date(2021, 4, 23), 7)) == [("2021-04-28", "FOMC decision: hold")]
    assert titles(events_after(bundled, date(2016, 6, 10), 7)) == [("2016-06-15", "FOMC decision: hold")]
    assert titles(events_after(bundled, date(2016, 6, 10), 4)) == []
    assert titles(events_after(bundled, date(2020, 6, 1), 7)) == [("2020-06-05", "May 2020 jobs report: +2.5 million surprise")]


def test_a_forward_look_knows_only_what_was_scheduled(bundled: list[Event]) -> None:
    # As of Friday 2020-03-13, the Sunday cut and the circuit breakers of the week after were not yet known.
    assert events_after(bundled, date(2020, 3, 13), 7) == []
    # The referendum's vote and its result share a kind, so neither is in a forward look.
    assert events_after(bundled, date(2016, 6, 17), 7) == []


def test_check_names_the_file_and_line_of_a_broken_calendar(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    shutil.copy(ROOT / EVENTS_FILE, root / EVENTS_FILE)
    path = root / EVENTS_FILE
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[25] = lines[25].replace(",volatility,", ",volatilty,")  # line 26, the 2018-02-05 sell-off
    path.write_text("".join(lines), encoding="utf-8")
    code, output = run(root, "check")
    assert code == 2, output
    errors = [line for line in output.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {path}:26: unknown kind `volatilty` (did you mean `volatility`?)"]
    assert "nothing was written" in output
