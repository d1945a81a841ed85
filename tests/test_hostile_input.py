"""Hostile or careless input: editors' text reaches the site as words, never as code, and bad files are one-line errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from generator import sanitize, yamlfile
from generator.notes import NoteError, parse_note
from generator.universe import not_a_ticker
from tests.test_editors import assert_refused, make_project, run

# (input, what the article's Markdown gets): text an editor may well write comes through as written.
BENIGN = [
    ("S&P 500 funds rose.", "S&P 500 funds rose."),
    ("Gains > losses, and a < b.", "Gains > losses, and a &lt; b."),
    ("AT&T; shares", "AT&amp;T; shares"),
    ("IWM<SPY this week, a <b and <3 small caps.", "IWM&lt;SPY this week, a &lt;b and &lt;3 small caps."),
    ("*Small* caps, **big** week, `IWM` and <em>emphasis</em> and <strong>bold</strong>.", None),
    ("See [the index](https://www.ftserussell.com/?a=1&b=2) and [methodology](../../methodology.md).", None),
    ("Mail [the desk](mailto:desk@example.com) or jump to [the top](#top).", None),
    ("> A quote of our own.\n\n- one point\n- another", None),
    ("Ask <jane@example.com>", 'Ask <a href="mailto:jane@example.com" rel="noopener noreferrer">jane@example.com</a>'),
    (
        "Read <https://example.com/a?b=1&c=2>",
        'Read <a href="https://example.com/a?b=1&c=2" rel="noopener noreferrer">https://example.com/a?b=1&c=2</a>',
    ),
    ("[Update]: Markets rallied: again.", None),
    ("Curly { braces on their own", None),
]

# (input, what the article's Markdown gets): scripts, handlers and unsafe links are gone or point nowhere.
HOSTILE = [
    ("<script>alert('x')</script>Small caps fell.", "Small caps fell."),
    ("Fell<img src=x onerror=alert('x')>.", "Fell."),
    ('<a href="javascript:alert(\'x\')" onclick="steal()">click</a>', '<a rel="noopener noreferrer">click</a>'),
    (
        '<a href="https://example.com/" style="color:red" onmouseover="x()">ok</a>',
        '<a href="https://example.com/" rel="noopener noreferrer">ok</a>',
    ),
    ("<b onmouseover=alert('x')>bold</b>", "<b>bold</b>"),
    ("<style>body{display:none}</style>text", "text"),
    ("<iframe src=https://evil.example/></iframe>text", "text"),
    ("<object data=x.swf>fallback</object>text", "text"),
    ("<form action=https://evil.example/><button>Capital</button></form>", "Capital"),
    ("<svg><script>alert('x')</script></svg>text", "text"),
    ("<div onclick=\"alert('x')\">block</div>", "block"),
    ("<!-- a comment -->text", "text"),
    ("[x](javascript:alert('x'))", "[x](#alert('x'))"),
    ("[x](JavaScript:alert('x'))", "[x](#alert('x'))"),
    ("[x]( java\tscript:alert('x'))", "[x]( #alert('x'))"),
    ("[x](java&#115;cript:alert('x'))", "[x](#alert('x'))"),
    ("[x](java&amp;#115;cript:alert('x'))", "[x](java&amp;#115;cript:alert('x'))"),
    ("[x](<vbscript:msgbox('x')>)", "[x]()"),
    ("![x](data:text/html,<script>alert('x')</script>)", "![x](#text/html,)"),
    ("[x][ref]\n\n[ref]: javascript:alert('x')", "[x][ref]\n\n[ref]: #alert('x')"),
    ("[x][ref]\n\n[ref]:\n  data:text/html,hi", "[x][ref]\n\n[ref]:\n  #text/html,hi"),
    ("<javascript:alert('x')> and <data:text/html,hi>", "and"),
    ("*text*{onclick=alert('x')}", "*text*&lbrace;onclick=alert('x')}"),
    ("# Heading {: onclick=alert('x') }", "# Heading &lbrace;: onclick=alert('x') }"),
    ("&lt;script&gt;alert('x')&lt;/script&gt;", "&lt;script>alert('x')&lt;/script>"),
]


@pytest.mark.parametrize(("text", "expected"), BENIGN + HOSTILE)
def test_editor_markdown_keeps_words_and_formatting_and_drops_code(text: str, expected: str | None) -> None:
    assert sanitize.editor_markdown(text) == (text if expected is None else expected)


# (function, input, output): a phrase stays on one line; a headline keeps no tag at all.
ONE_LINE = [
    (sanitize.inline_markdown, "Jane\n\n# Doe", "Jane # Doe"),
    (sanitize.inline_markdown, "  <em>chief</em>   strategist ", "<em>chief</em> strategist"),
    (sanitize.plain_text, "Small Caps <b>Slide</b> As S&P 500 Gains > Losses", "Small Caps Slide As S&P 500 Gains > Losses"),
    (sanitize.plain_text, "Small Caps <script>alert('x')</script>Slide", "Small Caps Slide"),
    (sanitize.plain_text, "Hit](javascript:alert('x')) [The Skids", "Hit](#alert('x')) [The Skids"),
    (sanitize.plain_text, "*Small*{onclick=alert('x')} Caps", "*Small*&lbrace;onclick=alert('x')} Caps"),
]


@pytest.mark.parametrize(("clean", "text", "expected"), ONE_LINE)
def test_phrases_stay_on_one_line_and_headlines_are_plain_text(clean: Callable[[str], str], text: str, expected: str) -> None:
    assert clean(text) == expected


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://www.ftserussell.com/", True),
        ("http://example.com/a?b=1&c=2", True),
        ("/about-data/", True),
        ("../../methodology.md", True),
        ("javascript:alert('x')", False),
        ("JAVASCRIPT:alert('x')", False),
        (" javascript:alert('x')", False),
        ("data:text/html,hi", False),
        ("vbscript:msgbox('x')", False),
        ("mailto:desk@example.com", False),
        ("//evil.example/", False),
        ("https://example.com/) [x](javascript:alert('x')", False),
        ("", False),
    ],
)
def test_a_related_link_goes_to_the_web_or_the_site(url: str, allowed: bool) -> None:
    assert (sanitize.link_url_problem(url) is None) is allowed


TICKERS = {"IWM": True, "^GSPC": True, "BRK.B": True, "BF-B": True, "A": True, "ABCDEFGHIJ": True}
TICKERS |= {"../../x": False, "iwm": False, "": False, "^": False, "A/B": False, ".IWM": False, "ABCDEFGHIJK": False, "IWM\n": False}


@pytest.mark.parametrize(("symbol", "valid"), TICKERS.items())
def test_a_ticker_is_capitals_digits_dots_and_dashes(symbol: str, valid: bool) -> None:
    assert (not_a_ticker(symbol) is None) is valid


def test_every_text_field_of_a_note_is_cleaned_when_read() -> None:
    note = parse_note(
        Path("content/notes/2018-10-26.md"),
        "---\n"
        "headline: Caps <script>alert('x')</script>Slide\n"
        "theme_note: Fell <img src=x onerror=alert('x')>hard.\n"
        "quotes:\n"
        "  - text: '[Small](javascript:alert(1)) caps.'\n"
        "    name: Jane <b onclick=x()>Doe</b>\n"
        "    title: strategist<style>p{}</style>\n"
        "    firm: Example<iframe></iframe>\n"
        "flows:\n"
        "  - {symbol: IWM, amount: 1e6, start: 2018-10-19, end: 2018-10-26, source: <script>x()</script>the issuer}\n"
        "related:\n"
        "  - title: '[Index](vbscript:x)'\n"
        "    url: https://www.ftserussell.com/\n"
        "---\n"
        "Body <script>alert('x')</script>text.\n",
    )
    assert note.headline == "Caps Slide" and note.theme_note == "Fell hard." and note.body == "Body text."
    assert note.quotes[0].model_dump(exclude={"section"}) == {
        "text": "[Small](#alert(1)) caps.",
        "name": "Jane <b>Doe</b>",
        "title": "strategist",
        "firm": "Example",
    }
    assert note.flows[0].source == "the issuer" and note.related[0].title == "[Index](#x)"


def test_a_bad_related_url_names_its_own_line() -> None:
    text = "---\nrelated:\n  - title: Fine\n    url: https://example.com/\n  - title: Bad\n    url: javascript:alert('x')\n---\n"
    with pytest.raises(NoteError, match=r"2018-10-26.md:6: `related.1.url`: `javascript:alert\('x'\)` is not a link the site allows"):
        parse_note(Path("content/notes/2018-10-26.md"), text)


def test_duplicate_keys_are_refused_in_any_mapping_at_their_line() -> None:
    with pytest.raises(yamlfile.YamlError, match=r"^f.yaml:6: duplicate key `c` \(first at line 5\)$"):
        yamlfile.parse("a: 1\nb:\n  - x\n  - c: 2\n    c: 3\n", "f.yaml", first_line=2)
    assert yamlfile.parse("base: &base {a: 1}\nother:\n  <<: *base\n  a: 2\n", "f.yaml") == {"base": {"a": 1}, "other": {"a": 2}}


def test_the_repositorys_own_yaml_has_no_duplicate_keys() -> None:
    from generator.config import ROOT

    for relative in ("mkdocs.yml", "templates/phrasebook.yaml", "data/funds.yaml"):
        yamlfile.read(ROOT / relative)


# Each case: (file, the text to replace in it (None: the whole file), the new bytes, the message given the anchor's line).
REFUSED: dict[str, tuple[str, str | None, bytes, Callable[[int], str]]] = {
    "funds-path-ticker": (
        "data/funds.yaml",
        "  IWM:\n",
        b"  ../../x:\n",
        lambda n: f"funds.yaml:{n}: fund ../../x, `symbol`: `../../x` is not a ticker",
    ),
    "funds-lower-case-underlying": (
        "data/funds.yaml",
        '    underlying: "^GSPC"\n',
        b'    underlying: "^gspc"\n',
        lambda n: f"funds.yaml:{n}: fund UPRO, `underlying`: `^gspc` is not a ticker",
    ),
    "funds-duplicate-key": (
        "data/funds.yaml",
        "  IWM:\n",
        b"  IWM:\n    kind: etf\n  IWM:\n    name: Totally Different Fund Name\n",
        lambda n: f"funds.yaml:{n + 2}: duplicate key `IWM` (first at line {n})",
    ),
    "funds-latin-1": (
        "data/funds.yaml",
        "iShares Russell 2000 ETF\n",
        "iShares Russell 2000 ETF é\n".encode("latin-1"),
        lambda n: f"funds.yaml:{n}: not UTF-8 text",
    ),
    "phrasebook-duplicate-key": (
        "templates/phrasebook.yaml",
        "verbs_up: [",
        b"verbs_up: [gained]\nverbs_up: [",
        lambda n: f"phrasebook.yaml:{n + 1}: duplicate key `verbs_up` (first at line {n})",
    ),
    "phrasebook-latin-1": (
        "templates/phrasebook.yaml",
        "verbs_up: [",
        "verbs_up: [montée, ".encode("latin-1"),
        lambda n: f"phrasebook.yaml:{n}: not UTF-8 text",
    ),
    "phrasebook-empty-headlines": (
        "templates/phrasebook.yaml",
        "headlines_small_caps_outrun:\n",
        b"headlines_small_caps_outrun: []\n_unused:\n",
        lambda n: f"phrasebook.yaml:{n}: `headlines_small_caps_outrun` must be a list with at least one phrase",
    ),
    "settings-duplicate-key": (
        "mkdocs.yml",
        "      percent_style: desk",
        b"      percent_style: ap\n      percent_style: desk",
        lambda n: f"mkdocs.yml:{n + 1}: duplicate key `percent_style` (first at line {n})",
    ),
    "flows-path-ticker": (
        "data/flows.csv",
        None,
        b"symbol,start,end,amount,source\n../../x,2018-10-19,2018-10-26,1e6,the issuer\n",
        lambda _: "flows.csv:2: `../../x` is not a ticker",
    ),
    "flows-markup-source": (
        "data/flows.csv",
        None,
        b"symbol,start,end,amount,source\nIWM,2018-10-19,2018-10-26,1e6,<script>alert('x')</script>the issuer\n",
        lambda _: "flows.csv:2: the source \"<script>alert('x')</script>the issuer\" has markup",
    ),
    "flows-latin-1": (
        "data/flows.csv",
        None,
        b"symbol,start,end,amount,source\nIWM,2018-10-19,2018-10-26,1e6,Soci\xe9t\xe9 G\xe9n\xe9rale\n",
        lambda _: "flows.csv:2: not UTF-8 text: save the file as UTF-8",
    ),
    "note-path-ticker": (
        "content/notes/2018-10-26.md",
        None,
        b"---\nflows:\n  - symbol: ../../x\n    amount: 1e6\n    start: 2018-10-19\n    end: 2018-10-26\n    source: x\n---\n",
        lambda _: "2018-10-26.md:3: `flows.0.symbol`: `../../x` is not a ticker",
    ),
    "note-javascript-link": (
        "content/notes/2018-10-26.md",
        None,
        b"---\nrelated:\n  - title: Fine\n    url: javascript:alert('x')\n---\n",
        lambda _: "2018-10-26.md:4: `related.0.url`: `javascript:alert('x')` is not a link the site allows",
    ),
    "note-duplicate-key": (
        "content/notes/2018-10-26.md",
        None,
        b"---\nheadline: One\nstory: small-caps\nheadline: Two\n---\n",
        lambda _: "2018-10-26.md:4: duplicate key `headline` (first at line 2)",
    ),
    "note-body-key": ("content/notes/2018-10-26.md", None, b"---\nbody: text\n---\n", lambda _: "2018-10-26.md:2: unknown key `body`"),
    "note-latin-1": (
        "content/notes/2018-10-26.md",
        None,
        "---\nheadline: Caps Café\n---\n".encode("latin-1"),
        lambda _: "2018-10-26.md:2: not UTF-8 text: save the file as UTF-8",
    ),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_hostile_or_broken_files_are_one_line_errors_and_nothing_is_written(tmp_path: Path, case: str) -> None:
    root = make_project(tmp_path)
    relative, anchor, replacement, expected = REFUSED[case]
    path = root / relative
    original = path.read_text(encoding="utf-8") if path.exists() else ""
    if anchor is None:
        path.write_bytes(replacement)
        line = 1
    else:
        assert anchor in original
        path.write_bytes(original.encode("utf-8").replace(anchor.encode("utf-8"), replacement, 1))
        line = original[: original.index(anchor)].count("\n") + 1
    assert_refused(root, expected(line))


HOSTILE_NOTE = """---
headline: "Small Caps <script>alert('headline')</script>Slide <b onmouseover=alert('x')>Hard</b> As S&P 500 Gains > Losses"
story: small-caps
theme_note: "Gains > losses at <em>S&P 500</em> funds.<img src=x onerror=alert('theme')>"
quotes:
  - text: "<a href=\\"javascript:alert('quote')\\">Small caps</a> *lead* [again](javascript:alert('quote'))."
    name: "Jane <iframe src=https://evil.example/></iframe>Doe"
    title: "strategist<style>body{display:none}</style>"
    firm: "Example <form action=https://evil.example/><button>Capital</button></form>"
    section: numbers
related:
  - title: "Index [rules](vbscript:msgbox('x'))"
    url: https://www.ftserussell.com/
section: evidence
---
A paragraph with <em>emphasis</em>, a [safe link](https://example.com/a?b=c&d=e), [a bad one](javascript:alert('body')),
a [reference][bad], <javascript:alert('autolink')> and *text*{onclick=alert('attr')} and
![an image](data:text/html,hi).

<script>alert('body')</script>
<div onclick="alert('div')">block</div>

[bad]: javascript:alert('reference')
"""


@pytest.mark.slow
def test_a_hostile_note_reaches_the_built_site_as_words_only(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    (root / "content" / "notes" / "2018-10-26.md").write_text(HOSTILE_NOTE, encoding="utf-8")
    code, output = run(root, "site", "--first", "2018-10-26", "--last", "2018-10-26")
    assert code == 0, output
    pages = {path: path.read_text(encoding="utf-8") for path in (root / "site").rglob("*.html")}
    article = next(html for path, html in pages.items() if "2018/10/26" in path.as_posix() and "emphasis" in html)
    for code_from_the_note in (
        "<script>alert",
        "onerror",
        "javascript:",
        "vbscript:",
        "data:text",
        "<iframe",
        "onmouseover",
        "<style>body",
    ):
        assert code_from_the_note not in article, code_from_the_note
    assert not re.search(r"<[a-z]+[^>]*\son[a-z]+=", article), "no element has an event handler"
    assert "<em>emphasis</em>" in article and '<a href="https://example.com/a?b=c&amp;d=e">safe link</a>' in article
    assert "<h1>Small Caps Slide Hard As S&P 500 Gains > Losses</h1>" in article
    assert "Gains &gt; losses at <em>S&amp;P 500</em> funds." in article
    assert "said Jane Doe, strategist at Example Capital." in article
    published = [html for path, html in pages.items() if path.parent.name != "editing"]  # the editing guide names them, as code
    assert not any("<script>alert" in html or "javascript:" in html for html in published)
    assert not (root / "site" / "notes").exists(), "mkdocs.yml's exclude_docs keeps editors' notes off the site"
