# Bonespine — see README.md.  `make run` serves the demo site, `make test` runs everything.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
DURATION ?= 300

.PHONY: run serve bench test test-sqlite test-postgres migrate demo accounts lint clean soak

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

# The development server, with the scheduled jobs (manage.py run_jobs) in the background: they
# stop when the server stops. Links in e-mails use this server's port (BONESPINE_SITE_URL).
run: demo accounts
	@export BONESPINE_SITE_URL="$${BONESPINE_SITE_URL:-http://127.0.0.1:$(PORT)}"; \
	$(BIN)/python manage.py run_jobs & jobs=$$!; \
	trap 'kill -TERM $$jobs 2>/dev/null; wait $$jobs 2>/dev/null' EXIT; trap 'exit 130' INT; trap 'exit 143' TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production-like: nginx (deploy/nginx/: static files, uploads, compression, a 3 s micro-cache)
# in front of gunicorn (gunicorn.conf.py) and DEBUG off, on plain http on loopback; scripts/serve.sh
# installs nginx when missing (as root). A random secret key unless DJANGO_SECRET_KEY is set;
# without REDIS_URL a single gunicorn process (4 threads). SERVE_NGINX=0: gunicorn alone.
serve: $(VENV)/.runtime
	@export PORT=$(PORT) BONESPINE_SITE_URL="$${BONESPINE_SITE_URL:-http://127.0.0.1:$(PORT)}"; \
	exec bash scripts/serve.sh

# Throughput/latency of the public pages vs a static file (docs/performance.md); BENCH_QUICK=1 for a smoke run.
bench: $(VENV)/.runtime
	bash scripts/bench.sh

test: $(VENV)/.dev
	bash scripts/test.sh

test-sqlite: $(VENV)/.dev
	bash scripts/test.sh sqlite

test-postgres: $(VENV)/.dev
	bash scripts/test.sh postgres

# Bounded load test of a throwaway demo site on 127.0.0.1 (docs/reliability.md).
soak: $(VENV)/.runtime
	bash scripts/soak.sh --duration $(DURATION)

lint: $(VENV)/.dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles .pytest_cache
