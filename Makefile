# The two commands of the README: `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
TEST_DATABASE_URL ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/marketplace_test)
TEST_REDIS_URL ?= $(or $(REDIS_URL),redis://127.0.0.1:6379/15)
PYTEST_WORKERS ?= auto

.PHONY: help install run test lint format translations messages smoke clean

help:
	@echo "make run   - set everything up and serve the marketplace with its worker and beat"
	@echo "make test  - run linters, the whole test suite (PostgreSQL + Redis) and a smoke run"

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

translations: install
	$(BIN)/python scripts/compile_translations.py

# Re-extract strings after changing templates or code; translators then fill locale/*/django.po.
messages: install
	$(BIN)/python manage.py makemessages --all --ignore='.venv/*' --ignore='var/*' --ignore='tests/*' --ignore='bench/*' --no-obsolete
	$(BIN)/python manage.py makemessages --all -d djangojs --ignore='.venv/*' --ignore='var/*' --ignore='static/vendor/*' --no-obsolete

run: export DEBUG := $(or $(DEBUG),true)
run: install translations
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo
	@echo "  Marketplace on http://127.0.0.1:$(PORT)/   (staff: http://127.0.0.1:$(PORT)/admin/)"
	@echo "  Demo accounts, password demo-pass-123:"
	@echo "    shopper@example.com   merchant@example.com   staff@example.com (superuser)"
	@echo
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -f Procfile start -p $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

smoke: install translations
	$(BIN)/python scripts/smoke.py

test: install translations
	scripts/ensure-chromium.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
		$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup
	$(BIN)/python scripts/smoke.py

clean:
	rm -rf var/ .venv/
