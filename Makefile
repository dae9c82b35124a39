# rione: `make demo` to try it, `make test` to check it.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
DEMO_ENV := DEBUG=1 ACCOUNT_EMAIL_VERIFICATION=optional REQUIRE_STAFF_MFA=0 TASKS_BACKEND=immediate
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install install-test demo serve test lint typecheck messages clean

help:
	@echo "make demo   - install, migrate, load both reference programmes, serve on http://$(HOST):$(PORT)"
	@echo "make test   - install test dependencies and run the whole suite"
	@echo "make lint   - ruff, mypy and the migration check"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test,dev]"
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

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

messages: install-test
	cd src/rione && DEBUG=1 ../../$(PY) ../../manage.py makemessages -l en --no-obsolete --ignore "tests/*" --ignore "*/tests/*"
	cd src/rione && DEBUG=1 ../../$(PY) ../../manage.py compilemessages -l en

clean:
	rm -rf $(VENV) staticfiles .mypy_cache .ruff_cache
