# One task runner. `make site` and `make test` are all a new user needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock installer.lock pyproject.toml | cksum | cut -d' ' -f1)
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes

.PHONY: site test lint typecheck golden serve sample clean chromium browser-tools bench

# uv (installer.lock, a wheel pinned by hash) installs the lock in about a quarter of pip's time; where no uv wheel
# fits the machine, pip installs it. Both check every file against the lock's hashes.
$(STAMP): requirements.lock installer.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	@if $(PIP) --only-binary=:all: -r installer.lock; then \
		echo "$(BIN)/uv pip install --require-hashes -r requirements.lock"; \
		$(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode --require-hashes -r requirements.lock; \
	else \
		echo "uv could not be installed here (no wheel for this machine?): installing with pip"; \
		$(PIP) -r requirements.lock; \
	fi
	@rm -f $(VENV)/.installed-* && touch $@

## site: generate every week from the bundled sample and build site/ (offline)
site: $(STAMP)
	$(BIN)/python -m generator site

## test: lint, type-check and run the whole test suite (what CI runs)
test: $(STAMP) lint typecheck chromium browser-tools
	$(BIN)/python -m pytest -n 2 -q

# The browser tests drive Debian's Chromium; as root on Debian it is installed here, elsewhere
# they are skipped with the reason (or set CHROMIUM_PATH to a Chromium binary).
chromium:
	@if ! command -v chromium >/dev/null 2>&1 && [ -z "$$CHROMIUM_PATH" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "Installing Chromium for the browser tests"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
			|| echo "Chromium could not be installed: the browser tests will be skipped"; \
	fi

# Lighthouse and axe-core for the browser tests, pinned in tests/browser-tools/package-lock.json;
# without npm they are skipped with the reason.
browser-tools:
	@if command -v npm >/dev/null 2>&1; then \
		cd tests/browser-tools && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error \
			|| echo "Lighthouse and axe-core could not be installed: their tests will be skipped"; \
	else echo "no npm: the Lighthouse and axe-core tests will be skipped"; fi

lint: $(STAMP)
	$(BIN)/ruff check generator tests
	$(BIN)/ruff format --check generator tests

typecheck: $(STAMP)
	$(BIN)/mypy

## golden: rewrite the golden articles in tests/golden/ after a deliberate change of wording
golden: $(STAMP)
	UPDATE_GOLDEN=1 $(BIN)/python -m pytest -q tests/test_golden.py

## serve: live preview on http://127.0.0.1:8000; edits to notes, templates and data regenerate what they touch
serve: $(STAMP)
	$(BIN)/python -m generator serve

## sample: rebuild data/sample/prices.parquet from ../shared/data/etf-daily-2016-2021
sample: $(STAMP)
	$(BIN)/python -m generator make-sample

clean:
	rm -rf site .cache .staging content/posts content/weeks content/methodology.md content/about-data.md content/assets/javascripts/vega-bundle.js

## bench: time generation, builds, the weekly run and the whole universe; writes BENCHMARKS.md (under 10 minutes)
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
