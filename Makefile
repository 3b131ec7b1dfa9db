# THADS — two commands matter: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
# The embedded default: SQLite under instance/, StubBroker, in-process worker and scheduler.
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-evening lint bench install install-test translations translations-update services chromium clean vendor

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed translations vendor

install-test: $(VENV)/.installed-test translations vendor

# Compile the catalogues (thads/translations/<lang>/LC_MESSAGES/messages.po → .mo, gitignored).
# A catalogue error fails the build; fuzzy entries are never compiled.
translations: | $(BIN)/python
	@test -x $(BIN)/pybabel || { echo "translations: $(BIN)/pybabel is missing; run make install" >&2; exit 1; }
	$(BIN)/pybabel -q compile -d thads/translations

# After adding UI strings: re-extract and merge into every .po, then translate each empty msgstr
# (tests/integration/test_i18n.py fails while one is missing).
translations-update: | $(BIN)/python
	$(BIN)/pybabel -q extract -F babel.cfg -k lazy_gettext -k _l -o thads/translations/messages.pot .
	$(BIN)/pybabel -q update -i thads/translations/messages.pot -d thads/translations --no-fuzzy-matching --ignore-obsolete

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load --if-empty
	$(BIN)/flask run --host $(HOST) --port $(PORT)

services:
	bash .ci/services

# The workflow diagram page draws with Mermaid served from /static/vendor (never a CDN): the
# pinned release is fetched from the npm registry once; without npm the page shows the text.
MERMAID_VERSION ?= 11.17.2
VENDOR := thads/static/vendor
vendor: $(VENDOR)/mermaid.min.js

$(VENDOR)/mermaid.min.js:
	@mkdir -p $(VENDOR)
	@if command -v npm >/dev/null 2>&1; then \
	  tmp=$$(mktemp -d) && (cd $$tmp && npm pack -q mermaid@$(MERMAID_VERSION) >/dev/null) && \
	  tar -xzf $$tmp/mermaid-$(MERMAID_VERSION).tgz -C $$tmp package/dist/mermaid.min.js && \
	  cp $$tmp/package/dist/mermaid.min.js $@ && rm -rf $$tmp && echo "vendor: mermaid $(MERMAID_VERSION)"; \
	else echo "vendor: npm not found, the workflow diagram is shown as text"; fi

chromium:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q chromium chromium-driver; }

test: install-test services chromium
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# The whole suite with the clock at 23:30 UTC today (the hours when the app's date, in
# Asia/Ho_Chi_Minh, is a day ahead of the machine's): no test may depend on the hour.
test-evening: install-test services chromium
	THADS_TEST_NOW=$$(date -u +%Y-%m-%d)T23:30:00Z $(BIN)/python -m pytest -q $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .

bench: install-test services
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) instance/*.sqlite3 .pytest_cache
