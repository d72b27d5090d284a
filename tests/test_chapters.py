"""Every chapter runs top to bottom with its exercise solutions appended, and checks its claims.

The solutions are Python blocks inside the chapters' ``<details>`` boxes (readable in the book
and in Colab, folded until asked for); here each becomes a code cell after the chapter's last
one, so it runs on the chapter's own variables. ``make test`` runs this at smoke budget;
``make solutions`` runs it at full budget, where a false ``aelib.claim`` fails the test.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
SOLUTION_CODE = re.compile(r"```python\n(.*?)```", re.DOTALL)
DETAILS = re.compile(r"<details>(.*?)</details>", re.DOTALL)


def solutions(notebook) -> list[str]:
    """The Python blocks of every ``<details>`` box of a notebook, in order."""
    return [
        code.strip()
        for cell in notebook.cells
        if cell.cell_type == "markdown"
        for box in DETAILS.findall(cell.source)
        for code in SOLUTION_CODE.findall(box)
    ]


def with_solutions(source: Path):
    """The chapter's notebook with one code cell per solution block appended."""
    notebook = jupytext.read(source)
    for i, code in enumerate(solutions(notebook), start=1):
        cell = nbformat.v4.new_code_cell(f"# solution block {i}\n{code}")
        notebook.cells.append(cell)
    return notebook


def claim_count(notebook) -> int:
    return sum(cell.source.count("claim(") for cell in notebook.cells if cell.cell_type == "code")


@pytest.mark.notebooks
@pytest.mark.parametrize("source", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_runs_with_its_solutions(source, tmp_path):
    notebook = with_solutions(source)
    client = NotebookClient(notebook, timeout=1200, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    nbformat.write(notebook, tmp_path / f"{source.stem}.ipynb")


def test_every_exercise_has_a_solution_that_runs():
    counts = {source.stem: len(solutions(jupytext.read(source))) for source in CHAPTERS}
    assert all(counts.values()), f"chapters without a solution block: {counts}"
    assert sum(counts.values()) >= 20, counts


def test_chapters_two_to_seven_check_their_claims():
    counts = {source.stem: claim_count(with_solutions(source)) for source in CHAPTERS[1:]}
    assert all(n >= 3 for n in counts.values()), f"fewer than 3 claims: {counts}"
    assert sum(counts.values()) >= 30, counts


@pytest.mark.parametrize("source", CHAPTERS, ids=lambda p: p.stem)
def test_claim_cells_are_folded_in_the_book(source):
    for cell in jupytext.read(source).cells:
        if cell.cell_type == "code" and "claim(" in cell.source:
            assert "hide-cell" in cell.metadata.get("tags", []), (
                f"{source.name}: a cell with claims lacks the hide-cell tag:\n{cell.source[:200]}"
            )
