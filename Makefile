# Two commands set up everything: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint unit prerequisites openapi bench bench-http evidence clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 ($(PYTHON)) fehlt"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

# Without COCKPIT_ENVIRONMENT the service is production and refuses to start: the demo runs as dev.
# The change-event worker runs beside the server and stops with it.
run: export COCKPIT_ENVIRONMENT ?= dev
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
unit: export COCKPIT_ENVIRONMENT := test
unit: $(STAMP)
	$(BIN)/pytest -q tests/unit

# PostgreSQL started, SoftHSM2 and Chromium installed when missing (.ci/prerequisites).
prerequisites:
	./.ci/prerequisites

# Unit and integration tests on SQLite, then the integration tests again on PostgreSQL
# (each test in a database of its own, see tests/databases.py), spread over one pytest worker per
# core (pytest-xdist; TEST_WORKERS=0 runs everything in one process).
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
TEST_WORKERS ?= auto
test: export COCKPIT_ENVIRONMENT := test
test: lint prerequisites
	@echo "== pytest: SQLite =="
	COCKPIT_TEST_DATABASE=sqlite $(BIN)/pytest -n $(TEST_WORKERS)
	@echo "== pytest: PostgreSQL ($(PG_URL)) =="
	COCKPIT_TEST_DATABASE=$(PG_URL) $(BIN)/pytest -n $(TEST_WORKERS) -m integration

openapi: $(STAMP)
	$(BIN)/cockpit openapi export

bench: export COCKPIT_ENVIRONMENT ?= dev
bench: $(STAMP)
	$(BIN)/python -m bench.case_read
	$(BIN)/python -m bench.case_read --backend $(PG_URL)
	$(BIN)/python -m bench.read_floor
	$(BIN)/python -m bench.read_floor --backend $(PG_URL)
	$(BIN)/python -m bench.audit_append --backend $(PG_URL)
	$(BIN)/python -m bench.crypto_share
	$(BIN)/python -m bench.crypto_share --backend $(PG_URL)
	$(BIN)/python -m bench.auth
	$(BIN)/python -m bench.import_records
	$(BIN)/python -m bench.import_records --backend $(PG_URL)
	$(BIN)/python -m bench.figures --backend $(PG_URL) --cases 100000

# The fault suite (kills, database outage, slow clients, full disk, soak, restore): writes
# bench/EVIDENCE.md. Bounded in time, loopback only; not part of `make test`. Needs root for the
# full-disk scenario (a small tmpfs) and the PostgreSQL server at PG_URL.
SOAK_SECONDS ?= 600
GAP_SECONDS ?= 30
evidence: $(STAMP)
	$(BIN)/python -m bench.evidence --pg $(PG_URL) --soak-seconds $(SOAK_SECONDS) --gap-seconds $(GAP_SECONDS)

# The service over HTTP beside the lean reference (../shared/refbench), SQLite and PostgreSQL, one and N
# processes; installs wrk and hey with apt-get when missing. Writes bench/RESULTS.md.
bench-http: $(STAMP)
	$(BIN)/python -m bench.http_load --pg $(PG_URL)

clean:
	rm -rf $(VENV) var/*.db .pytest_cache .ruff_cache .hypothesis
