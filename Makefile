# Two commands matter: `make run` (serve the app) and `make test` (run every test).
# Both set up everything they need on a fresh Debian machine with Python 3.11.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8050
export HOST PORT WORKERS
# axe-core (accessibility checks), from the npm registry, injected into pages by the browser tests.
AXE := tests/a11y/node_modules/axe-core/axe.min.js
# Lighthouse 12 (SEO audit in the benchmark), exact version locked in bench/lighthouse/package-lock.json.
LIGHTHOUSE := bench/lighthouse/node_modules/.bin/lighthouse
# plotly.js with only the trace types the app draws, served in place of the full one (js/plotly/README.md).
PLOTLY_JS := $(or $(CARTE_BUILD_DIR),build)/js/plotly-carte.min.js

.PHONY: run serve test bench lighthouse build catalogs chromium postgresql clean

run: build
	$(BIN)/python app.py

# Production: gunicorn (serve.py), WORKERS processes (default 2 × cores + 1); bad data stops it before it listens.
serve: build
	$(BIN)/python serve.py

# Benchmark of this app against the naive Dash pattern (figures in BENCHMARKS.md).
bench: build $(VENV)/.test-installed chromium $(LIGHTHOUSE)
	$(BIN)/python -m bench.run
	$(BIN)/python -m bench.lighthouse_seo
	$(BIN)/python -m bench.offline_sizes
	$(BIN)/python -m bench.lighthouse_perf
	$(BIN)/python -m bench.phone_tap
	$(BIN)/python -m bench.publish_reload

# Lighthouse SEO score of the map, the embed, a region page and the methodology (target ≥ 95 on /);
# Lighthouse performance of / on `make serve`, mobile and desktop, median of 3 (targets ≥ 90 and ≥ 98).
lighthouse: build chromium $(LIGHTHOUSE)
	$(BIN)/python -m bench.lighthouse_seo
	$(BIN)/python -m bench.lighthouse_perf

$(LIGHTHOUSE): bench/lighthouse/package.json bench/lighthouse/package-lock.json
	@command -v npm >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq nodejs npm; }
	npm ci --prefix bench/lighthouse --no-audit --no-fund
	touch $@

test: build $(VENV)/.test-installed chromium postgresql $(AXE)
	$(BIN)/python -m pytest

build: $(VENV)/.installed $(PLOTLY_JS)
	$(BIN)/python -m geo.build
	$(BIN)/pybabel compile --domain messages --directory texts/locale --statistics

# After adding a message to the French catalog: the template, then every other language updated
# (the new message appears there untranslated; tests/test_catalogs.py fails until it is translated).
catalogs: $(VENV)/.installed
	$(BIN)/python -m texts.template
	$(BIN)/pybabel update --domain messages --input-file texts/messages.pot --output-dir texts/locale \
	  --locale en --no-fuzzy-matching --ignore-obsolete

# 0.9 MB gzip instead of 1.5 MB on a first visit. Without npm the app serves plotly's full file:
# heavier, not broken. The old bundle goes first, so one older than entry.js is never left to serve.
$(PLOTLY_JS): js/plotly/package-lock.json js/plotly/entry.js js/plotly/build.js
	@rm -f $@
	@command -v npm >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq nodejs npm; } || true
	@if command -v npm >/dev/null 2>&1 && npm ci --prefix js/plotly --no-audit --no-fund; then \
	  node js/plotly/build.js $@; \
	else echo "npm absent ou « npm ci » en échec : plotly.js partiel non construit, la page chargera plotly.js complet (1,5 Mo gzip)."; fi

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
	  echo "python3 -m venv a échoué : installation de python3-venv (Debian)…"; \
	  $(SUDO_OR_ROOT) apt-get install -y python3-venv && $(PYTHON) -m venv $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

$(AXE): tests/a11y/package.json tests/a11y/package-lock.json
	@command -v npm >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq nodejs npm; }
	npm ci --prefix tests/a11y --no-audit --no-fund
	touch $@

# Browser tests drive Debian's chromium (never a browser downloaded by a test tool).
chromium:
	@if command -v chromium >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo apt-get install -y -qq chromium; \
	else echo "chromium absent et non installable sans droits root : les tests navigateur seront ignorés."; fi

# The publishing tests also run on PostgreSQL, which they start themselves (pytest-postgresql) with
# Debian's binaries: installed here when missing, as chromium is.
postgresql:
	@if [ -x /usr/lib/postgresql/15/bin/pg_ctl ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo apt-get update -qq && sudo apt-get install -y -qq postgresql; \
	else echo "postgresql absent et non installable sans droits root : les tests de publication sur PostgreSQL seront ignorés."; fi

SUDO_OR_ROOT := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

clean:
	rm -rf build .pytest_cache
