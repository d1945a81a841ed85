"""Independent tasks spread over the machine's cores: each week's facts, each week's articles, each article's fact check.

A task runs in a forked process, which inherits what every task reads (the dataset, the prices) instead of receiving a
pickled copy of it; only each task's item goes in and its result comes back. One job, one item, or a platform without
`fork` (Windows; macOS where fork is unsafe) runs the tasks one after another in this process, with the same results.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

Shared = TypeVar("Shared")
Item = TypeVar("Item")
Result = TypeVar("Result")

_inherited: tuple[Callable[[Any, Any], Any], Any] | None = None
"""The task and what it shares, set in this process just before the workers fork from it."""


def available_cores() -> int:
    """The cores this process may run on (a container's or a CI runner's share, not the whole machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    return sys.platform == "linux" and "fork" in multiprocessing.get_all_start_methods()


def spread(
    task: Callable[[Shared, Item], Result],
    shared: Shared,
    items: Sequence[Item],
    jobs: int,
    done: Callable[[], None] | None = None,
) -> list[Result]:
    """`task(shared, item)` for every item, in the items' order, over up to `jobs` processes; `done` is called in this
    process as each result arrives (a progress bar). `task` must be a module-level function (it is named, not pickled)."""
    global _inherited
    if jobs <= 1 or len(items) <= 1 or not can_fork():
        results = []
        for item in items:
            results.append(task(shared, item))
            if done is not None:
                done()
        return results
    _inherited = (task, shared)
    try:
        with ProcessPoolExecutor(max_workers=min(jobs, len(items)), mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_run, item) for item in items]
            for future in futures:
                future.result()
                if done is not None:
                    done()
            return [future.result() for future in futures]
    finally:
        _inherited = None


def _run(item: Any) -> Any:
    assert _inherited is not None, "a worker runs only what spread() gave it"
    task, shared = _inherited
    return task(shared, item)
