# AI Strategy Atlas. `make run` to serve the site, `make test` to run every check.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.run-installed
DEV_STAMP := $(VENV)/.dev-installed
# A throwaway key for local commands; production sets its own (see README).
export DJANGO_SECRET_KEY ?= insecure-local-key-never-use-in-production

# The catalogues are compiled by the build, not kept in git.
.PHONY: run test lint format superuser backup restore upgrade-check bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(RUN_STAMP)

# The interface in Spanish: the catalogue compiled, in pure Python (web/catalogues.py).
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
%.mo: %.po $(RUN_STAMP)
	$(BIN)/python manage.py compile_catalogues

run: $(RUN_STAMP) $(CATALOGUES)
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=1 $(BIN)/python manage.py load_initial_content
	@echo "Serving http://127.0.0.1:8000/ (Mexico: http://127.0.0.1:8000/countries/mexico/)"
	@echo "To edit in http://127.0.0.1:8000/admin/, first run: make superuser"
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(DEV_STAMP) $(CATALOGUES) lint
	$(BIN)/python manage.py check --fail-level WARNING
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest

# An account for the admin of the local site (make run).
superuser: $(RUN_STAMP)
	DJANGO_DEBUG=1 $(BIN)/python manage.py createsuperuser

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEV_STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Back up the database named by DATABASE_URL (SQLite by default) into backups/.
backup: $(RUN_STAMP)
	$(BIN)/python manage.py backup_db

# Replace the database's content with a backup: make restore FILE=backups/atlas-....dump
restore: $(RUN_STAMP)
	@test -n "$(FILE)" || { echo "Usage: make restore FILE=backups/<backup file>"; exit 2; }
	$(BIN)/python manage.py restore_db "$(FILE)"

# Pinned packages that have a newer release (see README, "Dependencies").
upgrade-check: $(DEV_STAMP)
	$(BIN)/pip list --outdated

# The load benchmark (benchmarks/README.md): needs wrk (apt-get install -y wrk).
bench: $(DEV_STAMP)
	@command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk"; exit 1; }
	$(BIN)/python benchmarks/run.py
