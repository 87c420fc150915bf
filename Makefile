# motcua: `make run` serves the application, `make test` runs every check.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test setup setup-dev lint typecheck pytest migrate bench bench-indicators bench-pages clean openapi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime

setup-dev: $(VENV)/.dev

migrate: setup
	$(BIN)/motcua migrate --noinput

run: migrate
	$(BIN)/motcua demo --if-empty
	$(BIN)/motcua figures warm
	@echo "motcua: serving on http://127.0.0.1:$(PORT)/"
	$(BIN)/motcua runserver --insecure 127.0.0.1:$(PORT)

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup-dev
	$(BIN)/mypy motcua

pytest: setup-dev
	$(BIN)/motcua makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck pytest

$(VENV)/.bench: $(VENV)/.dev bench/requirements.txt
	$(BIN)/pip install --quiet -r bench/requirements.txt
	touch $@

bench: $(VENV)/.bench
	$(BIN)/python -m bench.import_speed $(BENCH_ARGS)

bench-indicators: $(VENV)/.bench
	$(BIN)/python -m bench.indicator_speed $(BENCH_ARGS)

bench-pages: $(VENV)/.dev
	$(BIN)/python -m bench.pages_speed $(BENCH_ARGS)

openapi: setup
	$(BIN)/motcua api schema --output docs/openapi.json

clean:
	rm -rf $(VENV) var/motcua.sqlite3*
