"""The chapters' figures in the built book: every one has a real text description as its alt
text (never empty, never a file name or hash), is drawn on an opaque background (legible in the
theme's dark mode) and fits a phone's screen.
"""

from __future__ import annotations

import base64
import io
import re

import matplotlib.pyplot as plt
import nbformat
import pytest
from bookpages import ROOT, chapters, html_path

pytestmark = pytest.mark.browser

CHAPTERS = chapters()
PHONE = {"width": 390, "height": 844}
SHOW = re.compile(r"\bshow\(")  # aelib.plot.show: one figure per call
FILE_NAME_OR_HASH = re.compile(r"\.(png|jpe?g|gif|svg|webp)\b|[0-9a-f]{16,}|^data:", re.IGNORECASE)

IMAGES = """() => [...document.querySelectorAll("main img")].map(img => ({
  alt: img.getAttribute("alt"), src: img.getAttribute("src"), output: !!img.closest(".cell_output"),
  width: img.getBoundingClientRect().width, right: img.getBoundingClientRect().right}))"""


def page_id(page: str) -> str:
    return page.split("/")[-1].removesuffix(".ipynb")


def figure_calls(chapter: str) -> int:
    notebook = nbformat.read(ROOT / chapter, as_version=4)
    return sum(len(SHOW.findall(cell.source)) for cell in notebook.cells if cell.cell_type == "code")


@pytest.fixture(scope="module")
def images(browser, server):
    """images(chapter, viewport) -> the chapter's images as the browser lays them out."""
    seen = {}

    def look(chapter: str, viewport: dict) -> list[dict]:
        key = chapter, viewport["width"]
        if key not in seen:
            context = browser.new_context(viewport=viewport)
            tab = context.new_page()
            tab.goto(server + html_path(chapter), wait_until="load")
            seen[key] = tab.evaluate(IMAGES), tab.evaluate("() => document.documentElement.scrollWidth")
            context.close()
        return seen[key]

    return look


@pytest.mark.parametrize("chapter", CHAPTERS, ids=page_id)
def test_every_image_has_a_text_description(images, chapter):
    found, _ = images(chapter, {"width": 1280, "height": 900})
    figures = [image for image in found if image["output"]]
    assert len(figures) == figure_calls(chapter), (
        f"{chapter}: {len(figures)} figures on the page, {figure_calls(chapter)} show() calls")
    for image in found:  # the figures, and the theme's own images (such as the launch buttons)
        alt = (image["alt"] or "").strip()
        where = f"{chapter}, image {image['src'][:60]}"
        assert alt, f"{where} has no alt text"
        assert not FILE_NAME_OR_HASH.search(alt), f"{where}: its alt text looks like a file: {alt!r}"
        assert not image["output"] or len(alt.split()) >= 12, f"{where}: too short for a figure: {alt!r}"
    alts = [image["alt"] for image in figures]
    assert len(set(alts)) == len(alts), f"{chapter}: two figures share a description"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=page_id)
def test_figures_fit_a_phone_screen(images, chapter):
    found, page_width = images(chapter, PHONE)
    assert page_width <= PHONE["width"], f"{chapter} scrolls sideways on a phone: {page_width} px"
    wider = [image["src"][:60] for image in found if image["right"] > PHONE["width"] + 0.5]
    assert wider == [], f"{chapter}: figures run off a phone's screen: {wider}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=page_id)
def test_figures_have_an_opaque_background_for_dark_mode(book_html, chapter):
    """The theme's dark mode puts the page's dark background behind transparent pixels, where
    black text and axes would vanish."""
    page = (book_html / html_path(chapter)).read_text()
    pngs = re.findall(r'<img src="data:image/png;base64,([^"]+)"', page)
    assert len(pngs) == figure_calls(chapter)
    for i, png in enumerate(pngs, start=1):
        pixels = plt.imread(io.BytesIO(base64.b64decode(png)))
        assert pixels.shape[2] == 3 or pixels[..., 3].min() == 1, f"{chapter}: figure {i} is transparent"
