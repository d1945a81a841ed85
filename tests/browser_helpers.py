"""Helpers for tests/test_browser.py: find Chromium, build a short site, serve it (compressed, as a web host would),
record what a page does, and run Lighthouse and axe-core on it."""

from __future__ import annotations

import functools
import gzip
import json
import os
import shutil
import subprocess
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
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
BROWSER_TOOLS = ROOT / "tests" / "browser-tools"
"""Lighthouse and axe-core, pinned in its package-lock.json and installed there by `make test` when npm is present."""
LIGHTHOUSE = BROWSER_TOOLS / "node_modules" / "lighthouse" / "cli" / "index.js"
AXE = BROWSER_TOOLS / "node_modules" / "axe-core" / "axe.min.js"
LIGHTHOUSE_CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
COMPRESSED = frozenset({".html", ".css", ".js", ".json", ".xml", ".csv", ".svg", ".txt"})

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
    """Serves text files gzip-compressed to a browser that accepts it, as any web host does: page weights are then the
    weights a reader pays."""

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or path.suffix not in COMPRESSED or not path.is_file():
            super().do_GET()
            return
        body = _gzipped(path)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@functools.lru_cache(maxsize=512)
def _gzipped(path: Path) -> bytes:
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


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


def lighthouse_missing() -> str | None:
    """Why Lighthouse and axe-core cannot run here, or None when they can."""
    if shutil.which("node") is None:
        return "no node: Lighthouse needs Node.js (and npm to install it)"
    if not LIGHTHOUSE.is_file() or not AXE.is_file():
        return f"Lighthouse and axe-core are not installed: run `npm ci` in {BROWSER_TOOLS.relative_to(ROOT)} (`make test` does)"
    return None


@dataclass(frozen=True)
class Lighthouse:
    """One Lighthouse run on a phone (its default): the four scores out of 100, the first view's weight and requests, and
    Lighthouse's measure of the machine's speed (the performance score depends on it)."""

    scores: dict[str, int]
    transferred: int
    requests: int
    failing: dict[str, list[str]]
    benchmark_index: float


def run_lighthouse(url: str, chromium: str, report: Path) -> Lighthouse:
    """Lighthouse on `url` with the given Chromium; the full JSON report is kept at `report`."""
    report.parent.mkdir(parents=True, exist_ok=True)
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(LIGHTHOUSE_CATEGORIES)}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    subprocess.run(command, check=True, timeout=240, env={**os.environ, "CHROME_PATH": chromium}, capture_output=True)
    result = json.loads(report.read_text(encoding="utf-8"))
    audits = result["audits"]
    failing = {
        name: [ref["id"] for ref in category["auditRefs"] if ref["weight"] > 0 and (audits[ref["id"]].get("score") or 0) < 1]
        for name, category in result["categories"].items()
    }
    return Lighthouse(
        scores={name: round(category["score"] * 100) for name, category in result["categories"].items()},
        transferred=int(audits["total-byte-weight"]["numericValue"]),
        requests=len(audits["network-requests"]["details"]["items"]),
        failing=failing,
        benchmark_index=float(result["environment"]["benchmarkIndex"]),
    )


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the open page: rule, impact and how many elements break it."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")
    return [{"rule": v["id"], "impact": v["impact"], "nodes": len(v["nodes"]), "target": v["nodes"][0]["target"]} for v in found]
