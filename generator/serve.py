"""Live preview: `mkdocs serve` for the pages, and a watcher that regenerates what an edit affects.

A change to a week's note regenerates that week; a change to a template, the phrasebook, the
metadata or the settings regenerates every week. Every change is checked first: a mistake is
printed as one line with file and line, and nothing is written until it is fixed.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from .errors import GeneratorError
from .notes import NOTES_DIR, note_date

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
