"""The course's headline numbers, recorded by the chapters for the book's Scoreboard page.

``record`` does nothing unless ``AELIB_SCOREBOARD`` names a JSON file and the budget is full
(``make book`` and ``make bench`` set it): then the number and the settings it was measured with
are stored under the data set's name, replacing only that entry.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .data import atomic_write
from .settings import settings

try:
    import fcntl  # two chapters recording at once wait for each other (not on Windows)
except ImportError:
    fcntl = None


def record(key: str, value: float, **details) -> None:
    """Store ``value`` (a finite number) and its ``details`` as ``key`` of this data set."""
    if not os.environ.get("AELIB_SCOREBOARD") or settings.smoke:
        return
    path = Path(os.environ["AELIB_SCOREBOARD"])
    with open(path.with_name(f".{path.name}.lock"), "w") as lock:
        if fcntl is not None:
            fcntl.flock(lock, fcntl.LOCK_EX)
        board = json.loads(path.read_text()) if path.exists() else {}
        board.setdefault(settings.dataset, {})[key] = {"value": float(value), **details}
        with atomic_write(path) as file:
            file.write((json.dumps(board, indent=2, sort_keys=True) + "\n").encode())
