"""The .py sources (jupytext percent format) and the committed .ipynb files must agree."""

import re
from pathlib import Path

import jupytext
import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))


def cells(notebook):
    return [(c.cell_type, c.source.strip()) for c in notebook.cells]


def test_every_chapter_of_the_book_has_a_source():
    toc = (ROOT / "_toc.yml").read_text()
    chapters = re.findall(r"file: (notebooks/\S+)\.ipynb", toc)
    assert chapters, "_toc.yml lists no notebooks"
    assert sorted(ROOT / f"{chapter}.py" for chapter in chapters) == SOURCES, (
        "every chapter in _toc.yml needs its notebooks/NN_name.py source, and every source a "
        "place in _toc.yml"
    )


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_ipynb_is_in_sync_with_its_py_source(source):
    ipynb = source.with_suffix(".ipynb")
    assert ipynb.exists(), f"{ipynb.name} is missing: run `make sync`"
    assert cells(jupytext.read(source)) == cells(jupytext.read(ipynb)), (
        f"{ipynb.name} differs from {source.name}: run `make sync`"
    )


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_ipynb_is_committed_without_outputs(source):
    notebook = jupytext.read(source.with_suffix(".ipynb"))
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{source.stem} has outputs"
