# wenzheng — the two set-up commands are `make run` and `make test`.
SHELL := /bin/sh
VENV  := .venv
PY    := $(VENV)/bin/python
HOST  ?= 127.0.0.1
PORT  ?= 8000
PYTEST_ARGS ?= -n auto

.PHONY: run test venv migrate demo serve lint typecheck check messages clean

$(VENV)/.installed: pyproject.toml
	@test -x $(PY) || "$$(scripts/find-python)" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

venv: $(VENV)/.installed

migrate: venv
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo load

serve: venv
	$(PY) manage.py runserver $(HOST):$(PORT)

## make run: install, migrate the embedded SQLite database, load the demo, serve on http://127.0.0.1:8000
## (with the background-job consumer, stopped with the server)
run: demo
	@$(PY) manage.py demo logins
	@$(PY) manage.py run_huey --quiet & jobs=$$!; trap 'kill $$jobs 2>/dev/null' EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

## make test: install and run the whole suite (SQLite unless DATABASE_URL is set)
test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: venv
	$(VENV)/bin/mypy wenzheng

check: lint typecheck
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

messages: venv
	cd wenzheng && ../$(PY) ../manage.py makemessages -l zh_Hans --no-obsolete && ../$(PY) ../manage.py compilemessages

clean:
	rm -rf $(VENV) var/test-*.sqlite3
