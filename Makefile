# The README's commands. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_ENV := TASKFORCE_DEMO=1 TASKFORCE_REQUIRE_MFA=0
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint typecheck check-deploy messages clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
		{ echo "taskforce needs Python 3.11 or newer (set PYTHON=python3.12, for example)."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py sync_roles
	$(DEMO_ENV) $(BIN)/python manage.py seed_demo
	@echo "Serving the demo at http://$(HOST):$(PORT)/ (personas and password: README.md)"
	$(DEMO_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed-dev
	$(DEMO_ENV) $(BIN)/mypy .

check-deploy: $(VENV)/.installed
	SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(64))') \
	ALLOWED_HOSTS=taskforce.example.org TASKFORCE_STATIC_MANIFEST=0 \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

# Regenerate the Spanish catalogue (needs GNU gettext); the compiled .mo is committed.
messages: $(VENV)/.installed
	$(DEMO_ENV) $(BIN)/python manage.py makemessages -l es --ignore '.venv/*' --ignore 'var/*'
	$(DEMO_ENV) $(BIN)/python manage.py compilemessages -l es --ignore '.venv/*'

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
