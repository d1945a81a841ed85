"""The GitHub Actions workflows pass actionlint and keep the promises the README makes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

WORKFLOWS = Path(__file__).resolve().parent.parent / ".github" / "workflows"
ACTIONLINT = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")


@pytest.mark.skipif(not Path(ACTIONLINT).exists(), reason="actionlint is not installed (make installs it from requirements.lock)")
def test_workflows_pass_actionlint() -> None:
    files = sorted(str(path) for path in WORKFLOWS.glob("*.yml"))
    result = subprocess.run([ACTIONLINT, "-no-color", *files], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _load(name: str) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))


def test_weekly_run_is_scheduled_after_the_close_and_can_be_started_by_hand() -> None:
    workflow = _load("weekly.yml")
    triggers = workflow[True]  # YAML reads the key `on` as True
    minute, hour, _, _, weekday = triggers["schedule"][0]["cron"].split()
    assert minute != "0" and int(hour) >= 21 and weekday == "5"
    assert "as_of" in triggers["workflow_dispatch"]["inputs"]
    assert workflow["concurrency"]["group"]
    assert workflow["permissions"]["contents"] == "write"


def test_weekly_run_gates_before_it_generates_and_deploys_last() -> None:
    steps = _load("weekly.yml")["jobs"]["publish"]["steps"]
    commands = [step.get("run", step.get("uses", "")) for step in steps]
    order = [
        next(i for i, c in enumerate(commands) if "generator fetch" in c),
        next(i for i, c in enumerate(commands) if "generator gates" in c),
        next(i for i, c in enumerate(commands) if "generator site" in c),
        next(i for i, c in enumerate(commands) if "generator verify" in c),
        next(i for i, c in enumerate(commands) if "git commit" in c),
        next(i for i, c in enumerate(commands) if "mkdocs build --strict" in c),
        next(i for i, c in enumerate(commands) if "upload-pages-artifact" in c),
        next(i for i, c in enumerate(commands) if "deploy-pages" in c),
    ]
    assert order == sorted(order)


def test_ci_runs_the_readme_test_command() -> None:
    steps = _load("ci.yml")["jobs"]["test"]["steps"]
    assert any(step.get("run") == "make test" for step in steps)
    assert "make test" in (WORKFLOWS.parent.parent / "README.md").read_text(encoding="utf-8")
