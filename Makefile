# Palier: `make run` serves the app with demo data, `make test` runs the whole test suite.
# Both set up what they need (Debian packages when run as root, the virtualenv) and can be rerun.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# WeasyPrint (the reports' PDF) needs Pango, HarfBuzz's subsetter for its fonts, and a font.
RUN_PACKAGES := libsqlite3-mod-spatialite libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
	fonts-dejavu-core
# redis-server holds rate limits shared by processes in a test; Java runs OpenAPI Generator (its
# jar comes in a PyPI wheel); Node.js 20 (on the machine) runs the
# npm linters of the API document; nginx, openssl and systemd (systemd-analyze, libseccomp) check
# the deployment files of deploy/ (tests/test_deploy.py); poppler-utils (pdftoppm) renders the
# reports' PDF pages to look at them (tests/test_report_documents.py); Chromium runs the browser
# tests of the console (tests/browser/, driven by Playwright, which downloads no browser).
TEST_PACKAGES := $(RUN_PACKAGES) postgresql-15 postgresql-15-postgis-3 postgresql-contrib redis-server \
	openjdk-17-jre-headless nginx openssl systemd libseccomp2 poppler-utils chromium
CATALOGS := $(patsubst %.po,%.mo,$(wildcard app/translations/*/LC_MESSAGES/messages.po))
export FLASK_APP := wsgi

.PHONY: run test lint format messages system-run system-test bench-feed bench-push bench-reports bench-geo openapi-snapshot

# The development settings (published SECRET_KEY, cheap hashing) are for this machine only:
# the server listens on 127.0.0.1. wsgi.py refuses to start without PALIER_CONFIG.
run: export PALIER_CONFIG = development
run: system-run $(VENV)/.dev node_modules/.installed $(CATALOGS)
	$(BIN)/flask db upgrade
	$(BIN)/flask palier demo
	@echo "Palier on http://127.0.0.1:5000 (API docs: http://127.0.0.1:5000/api/docs)"
	@# The scheduler (background jobs, the log sender for notifications) runs beside the server.
	$(BIN)/flask palier scheduler & scheduler=$$!; trap "kill $$scheduler" EXIT INT TERM; \
		$(BIN)/flask run --host 127.0.0.1 --port 5000

test: system-test $(VENV)/.dev node_modules/.installed $(CATALOGS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	scripts/test-postgres.sh $(BIN)/pytest $(PYTEST_ARGS)

# Feed throughput against a bare SQL endpoint (issue figures; not part of `make test`).
bench-feed: system-test $(VENV)/.dev $(CATALOGS)
	scripts/test-postgres.sh $(BIN)/python -m bench.feed

# One alert to 10,000 phones through the fake FCM server, against bare HTTP posts.
bench-push: system-test $(VENV)/.dev $(CATALOGS)
	scripts/test-postgres.sh $(BIN)/python -m bench.push

# One month's reports for a landlord of 50 residences at 100,000 and 1,000,000 activity rows.
bench-reports: system-test $(VENV)/.dev $(CATALOGS)
	scripts/test-postgres.sh $(BIN)/python -m bench.reports

# Nearby residences, listings near me (French full-text search) and an area's residences, on a
# map of 1,000 then 100,000 residences.
bench-geo: system-test $(VENV)/.dev $(CATALOGS)
	scripts/test-postgres.sh $(BIN)/python -m bench.geo

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

system-run:
	@scripts/system-packages.sh $(RUN_PACKAGES)

system-test:
	@scripts/system-packages.sh $(TEST_PACKAGES)

$(VENV)/.dev: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

# The pages' front-end libraries (served by the app: app/assets.py), the OpenAPI linters, the
# TypeScript compiler and axe-core (the browser tests), pinned in package-lock.json.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Node.js 20 and npm are needed: https://nodejs.org" >&2; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# After a deliberate change of the API contract: refresh the snapshot that review compares.
openapi-snapshot: $(VENV)/.dev $(CATALOGS)
	$(BIN)/python -m tests.contract.snapshot --write

%.mo: %.po $(VENV)/.dev
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@

# Refresh the message template after adding texts: msgids are found by these keywords.
messages: $(VENV)/.dev
	$(BIN)/pybabel extract -F babel.cfg $(shell $(BIN)/python -c "from app.i18n import MESSAGE_KEYWORDS; print(' '.join('-k ' + k for k in MESSAGE_KEYWORDS))") \
		--no-location -o app/translations/messages.pot app services notifications
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching
