"""Live preview: `mkdocs serve` for the pages, and a watcher that regenerates what an edit affects.

A change to a week's note regenerates that week; a change to a template, the phrasebook, the
metadata or the settings regenerates every week. Every change is checked first: a mistake is
printed as one line with file and line, and nothing is written until it is fixed. An article that
fails the fact check is previewed as a page listing its problems, never as its failing text.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from .errors import GeneratorError
from .notes import FRONT_MATTER, NOTES_DIR, note_date
from .pipeline import POSTS_DIR

if TYPE_CHECKING:
    from .site import Staged

WATCHED = ("templates", "data", "content/notes", "mkdocs.yml")
"""What the watcher follows, relative to the project root (MkDocs itself follows content/)."""


def affected_weeks(root: Path, changed: Iterable[Path]) -> set[date] | None:
    """The weeks to regenerate for a set of changed files: only those of changed notes, or None for all."""
    weeks: set[date] = set()
    notes = (root / NOTES_DIR).resolve()
    for path in changed:
        resolved = path.resolve()
        if resolved.parent != notes or resolved.suffix != ".md":
            return None
        try:
            weeks.add(note_date(resolved))
        except GeneratorError:
            return None
    return weeks


def serve(root: Path, regenerate: Callable[[set[date] | None], None], report: Callable[[str], None], address: str) -> None:
    """Run `mkdocs serve` and regenerate on every change under WATCHED until interrupted."""
    from watchfiles import watch

    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", address, "--config-file", str(root / "mkdocs.yml")], cwd=root
    )
    try:
        paths = [root / name for name in WATCHED if (root / name).exists()]
        for changes in watch(*paths, watch_filter=lambda _, path: not Path(path).name.startswith(".")):
            changed = [Path(path) for _, path in changes]
            weeks = affected_weeks(root, changed)
            report(f"{len(changed)} file(s) changed; regenerating {'every week' if weeks is None else ', '.join(map(str, sorted(weeks)))}")
            regenerate(weeks)
    finally:
        server.terminate()
        server.wait(timeout=10)


def error_pages(staged: Staged, problems: list[str]) -> dict[Path, str] | None:
    """A stand-in page for each staged article the fact check's problems name; None when a problem names no staged article.

    Problems start with the file they are about. One that names none (a stray post, a week left
    out) leaves nothing to show in an article's place, so the preview keeps what it had.
    """
    posts = [path for path in staged.files if path.parent == POSTS_DIR]
    named = {path: [line for line in problems if line.startswith(f"{staged.folder / path}:")] for path in posts}
    if sum(len(lines) for lines in named.values()) < len(problems):
        return None
    return {path: error_page((staged.folder / path).read_text(encoding="utf-8"), lines) for path, lines in named.items() if lines}


def error_page(article: str, problems: list[str]) -> str:
    """The preview's page in place of an article that failed the fact check: its address and date, its problems, none of its text."""
    front = FRONT_MATTER.match(article)
    fields = yaml.safe_load(front.group(1)) if front else None
    title = f"Fact check failed: {fields.get('title', '') if isinstance(fields, dict) else ''}"
    kept = [line for line in (front.group(1) if front else "").splitlines() if not line.startswith(("#", "title:"))]
    listing = "\n".join(problems)
    fence = "`" * max([3, *(len(run) + 1 for run in re.findall(r"`+", listing))])
    return (
        "---\n# Preview only (`python -m generator serve`): `python -m generator site` never publishes this page.\n"
        + f"title: {json.dumps(title, ensure_ascii=False)}\n"
        + "".join(f"{line}\n" for line in kept)
        + "---\n\n"
        + '!!! failure "This article failed the fact check"\n\n'
        + "    The preview shows this page in its place until every problem below is fixed; until then `site` publishes nothing.\n\n"
        + "<!-- more -->\n\n"
        + f"{fence}text\n{listing}\n{fence}\n"
    )
