"""The pages of the book, read from _toc.yml and _config.yml (shared by the browser tests)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text())


def toc_pages() -> list[str]:
    """Every page of _toc.yml, in order, as a source path relative to the root (with suffix)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                files.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    pages = []
    for name in files:
        path = ROOT / name
        if path.suffix not in (".md", ".ipynb"):
            path = next((p for p in (path.with_suffix(".md"), path.with_suffix(".ipynb")) if p.exists()),
                        path.with_suffix(".md"))
        pages.append(path.relative_to(ROOT).as_posix())
    return pages


def chapters() -> list[str]:
    return [page for page in toc_pages() if page.endswith(".ipynb")]


def html_path(page: str) -> str:
    """The built page of a source file: notebooks/01_x.ipynb -> notebooks/01_x.html."""
    return re.sub(r"\.(md|ipynb)$", ".html", page)
