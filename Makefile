# Two commands on a fresh machine: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
STAMP := $(VENV)/.installed
ADDR ?= 127.0.0.1:8000

.PHONY: install run test lint format check clean bench-recompute bench-pages trial-concurrency backup restore

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# The embedded default: SQLite and Celery's filesystem broker in var/, web + worker + beat in one
# terminal. Ctrl-C stops all of them.
run: $(STAMP)
	$(MANAGE) migrate --noinput
	$(MANAGE) seed_demo
	@printf '\n  dpm is starting at http://%s/\n  Demo logins (password dpm-demo): pm, lead, stakeholder, admin\n\n' "$(ADDR)"
	@$(BIN)/celery -A dpm worker --beat --concurrency 2 --loglevel INFO & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver $(ADDR)

# Tests keep their cache and filesystem broker in var/test, away from a running `make run`.
test: $(STAMP)
	DPM_VAR_DIR=$(CURDIR)/var/test $(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(MANAGE) makemigrations --check --dry-run

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# PostgreSQL only (README "Backup and restore"): the database DATABASE_URL names, in
# pg_dump's custom format, restored all or nothing.
BACKUP ?= var/backups/dpm-$(shell date +%Y%m%d-%H%M%S).dump
PG_URL_REQUIRED = @case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; \
	*) echo "DATABASE_URL must name the PostgreSQL database (postgres://...)" >&2; exit 2;; esac

backup:
	$(PG_URL_REQUIRED)
	mkdir -p "$(dir $(BACKUP))"
	pg_dump --format=custom --no-owner --no-privileges --file="$(BACKUP)" --dbname="$$DATABASE_URL"
	@echo "Backed up to $(BACKUP)"

restore:
	$(PG_URL_REQUIRED)
	@test -n "$(FILE)" || { echo "Say which dump: make restore FILE=var/backups/....dump" >&2; exit 2; }
	pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
		--exit-on-error --dbname="$$DATABASE_URL" "$(FILE)"
	@echo "Restored $(FILE)"

# Benchmarks on PostgreSQL (README "Operating"): scratch database DPM_BENCH_DATABASE_URL.
bench-recompute: $(STAMP)
	$(BIN)/python scripts/bench_recompute.py

bench-pages: $(STAMP)
	$(BIN)/python scripts/bench_pages.py

trial-concurrency: $(STAMP)
	$(BIN)/python scripts/trial_concurrency.py

clean:
	rm -rf $(VENV) var
