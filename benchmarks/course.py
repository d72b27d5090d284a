"""Part 3: execute every chapter notebook top to bottom and time it.

Each notebook runs in a fresh kernel, as in the book build, in a temporary copy of ``notebooks/``
(nothing a chapter writes lands in the checkout), on Fashion-MNIST, at ``AELIB_BUDGET``'s budget.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

import nbformat
import scoreboard
from common import Timer
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from aelib.settings import settings

ROOT = Path(__file__).resolve().parents[1]
# What the course promises on a 2-core CPU at full budget: no chapter makes a learner wait more
# than 3 minutes, and the whole course runs in under 10 (the workshop plans count on it).
CHAPTER_LIMIT_S = 180
COURSE_LIMIT_S = 600


def slowest_cell(notebook) -> dict | None:
    """The code cell that ran longest, from the timestamps nbclient records: seconds, first line."""
    timed = []
    for cell in notebook.cells:
        timing = cell.metadata.get("execution", {})
        if cell.cell_type == "code" and {"iopub.execute_input", "shell.execute_reply"} <= set(timing):
            start, end = (datetime.fromisoformat(timing[key])
                          for key in ("iopub.execute_input", "shell.execute_reply"))
            timed.append(((end - start).total_seconds(), (cell.source.strip().splitlines() or [""])[0]))
    if not timed:
        return None
    seconds, source = max(timed)
    return {"seconds": seconds, "source": source[:80]}


def run_chapter(path: Path, env: dict) -> dict:
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=900, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    error = None
    with Timer() as t:
        try:
            client.execute(env=env)
        except CellExecutionError as err:  # a false aelib.claim at full budget lands here too
            error = str(err).strip().splitlines()[-1][:300]
        except (CellTimeoutError, DeadKernelError, RuntimeError) as err:
            error = f"{type(err).__name__}: {str(err).strip()[:300]}"
    print(f"  {path.stem}: {t.wall:.1f} s" + (f", failed: {error}" if error else ""))
    return {
        "notebook": path.name,
        "seconds": t.wall,
        "ok": error is None,
        "error": error,
        "over_limit": t.wall > CHAPTER_LIMIT_S,
        "slowest_cell": slowest_cell(notebook),
    }


def run() -> dict:
    env = dict(os.environ, AELIB_DATASET="fashion", AELIB_PROGRESS="log", AELIB_BUDGET=settings.budget,
               AELIB_SCOREBOARD=str(scoreboard.SCOREBOARD))  # the chapters record their numbers
    with tempfile.TemporaryDirectory(prefix="bench-course-") as work:
        folder = Path(shutil.copytree(ROOT / "notebooks", Path(work) / "notebooks"))
        chapters = [run_chapter(path, env) for path in sorted(folder.glob("[0-9][0-9]_*.ipynb"))]
    total = sum(c["seconds"] for c in chapters)
    met = total <= COURSE_LIMIT_S and all(c["ok"] and not c["over_limit"] for c in chapters)
    return {"budget": settings.budget, "chapters": chapters, "total_seconds": total,
            "targets": {"chapter_seconds": CHAPTER_LIMIT_S, "total_seconds": COURSE_LIMIT_S, "met": met}}
