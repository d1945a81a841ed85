"""Measures of a built archive: how often headlines, links and standing passages repeat, how long the leads and
the shorter pieces run, how many leads give the week's context, and what led the biggest market weeks.

    .venv/bin/python benchmarks/archive_report.py [--docs DIR] [--phrasebook FILE]

It reads the posts a run wrote (`content/posts/` by default) and prints one line per measure.
Each measure is a function of the parsed posts, so another measure is one more function.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import statistics
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
LINK = re.compile(r"^- \[(?P<headline>[^\]]+)\]\((?P<path>[^)]+)\)", re.MULTILINE)


@dataclass(frozen=True)
class Post:
    """One article as the archive holds it: its file, date, headline, body and Related Links."""

    name: str
    as_of: date
    headline: str
    category: str
    body: str
    related: tuple[tuple[str, str], ...]
    """(headline, file name) of each Related Link, in order."""


def read_posts(posts: Path) -> list[Post]:
    """Every post of a docs dir's posts folder, oldest first."""
    found = []
    for path in sorted(posts.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        title = re.search(r"^title: (.*)$", front, re.MULTILINE)
        day = re.search(r"^date: (\S+)$", front, re.MULTILINE)
        if title is None or day is None:
            continue
        section = body.split("**Related Links:**", 1)[1].split("\n## ", 1)[0] if "**Related Links:**" in body else ""
        links = tuple((m["headline"], Path(m["path"]).name) for m in LINK.finditer(section))
        category = re.search(r'^categories:\n  - "(.*)"$', front, re.MULTILINE)
        found.append(
            Post(path.name, date.fromisoformat(day.group(1)), json.loads(title.group(1)), category.group(1) if category else "", body, links)
        )
    return found


def distinct_headlines(posts: list[Post]) -> tuple[int, int]:
    """(distinct headlines, articles)."""
    return len({post.headline for post in posts}), len(posts)


def closest_reuse(posts: list[Post]) -> tuple[int | None, str]:
    """The smallest gap, in weeks, between two uses of one headline, and that headline (None when none repeats)."""
    last: dict[str, date] = {}
    best: tuple[int | None, str] = (None, "")
    for post in sorted(posts, key=lambda p: p.as_of):
        if post.headline in last:
            gap = (post.as_of - last[post.headline]).days // 7
            if best[0] is None or gap < best[0]:
                best = (gap, post.headline)
        last[post.headline] = post.as_of
    return best


def related_faults(posts: list[Post]) -> tuple[int, int, int]:
    """(links to the article itself or under its own headline, links repeating a headline already listed, all links)."""
    own = repeated = total = 0
    for post in posts:
        seen: set[str] = set()
        for headline, name in post.related:
            total += 1
            own += name == post.name or headline == post.headline
            repeated += headline in seen
            seen.add(headline)
    return own, repeated, total


def passage_counts(posts: list[Post], phrasebook: dict[str, object], prefix: str) -> collections.Counter[str]:
    """How many articles print each wording of the phrasebook entries whose key starts with `prefix`."""
    wordings = []
    for key, entry in phrasebook.items():
        if key.startswith(prefix):
            wordings += [" ".join(str(item).split()) for item in (entry if isinstance(entry, list) else [entry])]
    counts: collections.Counter[str] = collections.Counter()
    for post in posts:
        text = " ".join(post.body.split())
        counts.update(wording for wording in wordings if wording in text)
    return counts


def prose_words(post: Post) -> int:
    """Words of running prose: no front matter, tables, headings, charts, links' targets, Related Links or data section."""
    body = post.body.split("\n## Data Behind", 1)[0].split("**Related Links:**", 1)[0]
    body = re.sub(r"<figure.*?</figure>", "", body, flags=re.DOTALL)
    body = "\n".join(line for line in body.splitlines() if not line.startswith(("|", "#", "<!--")))
    return len(re.findall(r"[A-Za-z0-9$%.,'-]+", re.sub(r"\]\([^)]*\)", "]", body)))


def weeks(docs: Path) -> dict[date, dict[str, Any]]:
    """Each week's facts file (the lead is the first story published), by the week's date."""
    return {date.fromisoformat(path.parent.name): json.loads(path.read_text(encoding="utf-8")) for path in (docs / "weeks").glob("*/facts.json")}


def leads(posts: list[Post], facts: dict[date, dict[str, Any]]) -> set[str]:
    """The file names of the week's lead articles: the post filed under the lead story's category."""
    from generator.stories import STORY_TYPES

    return {post.name for post in posts if post.as_of in facts and post.category == STORY_TYPES[facts[post.as_of]["published"][0]].category}


def biggest_weeks(posts: list[Post], facts: dict[date, dict[str, Any]], lead: set[str], count: int = 15) -> list[str]:
    """A Markdown table of the weeks with the largest S&P 500 fund moves and the article that led each."""
    by_week = {post.as_of: post for post in posts if post.name in lead}
    moves = sorted(((abs(f["funds"]["SPY"]["week"]["value"]), day) for day, f in facts.items() if "SPY" in f["funds"]), reverse=True)
    rows = ["| week | SPY | lead | story |", "| --- | ---: | --- | --- |"]
    for _, day in moves[:count]:
        week = facts[day]
        rows.append(f"| {day} | {week['funds']['SPY']['week']['value'] * 100:+.1f}% | {by_week[day].headline} | {week['published'][0]} |")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, default=ROOT / "content", help="a built docs dir (default: content/)")
    parser.add_argument("--phrasebook", type=Path, default=ROOT / "templates" / "phrasebook.yaml")
    args = parser.parse_args()
    posts = read_posts(args.docs / "posts")
    if not posts:
        print(f"no posts in {args.docs / 'posts'}", file=sys.stderr)
        return 2
    distinct, total = distinct_headlines(posts)
    gap, headline = closest_reuse(posts)
    own, repeated, links = related_faults(posts)
    cautions = passage_counts(posts, yaml.safe_load(args.phrasebook.read_text(encoding="utf-8")), "leveraged_caution")
    print(f"headlines: {distinct} distinct of {total} articles ({distinct / total:.1%})")
    print(f"closest reuse: {'none' if gap is None else f'{gap} weeks'}{f' ({headline})' if headline else ''}")
    print(f"related links: {links}, to the article itself {own}, repeating a headline {repeated} ({(own + repeated) / max(links, 1):.1%})")
    top = cautions.most_common(1)
    with_caution = sum(any(w in " ".join(p.body.split()) for w in cautions) for p in posts)
    print(f"leveraged caution: in {with_caution} articles, {len(cautions)} wordings, the most repeated {top[0][1] if top else 0} times")
    facts = weeks(args.docs)
    lead = leads(posts, facts)
    lengths = {post.name: prose_words(post) for post in posts}
    main_words = [lengths[name] for name in lead]
    other_words = [n for name, n in lengths.items() if name not in lead]
    if main_words:
        print(
            f"leads: {len(main_words)}, median {statistics.median(main_words):.0f} words, {sum(n < 450 for n in main_words)} under 450, "
            f"{sum(n > 800 for n in main_words)} over 800"
        )
        context = sum("It was a week when" in post.body for post in posts if post.name in lead)
        print(f"leads with the week's context (events): {context} of {len(main_words)} ({context / len(main_words):.0%})")
    if other_words:
        print(
            f"shorter pieces: {len(other_words)}, median {statistics.median(other_words):.0f} words, "
            f"{sum(n < 200 for n in other_words)} under 200, {sum(n > 400 for n in other_words)} over 400"
        )
    print("\n".join(biggest_weeks(posts, facts, lead)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
