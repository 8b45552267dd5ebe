# The two commands a new user needs: `make run` and `make test`. Everything else is for developers.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= S
SEED ?= 42
PYTEST_ARGS ?=

.PHONY: run serve test lint bench demo install clean-db

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

.venv/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --quiet
	@touch $@

install: .venv/.synced

## make run: install, migrate the embedded SQLite database, demo data if empty, demo users, serve.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py generate_demo --scale $(SCALE) --seed $(SEED) --if-empty
	$(PY) manage.py demo_users
	@echo "Открывайте http://$(HOST):$(PORT)/ (Ctrl+C — остановить)"
	$(PY) -m gunicorn config.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 --worker-class gthread --access-logfile -

## make test: the whole suite (DATABASE_URL selects PostgreSQL; SQLite otherwise).
test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy crm config
	.venv/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_ENV=production SECRET_KEY=ci-only-$$(head -c 64 /dev/urandom | base64 | tr -dc A-Za-z0-9) ALLOWED_HOSTS=crm.example.ru \
	  $(PY) manage.py check --deploy --fail-level WARNING

## make bench [SCALES="S M L"] [BENCH_REPEAT=10]: time every key screen and figure, check the figures
## against hand-written SQL and DuckDB, write docs/benchmarks.md (L takes ~25 min to generate the first time).
SCALES ?= S M
bench: install
	BENCH_REPEAT=$(or $(BENCH_REPEAT),10) scripts/bench.sh $(SCALES)

## make demo SCALE=M: regenerate demo data from scratch at another scale.
demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py generate_demo --scale $(SCALE) --seed $(SEED) --reset
	$(PY) manage.py demo_users
