"""Build stage: MkDocs turns the docs dir into the static site, strictly (a warning fails the build)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .config import ROOT
from .errors import GeneratorError

DATA_SOURCE_VARIABLE = "ETF_SITE_DATA_SOURCE"
"""Read by mkdocs.yml (`extra.data_source`): the banner on every page says when the sample is shown."""


class BuildError(GeneratorError):
    """`mkdocs build --strict` failed; its log says why."""


def build_site(source: str, root: Path = ROOT, site_dir: Path | None = None, quiet: bool = True) -> None:
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(root / "mkdocs.yml")]
    if site_dir is not None:
        command += ["--site-dir", str(site_dir)]
    if quiet:
        command.append("--quiet")
    result = subprocess.run(
        command,
        cwd=root,
        env={**os.environ, DATA_SOURCE_VARIABLE: source, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BuildError("mkdocs build --strict failed:\n" + (result.stderr or result.stdout).strip())
