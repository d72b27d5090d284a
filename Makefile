# The course's commands. `make book` builds the book, `make test` runs every test.
# Both create the virtual environment in .venv on first use.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Offline machines: a data folder beside the checkout (../shared/data, laid out as
# MNIST/raw/*.gz) is used without downloading. Elsewhere set AELIB_DATA_DIR yourself.
ifeq ($(origin AELIB_DATA_DIR),undefined)
ifneq ($(wildcard ../shared/data/MNIST/raw),)
AELIB_DATA_DIR := $(abspath ../shared/data)
AELIB_OFFLINE ?= 1
$(info Using the offline data in $(AELIB_DATA_DIR) (AELIB_OFFLINE=$(AELIB_OFFLINE)).)
endif
endif
export AELIB_DATA_DIR AELIB_OFFLINE

.PHONY: help setup book mathjax test test-unit solutions bench sync lint clean system-deps

help:
	@echo "make book   build the course (executes every notebook) into _build/html"
	@echo "make test   run all tests: aelib, notebooks (smoke budget), the book in a browser"
	@echo "make solutions  every chapter with its exercise solutions at full budget (claims checked)"
	@echo "make bench  measure training speed and the whole course's run time"
	@echo "make sync   pair notebooks/*.py with notebooks/*.ipynb (jupytext)"

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install -r requirements.txt
	$(BIN)/pip install --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)

sync: $(STAMP)
	$(BIN)/jupytext --sync notebooks/*.py

lint: $(STAMP)
	$(BIN)/ruff check aelib tests benchmarks

# The npm packages of package-lock.json, installed again when package.json or the lock changes.
NPM_STAMP := node_modules/.installed

$(NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

# MathJax for the book comes from npm (package-lock.json pins mathjax 3.2.2) and is copied next
# to the pages, so that math renders with no network: no CDN for scripts or fonts.
MATHJAX_NPM := node_modules/mathjax/es5
MATHJAX := book/_static/mathjax/tex-chtml.js

$(MATHJAX): $(NPM_STAMP)
	rm -rf book/_static/mathjax
	mkdir -p book/_static/mathjax/input/tex book/_static/mathjax/output
	cp $(MATHJAX_NPM)/tex-chtml.js book/_static/mathjax/
	cp -R $(MATHJAX_NPM)/a11y $(MATHJAX_NPM)/sre $(MATHJAX_NPM)/ui book/_static/mathjax/
	cp -R $(MATHJAX_NPM)/input/tex/extensions book/_static/mathjax/input/tex/
	cp -R $(MATHJAX_NPM)/output/chtml book/_static/mathjax/output/

mathjax: $(MATHJAX)

# axe-core (pinned in package-lock.json) for the accessibility tests: the browser tests inject it
# into each page; the book itself never loads it.
.PHONY: axe
axe: $(NPM_STAMP)

# jupyter-cache runs a notebook again when its code changes, not when aelib or the pinned packages
# do: such a change empties the cache, so that the book never shows outputs of older code.
_build/.cache-stamp: $(filter-out %.pyc,$(wildcard aelib/*.py aelib/*/*)) requirements.txt
	rm -rf _build/.jupyter_cache
	mkdir -p _build && touch $@

# Sphinx copies the static files only when it rewrites some page: a change to them (CSS, images)
# removes the rendered pages, which are then written again from the cache in seconds.
_build/.static-stamp: $(wildcard book/_static/*.* book/_ext/*.py)
	rm -rf _build/html
	mkdir -p _build && touch $@

# Executes every chapter (cached: an unchanged notebook is not run again), then renders the HTML.
# Any Sphinx warning or failing cell fails the build.
# At full budget the chapters record their headline numbers in $(SCOREBOARD) (aelib.scoreboard);
# book/scoreboard.md is rendered from it after the build, for the next one.
SCOREBOARD := benchmarks/results/scoreboard.json

book: $(STAMP) $(MATHJAX) _build/.cache-stamp _build/.static-stamp
	AELIB_PROGRESS=log AELIB_SCOREBOARD=$(abspath $(SCOREBOARD)) $(BIN)/jupyter-book build . -W -n --keep-going
	$(BIN)/python benchmarks/scoreboard.py
	@echo "The book is in $(abspath _build/html)/index.html"

clean:
	rm -rf _build test-artifacts

# Debian packages the tests use: Chromium for the browser tests, Fashion-MNIST for full-size runs.
system-deps:
	bash scripts/install-system-deps.sh

# One pytest run: aelib's unit tests, every chapter with its exercise solutions at smoke budget
# (tests/test_chapters.py), and the book built at smoke budget and checked in headless Chromium.
test: $(STAMP) system-deps
	AELIB_BUDGET=smoke AELIB_PROGRESS=log $(BIN)/pytest tests

# Every chapter with its exercise solutions appended, at full budget, where a claim of the text
# that the run contradicts fails (aelib.claim). Pass AELIB_DATASET=fashion for Fashion-MNIST.
solutions: $(STAMP) system-deps
	AELIB_BUDGET=full AELIB_PROGRESS=log $(BIN)/pytest tests/test_chapters.py -k runs_with

test-unit: $(STAMP)
	$(BIN)/pytest tests -m "not browser and not notebooks"

# Speed, measured three ways: the usual VAE loop against aelib.fit, the conv autoencoder before
# and after aelib's speed-ups against the machine's own matmul speed, and every chapter at full
# budget on Fashion-MNIST. Writes benchmarks/results/latest.{json,md} and book/performance.md;
# pass options with BENCH_ARGS, e.g. `make bench BENCH_ARGS="--part 1 --threads 1"` (see
# benchmarks/run.py --help). `AELIB_BUDGET=smoke make bench` checks that it runs, writing nothing.
bench: $(STAMP) system-deps
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)
