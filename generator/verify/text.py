"""Reading an article: its claims found in order, each bound to its fund, and nothing left that carries meaning."""

from __future__ import annotations

import functools
import re
from typing import Any

from ..render import lede_text
from ..universe import Universe
from .claims import FRONT, check_claim, front_field, front_title
from .prices import Context
from .style import copyedit

MEANING_WORDS = frozenset(
    """
    above below clipped reclaimed better worse ahead behind short trailing trailed trail trails gain gains
    drop drops loss losses led leads lagged lag lags best worst biggest largest record high highs low lows began launched
    bull bear correction every straight beat beats outpaced outran outrun up down top bottom double triple
    half third inverse matching even step flat unchanged rally selloff surge surged jumped soared tumbled
    plunged sank gained added rose climbed advanced lost slipped fell declined
    """.split()  # noqa: SIM905 (a word list reads best as words)
)
"""Words whose truth depends on the data: outside a claim they fail the check (the phrasebook's verbs are added)."""
PLAIN_CAPITALS = frozenset({"ETF", "ETFS", "NYSE", "NASDAQ", "JSON", "CSV", "SVG", "US", "U.S", "AP"})
"""Capitalised words that are not tickers."""
NAMING = frozenset({"name", "pair"})
"""Claims that name funds: the others are bound to the funds they name."""
SUBJECTLESS = frozenset(
    {
        "name",
        "opening",
        "headline",
        "standing",
        "editor",
        "related",
        "flow",
        "money",
        "pair",
        "subhead",
        "gate_reason",
        "breadth",
        "movers_intro",
    }
)
"""Claims that stand on their own: a subhead heads a section, an opening or a headline is about the story."""


FIGURE = re.compile(r"<figure.*?</figure>", re.DOTALL)


def _find_words(text: str, wanted: str, start: int) -> int:
    """Where `wanted` next stands in `text` as whole words ("QQQ" is not found inside "TQQQ"); -1 if nowhere."""
    at = text.find(wanted, start)
    while at >= 0:
        before, after = text[at - 1 : at] if at else "", text[at + len(wanted) : at + len(wanted) + 1]
        if not (wanted[:1].isalnum() and before.isalnum()) and not (wanted[-1:].isalnum() and after.isalnum()):
            return at
        at = text.find(wanted, at + 1)
    return -1


def _searchable(body: str) -> tuple[str, list[int]]:
    """The text in lower case with every run of whitespace one space, and where each of its characters stands in `body`."""
    pieces, offsets = [], []
    for match in re.finditer(r"\s+|\S+", body):
        if match.group()[0].isspace():
            pieces.append(" ")
            offsets.append(match.start())
        else:
            pieces.append(match.group().lower())
            offsets.extend(range(match.start(), match.end()))
    return "".join(pieces), offsets


def _lexicon(phrasebook: dict[str, Any]) -> frozenset[str]:
    verbs = {word for key, items in phrasebook.items() if key.startswith("verbs_") for item in items for word in str(item).split()}
    return MEANING_WORDS | {word.lower() for word in verbs}


def verify(markdown: str, ledger: dict[str, Any], ctx: Context) -> tuple[int, list[str]]:
    """(claims verified, problems) for one article and its ledger."""
    front = FRONT.match(markdown)
    title = ""
    problems: list[str] = []
    if front:
        title = front_title(front.group(1))
    body = markdown[front.end() if front else 0 :]
    description = front_field(front.group(1), "description") if front else ""
    if description and description != lede_text(body):
        problems.append(f'the description reads "{description}", the article\'s first paragraph "{lede_text(body)}"')
    body = re.sub(r"<!--.*?-->", lambda m: " " * len(m.group()), body, flags=re.DOTALL)
    body = FIGURE.sub(lambda m: " " * len(m.group()), body)
    if "as_of" in ledger and ledger["as_of"] != ctx.as_of.isoformat():
        problems.append(f"the ledger is for {ledger['as_of']}, the article for {ctx.as_of}")
    claims = [claim for claim in ledger.get("claims", []) if isinstance(claim, dict)]
    spans: list[tuple[int, int, dict[str, Any]]] = []
    searchable, offsets = _searchable(body)
    cursor = 0
    for number, claim in enumerate(claims, start=1):
        text = str(claim.get("text", ""))
        if claim.get("kind") == "headline":
            if " ".join(text.split()) != " ".join(title.split()):
                problems.append(f'claim {number}: the headline reads "{title}", the ledger "{text}"')
        elif not text.strip():
            problems.append(f"claim {number} ({claim.get('kind')}) is empty")
            continue
        else:
            wanted = " ".join(text.split()).lower()
            at = _find_words(searchable, wanted, cursor)
            if at < 0:
                problems.append(f'claim {number} ({claim.get("kind")}) "{text}" is not in the text as printed, in order')
                continue
            cursor = at + len(wanted)
            spans.append((offsets[at], offsets[cursor - 1] + 1, claim))
        problems += [f"claim {number}: {problem}" for problem in check_claim(claim, ctx)]
    problems += _related_rules(claims, title, str(ledger.get("article", "")))
    problems += _check_subjects(body, spans)
    problems += _unaccounted(body, spans, ctx)
    problems += copyedit(markdown, ctx.phrasebook, [str(claim["text"]) for claim in claims if claim.get("kind") == "editor"])
    return len(claims), [" ".join(problem.split()) for problem in problems]


def _related_rules(claims: list[dict[str, Any]], title: str, article: str) -> list[str]:
    """Related Links never name the article itself, its own headline, or one headline twice."""
    problems, seen = [], set()
    own = article.rsplit("/", 1)[-1]
    for claim in claims:
        about = claim.get("about")
        if claim.get("kind") != "related" or not isinstance(about, dict) or about.get("listing") == "listed":
            continue
        text = " ".join(str(claim.get("text", "")).split())
        if (own and str(about.get("file", "")).rsplit("/", 1)[-1] == own) or text == " ".join(title.split()):
            problems.append(f'the related link "{text}" is the article itself')
        elif text in seen:
            problems.append(f'the related link "{text}" repeats a headline already listed')
        seen.add(text)
    return problems


def _sentence_ids(body: str, spans: list[tuple[int, int, dict[str, Any]]]) -> list[int]:
    """Which sentence each claim sits in: sentences end at a full stop outside a claim, a line break before a table row, or a blank line."""
    masked = list(body)
    for start, end, _ in spans:
        masked[start:end] = ["x"] * (end - start)
    text = "".join(masked)
    boundaries = [m.end() for m in re.finditer(r"[.!?:](?=\s)|\n\s*\n|\n(?=\|)|\|\s*$", text, re.MULTILINE)]
    ids, sentence, position = [], 0, 0
    for start, _, _ in spans:
        while position < len(boundaries) and boundaries[position] <= start:
            position += 1
            sentence = position
        ids.append(sentence)
    return ids


def _subjects(claim: dict[str, Any]) -> list[str]:
    subject = claim["about"].get("subject") if isinstance(claim.get("about"), dict) else None
    return subject if isinstance(subject, list) else [subject] if isinstance(subject, str) else []


def _check_subjects(body: str, spans: list[tuple[int, int, dict[str, Any]]]) -> list[str]:
    """A claim about a fund sits with that fund: the last fund named before it in its sentence, or (naming none) one named
    later in the sentence or the last one named before it ("It closed the week ...")."""
    ids = _sentence_ids(body, spans)
    naming_in: dict[int, list[int]] = {}
    """Per sentence, the positions of the claims that name funds."""
    for position, (_, _, claim) in enumerate(spans):
        if claim.get("kind") in NAMING:
            naming_in.setdefault(ids[position], []).append(position)
    problems = []
    last_named: list[str] = []
    last_sentence: int | None = None
    for position, (_, _, claim) in enumerate(spans):
        kind, sentence = claim.get("kind"), ids[position]
        if kind in NAMING:
            last_named, last_sentence = _subjects(claim), sentence
            continue
        subjects = _subjects(claim)
        about = claim["about"]
        if kind in SUBJECTLESS or not subjects or about.get("measure") in {"date", "editor"} or about.get("key") == "spread":
            continue
        here = naming_in.get(sentence, [])
        if last_sentence == sentence:
            holds = subjects[0] in last_named
        else:
            in_sentence = {symbol for i in here for symbol in _subjects(spans[i][2])}
            holds = subjects[0] in (in_sentence or set(last_named))
        reference = about.get("reference")
        after = next((i for i in here if i > position), None)
        if isinstance(reference, str) and after is not None and reference not in _subjects(spans[after][2]):
            problems.append(
                f'"{claim["text"]}" is measured against {reference}, but the fund named after it is {_subjects(spans[after][2])[0]}'
            )
        if not holds:
            problems.append(f'"{claim["text"]}" is about {subjects[0]}, but it stands with {", ".join(last_named) or "no fund"}')
    return problems


def _names(universe: Universe) -> list[str]:
    """Every fund's and index's name, in lower case, longest first."""
    return _longest_first(frozenset(name.lower() for f in universe.funds.values() for name in (f.name, f.index) if name))


@functools.lru_cache(maxsize=4)
def _longest_first(names: frozenset[str]) -> list[str]:
    return sorted(names, key=len, reverse=True)


@functools.lru_cache(maxsize=4)
def _plain_capitals(parts: frozenset[str]) -> frozenset[str]:
    """Capitalised words that are not tickers: PLAIN_CAPITALS and every word of an issuer, brand or listing."""
    return PLAIN_CAPITALS | {word.upper() for part in parts for word in re.findall(r"\w+", part)}


def _unaccounted(body: str, spans: list[tuple[int, int, dict[str, Any]]], ctx: Context) -> list[str]:
    """Digits, tickers, fund names and data-bound words that no claim accounts for."""
    masked = list(body)
    for start, end, _ in spans:
        masked[start:end] = [" "] * (end - start)
    text = re.sub(r"\]\([^)]*\)", "] ", "".join(masked))
    text = "\n".join(" " if line.strip(" |:-") == "" else line for line in text.split("\n"))
    problems = []

    def context(start: int, end: int) -> str:
        return " ".join(text[max(0, start - 30) : end + 30].split())

    lowered = text.lower()
    for name in _names(ctx.universe):
        found = lowered.find(name)
        while found >= 0:
            problems.append(f'the name "{text[found : found + len(name)]}" in "…{context(found, found + len(name))}…" has no ledger entry')
            lowered = lowered[:found] + " " * len(name) + lowered[found + len(name) :]
            text = text[:found] + " " * len(name) + text[found + len(name) :]
            found = lowered.find(name, found)
    for match in re.finditer(r"\d[\d.,]*", text):
        problems.append(f'"{match.group()}" in "…{context(match.start(), match.end())}…" has no ledger entry')
    lexicon = _lexicon(ctx.phrasebook)
    plain = _plain_capitals(frozenset(part for f in ctx.universe.funds.values() for part in (f.issuer, f.brand, f.listing) if part))
    for match in re.finditer(r"\^?[A-Za-z][A-Za-z'-]*", text):
        word = match.group()
        if (word.isupper() and len(word) >= 2 and word.upper() not in plain) or word.startswith("^"):
            problems.append(f'the ticker-like "{word}" in "…{context(match.start(), match.end())}…" has no ledger entry')
        elif word.lower() in lexicon:
            problems.append(f'"{word}" in "…{context(match.start(), match.end())}…" says something of the data, but no claim checks it')
    return problems
