"""Time a fresh, locked install of requirements.lock two ways, every cache off, each into a new venv:

- pip: `pip install --require-hashes -r requirements.lock` (what `make` runs today);
- uv: `pip install uv==VERSION` (uv itself comes from PyPI as a wheel: nothing but Python is needed), then
  `uv pip install --compile-bytecode --require-hashes -r requirements.lock` into the same venv (pip compiles every
  module as it installs; uv only when asked).

The uv figure includes installing uv. Both download from PyPI, so the network is part of each figure; run it twice
and compare the ratios. Usage: `python benchmarks/install.py [--uv VERSION] [--rounds N]`.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def fresh_venv(folder: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    return folder / "bin" / "python"


def with_pip(work: Path, env: dict[str, str]) -> float:
    python = fresh_venv(work / "pip")
    return timed([str(python), "-m", "pip", "install", "-q", "--no-cache-dir", "--require-hashes", "-r", str(LOCK)], env)


def with_uv(work: Path, env: dict[str, str], version: str) -> tuple[float, float]:
    """(seconds to install uv, seconds for uv to install the lock)."""
    python = fresh_venv(work / "uv")
    own = timed([str(python), "-m", "pip", "install", "-q", "--no-cache-dir", f"uv=={version}"], env)
    uv = python.parent / "uv"
    # --compile-bytecode: pip writes every module's .pyc as it installs, so uv must too for the same venv.
    lock = timed(
        [str(uv), "pip", "install", "-q", "--no-cache", "--compile-bytecode", "--python", str(python), "--require-hashes", "-r", str(LOCK)],
        env,
    )
    return own, lock


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uv", default="0.13.9", help="the uv version to install from PyPI")
    parser.add_argument("--rounds", type=int, default=1)
    options = parser.parse_args()
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "UV_NO_CACHE": "1"}
    print("| round | pip | uv (its own install + the lock) | uv / pip |\n| --- | --- | --- | --- |")
    for number in range(1, options.rounds + 1):
        with tempfile.TemporaryDirectory() as folder:
            work = Path(folder)
            pip = with_pip(work, env)
            own, lock = with_uv(work, env, options.uv)
        print(f"| {number} | {pip:.1f} s | {own + lock:.1f} s ({own:.1f} + {lock:.1f}) | {(own + lock) / pip:.2f}x |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
