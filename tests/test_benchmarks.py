"""The committed benchmark results and the pages made from them agree; nothing is measured here."""

import json
from pathlib import Path

import report  # benchmarks/ is on pytest's path (pyproject.toml)

ROOT = Path(__file__).resolve().parents[1]


def test_committed_results_render_to_the_committed_pages():
    results = json.loads(report.LATEST.read_text())
    for path, text in report.files(results).items():
        assert path.read_text() == text, (
            f"{path.relative_to(ROOT)} is not what {report.LATEST.relative_to(ROOT)} renders to: "
            "run `.venv/bin/python benchmarks/report.py`"
        )


def test_the_book_page_marks_the_chapter_times_for_the_workshop_guide():
    page = report.BOOK_PAGE.read_text()
    assert page.count(report.CHAPTER_TIMES_START) == page.count(report.CHAPTER_TIMES_END) == 1
    guide = (ROOT / "book" / "workshop.md").read_text()
    assert report.CHAPTER_TIMES_START in guide and report.CHAPTER_TIMES_END in guide
