# `make run` and `make test` are the two commands of the README's Quick start.
# The Python that builds .venv: PYTHON=/path/to/python3.11, or found by scripts/find_python.sh.
PYTHON ?=
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export DJANGO_DEBUG ?= 1

.PHONY: run test bench install browser-tools clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(BIN)/python || { \
		python=$$(PYTHON="$(PYTHON)" $(SHELL) scripts/find_python.sh) && \
		echo "$$python -m venv $(VENV)" && "$$python" -m venv $(VENV); }
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

# The web server and the mail worker together; Ctrl-C stops both. The worker waits out a
# database outage and is started again if it stops (scripts/run_worker.sh).
# seed_demo ends with the address and the demo logins. The mail its steps queued (and any
# left queued when the server last stopped) is then delivered to no one, silently: it stays
# readable in the admin's outbox, and the logins stay the last lines before the server's.
# Mail sent while you use the site goes to the console as usual.
DEMO_MAIL_BACKEND := django.core.mail.backends.dummy.EmailBackend
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@EMAIL_BACKEND=$(DEMO_MAIL_BACKEND) $(BIN)/python manage.py outbox_worker --batch --no-reload --no-startup-delay --verbosity 0
	@sh scripts/run_worker.sh $(BIN)/python & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: $(STAMP)
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(BIN)/python -m pytest $(PYTEST_ARGS)

# BENCH_ARGS="--articles 10000"; DATABASE_URL=postgres://... for PostgreSQL.
bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)
	$(BIN)/python bench/largest_article.py
	$(BIN)/python bench/reports.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
