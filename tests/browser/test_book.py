"""The built book in a real browser (Debian's Chromium): every page of the table of contents
loads cleanly and offline, shows its figures and typeset math, and links to its notebook.

Screenshots of every page go to test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlparse
from urllib.request import urlopen

import nbformat
import pytest
from bookpages import ROOT, chapters, config, html_path, toc_pages

pytestmark = pytest.mark.browser

PAGES = toc_pages()
CHAPTERS = chapters()
GLOSSARY_TERMS = {
    "Autoencoder", "Encoder", "Decoder", "Latent space", "Code", "Reconstruction error",
    "Generative model", "Discriminative model", "Decision boundary", "Bayes' rule", "PCA", "SVD",
    "Explained variance", "Principal angles", "VAE", "ELBO", "KL divergence",
    "Reparameterisation trick", "Prior", "Posterior", "Denoising autoencoder", "Anomaly detection",
    "ROC curve", "AUC", "Conditional VAE", "beta-VAE", "Manifold", "k-NN accuracy",
}
CITATION_KEYS = {
    "rumelhart1986", "hinton2006", "vincent2008", "kingma2014", "rezende2014", "higgins2017",
    "sohn2015", "ng2001", "baldi1989", "lecun1998", "xiao2017", "ghosh2020", "hoffman2016",
    "kingma2014semi", "burda2016", "smith2019", "salimans2016", "theis2016",
}


def page_id(page: str) -> str:
    return Path(page).stem


def markdown_sources(page: str) -> list[str]:
    """The Markdown a page is written in: the file itself, or a notebook's markdown cells."""
    path = ROOT / page
    if path.suffix == ".ipynb":
        notebook = nbformat.read(path, as_version=4)
        return [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    return [path.read_text()]


def prose(markdown: str) -> str:
    """Markdown without code blocks, inline code, math, roles, HTML tags and links' targets."""
    text = re.sub(r"^(```|~~~).*?^\1", " ", markdown, flags=re.DOTALL | re.MULTILINE)
    text = re.sub(r"\$\$.*?\$\$|\$[^$\n]+\$", " ", text, flags=re.DOTALL)
    text = re.sub(r"\{[a-z:]+\}`[^`]*`|`[^`]*`", " ", text)
    text = re.sub(r"<[^>]+>|\]\([^)]*\)|https?://\S+", " ", text)
    return text


def code_sources(page: str) -> list[str]:
    notebook = nbformat.read(ROOT / page, as_version=4)
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


# ------------------------------------------------------------------------------------------------
# Every page


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_page_loads_without_console_errors(visit, page):
    seen = visit(page)
    assert seen.console_errors == [], f"{seen.url} logged errors:\n" + "\n".join(seen.console_errors)
    assert seen.failed_requests == [], f"{seen.url} had failed requests:\n" + "\n".join(
        seen.failed_requests)


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_page_requests_nothing_from_the_network(visit, page):
    seen = visit(page)
    assert seen.outside_requests == [], (
        f"{seen.url} needs the network (the book must work offline):\n"
        + "\n".join(seen.outside_requests))


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_every_image_loads(visit, page):
    seen = visit(page)
    broken = [img["src"] for img in seen.facts["images"] if not img["complete"] or img["width"] == 0]
    assert broken == [], f"images that did not load on {seen.url}: {broken}"


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_math_is_typeset(visit, page):
    seen = visit(page)
    facts = seen.facts
    has_math = any(re.search(r"\$[^$\s][^$]*\$", src, flags=re.DOTALL) for src in
                   (re.sub(r"^(```|~~~).*?^\1", " ", md, flags=re.DOTALL | re.MULTILINE)
                    for md in markdown_sources(page)))
    if has_math:
        assert facts["mathElements"] > 0, f"{page} has $...$ in its source but no math in the HTML"
    assert facts["typesetMath"] == facts["mathElements"], (
        f"MathJax typeset {facts['typesetMath']} of {facts['mathElements']} formulas on {seen.url}")
    assert facts["mathErrors"] == 0, f"{facts['mathErrors']} TeX errors on {seen.url}"
    leftovers = re.findall(r".{0,40}\$\$.{0,40}", facts["text"])
    assert leftovers == [], f"raw $$ left in the text of {seen.url}: {leftovers}"


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_markdown_tables_render_as_tables(visit, page):
    """A Markdown table (in the text or printed by a cell) must not show as pipes and dashes."""
    seen = visit(page)
    raw = re.findall(r".{0,30}\|\s*(?:-{3,}|—|–-?)\s*\|.{0,30}", seen.facts["text"])
    assert raw == [], f"unrendered Markdown table syntax on {seen.url}: {raw[:3]}"


@pytest.mark.parametrize("page", PAGES, ids=page_id)
def test_page_has_a_title_and_a_screenshot(visit, page):
    seen = visit(page)
    assert seen.facts["title"].strip() and "Autoencoders" in seen.facts["title"]
    assert seen.screenshot.exists() and seen.screenshot.stat().st_size > 10_000


# ------------------------------------------------------------------------------------------------
# Chapters


@pytest.mark.parametrize("chapter", CHAPTERS, ids=page_id)
def test_launch_and_download_links_point_at_the_notebook(visit, server, chapter):
    assert (ROOT / chapter).exists(), f"{chapter} is not in the checkout"
    repository = config()["repository"]
    owner_repo = urlparse(repository["url"]).path.strip("/")
    branch = repository["branch"]
    links = visit(chapter).facts["links"]
    colab = f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{chapter}"
    assert colab in links, f"no Colab link to {colab} among {links}"
    binder = [link for link in links if link.startswith(f"https://mybinder.org/v2/gh/{owner_repo}/")]
    assert binder and all(link.endswith(quote(chapter, safe="/")) or chapter in link
                          for link in binder), f"Binder links {binder} do not open {chapter}"
    download = server + "_sources/" + chapter
    assert download in links, f"no download link {download} among {links}"
    with urlopen(download) as response:
        notebook = nbformat.reads(response.read().decode(), as_version=4)
    assert notebook.cells, f"the downloadable {chapter} is empty"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=page_id)
def test_solutions_are_folded_details_blocks(visit, chapter):
    expected = sum(md.count("<details>") for md in markdown_sources(chapter))
    blocks = visit(chapter).facts["details"]
    assert len(blocks) == expected, f"{chapter}: {len(blocks)} <details> in the HTML, {expected} in the source"
    for block in blocks:
        assert not block["open"] and block["summary"].strip(), f"{chapter}: {block}"
        # The solution's Markdown must end up inside the block, not after it.
        assert block["length"] > len(block["summary"]) + 20, f"{chapter}: an empty solution {block}"


@pytest.mark.parametrize("chapter", CHAPTERS, ids=page_id)
def test_claim_checks_are_folded_cells(visit, chapter):
    expected = sum("claim(" in source for source in code_sources(chapter))
    folded = [cell for cell in visit(chapter).facts["foldedCells"] if "claim(" in cell["text"]]
    assert len(folded) == expected, f"{chapter}: {len(folded)} folded claim cells, {expected} in the source"
    assert not any(cell["open"] for cell in folded), f"{chapter}: a claim cell is unfolded"


def distinctive_word(chapter: str) -> str:
    """The chapter's most frequent long word that no other page of the book uses."""
    def words(page):
        return re.findall(r"[a-z]{8,}", " ".join(prose(md) for md in markdown_sources(page)).lower())

    others = {w for page in PAGES if page != chapter for w in words(page)}
    counts = Counter(w for w in words(chapter) if w not in others)
    assert counts, f"{chapter} has no word of 8+ letters that other pages lack"
    return counts.most_common(1)[0][0]


@pytest.mark.parametrize("chapter", CHAPTERS, ids=page_id)
def test_search_finds_the_chapter_by_a_word_in_it(search, chapter):
    word = distinctive_word(chapter)
    results = search(word)
    target = html_path(chapter)
    assert any(urlparse(href).path.endswith(target) for href in results), (
        f"searching for {word!r} found {results}, not {target}")


# ------------------------------------------------------------------------------------------------
# The whole build


class _AssetLinks(HTMLParser):
    """Collects the URLs of scripts, stylesheets, fonts and other assets a page loads."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe", "source") and attrs.get("src"):
            self.urls.append(attrs["src"])
        rel = (attrs.get("rel") or "").lower()
        if tag == "link" and attrs.get("href") and any(
                kind in rel for kind in ("stylesheet", "preload", "icon", "modulepreload")):
            self.urls.append(attrs["href"])


def test_built_html_loads_no_asset_from_another_site(book_html):
    pages = sorted(book_html.rglob("*.html"))
    assert len(pages) >= len(PAGES)
    external = []
    for page in pages:
        parser = _AssetLinks()
        parser.feed(page.read_text(errors="replace"))
        external += [f"{page.relative_to(book_html)}: {url}" for url in parser.urls
                     if re.match(r"(https?:)?//", url)]
    assert external == [], "assets loaded from other sites:\n" + "\n".join(external[:20])


def test_mathjax_is_served_from_the_book(book_html):
    chapter_html = (book_html / html_path(CHAPTERS[0])).read_text()
    scripts = re.findall(r'<script[^>]*src="([^"]*mathjax[^"]*)"', chapter_html)
    assert scripts and all(not re.match(r"(https?:)?//", s) for s in scripts), scripts
    assert (book_html / "_static" / "mathjax" / "tex-chtml.js").exists()
    fonts = list((book_html / "_static" / "mathjax" / "output" / "chtml" / "fonts").rglob("*.woff"))
    assert fonts, "MathJax's web fonts were not copied into the book"


def test_glossary_defines_exactly_the_course_terms(book_html):
    page = next(p for p in PAGES if p.endswith("glossary.md"))
    html = (book_html / html_path(page)).read_text()
    glossary = html.split('class="simple glossary"', 1)[1].split("</dl>", 1)[0]
    terms = {re.sub(r"<[^>]+>", "", t).strip().replace("\u2019", "'")
             for t in re.findall(r"<dt[^>]*>(.*?)(?:<a class=\"headerlink|</dt>)", glossary, flags=re.DOTALL)}
    assert terms == GLOSSARY_TERMS


def test_bibliography_lists_every_reference(book_html):
    page = next(p for p in PAGES if p.endswith("bibliography.md"))
    html = (book_html / html_path(page)).read_text()
    entries = html.count('<div class="citation"')
    assert entries == len(CITATION_KEYS), f"{entries} entries on the bibliography page"
    for author in ("Rumelhart", "Hinton", "Vincent", "Kingma", "Rezende", "Higgins", "Sohn", "Ng",
                   "Baldi", "LeCun", "Xiao", "Ghosh", "Hoffman"):
        assert author in html, f"{author} is missing from the bibliography"
