# Care Capacity Tracker. Two commands: `make run` and `make test`.
# Everything else here is what those two need; each step is skipped when its
# inputs have not changed, so a second run is quick.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# The first Python that is 3.12 or newer (pyenv reads .python-version: 3.13).
PYTHON ?= $(shell for p in python3 python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3; do \
	command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	&& { echo $$p; break; }; done)
FRONTEND := node_modules/nhsuk-frontend/dist/nhsuk
NHSUK_VERSION := $(shell sed -n 's/.*"nhsuk-frontend": "\(.*\)".*/\1/p' package.json)
# pytest's parallel workers for `make test` (pytest-xdist; docs/adr/017-parallel-tests.md),
# each with an embedded PostgreSQL of its own; with DATABASE_URL they would share one server
# and the changes feed's tests wait on each other's transactions, so none.
TEST_WORKERS ?= $(if $(DATABASE_URL),0,2)


.PHONY: help run test lint format install install-dev frontend postgres browser db-start db-stop seed clean bench-import bench bench-quick drills scale-drill

help:
	@echo "make run   install everything and run the portal on http://127.0.0.1:8000"
	@echo "make test  lint, then the whole test suite (browser tests included)"

# --- installs -----------------------------------------------------------

$(VENV)/.installed: requirements.txt
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (pyenv: 'pyenv install 3.13')"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# NHS.UK frontend's built CSS, JS and images, where its CSS expects them
# (/assets/images/...). Gitignored; nothing third-party is committed.
var/frontend/.built: node_modules/.installed
	rm -rf var/frontend && mkdir -p var/frontend/css var/frontend/js var/frontend/images
	cp $(FRONTEND)/nhsuk-frontend.min.css $(FRONTEND)/nhsuk-frontend.min.css.map var/frontend/css/
	cp $(FRONTEND)/nhsuk-frontend.min.js $(FRONTEND)/nhsuk-frontend.min.js.map var/frontend/js/
	cp $(FRONTEND)/assets/images/* var/frontend/images/
	@touch $@

install: $(VENV)/.installed postgres
install-dev: $(VENV)/.dev-installed postgres browser
frontend: var/frontend/.built

# PostgreSQL server binaries for the embedded cluster (skipped with DATABASE_URL).
postgres:
	@if [ -z "$${DATABASE_URL:-}" ] && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && ! command -v pg_ctl >/dev/null; then \
		echo "Installing PostgreSQL server binaries"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	fi

# Debian's Chromium for the browser tests (Playwright cannot download one here).
browser:
	@if ! [ -x /usr/bin/chromium ]; then \
		echo "Installing Chromium for the browser tests"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

db-start: install
	$(PY) -m tracker.embedded_postgres start

db-stop:
	@test -x $(PY) && $(PY) -m tracker.embedded_postgres stop || true

# --- the two commands -----------------------------------------------------

var/secret_key:
	@mkdir -p var && umask 077 && $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@

# tracker/serve.py: the embedded PostgreSQL, migrations, demo data, gunicorn and a
# worker; Ctrl-C stops them all (and PostgreSQL, if this run started it).
run: install frontend var/secret_key
	@SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" HTTPS="$${HTTPS:-false}" $(PY) -m tracker.serve

test: install-dev frontend
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	SECRET_KEY=$${SECRET_KEY:-only-for-the-migrations-check} $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n $(TEST_WORKERS) --dist worksteal

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean: db-stop
	rm -rf var/frontend var/staticfiles node_modules $(VENV)

# Times the bulk import of 15,500 CQC-style rows against the development database.
bench-import: install var/secret_key
	@SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" $(PY) manage.py migrate --noinput -v 0
	@SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" $(PY) manage.py load_places
	@SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" $(PY) bench/import_bench.py

# Every user journey at national scale over real HTTP; writes bench/results/ and the README's table.
bench: install frontend var/secret_key
	@SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" $(PY) manage.py migrate --noinput -v 0
	@SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" $(PY) manage.py load_places
	@SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" $(PY) bench/run.py

# The same journeys for 1.5 s each on the region dataset (a database of its own): whether each target
# holds, for use while working (about 3 minutes once its dataset is built; nothing written).
bench-quick: install frontend var/secret_key
	@SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" $(PY) bench/run.py --quick

# The long reliability drills: 50 users for a minute, and a database outage under load.
drills: install frontend var/secret_key
	@SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" $(PY) manage.py migrate --noinput -v 0
	@SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" $(PY) manage.py load_places
	@SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" $(PY) bench/drills.py all

# Two app servers behind HAProxy, a streaming replica, and their faults under load (bench/scale_drill.py).
scale-drill: install frontend var/secret_key
	@SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" $(PY) manage.py migrate --noinput -v 0
	@SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" $(PY) manage.py load_places
	@SECRET_KEY="$${SECRET_KEY:-$$(cat var/secret_key)}" $(PY) bench/scale_drill.py
