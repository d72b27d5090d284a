"""Part 3: execute every chapter notebook top to bottom and time it.

Each notebook runs in a fresh kernel, as the book build runs them, on a copy of ``notebooks/`` in
a temporary folder (so nothing a chapter writes lands in the checkout), with Fashion-MNIST,
one progress line per epoch and the chosen budget.
"""

from __future__ import annotations

import datetime
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

import nbformat
from common import Timer
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

ROOT = Path(__file__).resolve().parents[1]
CHAPTER_LIMIT_S = 180  # the brief's budget for one chapter at full budget
COURSE_LIMIT_S = 600  # the target for the whole course


@contextmanager
def environment(**values: str | None):
    """Set (or, for None, remove) environment variables inside the block; the kernels inherit them."""
    saved = dict(os.environ)
    try:
        for key, value in values.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _seconds(cell) -> float | None:
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return None
    parse = datetime.datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def _slowest_cells(notebook, n: int = 3) -> list[dict]:
    timed = []
    for index, cell in enumerate(notebook.cells):
        seconds = _seconds(cell) if cell.cell_type == "code" else None
        if seconds is not None:
            first_line = next((line for line in cell.source.splitlines() if line.strip()), "")
            timed.append({"cell": index, "seconds": seconds, "source": first_line[:80]})
    return sorted(timed, key=lambda c: -c["seconds"])[:n]


def notebooks(folder: Path = ROOT / "notebooks") -> list[Path]:
    """The chapters that exist now: ``NN_slug.ipynb``, in order."""
    return sorted(folder.glob("[0-9][0-9]_*.ipynb"))


def run(budget: str = "full", threads: int | None = None, timeout: int = 900) -> dict:
    chapters = notebooks()
    if not chapters:
        raise FileNotFoundError(f"No notebooks/NN_*.ipynb found under {ROOT}.")
    work = Path(tempfile.mkdtemp(prefix="bench-course-"))
    shutil.copytree(ROOT / "notebooks", work / "notebooks")
    settings = {
        "AELIB_DATASET": "fashion",
        "AELIB_PROGRESS": "log",
        "AELIB_BUDGET": budget,
        "OMP_NUM_THREADS": str(threads) if threads else os.environ.get("OMP_NUM_THREADS"),
    }
    results = []
    with environment(**settings):
        for path in chapters:
            notebook = nbformat.read(work / "notebooks" / path.name, as_version=4)
            client = NotebookClient(
                notebook,
                timeout=timeout,
                kernel_name="python3",
                resources={"metadata": {"path": str(work / "notebooks")}},
            )
            error = None
            with Timer() as t:
                try:
                    client.execute()
                except CellExecutionError as err:
                    error = str(err).strip().splitlines()[-1][:300]
                except (CellTimeoutError, DeadKernelError, RuntimeError) as err:  # report, go on
                    error = f"{type(err).__name__}: {str(err).strip()[:300]}"
            nbformat.write(notebook, work / "notebooks" / f"executed-{path.name}")
            status = "failed" if error else "ok"
            print(f"  {path.stem}: {t.wall:.1f} s ({status})" + (f": {error}" if error else ""))
            results.append(
                {
                    "notebook": path.name,
                    "seconds": t.wall,
                    "ok": error is None,
                    "error": error,
                    "over_limit": t.wall > CHAPTER_LIMIT_S,
                    "slowest_cells": _slowest_cells(notebook),
                }
            )
    total = sum(r["seconds"] for r in results)
    return {
        "budget": budget,
        "dataset": "fashion",
        "threads": threads,
        "chapters": results,
        "total_seconds": total,
        "all_ok": all(r["ok"] for r in results),
        "executed_in": str(work / "notebooks"),
        "targets": {
            "chapter_seconds": CHAPTER_LIMIT_S,
            "total_seconds": COURSE_LIMIT_S,
            "met": budget == "full"
            and total <= COURSE_LIMIT_S
            and all(r["ok"] and not r["over_limit"] for r in results),
        },
    }
