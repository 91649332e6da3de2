# One command each: `make serve`, `make build`, `make test`. Each sets up .venv first when needed.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup serve build test lint check bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

serve: $(STAMP)  ## preview at http://127.0.0.1:8000, reloading when an entry changes
	$(VENV)/bin/mkdocs serve

build: $(STAMP)  ## the site in site/
	$(VENV)/bin/mkdocs build --strict

check: $(STAMP)  ## validate every entry file
	$(PY) -m generator check

lint: $(STAMP)
	$(VENV)/bin/ruff check
	$(VENV)/bin/mypy

test: $(STAMP) lint  ## lint, type-check, then the whole test suite
	$(PY) -m pytest

bench: $(STAMP)  ## build-time and reload benchmarks (minutes)
	$(PY) bench/bench_build.py

clean:
	rm -rf site pages bench/out
