"""The Colab path, offline: a learner opens a chapter on Colab and its first cell installs aelib.

The chapters run, one after another in one kernel, in a fresh virtual environment that holds only
what a Colab runtime ships (torch, torchvision, numpy, matplotlib, scikit-learn, tqdm, ipykernel,
pip and what they need, linked from this checkout's environment) and no aelib. A stand-in
``google.colab`` module is imported when the kernel starts, so each set-up cell runs, unchanged,
with ``AELIB_REPOSITORY`` pointing it at a git copy of this working tree instead of the public
repository. pip may not use an index: aelib's dependencies must already be there, as on Colab.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

import jupytext
import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from packaging.requirements import Requirement

from aelib.data import default_data_dir

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
COLAB_SHIPS = ("torch", "torchvision", "numpy", "matplotlib", "scikit-learn", "tqdm", "ipykernel",
               "pip")
DEFAULT = re.compile(r'repository = "git\+(\S+)"')
BOOK_REPOSITORY = re.compile(r"^repository:\n\s+url: (\S+)", re.MULTILINE)  # in _config.yml
WHERE_AELIB_IS = "import aelib; print(aelib.__file__)"


def setup_cell(source: Path) -> str:
    """The chapter's first code cell: the one that installs aelib on Colab."""
    return next(c.source for c in jupytext.read(source).cells if c.cell_type == "code")


def test_every_chapter_installs_aelib_on_colab_only_from_the_book_repository():
    cells = {setup_cell(source) for source in CHAPTERS}
    assert len(cells) == 1, "the chapters' set-up cells differ: copy one cell into all of them"
    cell = cells.pop()
    assert 'if "google.colab" in sys.modules:' in cell
    assert 'os.environ.get("AELIB_REPOSITORY", repository)' in cell
    repository = BOOK_REPOSITORY.search((ROOT / "_config.yml").read_text())[1]
    assert DEFAULT.findall(cell) == [repository], (
        f"the set-up cell must install from _config.yml's repository, {repository}"
    )


def requirements_closure(names) -> list[metadata.Distribution]:
    """The installed distributions ``names`` need on this platform, with the extras they ask for."""
    found, todo, done = {}, [(name, "") for name in names], set()
    while todo:
        name, extra = todo.pop()
        key = (re.sub(r"[-_.]+", "-", name).lower(), extra)
        if key in done:
            continue
        done.add(key)
        dist = found.setdefault(key[0], metadata.distribution(key[0]))
        for line in dist.requires or []:
            requirement = Requirement(line)
            marker = requirement.marker
            if marker is not None and not marker.evaluate({"extra": extra}):
                continue
            if extra and "extra" not in str(marker):
                continue  # the pass for an extra adds only the lines of that extra
            todo += [(requirement.name, e) for e in ("", *requirement.extras)]
    return list(found.values())


@pytest.fixture(scope="module")
def colab_site(tmp_path_factory) -> Path:
    """A folder that looks like Colab's site-packages: links to only the packages it ships, and
    the stand-in ``google.colab``."""
    site = tmp_path_factory.mktemp("colab-site")
    installed = Path(sysconfig.get_paths()["purelib"])
    for dist in requirements_closure(COLAB_SHIPS):
        for top in {Path(f).parts[0] for f in dist.files or []} - {"..", "__pycache__"}:
            if not (site / top).exists():
                (site / top).symlink_to(installed / top)
    stub = site / "google" / "colab"
    stub.mkdir(parents=True)
    (stub / "__init__.py").write_text('"""Stands in for Colab\'s own module: only its presence counts."""\n')
    return site


@pytest.fixture(scope="module")
def repository_copy(tmp_path_factory) -> str:
    """A git repository of this working tree's package, as a pip requirement (``git+file://``)."""
    copy = tmp_path_factory.mktemp("repository")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, copy / name)
    shutil.copytree(ROOT / "aelib", copy / "aelib", ignore=shutil.ignore_patterns("__pycache__"))
    git = ["git", "-C", str(copy), "-c", "user.name=test", "-c", "user.email=test@localhost"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "working tree"]):
        subprocess.run(git + command, check=True)
    return "git+" + copy.as_uri()


def fresh_environment(folder: Path, colab_site: Path) -> Path:
    """A new virtual environment that sees ``colab_site`` and nothing else; its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    site = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    (Path(site) / "colab.pth").write_text(f"{colab_site}\n")
    return python


@pytest.fixture(scope="module")
def colab_kernel(tmp_path_factory, colab_site, repository_copy):
    """One kernel for every chapter (the imports are paid once), started in a fresh environment
    without aelib, with ``google.colab`` imported as Colab's kernels do; yields its manager and
    the environment's folder."""
    folder = tmp_path_factory.mktemp("colab")
    python = fresh_environment(folder / "venv", colab_site)
    missing = subprocess.run([python, "-c", "import aelib"], check=False, capture_output=True, cwd=folder)
    assert missing.returncode != 0, "the fresh environment must not have aelib before the set-up cell"

    spec = folder / "kernels" / "colab"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}",
                 "--IPKernelApp.exec_lines=import google.colab"],
        "display_name": "Colab stand-in",
        "language": "python",
    }))
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env.update(
        AELIB_REPOSITORY=repository_copy,
        AELIB_BUDGET="smoke",
        # On Colab the data would go to /content/data; here it stays where the other tests find it.
        AELIB_DATA_DIR=str(default_data_dir()),
        PIP_NO_INDEX="1",  # offline: everything aelib needs must be installed already
        PIP_NO_BUILD_ISOLATION="0",  # pip reads this as --no-build-isolation: Colab's setuptools
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    manager = KernelManager(kernel_name="colab",
                            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec.parent)]))
    manager.start_kernel(env=env, cwd=str(folder))
    yield manager, folder / "venv"
    manager.shutdown_kernel(now=True)


@pytest.mark.notebooks
@pytest.mark.parametrize("source", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_runs_on_colab_after_its_setup_cell(source, colab_kernel):
    manager, venv = colab_kernel
    notebook = jupytext.read(source)
    # Each chapter starts from an empty namespace, as in a kernel of its own.
    notebook.cells.insert(0, nbformat.v4.new_code_cell("%reset -f"))
    notebook.cells.append(nbformat.v4.new_code_cell(WHERE_AELIB_IS))
    NotebookClient(notebook, km=manager, timeout=600).execute()
    where = notebook.cells[-1].outputs[0]["text"].strip()
    assert Path(where).is_relative_to(venv), f"aelib was imported from {where}, not the fresh environment"
