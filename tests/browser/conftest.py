"""Fixtures for the browser tests: the book built at smoke budget, served on localhost, and
Debian's Chromium driven by Playwright (never a browser that Playwright downloads itself).

Set ``AELIB_BOOK_HTML=/path/to/_build/html`` to test a book that is already built instead.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bookpages import ROOT, html_path

BIN = Path(sys.executable).parent
SMOKE_OUTPUT = ROOT / "_build" / "smoke"  # kept apart from `make book`'s full-budget cache
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _newer_than(stamp: Path, sources: list[Path]) -> bool:
    """True if any source file changed after `stamp` was touched (or there is no stamp); then
    touch it."""
    files = [p for p in sources if p.is_file() and "__pycache__" not in p.parts]
    if stamp.exists() and stamp.stat().st_mtime >= max(p.stat().st_mtime for p in files):
        return False
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.touch()
    return True


def _forget_stale_outputs() -> None:
    """What `make book` does for its own build (see the Makefile): jupyter-cache only notices
    changes to a notebook's own code, and Sphinx copies static files only with a rewritten page."""
    if _newer_than(SMOKE_OUTPUT / ".cache-stamp",
                   [*(ROOT / "aelib").rglob("*"), ROOT / "requirements.txt"]):
        shutil.rmtree(SMOKE_OUTPUT / "_build" / ".jupyter_cache", ignore_errors=True)
    if _newer_than(SMOKE_OUTPUT / ".static-stamp",
                   [*(ROOT / "book" / "_static").glob("*.*"), *(ROOT / "book" / "_ext").glob("*.py")]):
        shutil.rmtree(SMOKE_OUTPUT / "_build" / "html", ignore_errors=True)


def _build_book() -> Path:
    """Build the book at smoke budget into _build/smoke; return its html folder."""
    subprocess.run(["make", "-s", "mathjax"], cwd=ROOT, check=True)
    _forget_stale_outputs()
    env = dict(os.environ, AELIB_BUDGET="smoke", AELIB_PROGRESS="log")
    command = [str(BIN / "jupyter-book"), "build", str(ROOT), "--path-output", str(SMOKE_OUTPUT),
               "-W", "-n", "--keep-going"]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    log = SMOKE_OUTPUT / "build.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(result.stdout + result.stderr)
    if result.returncode != 0:
        # Sphinx would keep the pages of notebooks that failed to run, and not read them again
        # next time unless they change: forget them (jupyter-cache keeps the ones that ran).
        shutil.rmtree(SMOKE_OUTPUT / "_build" / ".doctrees", ignore_errors=True)
        problems = [line for line in (result.stdout + result.stderr).splitlines()
                    if re.search(r"WARNING:|ERROR:|Error|Traceback", line)]
        tail = "\n".join((problems or (result.stdout + result.stderr).splitlines())[-40:])
        _build_failure.append(f"`{' '.join(command)}` failed (full log in {log}):\n{tail}")
        pytest.fail(_build_failure[0], pytrace=False)
    print(f"\nBuilt the book at smoke budget in {seconds:.0f} s ({log})")
    return SMOKE_OUTPUT / "_build" / "html"


_build_failure: list[str] = []  # pytest retries a failed session fixture for every test: once is enough


@pytest.fixture(scope="session")
def book_html() -> Path:
    """The folder of the built HTML: $AELIB_BOOK_HTML if set, else a fresh smoke-budget build."""
    if _build_failure:
        pytest.fail(_build_failure[0], pytrace=False)
    given = os.environ.get("AELIB_BOOK_HTML")
    html = Path(given).resolve() if given else _build_book()
    if not (html / "index.html").exists():
        pytest.fail(f"No index.html in {html}: is it a built book's html folder?", pytrace=False)
    return html


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture(scope="session")
def server(book_html: Path):
    """The built book served on 127.0.0.1 (a free port) by a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(book_html))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """axe-core's script from npm (`make axe`, pinned in package-lock.json), for tests to inject
    into a page: the book itself never loads it."""
    subprocess.run(["make", "-s", "axe"], cwd=ROOT, check=True)
    return ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make system-deps` (Debian's chromium).",
                    pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Visit:
    """What one page did in the browser."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    screenshot: Path | None = None


# Collected in the page once it has loaded and MathJax has finished.
FACTS_JS = """async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const main = document.querySelector("main") || document.body;
  const clone = main.cloneNode(true);
  clone.querySelectorAll("pre, code, script, style, mjx-container").forEach(e => e.remove());
  const launch = [...document.querySelectorAll("a")].map(a => a.href)
      .filter(h => /colab\\.research|mybinder\\.org|_sources\\//.test(h));
  return {
    images: [...document.images].map(img => ({
      src: img.currentSrc || img.src, complete: img.complete, width: img.naturalWidth})),
    mathElements: document.querySelectorAll("main .math").length,
    typesetMath: document.querySelectorAll("main .math mjx-container").length,
    mathErrors: document.querySelectorAll("mjx-merror").length,
    text: clone.innerText,
    links: launch,
    details: [...document.querySelectorAll("main details:not(.hide)")].map(d => ({
      open: d.open, summary: (d.querySelector("summary") || {}).innerText || "",
      length: d.textContent.length})),
    foldedCells: [...document.querySelectorAll("main details.hide")].map(d => ({
      open: d.open, text: d.textContent})),
    title: document.title,
  };
}"""


@pytest.fixture(scope="session")
def visit(browser, server):
    """visit(page) opens a toc page once per session and returns what it saw (a Visit)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    visits: dict[str, Visit] = {}
    local = urlparse(server).netloc

    def open_page(page: str) -> Visit:
        if page in visits:
            return visits[page]
        record = Visit(url=server + html_path(page))
        context = browser.new_context(viewport={"width": 1280, "height": 900})

        def route(r):
            if urlparse(r.request.url).netloc == local or r.request.url.startswith("data:"):
                r.continue_()
            else:  # the book must work offline: record and refuse anything else
                record.outside_requests.append(r.request.url)
                r.abort()

        context.route("**/*", route)
        tab = context.new_page()
        tab.on("console", lambda m: m.type == "error" and record.console_errors.append(
            f"{m.text} ({m.location.get('url', '')})"))
        tab.on("pageerror", lambda e: record.console_errors.append(f"uncaught: {e}"))
        tab.on("requestfailed", lambda r: urlparse(r.url).netloc == local
               and record.failed_requests.append(f"{r.url}: {r.failure}"))
        tab.on("response", lambda r: r.status >= 400 and record.failed_requests.append(
            f"{r.url}: HTTP {r.status}"))
        tab.goto(record.url, wait_until="load")
        tab.wait_for_load_state("networkidle")
        record.facts = tab.evaluate(FACTS_JS)
        record.screenshot = SCREENSHOTS / (html_path(page).replace("/", "__")[:-5] + ".png")
        tab.screenshot(path=str(record.screenshot), full_page=True)
        context.close()
        visits[page] = record
        return record

    return open_page


@pytest.fixture(scope="session")
def search(browser, server):
    """search(query) -> the hrefs of the results on the book's search page."""

    def run(query: str) -> list[str]:
        context = browser.new_context()
        tab = context.new_page()
        tab.goto(f"{server}search.html?q={query}", wait_until="load")
        # Sphinx's search lists the results, then writes a summary ("Search finished, ...").
        tab.wait_for_function(
            "() => (document.querySelector('#search-results p.search-summary') || {}).innerText",
            timeout=30_000)
        hrefs = tab.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.href)")
        context.close()
        return hrefs

    return run
