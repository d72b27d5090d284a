"""Accessibility of the built book: axe-core (from npm, pinned in package-lock.json) checks every
page against the WCAG 2.0 and 2.1 A and AA rules at a desktop and a phone width: as the page
loads, with every folded block (solutions, hidden cells) opened, and then in the theme's dark mode.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bookpages import html_path, toc_pages

pytestmark = pytest.mark.browser

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# Every page of the table of contents, and the two pages Sphinx adds.
PAGES = [html_path(page) for page in toc_pages()] + ["genindex.html", "search.html"]
SEARCH_QUERY = "decoder"  # the search page is checked with its results listed

RUN_AXE = """async tags => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) await MathJax.startup.promise;
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                          resultTypes: ["violations"]});
  return result.violations.map(v => ({
    rule: v.id, help: v.help,
    nodes: v.nodes.map(n => ({
      target: n.target.join(" "),
      why: (n.failureSummary || "").split("\\n").slice(1).join(" ").trim()}))}));
}"""

# Waits for the page's finite animations and transitions (such as the fade-in of an opened cell),
# so that axe measures the colours a reader ends up seeing.
SETTLE = """async () => {
  const finite = document.getAnimations()
      .filter(a => a.effect && a.effect.getComputedTiming().endTime < Infinity);
  await Promise.all(finite.map(a => a.finished.catch(() => null)));
}"""
OPEN_EVERY_DETAILS = "() => document.querySelectorAll('details').forEach(d => { d.open = true; })"
# What the theme's colour switch does (pydata-sphinx-theme), for the dark mode.
DARK_MODE = """() => {
  Object.assign(document.documentElement.dataset, {theme: "dark", mode: "dark"});
}"""


def built_pages(book_html: Path) -> set[str]:
    """The HTML pages of the build, less the theme's templates and redirects."""
    pages = set()
    for path in book_html.rglob("*.html"):
        relative = path.relative_to(book_html).as_posix()
        if not relative.startswith("_") and 'http-equiv="Refresh"' not in path.read_text()[:300]:
            pages.add(relative)
    return pages


def test_every_page_of_the_build_is_checked(book_html):
    assert built_pages(book_html) == set(PAGES)


def test_the_book_does_not_load_axe(book_html):
    loading = [page for page in built_pages(book_html)
               if re.search(r"<script[^>]*axe", (book_html / page).read_text())]
    assert loading == [] and not list(book_html.rglob("axe*.js")), loading


def violations(tab, state: str) -> dict[tuple[str, str], str]:
    """Each (rule, element) that axe flags once the page has settled, with a line that says why
    and in which state the page was."""
    tab.evaluate(SETTLE)
    found = {}
    for rule in tab.evaluate(RUN_AXE, TAGS):
        for node in rule["nodes"]:
            found[rule["rule"], node["target"]] = (
                f"{rule['rule']} ({rule['help']}), {state}: {node['target']}: {node['why']}")
    return found


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("page", PAGES, ids=lambda page: Path(page).stem)
def test_page_has_no_wcag_violations(browser, server, axe_script, page, viewport):
    """axe on the page as it loads (light mode), with every <details> open (solutions and folded
    cells), and then in dark mode."""
    context = browser.new_context(viewport=VIEWPORTS[viewport])
    local = urlparse(server).netloc
    context.route("**/*", lambda r: r.continue_() if urlparse(r.request.url).netloc == local
                  or r.request.url.startswith("data:") else r.abort())
    tab = context.new_page()
    url = server + page + (f"?q={SEARCH_QUERY}" if page == "search.html" else "")
    tab.goto(url, wait_until="load")
    tab.wait_for_load_state("networkidle")
    if page == "search.html":
        tab.wait_for_selector("#search-results p.search-summary", timeout=30_000)
    assert tab.evaluate("document.documentElement.dataset.theme") == "light"
    tab.add_script_tag(path=str(axe_script))
    light = violations(tab, "light mode, as loaded")
    tab.evaluate(OPEN_EVERY_DETAILS)
    light = violations(tab, "light mode, every <details> open") | light
    tab.evaluate(DARK_MODE)
    found = [*light.values(), *violations(tab, "dark mode, every <details> open").values()]
    context.close()
    assert not found, f"{len(found)} WCAG violations on {page} ({viewport}):\n" + "\n".join(found)
