# Two entry points (see README): `make run` starts the chat UI, `make test` runs every check.
# Both are self-sufficient on a fresh clone: they create .venv and install what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.planqa-installed

.PHONY: install run test lint browser bench bench-load bench-growth eval

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# the CPU wheel of torch on this machine; must precede sentence-transformers
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(STAMP)

run: install
	$(BIN)/planqa serve

# Debian's Chromium drives the browser tests (Playwright with executable_path=/usr/bin/chromium);
# Noto CJK so that screenshots show Chinese.
browser:
	@(test -x /usr/bin/chromium && fc-list :lang=zh | grep -q .) || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null)

lint: install
	$(BIN)/ruff check .

test: install browser lint
	$(BIN)/python -m pytest

bench: install
	$(BIN)/planqa bench

# concurrency: 32 threads x 25 questions against PlanQA.ask and the running Gradio API
bench-load: install
	$(BIN)/planqa bench-load

# growth: synthetic 1x/10x/100x corpora, flat vs HNSW (writes docs/benchmarks.md and docs/growth.png)
bench-growth: install
	$(BIN)/planqa bench-growth --chart docs/growth.png

eval: install
	$(BIN)/planqa eval
