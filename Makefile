# One command each: `make serve`, `make build`, `make test`. Each sets up .venv first when needed.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup serve build test lint check bench clean browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP)

# `make serve PORT=8001` previews on another port; `make build ENGINE=properdocs` builds with ProperDocs
PORT = 8000
ENGINE = mkdocs
serve: $(STAMP)  ## preview at http://127.0.0.1:$(PORT), reloading when an entry changes
	$(VENV)/bin/$(ENGINE) serve --dev-addr 127.0.0.1:$(PORT) -f mkdocs.yml

build: $(STAMP)  ## the site in site/
	$(VENV)/bin/$(ENGINE) build --strict -f mkdocs.yml

# `make check BASE=upstream/main` compares with another branch than the default (origin/HEAD, origin/main, main)
BASE =
check: $(STAMP)  ## errors anywhere in the list, and every problem of the entry files you added or changed, strictly
	$(PY) -m generator check --strict --changed $(BASE)

# The browser tests drive Debian's Chromium (never a downloaded browser); install it once if missing.
browser:
	@[ -x /usr/bin/chromium ] || [ -n "$$DLP_SKIP_BROWSER_TESTS" ] || { \
	  echo "Installing Debian's chromium for the browser tests (set DLP_SKIP_BROWSER_TESTS=1 to skip them)"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

lint: $(STAMP)
	$(VENV)/bin/ruff check
	$(VENV)/bin/mypy

test: $(STAMP) lint browser  ## lint, type-check, then the whole test suite (browser tests included)
	$(PY) -m pytest

bench: $(STAMP) browser  ## benchmarks (about 30 minutes): builds, reload, explorer, suggestions, scale and search
	$(PY) bench/bench_build.py
	$(PY) bench/bench_rebuild.py
	$(PY) bench/bench_explorer.py
	$(PY) bench/bench_suggest.py
	$(PY) bench/bench_scale.py
	$(PY) bench/bench_search.py

clean:
	rm -rf site pages bench/out
