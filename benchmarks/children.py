"""Running a benchmark's way in a child process of its own, so that its peak memory is its own."""

import multiprocessing
from collections.abc import Callable
from typing import Any


def in_child(target: Callable[..., None], *args: Any) -> Any:
    """Run ``target(*args, results)`` in a fresh (spawned) process and return what it put on ``results``."""
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=target, args=(*args, results))
    process.start()
    result = results.get()
    process.join()
    return result
