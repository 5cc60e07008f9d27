# Bonespine — see README.md.  `make run` serves the demo site, `make test` runs everything.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000

.PHONY: run test test-sqlite test-postgres migrate demo accounts lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

migrate: $(VENV)/.runtime
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

accounts: migrate
	$(BIN)/python manage.py create_demo_accounts

run: demo accounts
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.dev
	bash scripts/test.sh

test-sqlite: $(VENV)/.dev
	bash scripts/test.sh sqlite

test-postgres: $(VENV)/.dev
	bash scripts/test.sh postgres

lint: $(VENV)/.dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles .pytest_cache
