"""The closed world: MkDocs publishes no article that the generator did not write.

Every claims ledger records a digest of the words of the article it was written with
(whitespace aside: reflowing a paragraph changes nothing). A post under `posts/` passes only
when a ledger in `weeks/<its date>/` names it and records its very words, so a stray file (an
editor's draft, a copy, a bug's leftover) or a hand edit of a generated article stops the
build. This is provenance, not the fact check: `verify` reads every claim against the prices
on its own, whatever the ledger's digest says.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from .notes import NOTES_DIR
from .pipeline import POSTS_DIR, WEEKS_DIR

LEDGER_SUFFIX = ".claims.json"
ARTICLE_DIGEST = "article_words_sha256"
"""The ledger's record of the words of the article it vouches for."""
_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}-")


def article_digest(text: str) -> str:
    """The digest of an article's words, in order, whatever the whitespace between them."""
    return hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()


def unaccounted_posts(files: Iterable[Path]) -> list[str]:
    """One line per post among `files` that no claims ledger among them vouches for; other files are ignored.

    Posts are `posts/*.md` and ledgers `weeks/<date>/*.claims.json`, under the docs dir or the staging folder.
    """
    paths = list(files)
    recorded: dict[tuple[str, str], str | None] = {}
    for path in paths:
        if path.name.endswith(LEDGER_SUFFIX) and path.parent.parent.name == WEEKS_DIR.name:
            try:
                ledger = json.loads(path.read_text(encoding="utf-8"))
                recorded[(path.parent.name, PurePosixPath(ledger["article"]).name)] = ledger.get(ARTICLE_DIGEST)
            except (ValueError, KeyError, TypeError):
                continue  # not a ledger, so it vouches for nothing (the fact check names it)
    problems = []
    for post in sorted(path for path in paths if path.parent.name == POSTS_DIR.name and path.suffix == ".md"):
        week = post.name[:10] if _DATED.match(post.name) else None
        weeks = post.parent.parent / WEEKS_DIR
        if week is None or (week, post.name) not in recorded:
            where = weeks / week if week else weeks
            problems.append(
                f"{post}: no claims ledger in {where}/ names it, so the generator did not write it: remove it "
                f"(an editor's words go in {NOTES_DIR}/)"
            )
        elif recorded[(week, post.name)] != article_digest(post.read_text(encoding="utf-8")):
            problems.append(
                f"{post}: it is not the article the generator wrote (its claims ledger records other words): "
                f"regenerate its week with `python -m generator site` (an editor's words go in {NOTES_DIR}/)"
            )
    return problems


def articles_and_ledgers(folder: Path) -> list[Path]:
    """The posts and claims ledgers of a docs dir or the staging folder: what `unaccounted_posts` reads."""
    return sorted([*(folder / POSTS_DIR).glob("*.md"), *(folder / WEEKS_DIR).glob(f"*/*{LEDGER_SUFFIX}")])
