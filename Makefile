# fis-events: `make run` (app with demo data on SQLite) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export FLASK_APP := wsgi

.PHONY: install run serve-prod test test-fast bench faults translations chromium clean

install: $(VENV)/.installed node_modules/.installed translations

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV) || { $(SUDO) apt-get update && $(SUDO) apt-get install -y python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d translations >/dev/null

chromium:
	@command -v chromium >/dev/null && command -v pdftoppm >/dev/null || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium poppler-utils; }

run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load
	$(BIN)/flask demo generate
	@echo "fis-events: http://127.0.0.1:5000/  (area riservata: http://127.0.0.1:5000/accesso)"
	@echo "door: log in as ingresso@example.org (password fis-demo-2023), then the scanner of today's event: http://127.0.0.1:5000/ingresso/"
	@echo "  (a badge to scan: log in as organizzatore@example.org, Cruscotto, today's event, its registrants, a badge PDF)"
	@echo "e-mail: a local debugging SMTP server on 127.0.0.1:8025 prints every message here"
	trap 'kill 0' EXIT INT TERM; \
	$(BIN)/python -m aiosmtpd -n -l 127.0.0.1:8025 & \
	OUTBOX_SEND_IN_PROCESS=1 $(BIN)/flask run --host 127.0.0.1 --port 5000

# The production stack on this machine: gunicorn (deploy/gunicorn.conf.py) and the outbox
# sender, on the local PostgreSQL (database created if missing) and Redis. Ctrl-C stops both.
PROD_DB ?= postgresql://postgres@127.0.0.1:5432/fisevents
PROD_REDIS ?= redis://127.0.0.1:6379/0
PORT ?= 8000

serve-prod: install
	@pg_isready -q -d "$(PROD_DB)" || { echo "PostgreSQL is not answering at $(PROD_DB)"; exit 1; }
	@psql "$(PROD_DB)" -qc "SELECT 1" >/dev/null 2>&1 || psql "$(dir $(PROD_DB))postgres" -qc "CREATE DATABASE $(notdir $(PROD_DB))"
	@echo "fis-events (production settings): http://127.0.0.1:$(PORT)/  readiness: /readyz"
	export FIS_CONFIG=production DATABASE_URL=$(PROD_DB) REDIS_URL=$(PROD_REDIS) PORT=$(PORT) \
	  PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)} \
	  SECRET_KEY=$${SECRET_KEY:-$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(32))')}; \
	$(BIN)/flask db upgrade && { \
	$(BIN)/flask outbox send --loop & sender=$$!; \
	$(BIN)/gunicorn -c deploy/gunicorn.conf.py wsgi:app & web=$$!; \
	trap 'kill -TERM $$sender $$web 2>/dev/null; wait' INT TERM EXIT; \
	wait $$web; }

test: install chromium
	$(BIN)/lint-imports
	node --test tests/
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not browser"

# PostgreSQL for the benchmarks that run on both databases (emptied first; created if missing).
BENCH_PG ?= postgresql://postgres@127.0.0.1:5432/fisbench

bench: install
	@psql "$(dir $(BENCH_PG))postgres" -qc "CREATE DATABASE $(notdir $(BENCH_PG))" 2>/dev/null || true
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/registration.py
	DATABASE_URL=$(BENCH_PG) $(BIN)/python bench/registration.py
	$(BIN)/python bench/checkin.py
	DATABASE_URL=$(BENCH_PG) $(BIN)/python bench/checkin.py
	$(BIN)/python bench/scan_cost.py
	$(BIN)/python bench/results.py
	DATABASE_URL=$(BENCH_PG) $(BIN)/python bench/results.py

# The registration burst while the SMTP server is down, PostgreSQL restarts and a gunicorn worker
# is killed, on a PostgreSQL cluster of its own (created in a temporary folder on a free port,
# then deleted; never the machine's server). Needs the PostgreSQL server binaries; a few minutes.
faults: install
	$(BIN)/python bench/faults.py

clean:
	rm -rf $(VENV) node_modules instance/fis-events.sqlite
