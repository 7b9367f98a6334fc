# MotCua — the two commands: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
PIP_FLAGS := --disable-pip-version-check -q

.PHONY: run test lint typecheck check-python serve setup bench clean-data messages

check-python:
	@$(PY) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "MotCua cần Python 3.11 trở lên (MotCua needs Python 3.11+): $$($(PY) --version)"; exit 1; }

$(BIN)/python: | check-python
	$(PY) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml requirements/constraints.txt | $(BIN)/python
	$(BIN)/pip install $(PIP_FLAGS) -c requirements/constraints.txt -e .
	@touch $@

$(DEV_STAMP): $(RUN_STAMP) pyproject.toml requirements/constraints.txt
	$(BIN)/pip install $(PIP_FLAGS) -c requirements/constraints.txt -e '.[dev]'
	@touch $@

## make run: install, migrate the embedded SQLite database, load the reference data
## and the demo province, then serve on http://127.0.0.1:$(PORT)
run: setup
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

setup: $(RUN_STAMP)
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py setup_demo

## make test: lint, type-check and the whole test suite (SQLite, or PostgreSQL when
## DATABASE_URL=postgres://... is set)
test: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy motcua
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(BIN)/pytest

## make bench: MotCua's performance record (issue 6 §4): in its own databases
## (var/bench/bench.sqlite3, and PostgreSQL when BENCH_DATABASE_URL or DATABASE_URL is
## set) it generates a province-year of dossiers (reused on the next run), times
## reception, the back-office pages, the status lookup, Biểu 06 and the 766 dashboard,
## prints a table and writes bench/results/latest.json. BENCH_ARGS=--quick: 20,000
## dossiers; MOTCUA_BENCH_DOSSIERS=N: N dossiers (see bench/README.md)
bench: $(DEV_STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

## make messages: refresh the English catalogue after changing Vietnamese strings
messages: $(DEV_STAMP)
	$(BIN)/python manage.py makemessages -l en --no-obsolete \
	  --ignore '.venv/*' --ignore 'var/*' --ignore 'staticfiles/*'
	$(BIN)/python manage.py compilemessages -l en --ignore '.venv/*'
