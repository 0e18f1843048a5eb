# Steward: two commands on a fresh machine with python3 and make: `make up` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install kcat chromium up test test-rules test-unit test-integration test-e2e test-browser chaos lint shape migrate bench screenshots i18n clean

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

chromium:  ## install Debian's Chromium and CJK fonts for the browser tests; needs root or sudo (never `playwright install`)
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO="sudo -n"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >/dev/null; \
	} || echo "chromium not installed (no root or sudo): the browser tests will fail and say so"

up: install  ## run the embedded broker, the four services and the console on :8000 (Ctrl-C stops them)
	$(BIN)/steward up

test: install kcat chromium  ## the whole test suite: unit, integration (real broker, SQLite and PostgreSQL), e2e, browser
	$(BIN)/pytest

test-rules: install  ## the rule tests, unit and in-process (tests/harness, no broker), on SQLite and PostgreSQL: under a minute
	$(BIN)/pytest -m rules -n 2 -q

test-unit: install
	$(BIN)/pytest tests/unit

test-integration: install kcat
	$(BIN)/pytest tests/integration

test-e2e: install
	$(BIN)/pytest tests/e2e

chaos: install  ## seeded kills of the customer service and the broker, 10 seeds; prints a failing seed
	$(BIN)/python -m tests.chaos --seeds $${SEEDS:-10}

test-browser: install chromium  ## the Workbench's journeys in Chromium (SQLite, and PostgreSQL marked)
	$(BIN)/pytest tests/browser

screenshots: install chromium  ## zh-CN screenshots of the Workbench's main pages into docs/screenshots/
	$(BIN)/python -m tests.browser.screenshots

i18n: install  ## extract the console's strings and merge them into the catalogues (then translate the empty ones)
	$(BIN)/pybabel extract -F services/console/babel.cfg -k N_ --no-location --omit-header -o var/console.pot services/console
	$(BIN)/pybabel update -i var/console.pot -d services/console/locale -D messages --ignore-obsolete --no-fuzzy-matching

lint: install  ## ruff and mypy (strict on every package)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

shape:  ## lines of each service's service/, queries/ and domain/, and the service:domain ratio (issue 19)
	@for s in customer staffing appraisal audit; do \
	  sv=$$(cat services/$$s/service/*.py | wc -l); q=$$(cat services/$$s/queries/*.py 2>/dev/null | wc -l); \
	  d=$$(cat services/$$s/domain/*.py | wc -l); \
	  awk -v s=$$s -v sv=$$sv -v q=$$q -v d=$$d 'BEGIN { printf "%-10s service %5d  queries %5d  domain %5d  service:domain %.2f  (service+queries):domain %.2f\n", s, sv, q, d, sv/d, (sv+q)/d }'; \
	done

migrate: install  ## apply every service's migrations to its configured database
	$(BIN)/steward migrate

bench: install  ## benchmarks; print ratios against a baseline measured in the same run
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
