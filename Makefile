# wenzheng — the two set-up commands are `make run` and `make test`.
SHELL := /bin/sh
VENV  := .venv
PY    := $(VENV)/bin/python
HOST  ?= 127.0.0.1
PORT  ?= 8000
PYTEST_ARGS ?= -n auto

.PHONY: run test venv migrate demo serve lint typecheck check messages clean deploy-check deploy-smoke bench

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

## make bench: the production benchmarks and fault tests on PostgreSQL (about 30 minutes at 10^6 cases;
## writes bench/results/<date>.json and .md; restarts the local PostgreSQL once, see bench/README.md)
bench: venv
	$(PY) bench/run_all.py $(BENCH_ARGS)

check: lint typecheck
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py check

messages: venv
	cd wenzheng && ../$(PY) ../manage.py makemessages -l zh_Hans --no-obsolete && ../$(PY) ../manage.py compilemessages

## make deploy-check: the production settings (check --deploy) and deploy/ files (nginx -t,
## systemd-analyze verify, compose config, gunicorn); tools that are missing skip with the reason
deploy-check: venv
	$(PY) -m pytest -p no:xdist wenzheng/core/tests/test_deploy_settings.py wenzheng/core/tests/test_deploy_files.py

## make deploy-smoke: run the whole production layout on this machine (PostgreSQL, Redis, nginx needed)
deploy-smoke: venv
	deploy/smoke.sh

clean:
	rm -rf $(VENV) var/test-*.sqlite3
