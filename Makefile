# Decide: the front door. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install lock upgrade messages-compiled run serve test test-e2e lint typecheck bench bench-smoke messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Install exactly the hashed lock (requirements-dev.lock: runtime + dev tools), then Decide itself
# without dependencies; reinstall only when the lock or pyproject.toml changes. A lock that no longer
# matches pyproject.toml stops here with what to run (deploy/lock.py compares contents, not file times).
$(STAMP): pyproject.toml requirements-dev.lock | $(BIN)/python
	$(BIN)/python deploy/lock.py check
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Recompile the locks after editing pyproject.toml (other pins kept); `upgrade` refreshes every pin.
# uv is one of the locked dev tools, so the venv is created from the lock first when it exists.
lock: | $(BIN)/python
	@test -x $(BIN)/uv || $(BIN)/pip install --quiet "uv>=0.5,<1"
	$(BIN)/python deploy/lock.py compile

upgrade: | $(BIN)/python
	@test -x $(BIN)/uv || $(BIN)/pip install --quiet "uv>=0.5,<1"
	$(BIN)/python deploy/lock.py compile --upgrade
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# Compiled with polib, so a machine without GNU gettext can still build the translations.
messages-compiled: $(STAMP)
	$(BIN)/python manage.py compile_translations

# Emails go to files, one per batch, in EMAIL_FILE_PATH (default sent-mail/, git-ignored): the demo data
# queues hundreds of notifications, which the console backend printed whole over the logins.
# EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend make run prints them again.
MAIL_FILES := django.core.mail.backends.filebased.EmailBackend
run: export EMAIL_BACKEND ?= $(MAIL_FILES)
run: $(STAMP) messages-compiled
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	$(BIN)/python manage.py seed_demo
	@echo ""
	@echo "Decide is running on http://127.0.0.1:$(PORT)/  (Ctrl+C stops it)"
	@$(BIN)/python manage.py demo_logins
	@if [ "$$EMAIL_BACKEND" = "$(MAIL_FILES)" ]; then echo "Emails (sign-up confirmations, notifications) are written to files in $${EMAIL_FILE_PATH:-$(CURDIR)/sent-mail}/ (newest last), not printed here."; fi
	@# close_polls keeps polls in step with the calendar (cron does it in production); the worker sends
	@# notifications and runs census imports (the background queue); both stop with the server.
	@$(BIN)/python manage.py close_polls --every 60 & closer=$$!; \
	$(BIN)/python manage.py worker --verbosity 0 & worker=$$!; \
	trap 'kill $$closer $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT) --noreload

# The production shape on this machine (docs/operations.md): nginx on SERVE_HOST:SERVE_PORT (default
# 127.0.0.1:8080) → gunicorn + uvicorn, the task worker and the clock, under supervisord. Needs
# DATABASE_URL, REDIS_URL, SECRET_KEY, CENSUS_PEPPER (production refuses to start without them).
serve: export DJANGO_SETTINGS_MODULE ?= decide.settings.production
serve: $(STAMP) messages-compiled
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py collectstatic --no-input --verbosity 0
	exec $(BIN)/python manage.py serve

test: $(STAMP) messages-compiled
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-e2e: $(STAMP) messages-compiled
	$(BIN)/python -m pytest tests/e2e -m e2e $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy .

messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l es -l en -l fr --ignore=.venv --ignore=bench --ignore=tests --ignore=staticfiles --ignore=node_modules --no-obsolete
	$(BIN)/python manage.py compile_translations

bench: $(STAMP)
	$(BIN)/python -m bench.run --full

bench-smoke: $(STAMP)
	$(BIN)/python -m bench.run --smoke

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
