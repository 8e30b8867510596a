# Two commands for a newcomer: `make run` and `make test`. Each bootstraps .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
DEMO_DECISIONS ?= 300

.PHONY: run test lint format db-stop clean venv

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed"; exit 1; }
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

run: $(STAMP)
	DJANGO_DEBUG=true $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=true $(BIN)/python manage.py seed_policy
	DJANGO_DEBUG=true $(BIN)/python manage.py seed_demo --decisions-if-empty $(DEMO_DECISIONS)
	@# The web server and the worker (chain checks, large exports, emails) under one process
	@# manager: Ctrl-C stops both.
	DJANGO_DEBUG=true PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.dev start

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Stops the embedded PostgreSQL even when a killed process left its pid behind.
db-stop: $(STAMP)
	$(BIN)/python -m config.embedded_db stop

clean: db-stop
	rm -rf .pgdata .run
