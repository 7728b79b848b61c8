# motcua — the two commands of README.md are `make demo` and `make test`.
# Everything they need is installed from this repository's own files.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PYTEST := $(VENV)/bin/pytest
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# PostgreSQL used by `make test` for its second pass (a throw-away database is created).
PG_ADMIN_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/motcua_ci_$(shell date +%s)_$$$$
PYTEST_ARGS ?=
XDIST ?= -n 2

# Debian packages: gettext (compile translations), chromium (browser tests),
# fonts with Vietnamese glyphs (pages and PDFs), HarfBuzz subsetting (WeasyPrint PDFs: ~8x faster),
# libmagic (the real type of uploaded files, python-magic).
APT_DEMO := gettext fonts-dejavu-core libharfbuzz-subset0 libmagic1
APT_TEST := $(APT_DEMO) chromium

.PHONY: help demo setup test test-sqlite test-postgres bench lint messages makemessages assets apt-demo apt-test clean

help:
	@echo "make demo   set up and run the demo on http://127.0.0.1:8000 (SQLite, DB task worker)"
	@echo "make test   set up and run the whole test suite on SQLite, then on PostgreSQL if reachable"
	@echo "make bench  run the benchmarks (bench/) and write bench/reports/*.json"

# --- installation ----------------------------------------------------------------------------
apt-demo:
	@scripts/apt-ensure.sh $(APT_DEMO)

apt-test:
	@scripts/apt-ensure.sh $(APT_TEST)

$(VENV)/.installed: pyproject.toml constraints.txt
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e ".[dev]"
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

assets: node_modules/.installed
	node scripts/build-assets.mjs

messages: $(VENV)/.installed
	$(PY) manage.py compilemessages -v0 -i .venv -i node_modules

# Re-extract every translatable string into the vi/en/fr catalogues (then translate them).
makemessages: $(VENV)/.installed
	cd src/motcua && ../../$(PY) ../../manage.py makemessages -l vi -l en -l fr --no-location --no-obsolete -v0

setup: apt-demo $(VENV)/.installed assets messages
	$(PY) manage.py collectstatic --noinput -v0

# --- the two commands ---------------------------------------------------------------------------
demo: setup
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py idp_setup
	$(PY) manage.py documents_setup
	$(PY) manage.py load_demo --quiet
	@scripts/run-demo.sh

test: apt-test $(VENV)/.installed assets messages
	$(PY) manage.py makemigrations --check --dry-run -v0 || (echo "Missing migrations: run manage.py makemigrations" && exit 1)
	$(VENV)/bin/lint-imports --no-cache
	$(MAKE) --no-print-directory test-sqlite
	@if $(PY) scripts/pg_reachable.py "$(PG_ADMIN_URL)"; then \
		$(MAKE) --no-print-directory test-postgres; \
	else \
		echo "PostgreSQL is not reachable at $(PG_ADMIN_URL): the PostgreSQL pass is skipped."; \
	fi

test-sqlite:
	@echo "=== Test suite on SQLite ==="
	DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 $(PYTEST) $(XDIST) $(PYTEST_ARGS)

test-postgres:
	@echo "=== Test suite on PostgreSQL ==="
	DATABASE_URL=$(PG_TEST_URL) $(PYTEST) $(XDIST) $(PYTEST_ARGS)

bench: setup
	$(PY) -m bench $(BENCH)

lint: $(VENV)/.installed
	$(VENV)/bin/lint-imports

clean:
	rm -rf var/static var/test.sqlite3 src/motcua/static/vendor .pytest_cache
