# Steward: two commands on a fresh machine with python3 and make: `make up` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install kcat up test test-unit test-integration test-e2e chaos lint migrate bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,local]"
	touch $(STAMP)

install: $(STAMP)  ## create .venv and install Steward with its dev tools

kcat:  ## install kcat (Debian package) for tests/integration/test_kcat_contracts.py; needs root or sudo
	@command -v kcat >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq kcat >/dev/null; \
	} || echo "kcat not installed (no root or sudo): its test is skipped outside CI"

up: install  ## run the embedded broker and the four services (Ctrl-C stops them)
	$(BIN)/steward up

test: install kcat  ## the whole test suite: unit, integration (real broker, SQLite and PostgreSQL), e2e
	$(BIN)/pytest

test-unit: install
	$(BIN)/pytest tests/unit

test-integration: install kcat
	$(BIN)/pytest tests/integration

test-e2e: install
	$(BIN)/pytest tests/e2e

chaos: install  ## seeded kills of the customer service and the broker, 10 seeds; prints a failing seed
	$(BIN)/python -m tests.chaos --seeds $${SEEDS:-10}

lint: install  ## ruff and mypy (strict on shared/)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

migrate: install  ## apply every service's migrations to its configured database
	$(BIN)/steward migrate

bench: install  ## benchmarks; print ratios against a baseline measured in the same run
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
