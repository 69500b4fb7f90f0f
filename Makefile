# fis-events: `make run` (app with demo data on SQLite) and `make test` (every test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export FLASK_APP := wsgi

.PHONY: install run test test-fast bench translations chromium clean

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
	@echo "e-mail: a local debugging SMTP server on 127.0.0.1:8025 prints every message here"
	trap 'kill 0' EXIT INT TERM; \
	$(BIN)/python -m aiosmtpd -n -l 127.0.0.1:8025 & \
	OUTBOX_SEND_IN_PROCESS=1 $(BIN)/flask run --host 127.0.0.1 --port 5000

test: install chromium
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
	$(BIN)/python bench/results.py
	DATABASE_URL=$(BENCH_PG) $(BIN)/python bench/results.py

clean:
	rm -rf $(VENV) node_modules instance/fis-events.sqlite
