# Two commands set up everything: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint unit prerequisites openapi bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 ($(PYTHON)) fehlt"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# The change-event worker runs beside the server and stops with it.
run: $(STAMP)
	$(BIN)/cockpit db upgrade
	$(BIN)/cockpit demo seed
	$(BIN)/cockpit worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/cockpit serve --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(BIN)/ruff check app tests bench migrations
	$(BIN)/ruff format --check app tests bench migrations
	$(BIN)/lint-imports
	$(BIN)/mypy app

# Fast tests without any database: the domain, and the services on in-memory fakes (tests/unit/fakes.py).
unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

# PostgreSQL started, SoftHSM2 and Chromium installed when missing (.ci/prerequisites).
prerequisites:
	./.ci/prerequisites

# Unit and integration tests on SQLite, then the integration tests again on PostgreSQL
# (each run in its own throw-away database, see tests/conftest.py).
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
test: lint prerequisites
	@echo "== pytest: SQLite =="
	COCKPIT_TEST_DATABASE=sqlite $(BIN)/pytest
	@echo "== pytest: PostgreSQL ($(PG_URL)) =="
	COCKPIT_TEST_DATABASE=$(PG_URL) $(BIN)/pytest -m integration

openapi: $(STAMP)
	$(BIN)/cockpit openapi export

bench: $(STAMP)
	$(BIN)/python -m bench.case_read
	$(BIN)/python -m bench.case_read --backend $(PG_URL)
	$(BIN)/python -m bench.audit_append --backend $(PG_URL)
	$(BIN)/python -m bench.crypto_share
	$(BIN)/python -m bench.crypto_share --backend $(PG_URL)
	$(BIN)/python -m bench.auth
	$(BIN)/python -m bench.import_records
	$(BIN)/python -m bench.import_records --backend $(PG_URL)

clean:
	rm -rf $(VENV) var/*.db .pytest_cache .ruff_cache .hypothesis
