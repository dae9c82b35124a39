# rione: `make demo` to try it, `make test` to check it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
DEMO_ENV := DEBUG=1 ACCOUNT_EMAIL_VERIFICATION=optional REQUIRE_STAFF_MFA=0 TASKS_BACKEND=immediate
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install install-test install-bench demo serve test lint typecheck messages clean bench bench-quick

help:
	@echo "make demo   - install, migrate, load both reference programmes, serve on http://$(HOST):$(PORT)"
	@echo "make test   - install test dependencies and run the whole suite"
	@echo "make lint   - ruff, mypy and the migration check"
	@echo "make bench  - every benchmark at full size on PostgreSQL (about an hour; docs/performance.md)"
	@echo "make bench-quick - the same scenarios, small and short: checks outcomes, not times (CI)"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test,dev]"
	touch $@

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[bench]"
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

install-bench: $(VENV)/.installed-bench

demo: install
	mkdir -p var
	$(DEMO_ENV) $(MANAGE) migrate --no-input
	$(DEMO_ENV) $(MANAGE) createcachetable
	$(DEMO_ENV) $(MANAGE) load_demo
	$(DEMO_ENV) $(MANAGE) runserver $(HOST):$(PORT)

serve: install
	$(DEMO_ENV) $(MANAGE) runserver $(HOST):$(PORT)

test: install-test
	$(PY) -m pytest -q -n 2 $(PYTEST_ARGS)

lint: install-test
	$(VENV)/bin/ruff check src tests
	$(VENV)/bin/ruff format --check src tests
	DEBUG=1 $(VENV)/bin/mypy src
	SECRET_KEY=lint-only-key-0123456789abcdefghijklmnopqrstuvwxyz0123 $(MANAGE) makemigrations --check --dry-run

# Benchmarks, see docs/performance.md; results go to bench/results/. The load scenarios make
# their own database on the server of BENCH_DB (the crash scenario its own PostgreSQL
# cluster) and drop it. `make bench` also generates the national-scale data (24 million rows,
# about 20 minutes) into BENCH_DATA, unless BENCH_REUSE=1 says it is already there.
BENCH_SERVER ?= postgres://postgres@127.0.0.1:5432
BENCH_DB ?= $(or $(DATABASE_URL),$(BENCH_SERVER)/postgres)
BENCH_DATA_NAME ?= rione_bench
BENCH_DATA ?= $(BENCH_SERVER)/$(BENCH_DATA_NAME)
QUICK_DATA := sqlite:///var/bench-quick.sqlite3

bench: install-bench
	$(PY) bench/rush.py --server "$(BENCH_DB)" --docs
	$(PY) bench/crash.py
	@if [ "$(BENCH_REUSE)" != 1 ]; then \
	  psql "$(BENCH_SERVER)/postgres" -qc "DROP DATABASE IF EXISTS $(BENCH_DATA_NAME)" -c "CREATE DATABASE $(BENCH_DATA_NAME)" && \
	  DATABASE_URL="$(BENCH_DATA)" $(PY) bench/generate.py --scale 1 --seed 1; fi
	DATABASE_URL="$(BENCH_DATA)" $(PY) bench/pages.py
	DATABASE_URL="$(BENCH_DATA)" $(PY) bench/memory.py

bench-quick: install-bench
	$(PY) bench/rush.py --quick --server "$(BENCH_DB)"
	$(PY) bench/crash.py --quick
	mkdir -p var && rm -f var/bench-quick.sqlite3
	DATABASE_URL=$(QUICK_DATA) $(PY) bench/generate.py --scale 0.0005 --seed 1 --no-results
	DATABASE_URL=$(QUICK_DATA) $(PY) bench/pages.py --quick --no-results
	DATABASE_URL=$(QUICK_DATA) $(PY) bench/memory.py --limit 200 --only csv --only xlsx --no-results
	rm -f var/bench-quick.sqlite3

messages: install-test
	cd src/rione && DEBUG=1 ../../$(PY) ../../manage.py makemessages -l en --no-obsolete --ignore "tests/*" --ignore "*/tests/*"
	cd src/rione && DEBUG=1 ../../$(PY) ../../manage.py compilemessages -l en

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache
