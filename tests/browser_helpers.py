"""Helpers for tests/test_browser.py: find Chromium, build a short site, serve it, record what a page does."""

from __future__ import annotations

import functools
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from generator.build import build_site
from generator.config import ROOT
from generator.pipeline import Dataset
from generator.site import DOCS_DIR, write_site

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

# Marks Vega's SVG renderer draws for the data (axes, legends and titles are other `role-*` groups).
DATA_MARKS = ", ".join(f"svg g.role-mark.mark-{kind} path" for kind in ("rect", "line", "area", "symbol"))


def find_chromium() -> str | None:
    """CHROMIUM_PATH if set (and it exists), else Debian's chromium; None when there is none."""
    candidates = [os.environ.get("CHROMIUM_PATH", ""), *CHROMIUM_CANDIDATES]
    return next((c for c in candidates if c and Path(c).is_file() and os.access(c, os.X_OK)), None)


def build_project(sample: Dataset, first: date, last: date, root: Path, generated: tuple[str, ...]) -> Path:
    """The pattern of tests/test_site_build.py: copy the editor-owned files, generate first..last, build; returns the site folder."""
    shutil.copy(ROOT / "mkdocs.yml", root)
    shutil.copytree(ROOT / "templates", root / "templates")
    shutil.copytree(ROOT / DOCS_DIR, root / DOCS_DIR, ignore=shutil.ignore_patterns(*generated))
    write_site(sample, first, last, root=root)
    build_site(sample.source, root=root)
    return root / "site"


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serves folder on 127.0.0.1 at a free port, in a thread; yields the base URL (ending in /)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@dataclass
class Recorder:
    """What the browser did on behalf of the pages of one context: errors, requests, failed responses."""

    base: str
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def watch(self, context: Any) -> None:
        """Records every request of the context, and every page's console errors and uncaught exceptions."""
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("requestfailed", lambda request: self.failed.append(f"{request.url} ({request.failure})"))
        context.on("response", self._on_response)
        context.on("page", self._on_page)

    def _on_page(self, page: Any) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: pageerror: {error}"))

    def _on_console(self, message: Any) -> None:
        if message.type == "error":
            self.errors.append(f"{message.page.url if message.page else '?'}: console.error: {message.text}")

    def _on_response(self, response: Any) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url} ({response.status})")

    def foreign_requests(self) -> list[str]:
        """Requests to anything but the local server (data: and blob: URLs are the page's own)."""
        local = urlparse(self.base).netloc
        return [url for url in self.requests if urlparse(url).scheme not in {"data", "blob"} and urlparse(url).netloc != local]
