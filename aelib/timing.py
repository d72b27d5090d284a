"""Timings that a cold first call or a busy machine cannot turn upside down."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def best_time(fn: Callable[[], T], repeats: int = 3) -> tuple[T, float]:
    """Call ``fn()`` once to warm up, then ``repeats`` more times; return its result and the
    seconds of the fastest call (set-up, caches and other processes only slow a call down)."""
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1, got {repeats}.")
    result, fastest = fn(), float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        fastest = min(fastest, time.perf_counter() - start)
    return result, fastest
