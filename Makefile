# Two commands for a newcomer: `make run` and `make test`.  Only python3 and make are needed.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000

.PHONY: run test test-pg test-browser lint check schema messages install install-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

$(VENV)/.installed-browser: pyproject.toml $(VENV)/.installed-test
	$(BIN)/python -m pip install --quiet -e '.[browser]'
	touch $@

install: $(VENV)/.installed messages
install-test: $(VENV)/.installed-test messages

messages: $(VENV)/.installed
	$(BIN)/python -m shouhou.core.po

## make run: install, migrate SQLite under var/, load demo data on first run, print logins, serve :8000
run: install
	DEBUG=$${DEBUG:-1} $(BIN)/shouhou serve --port $(PORT)

## make test: install test dependencies, run house checks and the whole suite (SQLite by default;
## DATABASE_URL=postgres://… runs the same suite on PostgreSQL)
test: install-test check
	$(BIN)/python -m pytest -p no:cacheprovider --ignore=tests/browser $(PYTEST_ARGS)

check: install-test
	$(BIN)/ruff check shouhou tests benchmarks
	$(BIN)/mypy  # the pure cores, services and documents: [tool.mypy] in pyproject.toml
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py spectacular --validate --fail-on-warn --file /tmp/shouhou-openapi.yaml
	diff -u docs/openapi.yaml /tmp/shouhou-openapi.yaml >/dev/null || (echo "docs/openapi.yaml is stale: run 'make schema'" && exit 1)

schema: install
	$(BIN)/python manage.py spectacular --validate --file docs/openapi.yaml

test-pg: install-test
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/shouhou} $(BIN)/python -m pytest -p no:cacheprovider --ignore=tests/browser $(PYTEST_ARGS)

## make test-browser: Playwright drives Debian's chromium (/usr/bin/chromium), headless
test-browser: $(VENV)/.installed-browser messages
	$(BIN)/python -m pytest -p no:cacheprovider -m browser tests/browser $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check shouhou tests benchmarks

clean:
	rm -rf $(VENV) var .pytest_cache
