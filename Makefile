# Two commands do everything: `make run` serves the app with the demo caseload, `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test test-postgres bench init demo clean-db

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed requirements-test.txt
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-test.txt
	touch $@

## run: create .venv, install, migrate, load the demo caseload on first start, serve on localhost:$(PORT)
run: $(VENV)/.installed
	$(PY) -m planner demo
	$(VENV)/bin/streamlit run app.py --server.address localhost --server.port $(PORT)

## test: install test tools and run every test (unit, integration, AppTest, real browser)
test: $(VENV)/.installed-test
	$(PY) -m pytest -q

## test-postgres: the database tests again on PostgreSQL (PLANNER_TEST_DATABASE_URL=postgresql://...)
test-postgres: $(VENV)/.installed-test
	@test -n "$(PLANNER_TEST_DATABASE_URL)" || (echo "Set PLANNER_TEST_DATABASE_URL to a PostgreSQL URL whose user may CREATE DATABASE." >&2; exit 2)
	$(PY) -m pytest -q -m db

## bench: speed ratios against floors measured in the same run (prints a table, writes bench/results/)
bench: $(VENV)/.installed-test
	$(PY) -m bench

init: $(VENV)/.installed
	$(PY) -m planner init

demo: $(VENV)/.installed
	$(PY) -m planner demo

## clean-db: delete the local SQLite database (asks first)
clean-db:
	@read -p "Delete data/planner.db and everything in it? [y/N] " ok && [ "$$ok" = y ] && rm -f data/planner.db data/planner.db-wal data/planner.db-shm || true
