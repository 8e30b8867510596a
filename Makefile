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
	# Migrations and grants run as the database owner; the service runs as the app role.
	DJANGO_DEBUG=true DJANGO_DB_ROLE=owner $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=true DJANGO_DB_ROLE=owner $(BIN)/python manage.py db_grants
	DJANGO_DEBUG=true $(BIN)/python manage.py seed_policy
	DJANGO_DEBUG=true $(BIN)/python manage.py seed_demo --decisions-if-empty $(DEMO_DECISIONS)
	DJANGO_DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:8000

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
