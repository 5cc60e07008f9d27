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

# Production-like: DEBUG off, WhiteNoise static files, gunicorn (gunicorn.conf.py) on plain http
# on loopback. A random secret key unless DJANGO_SECRET_KEY is set; without REDIS_URL a single
# gunicorn process (4 threads), since the page cache must be shared by all workers.
serve: $(VENV)/.runtime
	@export DJANGO_DEBUG=0 PORT=$(PORT) \
	  DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')}" \
	  DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	  DJANGO_SECURE_SSL_REDIRECT="$${DJANGO_SECURE_SSL_REDIRECT:-0}" \
	  BONESPINE_SITE_URL="$${BONESPINE_SITE_URL:-http://127.0.0.1:$(PORT)}"; \
	if [ -z "$${REDIS_URL:-$${CACHE_URL:-}}" ]; then \
	  export WEB_CONCURRENCY="$${WEB_CONCURRENCY:-1}" GUNICORN_THREADS="$${GUNICORN_THREADS:-4}"; fi; \
	$(BIN)/python manage.py collectstatic --noinput -v 0 && \
	$(BIN)/python manage.py migrate --noinput && \
	exec $(BIN)/gunicorn -c gunicorn.conf.py

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
