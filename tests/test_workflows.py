"""The GitHub Actions workflows pass actionlint and keep the promises the README makes.

Besides the order of the weekly run, these hold the workflows to least privilege: each job has
only the token permissions it needs, third-party actions are pinned by commit SHA, every install
checks hashes against requirements.lock, and the manual `as_of` input reaches the scripts only
through an environment variable.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
LOCK = ROOT / "requirements.lock"
ACTIONLINT = shutil.which("actionlint") or str(Path(sys.executable).parent / "actionlint")
WORKFLOW_FILES = sorted(path.name for path in WORKFLOWS.glob("*.yml"))
SHA = re.compile(r"[0-9a-f]{40}")


@pytest.mark.skipif(not Path(ACTIONLINT).exists(), reason="actionlint is not installed (make installs it from requirements.lock)")
def test_workflows_pass_actionlint() -> None:
    files = sorted(str(path) for path in WORKFLOWS.glob("*.yml"))
    result = subprocess.run([ACTIONLINT, "-no-color", *files], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def _load(name: str) -> dict[Any, Any]:
    loaded = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), name
    return loaded


def _steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    return list(job.get("steps", []))


def _runs(workflow: dict[Any, Any]) -> Iterator[tuple[str, str]]:
    """(job name, script) for every `run:` step."""
    for name, job in workflow["jobs"].items():
        for step in _steps(job):
            if "run" in step:
                yield name, str(step["run"])


def _uses(step: dict[str, Any]) -> str:
    return str(step.get("uses", ""))


def _action(step: dict[str, Any]) -> str:
    """The action a step uses, without its ref: `actions/checkout`."""
    return _uses(step).partition("@")[0]


def _writes(permissions: object) -> set[str]:
    """The scopes a `permissions:` value grants write to (`write-all` counts as everything)."""
    if permissions in ("write-all",):
        return {"*"}
    if isinstance(permissions, dict):
        return {scope for scope, level in permissions.items() if level == "write"}
    return set()


def _step_index(steps: list[dict[str, Any]], text: str) -> int:
    return next(i for i, step in enumerate(steps) if text in str(step.get("run", step.get("uses", ""))))


def test_weekly_run_is_scheduled_after_the_close_and_can_be_started_by_hand() -> None:
    workflow = _load("weekly.yml")
    triggers = workflow[True]  # YAML reads the key `on` as True
    minute, hour, _, _, weekday = triggers["schedule"][0]["cron"].split()
    assert minute != "0" and int(hour) >= 21 and weekday == "5"
    assert "as_of" in triggers["workflow_dispatch"]["inputs"]
    assert workflow["concurrency"]["group"]


def test_weekly_run_gates_before_it_generates_commits_and_deploys_last() -> None:
    jobs = _load("weekly.yml")["jobs"]
    assert set(jobs) == {"build", "commit-store", "deploy"}
    build = _steps(jobs["build"])
    order = [
        _step_index(build, "pip install"),
        _step_index(build, "generator fetch"),
        _step_index(build, "generator gates"),
        _step_index(build, "generator site"),
        _step_index(build, "generator verify"),
        _step_index(build, "actions/upload-artifact"),
        _step_index(build, "actions/upload-pages-artifact"),
    ]
    assert order == sorted(order)
    # `site` builds with `mkdocs build --strict` itself: nothing may turn that off.
    assert "--no-build" not in build[_step_index(build, "generator site")]["run"]
    assert "--all" in build[_step_index(build, "generator verify")]["run"]

    # The store is committed only after a build that passed, and the site deployed only after both.
    assert jobs["commit-store"]["needs"] in ("build", ["build"])
    assert set(jobs["deploy"]["needs"]) == {"build", "commit-store"}
    commit = _steps(jobs["commit-store"])
    assert _step_index(commit, "actions/download-artifact") < _step_index(commit, "git push")
    assert [_action(step) for step in _steps(jobs["deploy"])] == ["actions/deploy-pages"]
    assert jobs["deploy"]["environment"]["name"] == "github-pages"
    assert not any("environment" in job for name, job in jobs.items() if name != "deploy")


def test_the_store_artifact_goes_from_build_to_commit_store() -> None:
    jobs = _load("weekly.yml")["jobs"]
    upload = next(step for step in _steps(jobs["build"]) if _action(step) == "actions/upload-artifact")
    download = next(step for step in _steps(jobs["commit-store"]) if _action(step) == "actions/download-artifact")
    assert upload["with"]["name"] == download["with"]["name"]
    assert upload["with"]["path"].rstrip("/") == download["with"]["path"].rstrip("/") == "data/store"
    pages = next(step for step in _steps(jobs["build"]) if _action(step) == "actions/upload-pages-artifact")
    assert pages["with"]["path"] == "site"


def test_no_job_has_more_permissions_than_it_needs() -> None:
    weekly = _load("weekly.yml")
    # Nothing by default: a job that forgets its permissions gets none.
    assert weekly["permissions"] in ({}, {"contents": "read"})
    jobs = weekly["jobs"]
    for name, job in jobs.items():
        assert "permissions" in job, f"weekly.yml job {name} must declare its permissions"
    # The build runs every third-party package and talks to Yahoo: it may write nothing.
    assert jobs["build"]["permissions"] == {"contents": "read"}
    assert not _writes(jobs["build"]["permissions"])
    assert jobs["commit-store"]["permissions"] == {"contents": "write"}
    assert jobs["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    for name, job in jobs.items():
        writes = _writes(job["permissions"])
        if name != "commit-store":
            assert "contents" not in writes and "*" not in writes, name
        if name != "deploy":
            assert not writes & {"pages", "id-token", "*"}, name

    ci = _load("ci.yml")
    assert ci["permissions"] in ({}, {"contents": "read"})
    for name, job in ci["jobs"].items():
        assert not _writes(job.get("permissions", {})), f"ci.yml job {name}"


def test_the_job_that_can_push_runs_no_third_party_code() -> None:
    commit = _steps(_load("weekly.yml")["jobs"]["commit-store"])
    actions = {_action(step) for step in commit if "uses" in step}
    assert actions == {"actions/checkout", "actions/download-artifact"}
    scripts = "\n".join(str(step.get("run", "")) for step in commit)
    assert "pip" not in scripts and "python" not in scripts and "generator" not in scripts
    assert "git add data/store" in scripts


def test_every_action_is_pinned_to_a_commit_sha_with_its_version() -> None:
    pinned: dict[str, set[str]] = {}
    for name in WORKFLOW_FILES:
        workflow = _load(name)
        used = [_uses(step) for job in workflow["jobs"].values() for step in _steps(job) if "uses" in step]
        used += [str(job["uses"]) for job in workflow["jobs"].values() if "uses" in job]
        lines = [
            match
            for line in (WORKFLOWS / name).read_text(encoding="utf-8").splitlines()
            if (match := re.match(r"^\s*(?:-\s+)?uses:\s*(\S+)\s*(?:#\s*(\S+))?\s*$", line))
        ]
        assert [match.group(1) for match in lines] == used, f"{name}: every `uses:` on a line of its own"
        for match in lines:
            ref, version = match.group(1), match.group(2)
            if ref.startswith("./"):
                continue  # a local action is the repository's own code
            action, _, sha = ref.partition("@")
            assert SHA.fullmatch(sha), f"{name}: {ref} is not pinned to a full commit SHA"
            assert version and re.fullmatch(r"v\d+(\.\d+)*", version), f"{name}: {ref} needs a `# vX.Y.Z` comment"
            pinned.setdefault(action, set()).add(f"{sha} {version}")
    # One version of each action across all the workflows.
    assert {action: len(refs) for action, refs in pinned.items()} == dict.fromkeys(pinned, 1)


def test_every_install_checks_hashes() -> None:
    for name in WORKFLOW_FILES:
        for job, script in _runs(_load(name)):
            for line in script.splitlines():
                if "pip install" in line:
                    assert "--require-hashes" in line and "-r requirements.lock" in line, f"{name} job {job}: {line}"
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    pip = re.search(r"^PIP\s*:=(.*)$", makefile, re.MULTILINE)
    assert pip and "--require-hashes" in pip.group(1), "the Makefile's pip checks hashes"
    commands = [line.strip().replace("$(PIP)", pip.group(1)) for line in makefile.splitlines() if not line.startswith(("PIP", "#"))]
    installs = [line for line in commands if "pip install" in line and not line.startswith(("echo", "@echo"))]
    assert any("uv pip install" in line for line in installs) and any("-r installer.lock" in line for line in installs)
    assert any("python -m pip install" in line and "-r requirements.lock" in line for line in installs), "pip, where uv is not"
    assert all("--require-hashes" in line and re.search(r"-r (requirements|installer)\.lock", line) for line in installs), installs


def test_the_installer_is_one_uv_release_pinned_by_the_hash_of_each_of_its_wheels() -> None:
    text = (ROOT / "installer.lock").read_text(encoding="utf-8")
    assert len(re.findall(r"^uv==\d+\.\d+\.\d+ \\$", text, re.MULTILINE)) == 1
    hashes = re.findall(r"--hash=sha256:(\S+)", text)
    assert len(hashes) >= 10 and all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in hashes), "Linux, macOS and Windows wheels"


def _lock_entries() -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) for every requirement in requirements.lock (a line and its continuations)."""
    entries: dict[str, tuple[str, list[str]]] = {}
    requirement = ""
    for line in [*LOCK.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith((" ", "\t")) and requirement:
            requirement += " " + line.strip()
            continue
        if requirement:
            match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", requirement)
            assert match, f"requirements.lock pins every package with ==: {requirement[:80]}"
            hashes = re.findall(r"--hash=sha256:(\S+)", requirement)
            entries[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = (match.group(2), hashes)
        requirement = "" if not line.strip() or line.lstrip().startswith("#") else line.strip()
    return entries


def test_every_package_in_the_lock_has_hashes() -> None:
    entries = _lock_entries()
    assert len(entries) > 50, "the lock holds the whole tree"
    for name, (_, hashes) in entries.items():
        assert hashes, f"requirements.lock: {name} has no --hash=sha256:"
        assert all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in hashes), name
    assert "uv pip compile" in LOCK.read_text(encoding="utf-8"), "the lock says how to regenerate it"


def test_the_lock_pins_what_pyproject_pins() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    direct = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        direct += extra
    entries = _lock_entries()
    for requirement in direct:
        match = re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?==([^\s;]+)", requirement)
        if not match:
            continue  # a range is pyproject's business; the lock pins what it resolved to
        name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
        assert name in entries, f"{name} is in pyproject.toml but not in requirements.lock"
        assert entries[name][0] == match.group(2), f"{name}: pyproject.toml {match.group(2)}, lock {entries[name][0]}"


def test_as_of_reaches_fetch_gates_and_site_only_through_the_environment() -> None:
    workflow = _load("weekly.yml")
    build = workflow["jobs"]["build"]
    env = {**workflow.get("env", {}), **build.get("env", {})}
    assert env["AS_OF"] == "${{ inputs.as_of }}"
    steps = _steps(build)
    for command in ("generator fetch", "generator gates", "generator site"):
        script = steps[_step_index(steps, command)]["run"]
        assert '--now "$AS_OF"' in script, f"{command} must take the as-of time"
    # Script injection: no expression is spliced into a script, as_of least of all.
    for name in WORKFLOW_FILES:
        for job, script in _runs(_load(name)):
            assert "inputs.as_of" not in script and "github.event" not in script, f"{name} job {job}"
            assert "${{" not in script, f"{name} job {job}: pass expressions through env:"


def test_the_weekly_run_never_skips_the_gates() -> None:
    assert "--no-gates" not in (WORKFLOWS / "weekly.yml").read_text(encoding="utf-8")
    steps = _steps(_load("weekly.yml")["jobs"]["build"])
    assert "--store" in steps[_step_index(steps, "generator site")]["run"]


def test_checkout_keeps_no_credentials_in_jobs_that_do_not_push() -> None:
    pushers = set()
    for name in WORKFLOW_FILES:
        for job_name, job in _load(name)["jobs"].items():
            pushes = any("git push" in str(step.get("run", "")) for step in _steps(job))
            if pushes:
                pushers.add(f"{name}:{job_name}")
            for step in _steps(job):
                if _action(step) == "actions/checkout" and not pushes:
                    assert step.get("with", {}).get("persist-credentials") is False, f"{name} job {job_name}"
    assert pushers == {"weekly.yml:commit-store"}


def test_ci_runs_the_readme_test_command() -> None:
    steps = _load("ci.yml")["jobs"]["test"]["steps"]
    assert any(step.get("run") == "make test" for step in steps)
    assert "make test" in (ROOT / "README.md").read_text(encoding="utf-8")
